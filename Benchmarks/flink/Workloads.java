import java.time.Duration;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.functions.AggregateFunction;
import org.apache.flink.api.common.functions.FilterFunction;
import org.apache.flink.api.common.functions.MapFunction;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.functions.RichMapFunction;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.java.functions.KeySelector;
import org.apache.flink.api.java.tuple.Tuple2;
import org.apache.flink.api.java.tuple.Tuple3;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.windowing.ProcessWindowFunction;
import org.apache.flink.streaming.api.windowing.assigners.TumblingEventTimeWindows;
import org.apache.flink.streaming.api.windowing.windows.TimeWindow;
import org.apache.flink.util.Collector;

/**
 * The workloads of Sluice's bench (Benchmarks/SluiceBench/main.swift), written with Flink's
 * DataStream API. Item i is generated from the sequence source while the job runs; keys come
 * from a table built before, so no string is formatted per item.
 *
 * <pre>long expected = Workloads.build(env, "keyed-count", 10_000_000L);</pre>
 */
final class Workloads {
    /** 2024-01-01 00:00:00 UTC in ms, the first event's time (as in the Sluice bench). */
    static final long START_MS = 1_704_067_200_000L;

    private static final String[] WORDS = table("w", 10_000);
    private static final String[] WINDOW_KEYS = table("k", 1_000);

    private Workloads() {}

    private static String[] table(String prefix, int count) {
        String[] keys = new String[count];
        for (int i = 0; i < count; i++) keys[i] = prefix + i;
        return keys;
    }

    /** Adds the workload's job to env and returns the items its sink must receive. */
    static long build(StreamExecutionEnvironment env, String workload, long items) {
        DataStream<Long> numbers =
                env.fromSource(new TimedSequenceSource(0, items - 1), WatermarkStrategy.noWatermarks(), "inp");
        switch (workload) {
            case "map-filter":
                numbers.map(new TimesTwoPlusOne()).filter(new DropMultiplesOf3()).sinkTo(new CountingSink<>());
                // (2x+1) % 3 == 0 exactly when x % 3 == 1.
                return items - (items + 1) / 3;
            case "keyed-count":
                numbers.map(new Word()).returns(Types.STRING)
                        .keyBy(new Identity())
                        .map(new RunningCount())
                        .sinkTo(new CountingSink<>());
                return items;
            case "window-count":
                numbers.map(new Event()).returns(Types.TUPLE(Types.STRING, Types.LONG))
                        .assignTimestampsAndWatermarks(WatermarkStrategy.<Tuple2<String, Long>>forMonotonousTimestamps()
                                .withTimestampAssigner((event, previous) -> event.f1))
                        .keyBy(new EventKey())
                        .window(TumblingEventTimeWindows.of(Duration.ofSeconds(10)))
                        .aggregate(new CountAggregate(), new LabelWindow())
                        .sinkTo(new CountingSink<>());
                // Consecutive events of a window have min(m, 1000) distinct keys (7919 is coprime with 1000).
                return (items / 10_000) * 1000 + Math.min(items % 10_000, 1000);
            default:
                throw new IllegalArgumentException("unknown workload '" + workload + "'");
        }
    }

    static final class TimesTwoPlusOne implements MapFunction<Long, Long> {
        @Override
        public Long map(Long x) {
            return x * 2 + 1;
        }
    }

    static final class DropMultiplesOf3 implements FilterFunction<Long> {
        @Override
        public boolean filter(Long x) {
            return x % 3 != 0;
        }
    }

    /** Item i is the word "w((i * 7919) % 10000)". */
    static final class Word implements MapFunction<Long, String> {
        @Override
        public String map(Long i) {
            return WORDS[(int) ((i * 7919) % 10_000)];
        }
    }

    static final class Identity implements KeySelector<String, String> {
        @Override
        public String getKey(String word) {
            return word;
        }
    }

    /** The running count per key in keyed ValueState; emits (key, count so far). */
    static final class RunningCount extends RichMapFunction<String, Tuple2<String, Long>> {
        private transient ValueState<Long> count;

        @Override
        public void open(OpenContext context) {
            count = getRuntimeContext().getState(new ValueStateDescriptor<>("count", Types.LONG));
        }

        @Override
        public Tuple2<String, Long> map(String word) throws Exception {
            Long previous = count.value();
            long n = (previous == null ? 0 : previous) + 1;
            count.update(n);
            return Tuple2.of(word, n);
        }
    }

    /** Event i: key "k((i * 7919) % 1000)" at START + i ms. */
    static final class Event implements MapFunction<Long, Tuple2<String, Long>> {
        @Override
        public Tuple2<String, Long> map(Long i) {
            return Tuple2.of(WINDOW_KEYS[(int) ((i * 7919) % 1000)], START_MS + i);
        }
    }

    static final class EventKey implements KeySelector<Tuple2<String, Long>, String> {
        @Override
        public String getKey(Tuple2<String, Long> event) {
            return event.f0;
        }
    }

    static final class CountAggregate implements AggregateFunction<Tuple2<String, Long>, Long, Long> {
        @Override
        public Long createAccumulator() {
            return 0L;
        }

        @Override
        public Long add(Tuple2<String, Long> event, Long count) {
            return count + 1;
        }

        @Override
        public Long getResult(Long count) {
            return count;
        }

        @Override
        public Long merge(Long a, Long b) {
            return a + b;
        }
    }

    /** Emits (key, window start, count), as Sluice's window operator emits (key, (window, count)). */
    static final class LabelWindow extends ProcessWindowFunction<Long, Tuple3<String, Long, Long>, String, TimeWindow> {
        @Override
        public void process(String key, Context context, Iterable<Long> counts, Collector<Tuple3<String, Long, Long>> out) {
            out.collect(Tuple3.of(key, context.window().getStart(), counts.iterator().next()));
        }
    }
}
