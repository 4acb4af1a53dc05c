// A Java program for the differential tests (tests/apps/meson.build): the
// JVM (Debian's OpenJDK 17, a jlink'd java.base runtime in the tree) on
// the host and under Wicket, the same output. The JVM leans on the kernel
// as few programs do: a thread per compiler and collector, null checks
// and stack banging by SIGSEGV on guard pages, safepoints, large
// reservations it commits piece by piece, /proc/self/maps and
// /proc/cpuinfo read at start.
import java.io.*;
import java.net.*;
import java.nio.file.*;
import java.util.*;
import java.util.concurrent.*;
import java.util.concurrent.atomic.*;

public class Hello {
    static int depth(int n) {
        return n == 0 ? 0 : 1 + depth(n - 1);
    }

    public static void main(String[] args) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(4);
        AtomicLong sum = new AtomicLong();
        List<Future<?>> futures = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            final int k = i;
            futures.add(pool.submit(() -> sum.addAndGet(k)));
        }
        for (Future<?> f : futures)
            f.get();
        pool.shutdown();
        System.out.println("a pool of 4 threads, 1000 tasks: sum " + sum.get());

        Object nothing = null;
        try {
            nothing.hashCode();
        } catch (NullPointerException e) {
            System.out.println("a null dereference: NullPointerException");
        }
        try {
            depth(100000000);
        } catch (StackOverflowError e) {
            System.out.println("unbounded recursion: StackOverflowError");
        }
        System.out.println("then recursion 1000 deep: " + depth(1000));
        int[] small = new int[10];
        try {
            small[10] = 1;
        } catch (ArrayIndexOutOfBoundsException e) {
            System.out.println("an index past the end: " + e.getMessage());
        }
        try {
            System.out.println(10 / (small.length - 10));
        } catch (ArithmeticException e) {
            System.out.println("a division by zero: " + e.getMessage());
        }

        List<byte[]> kept = new ArrayList<>();
        long allocated = 0;
        for (int i = 0; i < 3000; i++) {
            byte[] b = new byte[100000];
            b[i % b.length] = (byte) i;
            allocated += b.length;
            if (i % 100 == 0)
                kept.add(b);
        }
        System.gc();
        System.out.println("allocated " + allocated + " bytes, kept " + kept.size());

        Object lock = new Object();
        int[] counter = {0};
        Thread[] threads = new Thread[8];
        for (int t = 0; t < threads.length; t++) {
            threads[t] = new Thread(() -> {
                for (int i = 0; i < 10000; i++)
                    synchronized (lock) {
                        counter[0]++;
                    }
            });
            threads[t].start();
        }
        for (Thread t : threads)
            t.join();
        System.out.println("8 threads, one monitor: " + counter[0]);

        Path dir = Files.createTempDirectory("wicket-java");
        Path file = dir.resolve("data.txt");
        Files.writeString(file, "line one\nline two\n");
        System.out.println("a file: " + Files.readAllLines(file) + ", " + Files.size(file) + " bytes");
        Files.delete(file);
        Files.delete(dir);

        try (ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            Thread echo = new Thread(() -> {
                try (Socket s = server.accept()) {
                    BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream()));
                    PrintWriter out = new PrintWriter(s.getOutputStream(), true);
                    out.println("echo: " + in.readLine());
                } catch (IOException e) {
                    System.out.println("server: " + e);
                }
            });
            echo.start();
            try (Socket client = new Socket(InetAddress.getLoopbackAddress(), server.getLocalPort())) {
                new PrintWriter(client.getOutputStream(), true).println("over TCP");
                System.out.println(new BufferedReader(new InputStreamReader(client.getInputStream())).readLine());
            }
            echo.join();
        }

        long start = System.nanoTime();
        Thread.sleep(20);
        System.out.println("slept at least 20 ms: " + (System.nanoTime() - start >= 20000000L));
        System.out.println("available processors > 0: " + (Runtime.getRuntime().availableProcessors() > 0));
    }
}
