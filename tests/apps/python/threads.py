# Threads, locks, queues, timeouts and signals in CPython: its GIL and
# every primitive sit on futexes and the libOS's scheduler.
import concurrent.futures, queue, signal, sys, threading, time

counts = [0] * 4
lock = threading.Lock()


def add(index):
    for _ in range(3000):
        with lock:
            counts[index % 4] += 1


threads = [threading.Thread(target=add, args=(i,), name=f"adder-{i}") for i in range(8)]
for t in threads:
    t.start()
for t in threads:
    t.join()
print("counts", counts, threading.active_count())


def spin(n):
    total = 0
    for i in range(n):
        total += i * i
    return total


with concurrent.futures.ThreadPoolExecutor(max_workers=4) as pool:
    results = list(pool.map(spin, [1000, 20000, 5000, 300, 40000]))
print("pool", results)

jobs = queue.Queue(maxsize=5)
done = queue.Queue()


def consumer():
    while (item := jobs.get()) is not None:
        done.put(item * item)
        jobs.task_done()
    jobs.task_done()


workers = [threading.Thread(target=consumer) for _ in range(3)]
for w in workers:
    w.start()
for i in range(100):
    jobs.put(i)
for _ in workers:
    jobs.put(None)
jobs.join()
for w in workers:
    w.join()
print("queue", sum(done.get() for _ in range(done.qsize())))

start = time.monotonic()
try:
    queue.Queue().get(timeout=0.05)
except queue.Empty:
    print("queue timeout", time.monotonic() - start >= 0.05)
event = threading.Event()
print("event timeout", event.wait(0.03))
timer = threading.Timer(0.02, event.set)
timer.start()
print("event set by a timer", event.wait(5))
semaphore = threading.BoundedSemaphore(2)
print("semaphore", semaphore.acquire(), semaphore.acquire(),
      semaphore.acquire(timeout=0.01))
semaphore.release()
try:
    semaphore.release()
    semaphore.release()
except ValueError as error:
    print("over-release", error)

barrier = threading.Barrier(4)
order = []


def meet(i):
    index = barrier.wait()
    with lock:
        order.append(index)


meeters = [threading.Thread(target=meet, args=(i,)) for i in range(4)]
for t in meeters:
    t.start()
for t in meeters:
    t.join()
print("barrier", sorted(order))

local = threading.local()
seen = []


def remember(value):
    local.value = value
    time.sleep(0.001)
    seen.append(local.value == value)


locals_ = [threading.Thread(target=remember, args=(i,)) for i in range(5)]
for t in locals_:
    t.start()
for t in locals_:
    t.join()
print("thread-local", seen, hasattr(local, "value"))

condition = threading.Condition()
box = []


def fill():
    for i in range(20):
        with condition:
            box.append(i)
            condition.notify()
        time.sleep(0.0005)


filler = threading.Thread(target=fill)
filler.start()
taken = 0
while taken < 20:
    with condition:
        condition.wait_for(lambda: box, timeout=2)
        taken += len(box)
        box.clear()
filler.join()
print("condition", taken)

caught = []
signal.signal(signal.SIGUSR1, lambda number, frame: caught.append(("usr1", threading.current_thread().name)))
signal.signal(signal.SIGALRM, lambda number, frame: caught.append(("alarm", threading.current_thread().name)))
signal.pthread_kill(threading.main_thread().ident, signal.SIGUSR1)
signal.setitimer(signal.ITIMER_REAL, 0.01)
sleeper_done = threading.Event()
threading.Thread(target=lambda: (time.sleep(0.05), sleeper_done.set())).start()
time.sleep(0.2)
print("signals", caught, sleeper_done.wait(5))
signal.signal(signal.SIGUSR2, signal.SIG_IGN)
signal.raise_signal(signal.SIGUSR2)
print("ignored signal survived")
old = signal.pthread_sigmask(signal.SIG_BLOCK, [signal.SIGUSR1])
signal.raise_signal(signal.SIGUSR1)
print("pending", signal.SIGUSR1 in signal.sigpending(), len(caught))
signal.pthread_sigmask(signal.SIG_SETMASK, old)
print("delivered after unblock", len(caught))
start = time.monotonic()
time.sleep(0.1)
elapsed = time.monotonic() - start
print("sleep", 0.1 <= elapsed, time.perf_counter() > 0, time.process_time() >= 0)


def fail():
    raise RuntimeError("from a thread")


threading.excepthook = lambda args: print("excepthook", args.exc_type.__name__, args.exc_value)
failing = threading.Thread(target=fail)
failing.start()
failing.join()
sys.exit(5)
