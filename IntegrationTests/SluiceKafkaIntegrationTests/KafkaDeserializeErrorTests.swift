import Foundation
import Sluice
import SluiceKafka
import SluiceTesting
import Testing

/// A topic of 300 messages on 3 partitions in which every tenth value is not
/// UTF-8, and what each position holds, read back as raw bytes.
struct MixedTopic {
    let broker: TestBroker
    let topic: String
    let values: [ErrorPath.Position: [UInt8]]

    init() throws {
        broker = try TestBroker()
        topic = try broker.topic("mixed", partitions: 3)
        let messages = (0..<300).map { index in
            KafkaSinkMessage(
                key: Array("k\(index)".utf8),
                value: index % 10 == 3 ? [0xFF, 0xFE, UInt8(index % 256)] : Array("value \(index)".utf8))
        }
        try ErrorPath.produce(messages, to: topic, on: broker)
        let read = try ErrorPath.readAll(topic, on: broker)
        values = Dictionary(uniqueKeysWithValues: read.map { (ErrorPath.Position($0), $0.value) })
    }

    var bad: Set<ErrorPath.Position> { Set(values.filter { String(validating: $0.value, as: UTF8.self) == nil }.keys) }
    var good: Set<ErrorPath.Position> { Set(values.keys).subtracting(bad) }
    func source() -> KafkaSource { KafkaSource(brokers: broker.brokers, topics: [topic], batchSize: 16, tail: false) }
}

/// Messages whose bytes are not what the deserializer expects: with `.raise`
/// the run stops naming topic, partition and offset; with `.route` each one
/// reaches `errors` and every other one `decoded` — none missing, none twice.
@Suite struct KafkaDeserializeErrorTests {
    @Test func theMixedTopicHoldsWhatWasProduced() throws {
        let mixed = try MixedTopic()
        #expect(mixed.values.count == 300)
        #expect(mixed.bad.count == 30)
        #expect(Set(mixed.bad.map(\.partition)).count > 1, "bad messages are spread over partitions")
        try mixed.broker.assertNoDroppedData()
    }

    @Test func routeSendsBadMessagesToErrorsAndTheRestToDecoded() throws {
        let mixed = try MixedTopic()
        for workers in [1, 2, 3] {
            let flow = Dataflow("test")
            let decoded = TestingSink<ErrorPath.Position>()
            let texts = TestingSink<String>()
            let errors = TestingSink<ErrorPath.Position>()
            let reasons = TestingSink<String>()
            let out = flow.input("in", mixed.source()).deserialize("decode", key: .utf8, value: .utf8, onError: .route)
            out.decoded.map("position") { ErrorPath.Position(topic: $0.topic, partition: $0.partition, offset: $0.offset) }
                .output("decoded", decoded)
            out.decoded.map("text") { "\($0.partition)@\($0.offset)=\($0.value)" }.output("texts", texts)
            out.errors.map("error_position") { error -> ErrorPath.Position in
                guard case let .deserializationFailed(topic, partition, offset, _) = error.error else {
                    throw KafkaError.embeddedBroker(reason: "unexpected error in errors: \(error)")
                }
                return ErrorPath.Position(topic: topic, partition: partition, offset: offset)
            }.output("errors", errors)
            out.errors.map("error_text") { "\($0)" }.output("reasons", reasons)
            try ErrorPath.expectSuccess(flow, workers: workers)

            #expect(decoded.items.count == Set(decoded.items).count, "workers=\(workers): a message was decoded twice")
            #expect(errors.items.count == Set(errors.items).count, "workers=\(workers): an error came twice")
            #expect(Set(decoded.items) == mixed.good, "workers=\(workers)")
            #expect(Set(errors.items) == mixed.bad, "workers=\(workers)")
            #expect(decoded.items.count + errors.items.count == 300, "workers=\(workers): a message went missing")
            // Decoded values are the produced text, at the position they were read from.
            let expectedTexts = mixed.good.map {
                "\($0.partition)@\($0.offset)=\(String(decoding: mixed.values[$0]!, as: UTF8.self))"
            }
            #expect(texts.items.sorted() == expectedTexts.sorted(), "workers=\(workers)")
            #expect(
                reasons.items.allSatisfy { $0.contains("topic '\(mixed.topic)'") && $0.contains("value: not valid UTF-8") },
                "workers=\(workers): \(reasons.items.prefix(3))")
        }
        try mixed.broker.assertNoDroppedData()
    }

    @Test func raiseStopsTheRunAtABadMessageNamingItsPosition() throws {
        let mixed = try MixedTopic()
        for workers in [1, 2, 3] {
            let flow = Dataflow("test")
            let out = flow.input("in", mixed.source()).deserialize("decode", key: .utf8, value: .utf8)
            out.decoded.map("value") { $0.value }.output("out", TestingSink<String>())
            out.errors.map("text") { "\($0)" }.output("errors", TestingSink<String>())
            let (error, _) = try ErrorPath.expectFailure(flow, workers: workers)

            guard let (step, cause) = ErrorPath.kafkaCause(of: error) else { return }
            #expect(step == "test.decode.decode", "workers=\(workers)")
            guard case let .deserializationFailed(topic, partition, offset, reason) = cause else {
                Issue.record("workers=\(workers): expected deserializationFailed, got \(cause)")
                return
            }
            let position = ErrorPath.Position(topic: topic, partition: partition, offset: offset)
            #expect(mixed.bad.contains(position), "workers=\(workers): \(position) is not a bad message")
            #expect(reason.contains("value: not valid UTF-8"))
            let text = error.description
            #expect(text.contains("test.decode.decode"), "\(text)")
            #expect(text.contains("topic '\(topic)' partition \(partition) offset \(offset)"), "\(text)")
        }
        try mixed.broker.assertNoDroppedData()
    }

    @Test func valueAsUTF8InAPlainMapStopsTheRunNamingThePosition() throws {
        let mixed = try MixedTopic()
        for workers in [1, 2, 3] {
            let flow = Dataflow("test")
            flow.input("in", mixed.source())
                .map("text") { try $0.value(as: .utf8) }
                .output("out", TestingSink<String>())
            let (error, _) = try ErrorPath.expectFailure(flow, workers: workers)

            guard case let .stepFailed(step, _, item, underlying) = error else {
                Issue.record("workers=\(workers): expected stepFailed, got \(error)")
                return
            }
            #expect(step == "test.text")
            guard case let .deserializationFailed(topic, partition, offset, _)? = underlying as? KafkaError else {
                Issue.record("workers=\(workers): expected deserializationFailed, got \(underlying)")
                return
            }
            #expect(mixed.bad.contains(ErrorPath.Position(topic: topic, partition: partition, offset: offset)))
            #expect(item?.contains("offset: \(offset)") == true, "the item is the message: \(item ?? "nil")")
            #expect(error.description.contains("topic '\(topic)' partition \(partition) offset \(offset)"), "\(error)")
        }
        try mixed.broker.assertNoDroppedData()
    }
}
