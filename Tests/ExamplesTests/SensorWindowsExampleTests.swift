import Foundation
import Sluice
import SluiceKafka
import SluiceRecovery
import SluiceTesting
import SluiceTestSupport
import Testing

@testable import SensorWindows

/// The sensor-windows example on the embedded broker: generated JSON
/// readings (out of order within the allowance, some far too late, some
/// unreadable) against a naive per-sensor reference, on 1 and 2 workers.
@Suite(.onOwnThread) struct SensorWindowsExampleTests {
    /// 2024-06-18 00:00:00 UTC.
    static let base = Date(timeIntervalSince1970: 1_718_668_800)
    static let wait = 30.0

    struct Reading {
        let sensor: String
        let millis: Int
        let value: Double
        var time: Date { SensorWindowsExampleTests.base.addingTimeInterval(Double(millis) / 1000) }
        var json: String {
            #"{"sensor":"\#(sensor)","time":"\#(SensorJSON.format(time))","value":\#(value)}"#
        }
    }

    /// Per sensor, readings 0.2–3 s apart with a 7–9 s pause now and then
    /// (new sessions), some 1 s back (within the 30 s allowance) and some 100 s
    /// back (late), in the order produced.
    static func readings() -> [Reading] {
        var state: UInt64 = 42
        func next(_ bound: Int) -> Int {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int((state >> 33) % UInt64(bound))
        }
        var clocks = [Int](repeating: 0, count: 4)
        var result: [Reading] = []
        for index in 0..<600 {
            let sensor = next(4)
            clocks[sensor] += 200 + next(2800) + (next(15) == 0 ? 7000 + next(2000) : 0)
            var millis = clocks[sensor]
            switch next(20) {
            case 0: millis -= 1000
            case 1: millis -= 100_000
            default: break
            }
            result.append(Reading(sensor: "s\(sensor)", millis: millis, value: Double(index % 37) / 4))
        }
        return result
    }

    struct Expected {
        /// "sensor#window" → (count, mean)
        var averages: [String: (count: Int, mean: Double)] = [:]
        /// "sensor start end count", sorted
        var sessions: [String] = []
        /// "step sensor time"
        var late: [String] = []
    }

    /// The naive reference: per sensor, in order, the watermark is the newest
    /// time minus the allowance (the run is much shorter than the allowance,
    /// so system time never moves it far enough to matter).
    static func reference(_ readings: [Reading]) -> Expected {
        var expected = Expected()
        var newest: [String: Int] = [:]
        var sums: [String: (count: Int, sum: Double)] = [:]
        var onTime: [String: [Reading]] = [:]
        for reading in readings {
            let latest = max(newest[reading.sensor] ?? reading.millis, reading.millis)
            newest[reading.sensor] = latest
            let watermark = latest - Int(wait * 1000)
            let window = Int((Double(reading.millis) / 10_000).rounded(.down)) + 171_866_880
            let windowEnd = (window + 1 - 171_866_880) * 10_000
            let stamp = SensorJSON.format(reading.time)
            if windowEnd <= watermark {
                expected.late.append("averages \(reading.sensor) \(stamp)")
            } else {
                sums["\(reading.sensor)#\(window)", default: (0, 0)].count += 1
                sums["\(reading.sensor)#\(window)", default: (0, 0)].sum += reading.value
            }
            if reading.millis < watermark {
                expected.late.append("sessions \(reading.sensor) \(stamp)")
            } else {
                onTime[reading.sensor, default: []].append(reading)
            }
        }
        expected.averages = sums.mapValues { ($0.count, $0.sum / Double($0.count)) }
        for (sensor, items) in onTime {
            var sessions: [[Reading]] = []
            for reading in items.sorted(by: { $0.millis < $1.millis }) {
                if let last = sessions.last?.last, reading.millis - last.millis <= 5000 {
                    sessions[sessions.count - 1].append(reading)
                } else {
                    sessions.append([reading])
                }
            }
            for session in sessions {
                let start = SensorJSON.format(session.first!.time)
                let end = SensorJSON.format(session.last!.time)
                expected.sessions.append("\(sensor) \(start) \(end) \(session.count)")
            }
        }
        expected.sessions.sort()
        expected.late.sort()
        return expected
    }

    /// What the example wrote to its output topics.
    struct Observed {
        var averages: [String: (count: Int, mean: Double)] = [:]
        var sessions: [String] = []
        var late: [String] = []
        var unreadable: [String] = []
    }

    /// Produces `readings` (keyed by sensor, so each sensor's readings stay in
    /// one partition and in order, plus two unreadable messages), runs the
    /// example on the embedded broker and reads back what it wrote.
    static func runExample(_ readings: [Reading], workers: Int, watermark: SensorWatermark) throws -> Observed {
        let kafka = try EmbeddedKafka()
        let brokers = try produce(readings, to: kafka)
        try run(makeSensorWindowsFlow(
            brokers: brokers, topics: topics, wait: .seconds(Self.wait), tail: false, watermark: watermark), workers: workers)
        return try observe(kafka)
    }

    static let topics = SensorTopics(readings: "readings", averages: "averages", sessions: "sessions", late: "late")

    /// Creates the topics and produces the readings (plus two unreadable
    /// messages); returns the brokers.
    static func produce(_ readings: [Reading], to kafka: EmbeddedKafka) throws -> [String] {
        let brokers = try createTopics(on: kafka)
        try produce(messages(readings), brokers: brokers)
        return brokers
    }

    /// Creates the example's topics; returns the brokers.
    static func createTopics(on kafka: EmbeddedKafka) throws -> [String] {
        try ExampleKafka.createTopics(["readings", "averages", "sessions", "late"], on: kafka)
    }

    /// The readings as messages keyed by sensor, with two unreadable ones among them.
    static func messages(_ readings: [Reading]) -> [KafkaSinkMessage] {
        var messages = readings.map { KafkaSinkMessage(key: $0.sensor, value: $0.json) }
        messages.insert(KafkaSinkMessage(key: "s1", value: "not json"), at: 100)
        messages.insert(KafkaSinkMessage(key: "s2", value: #"{"sensor":"s2","time":"yesterday","value":1}"#), at: 300)
        return messages
    }

    /// Appends `messages` to the readings topic.
    static func produce(_ messages: [KafkaSinkMessage], brokers: [String]) throws {
        try ExampleKafka.produce(messages, to: "readings", brokers: brokers)
    }

    /// Reads back what the example wrote to its output topics.
    static func observe(_ kafka: EmbeddedKafka) throws -> Observed {
        let messages = try ExampleKafka.readAll(["averages", "sessions", "late"], on: kafka)

        let decoder = SensorJSON.decoder
        var observed = Observed()
        for message in messages {
            let key = message.key.map { String(decoding: $0, as: UTF8.self) }
            switch message.topic {
            case "averages":
                let record = try decoder.decode(SensorWindowRecord.self, from: Data(message.value))
                #expect(key == record.sensor)
                #expect(record.end.timeIntervalSince(record.start) == 10)
                #expect(observed.averages["\(record.sensor)#\(record.window)"] == nil, "one record per window")
                observed.averages["\(record.sensor)#\(record.window)"] = (record.count, record.mean)
            case "sessions":
                let record = try decoder.decode(SensorWindowRecord.self, from: Data(message.value))
                let start = SensorJSON.format(record.start)
                let end = SensorJSON.format(record.end)
                observed.sessions.append("\(record.sensor) \(start) \(end) \(record.count)")
            default:
                let record = try decoder.decode(SensorLateRecord.self, from: Data(message.value))
                if record.step == "parse" {
                    observed.unreadable.append(record.raw ?? "")
                    #expect(record.error?.isEmpty == false)
                } else {
                    let reading = try #require(record.reading)
                    observed.late.append("\(record.step) \(reading.sensor) \(SensorJSON.format(reading.time))")
                }
            }
        }
        #expect(try kafka.droppedData().isEmpty)
        return observed
    }

    /// Checks `observed` against the reference of `readings`.
    static func expectMatches(_ observed: Observed, _ readings: [Reading]) {
        let expected = Self.reference(readings)
        #expect(Set(observed.averages.keys) == Set(expected.averages.keys))
        for (window, value) in expected.averages {
            #expect(observed.averages[window]?.count == value.count, "\(window)")
            #expect(abs((observed.averages[window]?.mean ?? .nan) - value.mean) < 1e-9, "\(window)")
        }
        let sessions = Set(observed.sessions), late = Set(observed.late)
        #expect(observed.sessions.sorted() == expected.sessions, "only here: \(sessions.subtracting(expected.sessions).sorted()), only expected: \(Set(expected.sessions).subtracting(sessions).sorted())")
        #expect(observed.late.sorted() == expected.late, "only here: \(late.subtracting(expected.late).sorted()), only expected: \(Set(expected.late).subtracting(late).sorted())")
        #expect(observed.unreadable.sorted() == ["not json", #"{"sensor":"s2","time":"yesterday","value":1}"#])
    }

    @Test(arguments: [1, 2])
    func averagesSessionsAndLateReadingsMatchTheReference(workers: Int) throws {
        let readings = Self.readings()
        let expected = Self.reference(readings)
        #expect(expected.late.count > 20 && expected.sessions.count > 20, "the data has late readings and many sessions")
        Self.expectMatches(try Self.runExample(readings, workers: workers, watermark: .perSensor), readings)
    }

    /// `--watermark stream`: windows close on the topic's watermark, which the
    /// input reads from the JSON (unreadable messages move nothing). With the
    /// readings in time order across sensors, none can be late whatever the
    /// interleaving of the partitions, and the results are the reference's.
    @Test(arguments: [1, 2])
    func onTheTopicsWatermarkInOrderReadingsGiveTheReference(workers: Int) throws {
        let readings = Self.readings().sorted { $0.millis < $1.millis }
        #expect(Self.reference(readings).late.isEmpty && Self.reference(readings).sessions.count > 20)
        Self.expectMatches(try Self.runExample(readings, workers: workers, watermark: .stream), readings)
    }

    /// A tailing run with a recovery store, stopped gracefully three times
    /// (each stop suspends: open windows and sessions stay in the snapshot)
    /// and resumed with other worker counts, then run to the end: every
    /// window and session is written once, as the reference says.
    @Test func stoppedAndResumedRunsWriteWhatOneRunWrites() throws {
        let readings = Self.readings()
        let kafka = try EmbeddedKafka()
        let brokers = try Self.createTopics(on: kafka)
        // Each run gets a quarter of the messages: a stop lands with windows
        // and sessions open that the next quarter's readings continue.
        let messages = Self.messages(readings)
        let quarters = (0..<4).map { Array(messages[$0 * messages.count / 4..<($0 + 1) * messages.count / 4]) }
        let runs = StoppedRuns(name: "sensor")
        defer { runs.removeDirectory() }
        try runs.stopEach(workers: [1, 2, 1], before: { try Self.produce(quarters[$0], brokers: brokers) }) {
            makeSensorWindowsFlow(
                brokers: brokers, topics: Self.topics, wait: .seconds(Self.wait), tail: true, watermark: .perSensor)
        }
        try Self.produce(quarters[3], brokers: brokers)
        let last = makeSensorWindowsFlow(
            brokers: brokers, topics: Self.topics, wait: .seconds(Self.wait), tail: false, watermark: .perSensor)
        try run(last, configuration: try runs.configuration(workers: 2, flow: last))
        Self.expectMatches(try Self.observe(kafka), readings)
        #expect(try kafka.droppedData().isEmpty)
    }

    @Test func parsesISOTimesWithAndWithoutFractions() throws {
        let exact = try SensorReading.parse(Array(#"{"sensor":"a","time":"2024-06-18T00:00:01Z","value":2}"#.utf8))
        #expect(exact.time == Self.base.addingTimeInterval(1))
        let fraction = try SensorReading.parse(Array(#"{"sensor":"a","time":"2024-06-18T00:00:01.250Z","value":2}"#.utf8))
        #expect(fraction.time == Self.base.addingTimeInterval(1.25))
        #expect(SensorJSON.format(Self.base.addingTimeInterval(0.425)) == "2024-06-18T00:00:00.425Z", "rounded, not truncated")
        #expect(throws: DecodingError.self) { try SensorReading.parse(Array(#"{"sensor":"a","time":"soon","value":2}"#.utf8)) }
    }

    @Test(arguments: [
        (["--wait=-1"], "--wait must be zero or more seconds"),
        (["--idle-after", "0"], "--idle-after must be more than zero seconds"),
        (["--watermark", "global"], "global"),
    ])
    func badOptionsAreRefusedNamingTheOption(bad: (arguments: [String], message: String)) throws {
        let required = [
            "--brokers", "127.0.0.1:1", "--readings-topic", "r", "--averages-topic", "a", "--sessions-topic", "s",
            "--late-topic", "l",
        ]
        #expect(throws: Never.self) { try SensorWindowsCommand.parseAsRoot(required + ["--watermark", "stream"]) }
        do {
            _ = try SensorWindowsCommand.parseAsRoot(required + bad.arguments)
            Issue.record("\(bad.arguments) was accepted")
        } catch {
            #expect(SensorWindowsCommand.message(for: error).contains(bad.message))
        }
    }
}
