# asyncio over the libOS: its event loop wakes through a socketpair (its
# self-pipe) and waits in epoll; coroutines, sleeps, queues, timeouts, a
# future set from a thread, and a stream pair over a socketpair.
import asyncio
import socket
import threading
import time

order = []


async def worker(name, delay, steps):
    for step in range(steps):
        await asyncio.sleep(delay)
        order.append((name, step))
    return name * steps


async def produce(queue):
    for item in range(20):
        await queue.put(item)
    await queue.put(None)


async def consume(queue):
    total = 0
    while (item := await queue.get()) is not None:
        total += item * item
    return total


async def echo_over_socketpair():
    left, right = socket.socketpair()
    reader_a, writer_a = await asyncio.open_connection(sock=left)
    reader_b, writer_b = await asyncio.open_connection(sock=right)
    writer_a.write(b"ping\n" * 3)
    await writer_a.drain()
    lines = [await reader_b.readline() for _ in range(3)]
    writer_b.write(b"x" * 100000)
    await writer_b.drain()
    writer_b.close()
    received = await reader_a.read()
    writer_a.close()
    return lines, len(received)


async def main():
    loop = asyncio.get_running_loop()
    print("loop", type(loop).__name__, type(loop._selector).__name__)
    results = await asyncio.gather(worker("a", 0.01, 3), worker("b", 0.015, 2),
                                   worker("c", 0.0, 4))
    print("gather", results, sorted(order))
    queue = asyncio.Queue(maxsize=3)
    consumed = await asyncio.gather(produce(queue), consume(queue))
    print("queue", consumed[1])
    fired = []
    loop.call_later(0.02, fired.append, "later")
    loop.call_soon(fired.append, "soon")
    await asyncio.sleep(0.05)
    print("callbacks", fired)
    future = loop.create_future()
    threading.Thread(target=lambda: (time.sleep(0.02),
                     loop.call_soon_threadsafe(future.set_result, 42))).start()
    print("from a thread", await asyncio.wait_for(future, 5))
    try:
        await asyncio.wait_for(asyncio.sleep(10), 0.05)
    except asyncio.TimeoutError:
        print("wait_for timed out")
    result = await loop.run_in_executor(None, sum, range(1000))
    print("executor", result)
    lines, size = await echo_over_socketpair()
    print("streams", lines, size)
    started = time.monotonic()
    await asyncio.sleep(0.1)
    print("slept long enough", time.monotonic() - started >= 0.1)


asyncio.run(main())
print("done")
