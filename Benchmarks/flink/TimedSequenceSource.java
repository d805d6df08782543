import org.apache.flink.api.connector.source.SourceReader;
import org.apache.flink.api.connector.source.SourceReaderContext;
import org.apache.flink.api.connector.source.lib.NumberSequenceSource;

/**
 * Flink's bounded source of the numbers from..to, split over the readers, that starts the
 * {@link RunClock} when its first reader is created.
 *
 * <pre>env.fromSource(new TimedSequenceSource(0, n - 1), WatermarkStrategy.noWatermarks(), "inp")</pre>
 */
final class TimedSequenceSource extends NumberSequenceSource {
    TimedSequenceSource(long from, long to) {
        super(from, to);
    }

    @Override
    public SourceReader<Long, NumberSequenceSplit> createReader(SourceReaderContext context) {
        RunClock.sourceOpened();
        return super.createReader(context);
    }
}
