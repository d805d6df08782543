import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * The Flink side of `make bench` (scripts/bench.sh): runs one workload in local mode, first a
 * warm-up job, then --repeat timed jobs in the same JVM, and prints one line per timed job and
 * the best last:
 *
 * <pre>
 * java -cp "classes:pyflink/lib/*" FlinkBench --workload keyed-count --items 10000000 --parallelism 2
 * RESULT workload=keyed-count workers=2 items=10000000 seconds=1.234 items_per_s=8100000 max_rss_kb=612345
 * </pre>
 *
 * A job's time runs from its first source reader created to its last sink writer closed (job
 * submission and teardown are outside it). max_rss_kb is the JVM's peak resident set (VmHWM).
 */
public final class FlinkBench {
    private FlinkBench() {}

    public static void main(String[] args) throws Exception {
        String workload = null;
        long items = 0;
        int parallelism = 1;
        int repeat = 3;
        long warmupItems = -1;
        for (int i = 0; i < args.length; i += 2) {
            if (i + 1 >= args.length) fail("missing value for " + args[i]);
            String value = args[i + 1];
            switch (args[i]) {
                case "--workload": workload = value; break;
                case "--items": items = Long.parseLong(value); break;
                case "--parallelism": parallelism = Integer.parseInt(value); break;
                case "--repeat": repeat = Integer.parseInt(value); break;
                case "--warmup-items": warmupItems = Long.parseLong(value); break;
                default: fail("unknown argument " + args[i]);
            }
        }
        if (workload == null || items < 1 || parallelism < 1 || repeat < 1) {
            fail("--workload, --items >= 1, --parallelism >= 1 and --repeat >= 1 are needed");
        }
        if (warmupItems < 0) warmupItems = Math.min(items, 2_000_000L);

        timedJob(workload, warmupItems, parallelism, "warm-up");
        double best = Double.MAX_VALUE;
        for (int r = 0; r < repeat; r++) {
            best = Math.min(best, timedJob(workload, items, parallelism, "run " + (r + 1)));
        }
        System.out.printf("RESULT workload=%s workers=%d items=%d seconds=%.3f items_per_s=%d max_rss_kb=%d%n",
                workload, parallelism, items, best, Math.round(items / best), peakResidentKB());
    }

    /** Runs one job and returns its seconds; exits 1 if the sinks did not receive what they must. */
    private static double timedJob(String workload, long items, int parallelism, String label) throws Exception {
        Configuration configuration = new Configuration();
        StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(parallelism, configuration);
        long expected = Workloads.build(env, workload, items);
        RunClock.reset();
        env.execute("bench " + workload);
        long got = RunClock.received();
        double seconds = RunClock.seconds();
        System.err.printf("flink %s %s: sink count=%d expected=%d seconds=%.3f items_per_s=%d%n",
                workload, label, got, expected, seconds, Math.round(items / seconds));
        if (got != expected) {
            System.err.println("flink-bench: COUNT MISMATCH");
            System.exit(1);
        }
        return seconds;
    }

    /** The JVM's peak resident set in kB (VmHWM of /proc/self/status), or -1 where unknown. */
    private static long peakResidentKB() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmHWM:")) return Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
        } catch (Exception e) {
            // not Linux: unknown
        }
        return -1;
    }

    private static void fail(String message) {
        System.err.println("flink-bench: " + message);
        System.err.println("usage: FlinkBench --workload map-filter|keyed-count|window-count --items N"
                + " [--parallelism P] [--repeat R] [--warmup-items N]");
        System.exit(2);
    }
}
