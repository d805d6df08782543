import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.api.connector.sink2.WriterInitContext;

/**
 * A sink that only counts what it receives; each writer reports its count and stops the
 * {@link RunClock} when it closes (after its input ended).
 *
 * <pre>stream.sinkTo(new CountingSink&lt;&gt;())</pre>
 */
final class CountingSink<T> implements Sink<T> {
    @Override
    public SinkWriter<T> createWriter(WriterInitContext context) {
        return new SinkWriter<T>() {
            private long count;

            @Override
            public void write(T element, Context context) {
                count++;
            }

            @Override
            public void flush(boolean endOfInput) {}

            @Override
            public void close() {
                RunClock.sinkClosed(count);
            }
        };
    }
}
