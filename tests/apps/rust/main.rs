// A Rust program's standard library on Wicket and on the host, mode by
// mode (argv[1]); tests/apps/meson.build compares the two outputs. Written
// for Debian 12's rustc (1.63): no later language or library features.
use std::collections::BTreeMap;
use std::io::{ErrorKind, Read, Write};
use std::net::{TcpListener, TcpStream, UdpSocket};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc;
use std::sync::{Arc, Barrier, Condvar, Mutex, RwLock};
use std::thread;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

thread_local! {
    static SLOT: std::cell::Cell<usize> = std::cell::Cell::new(0);
}

fn threads() {
    let counter = Arc::new(Mutex::new(0u64));
    let handles: Vec<_> = (0..8)
        .map(|i| {
            let counter = Arc::clone(&counter);
            thread::Builder::new()
                .name(format!("worker-{}", i))
                .spawn(move || {
                    SLOT.with(|slot| slot.set(i * 10));
                    for _ in 0..1000 {
                        *counter.lock().unwrap() += 1;
                    }
                    let name = thread::current().name().unwrap().to_string();
                    (name, SLOT.with(|slot| slot.get()))
                })
                .unwrap()
        })
        .collect();
    let results: Vec<_> = handles.into_iter().map(|h| h.join().unwrap()).collect();
    println!("mutex: {} {:?}", *counter.lock().unwrap(), results[7]);
    println!("tls in main: {}", SLOT.with(|slot| slot.get()));

    // A condition variable hands a value over, 200 times.
    let pair = Arc::new((Mutex::new((0u32, false)), Condvar::new()));
    let consumer = {
        let pair = Arc::clone(&pair);
        thread::spawn(move || {
            let (lock, cvar) = &*pair;
            let mut sum = 0;
            for _ in 0..200 {
                let mut state = cvar.wait_while(lock.lock().unwrap(), |s| !s.1).unwrap();
                sum += state.0;
                state.1 = false;
                cvar.notify_one();
            }
            sum
        })
    };
    for i in 1..=200 {
        let (lock, cvar) = &*pair;
        let mut state = cvar.wait_while(lock.lock().unwrap(), |s| s.1).unwrap();
        *state = (i, true);
        cvar.notify_one();
    }
    println!("condvar: {}", consumer.join().unwrap());

    let (lock, cvar) = (Mutex::new(()), Condvar::new());
    let start = Instant::now();
    let (_guard, timeout) = cvar.wait_timeout(lock.lock().unwrap(), Duration::from_millis(30)).unwrap();
    println!("condvar timeout: {} {}", timeout.timed_out(), start.elapsed() >= Duration::from_millis(30));

    let table = Arc::new(RwLock::new(BTreeMap::new()));
    let barrier = Arc::new(Barrier::new(4));
    let writers: Vec<_> = (0..4)
        .map(|i| {
            let (table, barrier) = (Arc::clone(&table), Arc::clone(&barrier));
            thread::spawn(move || {
                barrier.wait();
                for k in 0..50 {
                    table.write().unwrap().insert(k * 4 + i, i);
                }
                table.read().unwrap().len()
            })
        })
        .collect();
    for w in writers {
        w.join().unwrap();
    }
    println!("rwlock+barrier: {}", table.read().unwrap().len());

    let (tx, rx) = mpsc::sync_channel(4);
    let producers: Vec<_> = (0..3)
        .map(|p| {
            let tx = tx.clone();
            thread::spawn(move || {
                for k in 0..100u64 {
                    tx.send(p * 1000 + k).unwrap();
                }
            })
        })
        .collect();
    drop(tx);
    let total: u64 = rx.iter().sum();
    for p in producers {
        p.join().unwrap();
    }
    println!("channel: {}", total);

    let hits = AtomicUsize::new(0);
    thread::scope(|s| {
        for _ in 0..4 {
            s.spawn(|| {
                for _ in 0..10000 {
                    hits.fetch_add(1, Ordering::Relaxed);
                }
            });
        }
    });
    println!("scoped atomics: {}", hits.load(Ordering::Relaxed));

    // A thread's panic is its join's error; the message goes to stderr.
    let result = thread::Builder::new()
        .name("doomed".into())
        .spawn(|| panic!("on purpose"))
        .unwrap()
        .join();
    let message = result.unwrap_err();
    println!("panic in thread: {:?}", message.downcast_ref::<&str>());
    let parked = thread::spawn(|| {
        thread::park_timeout(Duration::from_secs(5));
        "unparked"
    });
    thread::sleep(Duration::from_millis(20));
    parked.thread().unpark();
    println!("park: {}", parked.join().unwrap());
    println!("parallelism: {}", thread::available_parallelism().map(|n| n.get() > 0).unwrap_or(false));
}

fn files() {
    let dir = std::env::temp_dir().join(format!("rust-files-{}", std::process::id()));
    std::fs::create_dir_all(dir.join("sub")).unwrap();
    for i in 0..5 {
        let mut f = std::fs::File::create(dir.join(format!("f{}.txt", i))).unwrap();
        for k in 0..1000 {
            writeln!(f, "{} {}", i, k).unwrap();
        }
        f.sync_all().unwrap();
    }
    let mut names: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| {
            let e = e.unwrap();
            format!("{}:{}", e.file_name().to_string_lossy(), e.file_type().unwrap().is_dir())
        })
        .collect();
    names.sort();
    println!("read_dir: {}", names.join(" "));
    let text = std::fs::read_to_string(dir.join("f3.txt")).unwrap();
    println!("read: {} lines, last {:?}", text.lines().count(), text.lines().last());
    let meta = std::fs::metadata(dir.join("f3.txt")).unwrap();
    println!("metadata: {} {} {}", meta.len(), meta.is_file(), meta.permissions().readonly());
    std::fs::rename(dir.join("f0.txt"), dir.join("sub/moved.txt")).unwrap();
    println!("renamed: {}", dir.join("sub/moved.txt").exists() && !dir.join("f0.txt").exists());
    let missing = std::fs::File::open(dir.join("nope")).unwrap_err();
    println!("missing: {:?}", missing.kind());
    let mut f = std::fs::OpenOptions::new().append(true).open(dir.join("f1.txt")).unwrap();
    f.write_all(b"tail\n").unwrap();
    let mut back = String::new();
    std::fs::File::open(dir.join("f1.txt")).unwrap().read_to_string(&mut back).unwrap();
    println!("append: {}", back.ends_with("999\ntail\n"));
    std::fs::remove_dir_all(&dir).unwrap();
    println!("removed: {}", !dir.exists());
    let exe = std::env::current_exe().map(|p| p.is_absolute());
    println!("current_exe absolute: {:?}", exe.ok());
}

fn network() {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let address = listener.local_addr().unwrap();
    let server = thread::spawn(move || {
        let (mut stream, _) = listener.accept().unwrap();
        let mut buffer = vec![0u8; 65536];
        let mut total = 0;
        loop {
            let n = stream.read(&mut buffer).unwrap();
            if n == 0 {
                break;
            }
            stream.write_all(&buffer[..n]).unwrap();
            total += n;
        }
        total
    });
    let mut client = TcpStream::connect(address).unwrap();
    client.set_nodelay(true).unwrap();
    let data: Vec<u8> = (0..1 << 20).map(|i| (i % 251) as u8).collect();
    let writer = {
        let mut client = client.try_clone().unwrap();
        let data = data.clone();
        thread::spawn(move || {
            client.write_all(&data).unwrap();
            client.shutdown(std::net::Shutdown::Write).unwrap();
        })
    };
    let mut echoed = Vec::new();
    client.read_to_end(&mut echoed).unwrap();
    writer.join().unwrap();
    println!("tcp echo: {} {}", server.join().unwrap(), echoed == data);

    let refused = TcpStream::connect(address).unwrap_err();
    println!("refused: {:?}", refused.kind());

    let a = UdpSocket::bind("127.0.0.1:0").unwrap();
    let b = UdpSocket::bind("127.0.0.1:0").unwrap();
    a.send_to(b"ping", b.local_addr().unwrap()).unwrap();
    let mut buffer = [0u8; 16];
    let (n, from) = b.recv_from(&mut buffer).unwrap();
    println!("udp: {:?} {}", std::str::from_utf8(&buffer[..n]), from == a.local_addr().unwrap());
    b.set_read_timeout(Some(Duration::from_millis(50))).unwrap();
    let start = Instant::now();
    let timed_out = b.recv_from(&mut buffer).unwrap_err();
    println!("udp timeout: {:?} {}", timed_out.kind() == ErrorKind::WouldBlock, start.elapsed() >= Duration::from_millis(50));
    b.set_nonblocking(true).unwrap();
    println!("nonblocking: {:?}", b.recv_from(&mut buffer).unwrap_err().kind());
}

fn time() {
    let start = Instant::now();
    thread::sleep(Duration::from_millis(100));
    let slept = start.elapsed();
    println!("sleep: {}", slept >= Duration::from_millis(100) && slept < Duration::from_secs(2));
    let now = SystemTime::now().duration_since(UNIX_EPOCH).unwrap();
    println!("wall clock after 2020: {}", now.as_secs() > 1_577_836_800);
    let mut last = Instant::now();
    let mut monotonic = true;
    for _ in 0..100000 {
        let t = Instant::now();
        monotonic &= t >= last;
        last = t;
    }
    println!("monotonic: {}", monotonic);
}

fn memory() {
    let mut blocks: Vec<Vec<u8>> = Vec::new();
    for i in 0..64 {
        blocks.push(vec![i as u8; 1 << 20]);
    }
    let sum: u64 = blocks.iter().map(|b| b[b.len() - 1] as u64).sum();
    blocks.truncate(8);
    blocks.shrink_to_fit();
    let big = vec![7u64; 16 << 20];
    println!("memory: {} {} {}", sum, blocks.len(), big.iter().sum::<u64>());
    let boxed: Vec<Box<[u8; 100]>> = (0..100000).map(|i| Box::new([i as u8; 100])).collect();
    println!("boxes: {}", boxed.iter().map(|b| b[99] as u64).sum::<u64>());
}

fn recurse(depth: u64) -> u64 {
    let pad = [depth; 64];
    if depth == u64::MAX {
        return 0;
    }
    // A volatile read keeps the frame (and the recursion) from being
    // optimised away.
    recurse(depth + 1) + unsafe { std::ptr::read_volatile(&pad[depth as usize % 64]) }
}

fn main() {
    let mode = std::env::args().nth(1).unwrap_or_default();
    match mode.as_str() {
        "threads" => threads(),
        "files" => files(),
        "network" => network(),
        "time" => time(),
        "memory" => memory(),
        // The runtime's guard page handler names the thread and aborts.
        "overflow-thread" => {
            let child = thread::Builder::new()
                .name("deep".into())
                .stack_size(256 << 10)
                .spawn(|| recurse(0))
                .unwrap();
            println!("unreachable: {:?}", child.join().is_ok());
        }
        "overflow-main" => println!("unreachable: {}", recurse(0)),
        "exit" => {
            println!("exiting with 3");
            std::process::exit(3);
        }
        _ => {
            eprintln!("unknown mode {:?}", mode);
            std::process::exit(2);
        }
    }
}
