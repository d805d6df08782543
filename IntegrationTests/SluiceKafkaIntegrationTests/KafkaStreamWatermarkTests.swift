import Foundation
import Sluice
import SluiceKafka
import SluiceTesting
import SluiceTestSupport
import Testing

/// Windows on the stream's watermark over a real topic, with the messages'
/// Kafka timestamps as event times: a partition that stays empty is detected
/// as idle, and once every partition is quiet the watermark moves on with
/// system time, so every window closes while the tailing run is still going.
@Suite struct KafkaStreamWatermarkTests {
    @Test(arguments: [1, 2])
    func anEmptyPartitionIsIdleAndEveryWindowClosesWhileTailing(workers: Int) throws {
        let broker = try TestBroker()
        let topic = try broker.topic("stream-watermark", partitions: 3)
        // One reading per second for a minute, two sensors, on partitions 0
        // and 1; partition 2 stays empty. Times are an hour ago (whole seconds).
        let origin = Date(timeIntervalSince1970: (Date().timeIntervalSince1970 - 3_600).rounded(.down))
        let messages = (0..<60).map { second in
            KafkaSinkMessage(
                key: "s\(second % 2)", value: "reading-\(second)", partition: Int32(second % 2),
                timestamp: origin.addingTimeInterval(Double(second)))
        }
        try produce(messages, to: topic, on: broker)

        let windows = TestingSink<String>()
        let late = TestingSink<String>()
        let flow = Dataflow("kafka_stream_windows")
        let counts = flow.input(
            "readings", KafkaSource(brokers: broker.brokers, topics: [topic], batchSize: 7, tail: true),
            watermarks: .kafkaTimestamps(allowance: .zero, idleAfter: .milliseconds(300))
        )
        .keyOn("sensor") { $0.key.map { String(decoding: $0, as: UTF8.self) } ?? "?" }
        .countWindow(
            "per_10s", clock: StreamClock(timestamp: { $0.timestamp }),
            windower: TumblingWindower(length: .seconds(10), alignTo: origin))
        counts.down.map("format") { "\($0.key)#\($0.value.window)=\($0.value.value)" }.output("windows", windows)
        counts.late.map("format_late") { $0.value.value.text }.output("late", late)
        let running = start(flow, configuration: RunConfiguration(workers: workers))
        defer { running.stop() }

        // The last window closes 10 s of event time after it opened: only the
        // idle partitions' system-time advance gets it there while tailing.
        try waitUntil("every window closed while the run tails (\(windows.items.count) of 12)") {
            windows.items.count >= 12
        }
        #expect(!running.isFinished, "a tailing run does not end by itself")
        running.stop()
        try awaitEnd(running)

        let expected = (0..<6).flatMap { window in ["s0#\(window)=5", "s1#\(window)=5"] }
        #expect(windows.items.sorted() == expected.sorted())
        #expect(late.items.isEmpty)
        try broker.assertNoDroppedData()
    }
}
