import Foundation
import Sluice
import SluiceKafka
import SluiceTesting
import SluiceTestSupport
import Testing

/// Helpers of the error-path tests (a namespace, so they never clash with
/// other test files of this target).
enum ErrorPath {
    /// How long a run may take before a test calls it hung. Only a bound: the
    /// tests never pass or fail on timing, except where the issue itself
    /// states a bound (unreachable brokers: under 30 s).
    static let hangBound: Duration = .seconds(90)

    /// Brokers that nothing listens on (port 1 refuses connections).
    static let unreachable = ["127.0.0.1:1"]

    /// How a bounded run ended and how long it took.
    struct Outcome {
        let result: Result<Void, any Error>
        let elapsed: Duration
    }

    /// Runs `flow` in the background and returns how it ended, or nil (after
    /// recording an issue) if it did not end within `hangBound`.
    static func run(
        _ flow: Dataflow, workers: Int, epochInterval: Duration = .seconds(10),
        sourceLocation: SourceLocation = #_sourceLocation
    ) -> Outcome? {
        run(flow, configuration: RunConfiguration(workers: workers, epochInterval: epochInterval), sourceLocation: sourceLocation)
    }

    /// `run` with a whole configuration (a recovery store, for instance).
    static func run(
        _ flow: Dataflow, configuration: RunConfiguration, sourceLocation: SourceLocation = #_sourceLocation
    ) -> Outcome? {
        let clock = ContinuousClock()
        let started = clock.now
        guard let result = runBounded(flow, configuration: configuration, bound: hangBound, sourceLocation: sourceLocation)
        else { return nil }
        return Outcome(result: result, elapsed: clock.now - started)
    }

    /// Runs `flow` (bounded) and requires it to succeed.
    static func expectSuccess(
        _ flow: Dataflow, workers: Int, sourceLocation: SourceLocation = #_sourceLocation
    ) throws {
        guard let outcome = run(flow, workers: workers, sourceLocation: sourceLocation) else { throw TestStopped() }
        if case .failure(let error) = outcome.result {
            Issue.record("the run failed: \(error)", sourceLocation: sourceLocation)
            throw TestStopped()
        }
    }

    /// Runs `flow` (bounded) and returns the `DataflowError` it must fail
    /// with, and how long the run took.
    static func expectFailure(
        _ flow: Dataflow, workers: Int, sourceLocation: SourceLocation = #_sourceLocation
    ) throws -> (error: DataflowError, elapsed: Duration) {
        try expectFailure(flow, configuration: RunConfiguration(workers: workers), sourceLocation: sourceLocation)
    }

    /// `expectFailure` with a whole configuration.
    static func expectFailure(
        _ flow: Dataflow, configuration: RunConfiguration, sourceLocation: SourceLocation = #_sourceLocation
    ) throws -> (error: DataflowError, elapsed: Duration) {
        guard let outcome = run(flow, configuration: configuration, sourceLocation: sourceLocation) else { throw TestStopped() }
        switch outcome.result {
        case .success:
            Issue.record("the run succeeded but should have failed", sourceLocation: sourceLocation)
            throw TestStopped()
        case .failure(let error):
            let dataflowError = try #require(
                error as? DataflowError, "expected a DataflowError, got \(type(of: error)): \(error)",
                sourceLocation: sourceLocation)
            return (dataflowError, outcome.elapsed)
        }
    }

    /// The step and the `KafkaError` under a source or sink failure, or nil
    /// (after recording an issue) when `error` is something else.
    static func kafkaCause(
        of error: DataflowError, sourceLocation: SourceLocation = #_sourceLocation
    ) -> (step: StepID, cause: KafkaError)? {
        let step: StepID
        let underlying: any Error
        switch error {
        case let .sourceFailed(failedStep, _, cause), let .sinkFailed(failedStep, _, cause):
            (step, underlying) = (failedStep, cause)
        case let .stepFailed(failedStep, _, _, cause):
            (step, underlying) = (failedStep, cause)
        default:
            Issue.record("expected a source, sink or step failure, got \(error)", sourceLocation: sourceLocation)
            return nil
        }
        guard let cause = underlying as? KafkaError else {
            Issue.record("expected a KafkaError under \(error), got \(type(of: underlying))", sourceLocation: sourceLocation)
            return nil
        }
        return (step, cause)
    }

    /// Produces `messages` with one worker and waits for every delivery.
    static func produce(_ messages: [KafkaSinkMessage], to topic: String, on broker: TestBroker) throws {
        let flow = Dataflow("produce")
        flow.input("items", TestingSource(messages, batchSize: 100))
            .output("kafka", KafkaSink(brokers: broker.brokers, topic: topic))
        try expectSuccess(flow, workers: 1)
    }

    /// Where a message is, comparable across runs.
    struct Position: Hashable, Comparable, Sendable, CustomStringConvertible {
        let topic: String
        let partition: Int32
        let offset: Int64
        init(topic: String, partition: Int32, offset: Int64) {
            self.topic = topic
            self.partition = partition
            self.offset = offset
        }
        init(_ message: KafkaMessage) {
            self.init(topic: message.topic, partition: message.partition, offset: message.offset)
        }
        static func < (a: Position, b: Position) -> Bool {
            (a.topic, a.partition, a.offset) < (b.topic, b.partition, b.offset)
        }
        var description: String { "\(topic)/\(partition)@\(offset)" }
    }

    /// Every message of `topic`, read once with `tail: false`.
    static func readAll(_ topic: String, on broker: TestBroker) throws -> [KafkaMessage] {
        let flow = Dataflow("read_all")
        let sink = TestingSink<KafkaMessage>()
        flow.input("kafka", KafkaSource(brokers: broker.brokers, topics: [topic], tail: false)).output("out", sink)
        try expectSuccess(flow, workers: 1)
        return sink.items
    }
}
