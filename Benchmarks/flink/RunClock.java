import java.util.concurrent.atomic.AtomicLong;

/**
 * The timed span of one job: from the first source reader created to the last sink writer closed,
 * and the items the sinks received. Local mode runs every task in this JVM, so static counters see
 * all of them. Reset before each job.
 *
 * <pre>RunClock.reset(); env.execute(); double seconds = RunClock.seconds();</pre>
 */
final class RunClock {
    private static final AtomicLong firstOpen = new AtomicLong(Long.MAX_VALUE);
    private static final AtomicLong lastClose = new AtomicLong(Long.MIN_VALUE);
    private static final AtomicLong received = new AtomicLong();

    private RunClock() {}

    static void reset() {
        firstOpen.set(Long.MAX_VALUE);
        lastClose.set(Long.MIN_VALUE);
        received.set(0);
    }

    static void sourceOpened() {
        long now = System.nanoTime();
        firstOpen.accumulateAndGet(now, Math::min);
    }

    static void sinkClosed(long items) {
        received.addAndGet(items);
        long now = System.nanoTime();
        lastClose.accumulateAndGet(now, Math::max);
    }

    static long received() {
        return received.get();
    }

    static double seconds() {
        return (lastClose.get() - firstOpen.get()) / 1e9;
    }
}
