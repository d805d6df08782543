import Foundation
import Sluice
import SluiceKafka
import SluiceTesting
import SluiceTestSupport
import Testing

/// Where a message came from, comparable across runs.
struct Position: Hashable, Comparable, Sendable, CustomStringConvertible {
    let topic: String
    let partition: Int32
    let offset: Int64
    static func < (a: Position, b: Position) -> Bool {
        (a.topic, a.partition, a.offset) < (b.topic, b.partition, b.offset)
    }
    var description: String { "\(topic)/\(partition)@\(offset)" }
}

/// Three partitions of messages in which every offset divisible by 7 has a
/// value that is not UTF-8, and every offset divisible by 11 a key that is not.
let mixedPartitions: [[KafkaMessage]] = (0..<3).map { partition in
    (0..<60).map { offset in
        let value: [UInt8] = offset % 7 == 0 ? [0xFF, UInt8(offset)] : Array("value \(partition)/\(offset)".utf8)
        let key: [UInt8]? = offset % 11 == 0 ? [0xC0, 0x80] : (offset % 2 == 0 ? nil : Array("k\(offset)".utf8))
        return KafkaMessage(topic: "mixed", partition: Int32(partition), offset: Int64(offset), key: key, value: value)
    }
}

let allPositions = Set(
    mixedPartitions.joined().map { Position(topic: $0.topic, partition: $0.partition, offset: $0.offset) })
let badPositions = Set(allPositions.filter { $0.offset % 7 == 0 || $0.offset % 11 == 0 })

/// `deserialize(_:key:value:onError:)` without a broker: a failure either
/// stops the run naming topic, partition and offset, or goes to `errors`;
/// every message ends up in exactly one of the two streams.
@Suite struct KafkaDeserializeTests {
    @Test(arguments: workerCounts)
    func routeSplitsEveryMessageIntoDecodedOrErrors(workers: Int) throws {
        let flow = Dataflow("test")
        let decoded = TestingSink<Position>()
        let values = TestingSink<String>()
        let errors = TestingSink<Position>()
        let out = flow.input("in", TestingSource(partitions: mixedPartitions, batchSize: 8))
            .deserialize("decode", key: .utf8, value: .utf8, onError: .route)
        out.decoded.map("position") { Position(topic: $0.topic, partition: $0.partition, offset: $0.offset) }
            .output("decoded", decoded)
        out.decoded.map("value") { "\($0.key ?? "-")=\($0.value)" }.output("values", values)
        out.errors.map("where") { error -> Position in
            guard case let .deserializationFailed(topic, partition, offset, _) = error.error else {
                throw KafkaError.embeddedBroker(reason: "unexpected error \(error)")
            }
            return Position(topic: topic, partition: partition, offset: offset)
        }.output("errors", errors)
        try expectRunSucceeds(flow, workers: workers)

        #expect(decoded.items.count == Set(decoded.items).count, "a decoded message was duplicated")
        #expect(errors.items.count == Set(errors.items).count, "an error was duplicated")
        #expect(Set(errors.items) == badPositions)
        #expect(Set(decoded.items) == allPositions.subtracting(badPositions))
        #expect(decoded.items.count + errors.items.count == allPositions.count, "a message went missing")
        #expect(values.items.contains("k1=value 2/1"))
        #expect(values.items.contains("-=value 0/2"))
    }

    @Test(arguments: workerCounts)
    func routedErrorsSayWhetherTheKeyOrTheValueFailed(workers: Int) throws {
        let flow = Dataflow("test")
        let errors = TestingSink<String>()
        flow.input("in", TestingSource(partitions: mixedPartitions, batchSize: 5))
            .deserialize("decode", key: .utf8, value: .utf8, onError: .route)
            .errors.map("text") { "\($0)" }.output("errors", errors)
        try expectRunSucceeds(flow, workers: workers)

        // Offset 11 has a bad key and a good value; offset 7 a good key and a bad value.
        let eleven = errors.items.filter { $0.contains("partition 1 offset 11:") }
        let seven = errors.items.filter { $0.contains("partition 1 offset 7:") }
        #expect(eleven.count == 1 && eleven.first?.contains("key: not valid UTF-8") == true, "\(eleven)")
        #expect(seven.count == 1 && seven.first?.contains("value: not valid UTF-8") == true, "\(seven)")
        #expect(errors.items.allSatisfy { $0.contains("topic 'mixed'") })
    }

    @Test(arguments: workerCounts)
    func raiseStopsTheRunNamingTopicPartitionAndOffset(workers: Int) throws {
        let flow = Dataflow("test")
        let good = (0..<50).map {
            KafkaMessage(topic: "t", partition: 0, offset: Int64($0), key: nil, value: Array("ok".utf8))
        }
        let bad = KafkaMessage(topic: "t", partition: 1, offset: 31, key: nil, value: [0x80, 0x81])
        let out = flow.input("in", TestingSource(partitions: [good, [bad]]))
            .deserialize("decode", key: .bytes, value: .utf8)
        out.decoded.map("value") { $0.value }.output("out", TestingSink<String>())
        out.errors.map("text") { "\($0)" }.output("errors", TestingSink<String>())

        let error = try expectRunFails(flow, workers: workers)
        guard case let .stepFailed(step, _, _, underlying) = error else {
            Issue.record("expected stepFailed, got \(error)")
            return
        }
        #expect(step == "test.decode.decode")
        guard case let .deserializationFailed(topic, partition, offset, reason)? = underlying as? KafkaError else {
            Issue.record("expected deserializationFailed, got \(underlying)")
            return
        }
        #expect(topic == "t" && partition == 1 && offset == 31)
        #expect(reason.contains("not valid UTF-8"))
        let text = error.description
        #expect(text.contains("test.decode") && text.contains("'t'") && text.contains("partition 1"), "\(text)")
        #expect(text.contains("offset 31"), "\(text)")
    }

    @Test(arguments: workerCounts)
    func raiseWithoutBadMessagesDecodesEverything(workers: Int) throws {
        let flow = Dataflow("test")
        let sink = TestingSink<Order>()
        let partitions = (0..<3).map { partition in
            (0..<20).map { offset in
                KafkaMessage(
                    topic: "orders", partition: Int32(partition), offset: Int64(offset), key: nil,
                    value: Array(#"{"id": \#(partition * 100 + offset), "item": "x"}"#.utf8))
            }
        }
        let out = flow.input("in", TestingSource(partitions: partitions, batchSize: 4))
            .deserialize("decode", key: .utf8, value: .json(Order.self))
        out.decoded.map("value") { $0.value }.output("out", sink)
        out.errors.map("text") { "\($0)" }.output("errors", TestingSink<String>())
        try expectRunSucceeds(flow, workers: workers)
        #expect(sink.items.map(\.id).sorted() == (0..<3).flatMap { p in (0..<20).map { p * 100 + $0 } })
    }
}
