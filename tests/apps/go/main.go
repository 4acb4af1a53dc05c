// A Go program (Debian's Go, CGO_ENABLED=0: static, its own runtime and
// its own ways into the kernel, no libc) for the differential tests:
// tests/apps/meson.build runs each mode (argv[1]) on the host and under
// Wicket and compares the output. Go's runtime uses threads (clone),
// futexes, sigaltstack, a signal per preemption (SIGURG by tgkill), epoll
// for its network poller, and madvise to give memory back. Every line
// printed is the same on any machine: no addresses, times or CPU counts.
package main

import (
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/signal"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"
)

func goroutines() {
	var wg sync.WaitGroup
	var mu sync.Mutex
	sum := 0
	for i := 0; i < 1000; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			mu.Lock()
			sum += i
			mu.Unlock()
		}(i)
	}
	wg.Wait()
	fmt.Println("1000 goroutines, sum", sum)

	// A pipeline of unbuffered channels.
	const stages = 16
	first := make(chan int)
	in := first
	for s := 0; s < stages; s++ {
		out := make(chan int)
		go func(in <-chan int, out chan<- int) {
			for v := range in {
				out <- v + 1
			}
			close(out)
		}(in, out)
		in = out
	}
	go func() {
		for i := 0; i < 100; i++ {
			first <- i
		}
		close(first)
	}()
	total := 0
	for v := range in {
		total += v
	}
	fmt.Println("pipeline of", stages, "stages, total", total)

	// A condition variable and a read-write lock.
	var rw sync.RWMutex
	cond := sync.NewCond(&mu)
	ready := 0
	for i := 0; i < 8; i++ {
		go func() {
			rw.RLock()
			defer rw.RUnlock()
			mu.Lock()
			ready++
			cond.Broadcast()
			mu.Unlock()
		}()
	}
	mu.Lock()
	for ready < 8 {
		cond.Wait()
	}
	mu.Unlock()
	rw.Lock()
	rw.Unlock()
	fmt.Println("condition variable: ready", ready)

	var once sync.Once
	var calls int32
	var wg2 sync.WaitGroup
	for i := 0; i < 10; i++ {
		wg2.Add(1)
		go func() {
			defer wg2.Done()
			once.Do(func() { atomic.AddInt32(&calls, 1) })
		}()
	}
	wg2.Wait()
	fmt.Println("once: called", calls)
}

func timers() {
	start := time.Now()
	time.Sleep(20 * time.Millisecond)
	fmt.Println("slept at least 20 ms:", time.Since(start) >= 20*time.Millisecond)

	// Far apart: under TCG a stall of tens of milliseconds of the host's
	// time can come between two of these lines.
	fired := make(chan string, 3)
	time.AfterFunc(400*time.Millisecond, func() { fired <- "late" })
	time.AfterFunc(200*time.Millisecond, func() { fired <- "early" })
	stopped := time.AfterFunc(300*time.Millisecond, func() { fired <- "stopped" })
	fmt.Println("stopped a timer:", stopped.Stop())
	fmt.Println("timers fired in order:", <-fired, <-fired)

	ticker := time.NewTicker(5 * time.Millisecond)
	ticks := 0
	for range ticker.C {
		if ticks++; ticks == 5 {
			break
		}
	}
	ticker.Stop()
	fmt.Println("ticks", ticks)

	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Millisecond)
	defer cancel()
	select {
	case <-ctx.Done():
		fmt.Println("context:", ctx.Err())
	case <-time.After(5 * time.Second):
		fmt.Println("context: no deadline")
	}

	timer := time.NewTimer(time.Hour)
	timer.Reset(time.Millisecond)
	<-timer.C
	fmt.Println("reset timer fired")

	var ts syscall.Timespec
	_ = syscall.Nanosleep(&syscall.Timespec{Nsec: 1000000}, &ts)
	fmt.Println("monotonic clock moves:", time.Since(start) > 0)
}

func signals() {
	c := make(chan os.Signal, 4)
	signal.Notify(c, syscall.SIGUSR1, syscall.SIGUSR2, syscall.SIGHUP)
	syscall.Kill(os.Getpid(), syscall.SIGUSR1)
	fmt.Println("got", <-c)
	syscall.Kill(os.Getpid(), syscall.SIGUSR2)
	fmt.Println("got", <-c)
	syscall.Tgkill(os.Getpid(), syscall.Gettid(), syscall.SIGHUP)
	fmt.Println("got", <-c)
	signal.Ignore(syscall.SIGUSR1)
	syscall.Kill(os.Getpid(), syscall.SIGUSR1)
	select {
	case s := <-c:
		fmt.Println("ignored signal arrived:", s)
	case <-time.After(50 * time.Millisecond):
		fmt.Println("ignored signal stayed away")
	}
	signal.Reset()

	// A write to a pipe without a reader: EPIPE (Go ignores SIGPIPE on
	// descriptors other than 1 and 2).
	r, w, err := os.Pipe()
	if err != nil {
		fmt.Println("pipe:", err)
		return
	}
	r.Close()
	_, err = w.Write([]byte("x"))
	fmt.Println("write to a closed pipe:", errors.Is(err, syscall.EPIPE))
	w.Close()

	// A nil dereference becomes a panic through SIGSEGV.
	func() {
		defer func() { fmt.Println("recovered:", recover()) }()
		var p *int
		fmt.Println(*p)
	}()
}

func spin(stop *int32) int {
	x := 0
	for atomic.LoadInt32(stop) == 0 {
		x++
	}
	return x
}

// With one P, the spinning goroutine has no call to stop at: only the
// runtime's asynchronous preemption (SIGURG to its thread) lets main run.
func preempt() {
	runtime.GOMAXPROCS(1)
	var stop int32
	done := make(chan int)
	for i := 0; i < 3; i++ {
		go func() { done <- spin(&stop) }()
	}
	time.Sleep(30 * time.Millisecond)
	atomic.StoreInt32(&stop, 1)
	for i := 0; i < 3; i++ {
		<-done
	}
	fmt.Println("three spinning goroutines preempted and stopped")
	// Floating point across preemptions.
	var wg sync.WaitGroup
	results := make([]float64, 4)
	for g := 0; g < 4; g++ {
		wg.Add(1)
		go func(g int) {
			defer wg.Done()
			x := float64(g + 1)
			for i := 0; i < 2000000; i++ {
				x = x*1.0000001 + 0.5/float64(i+1)
			}
			results[g] = x
		}(g)
	}
	wg.Wait()
	fmt.Printf("float results %.6f %.6f %.6f %.6f\n",
		results[0], results[1], results[2], results[3])
}

func memory() {
	var wg sync.WaitGroup
	var total int64
	sums := make([]byte, 20)
	for g := 0; g < 20; g++ {
		wg.Add(1)
		go func(g int) {
			defer wg.Done()
			var keep [][]byte
			var s byte
			for i := 0; i < 3000; i++ {
				b := make([]byte, 512+(i*37)%8192)
				b[len(b)-1] = byte(i + g)
				if i%50 == 0 {
					keep = append(keep, b)
				}
				s += b[len(b)-1]
				atomic.AddInt64(&total, int64(len(b)))
			}
			for _, b := range keep {
				s ^= b[len(b)-1]
			}
			sums[g] = s
		}(g)
	}
	wg.Wait()
	runtime.GC()
	var stats runtime.MemStats
	runtime.ReadMemStats(&stats)
	fmt.Println("allocated", total, "bytes; collections:", stats.NumGC > 0)
	fmt.Printf("checksums %x\n", sha256.Sum256(sums))
	debug.FreeOSMemory()

	finalized := make(chan bool, 1)
	func() {
		x := new([64]byte)
		runtime.SetFinalizer(x, func(*[64]byte) { finalized <- true })
	}()
	deadline := time.Now().Add(5 * time.Second)
	ran := false
	for !ran && time.Now().Before(deadline) {
		runtime.GC()
		select {
		case ran = <-finalized:
		case <-time.After(time.Millisecond):
		}
	}
	fmt.Println("finalizer ran:", ran)

	m := map[string]int{}
	for i := 0; i < 100000; i++ {
		m[fmt.Sprint(i%1000)] += i
	}
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	fmt.Println("map keys", len(keys), keys[0], m[keys[0]], keys[len(keys)-1])

	data, err := syscall.Mmap(-1, 0, 1<<20, syscall.PROT_READ|syscall.PROT_WRITE,
		syscall.MAP_ANON|syscall.MAP_PRIVATE)
	if err != nil {
		fmt.Println("mmap:", err)
		return
	}
	data[1<<20-1] = 7
	last := data[1<<20-1]
	fmt.Println("mmap'd the last byte:", last, "munmap:", syscall.Munmap(data))
}

func files() {
	dir, err := os.MkdirTemp("", "wicket-go-")
	if err != nil {
		fmt.Println("mkdirtemp:", err)
		return
	}
	defer os.RemoveAll(dir)
	for i, name := range []string{"b.txt", "a.txt", "sub/c.txt", "sub/deeper/d.txt"} {
		path := filepath.Join(dir, name)
		os.MkdirAll(filepath.Dir(path), 0o755)
		if err := os.WriteFile(path, []byte(strings.Repeat(name, i+1)), 0o640); err != nil {
			fmt.Println("write:", err)
		}
	}
	filepath.Walk(dir, func(path string, info os.FileInfo, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, path)
		fmt.Printf("walk %s dir=%v size=%d mode=%v\n", rel, info.IsDir(),
			map[bool]int64{true: 0, false: info.Size()}[info.IsDir()],
			info.Mode().Perm())
		return nil
	})
	os.Rename(filepath.Join(dir, "a.txt"), filepath.Join(dir, "sub", "a.txt"))
	entries, _ := os.ReadDir(filepath.Join(dir, "sub"))
	for _, e := range entries {
		fmt.Println("sub has", e.Name(), e.IsDir())
	}
	os.Symlink("sub/a.txt", filepath.Join(dir, "link"))
	target, _ := os.Readlink(filepath.Join(dir, "link"))
	content, _ := os.ReadFile(filepath.Join(dir, "link"))
	fmt.Println("link to", target, "reads", string(content))
	_, err = os.Stat(filepath.Join(dir, "a.txt"))
	fmt.Println("old name gone:", errors.Is(err, os.ErrNotExist))

	f, _ := os.OpenFile(filepath.Join(dir, "b.txt"), os.O_RDWR|os.O_APPEND, 0)
	f.WriteString("+appended")
	f.Seek(0, io.SeekStart)
	all, _ := io.ReadAll(f)
	fmt.Println("appended:", string(all))
	fmt.Println("flock:", syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB))
	f.Truncate(3)
	info, _ := f.Stat()
	fmt.Println("truncated to", info.Size())
	f.Close()
	_, err = os.Open(filepath.Join(dir, "none"))
	fmt.Println("open a missing file:", err != nil, errors.Is(err, os.ErrNotExist))
}

func network() {
	// TCP echo on the loopback.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		fmt.Println("listen:", err)
		return
	}
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go func(c net.Conn) {
				io.Copy(c, c)
				c.Close()
			}(c)
		}
	}()
	var wg sync.WaitGroup
	echoed := make([]string, 5)
	for i := 0; i < 5; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			c, err := net.Dial("tcp", ln.Addr().String())
			if err != nil {
				echoed[i] = err.Error()
				return
			}
			msg := strings.Repeat(fmt.Sprint(i), 100000)
			go func() {
				c.Write([]byte(msg))
				c.(*net.TCPConn).CloseWrite()
			}()
			back, _ := io.ReadAll(c)
			c.Close()
			echoed[i] = fmt.Sprintf("%d bytes back, same: %v", len(back), string(back) == msg)
		}(i)
	}
	wg.Wait()
	for i, e := range echoed {
		fmt.Println("tcp client", i, e)
	}
	ln.Close()

	// HTTP server and client.
	hl, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		fmt.Println("listen:", err)
		return
	}
	server := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintf(w, "%s %s", r.Method, r.URL.Path)
	})}
	go server.Serve(hl)
	for _, path := range []string{"/one", "/two/three"} {
		resp, err := http.Get("http://" + hl.Addr().String() + path)
		if err != nil {
			fmt.Println("get:", err)
			continue
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		fmt.Println("http", resp.StatusCode, string(body))
	}
	server.Close()

	// UDP on the loopback.
	pc, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		fmt.Println("udp:", err)
		return
	}
	uc, _ := net.Dial("udp", pc.LocalAddr().String())
	uc.Write([]byte("datagram"))
	buf := make([]byte, 64)
	pc.SetReadDeadline(time.Now().Add(5 * time.Second))
	n, _, err := pc.ReadFrom(buf)
	fmt.Println("udp got", string(buf[:n]), err)
	pc.SetReadDeadline(time.Now().Add(20 * time.Millisecond))
	_, _, err = pc.ReadFrom(buf)
	fmt.Println("udp read past its deadline:", errors.Is(err, os.ErrDeadlineExceeded))
	uc.Close()
	pc.Close()

	// A Unix stream socket.
	dir, _ := os.MkdirTemp("", "wicket-go-")
	defer os.RemoveAll(dir)
	ul, err := net.Listen("unix", filepath.Join(dir, "sock"))
	if err != nil {
		fmt.Println("unix:", err)
		return
	}
	go func() {
		c, err := ul.Accept()
		if err == nil {
			c.Write([]byte("over a unix socket"))
			c.Close()
		}
	}()
	c, err := net.Dial("unix", filepath.Join(dir, "sock"))
	if err == nil {
		got, _ := io.ReadAll(c)
		c.Close()
		fmt.Println("unix:", string(got))
	}
	ul.Close()
	_, err = net.Dial("tcp", "127.0.0.1:1")
	fmt.Println("refused:", errors.Is(err, syscall.ECONNREFUSED))
}

func main() {
	modes := map[string]func(){
		"goroutines": goroutines, "timers": timers, "signals": signals,
		"preempt": preempt, "memory": memory, "files": files,
		"network": network,
	}
	if len(os.Args) != 2 || modes[os.Args[1]] == nil {
		fmt.Fprintln(os.Stderr, "usage: go-app goroutines|timers|signals|preempt|memory|files|network")
		os.Exit(2)
	}
	modes[os.Args[1]]()
}
