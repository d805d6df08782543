import Foundation
import Sluice
import SluiceKafka

/// The topics the sensor-windows flow reads and writes.
///
/// ```swift
/// let topics = SensorTopics(readings: "readings", averages: "averages", sessions: "sessions", late: "late")
/// ```
struct SensorTopics: Sendable {
    /// JSON readings in (key: anything; each sensor's readings in one partition keep their order).
    var readings: String
    /// Per-sensor 10 s tumbling averages out (key: sensor).
    var averages: String
    /// Per-sensor sessions (readings at most 5 s apart) out (key: sensor).
    var sessions: String
    /// Late readings and messages that are not readings (key: sensor, if known).
    var late: String
}

/// Whose watermark closes the windows.
///
/// ```swift
/// let choice = SensorWatermark.stream
/// ```
enum SensorWatermark: String, CaseIterable, Sendable {
    /// Each sensor's own (its newest reading minus the wait), as Bytewax does.
    case perSensor = "per-sensor"
    /// The topic's: per partition, merged over workers, idle partitions left out.
    case stream
}

/// The 10 s tumbling windows are aligned to the Unix epoch, so window k
/// covers [10k s, 10k + 10 s) in every run.
let averageWindow = TumblingWindower(length: .seconds(10), alignTo: Date(timeIntervalSince1970: 0))
/// Sessions end after 5 s without a reading.
let sessionWindow = SessionWindower(gap: .seconds(5))

/// Builds the sensor-windows dataflow: parses JSON readings from
/// `topics.readings`, keys them by sensor and computes, per sensor, the mean
/// of every 10 s tumbling window and of every session of readings at most
/// 5 s apart. Windows close when the watermark passes them, and at the end
/// of a finite read: with `.perSensor`, the sensor's own (its newest reading
/// time minus `wait`, advancing with system time while it is quiet); with
/// `.stream`, the topic's (each partition's newest reading time minus
/// `wait`, the minimum over partitions, a partition quiet for `idleAfter`
/// left out). Readings later than that and messages that are not readings
/// go to `topics.late`.
///
/// ```swift
/// let flow = makeSensorWindowsFlow(
///     brokers: ["localhost:19092"],
///     topics: SensorTopics(readings: "readings", averages: "averages", sessions: "sessions", late: "late"),
///     wait: .seconds(2), tail: false)
/// try Sluice.run(flow, workers: 2)
/// ```
/// - Parameters:
///   - brokers: Bootstrap brokers.
///   - topics: The input and output topics.
///   - wait: How long to wait for out-of-order readings (the clock's allowance).
///   - tail: False to stop at the end of the input seen at start; true to run for ever.
///   - exactlyOnce: Write with Kafka transactions after each snapshot (needs a recovery directory).
///   - watermark: Whose watermark closes the windows.
///   - idleAfter: With `.stream`, how long a partition may be quiet before it is left out.
/// - Returns: The dataflow.
func makeSensorWindowsFlow(
    brokers: [String], topics: SensorTopics, wait: Duration, tail: Bool, exactlyOnce: Bool = false,
    watermark: SensorWatermark = .perSensor, idleAfter: Duration = .seconds(30)
) -> Dataflow {
    let flow = Dataflow("sensor_windows")
    let source = KafkaSource(brokers: brokers, topics: [topics.readings], tail: tail)
    let messages =
        switch watermark {
        case .perSensor: flow.input("readings", source)
        case .stream:
            flow.input(
                "readings", source,
                watermarks: Watermarks(
                    timestamp: { try? SensorReading.parse($0.value).time }, allowance: wait, idleAfter: idleAfter))
        }
    let parsed = messages
        .map("parse") { message -> Result<SensorReading, ParseFailure> in
            Result { try SensorReading.parse(message.value) }.mapError { ParseFailure(message: message, error: $0) }
        }
    let readings = parsed.compactMap("valid") { try? $0.get() }.keyOn("sensor") { $0.sensor }
    let malformed = parsed.compactMap("malformed") { result -> KafkaSinkMessage? in
        guard case .failure(let failure) = result else { return nil }
        return try failure.record(topic: topics.late)
    }

    let (averages, sessions) =
        switch watermark {
        case .perSensor:
            sensorWindows(readings, clock: EventClock(timestamp: { $0.time }, waitForSystemDuration: wait))
        case .stream:
            sensorWindows(readings, clock: StreamClock(timestamp: { $0.time }))
        }

    let averageRecords = averages.down.map("encode_averages") { item in
        let record = SensorWindowRecord(
            sensor: item.key, window: item.value.window.rawValue, start: item.value.start, end: item.value.end,
            count: item.value.value.count, mean: item.value.value.mean)
        return KafkaSinkMessage(topic: topics.averages, key: item.key, value: try SensorJSON.text(of: record))
    }
    let sessionRecords = sessions.down.map("encode_sessions") { item in
        let summary = item.value.value
        let record = SensorWindowRecord(
            sensor: item.key, window: item.value.window.rawValue, start: item.value.start, end: item.value.end,
            count: summary.count, mean: summary.mean)
        return KafkaSinkMessage(topic: topics.sessions, key: item.key, value: try SensorJSON.text(of: record))
    }
    let late = averages.late.map("late_averages") { try lateRecord($0, step: "averages", topic: topics.late) }
        .merge("late", sessions.late.map("late_sessions") { try lateRecord($0, step: "sessions", topic: topics.late) })

    averageRecords.merge("records", sessionRecords, late, malformed)
        .output("out", KafkaSink(brokers: brokers, exactlyOnce: exactlyOnce))
    return flow
}

/// The averages and sessions of `readings` on `clock`.
private func sensorWindows(
    _ readings: KeyedStream<SensorReading>, clock: some WindowClock<SensorReading>
) -> (averages: WindowOutput<SensorReading, SensorSummary>, sessions: WindowOutput<SensorReading, SensorSummary>) {
    let averages = readings.foldWindow(
        "averages", clock: clock, windower: averageWindow, initial: { SensorSummary() }, { $0.adding($1) })
    let sessions = readings.foldWindow(
        "sessions", clock: clock, windower: sessionWindow, initial: { SensorSummary() }, { $0.adding($1) },
        merger: { $0.merged(with: $1) })
    return (averages, sessions)
}

/// A late reading as a message to the late topic.
private func lateRecord(
    _ item: (key: String, value: (window: WindowID, value: SensorReading)), step: String, topic: String
) throws -> KafkaSinkMessage {
    let window = item.value.window == .unassigned ? nil : item.value.window.rawValue
    let record = SensorLateRecord(step: step, sensor: item.key, window: window, reading: item.value.value)
    return KafkaSinkMessage(topic: topic, key: item.key, value: try SensorJSON.text(of: record))
}

/// A message whose value is not a reading.
///
/// ```swift
/// let failure = ParseFailure(message: message, error: error)
/// ```
struct ParseFailure: Error, Sendable {
    let message: KafkaMessage
    let description: String

    init(message: KafkaMessage, error: any Error) {
        self.message = message
        self.description = "\(error)"
    }

    /// The record for the late topic.
    func record(topic: String) throws -> KafkaSinkMessage {
        let record = SensorLateRecord(
            step: "parse", error: description, raw: String(decoding: message.value, as: UTF8.self))
        return KafkaSinkMessage(topic: topic, key: message.key, value: Array(try SensorJSON.text(of: record).utf8))
    }
}
