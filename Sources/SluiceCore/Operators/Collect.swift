import Foundation
import SluiceEngine

/// What `collect` keeps per key: the values so far and when to give up waiting.
struct CollectState<Value: Codable & Sendable>: Codable, Sendable {
    var values: [Value]
    var deadline: Date?
}

/// The per-key logic of `collect`.
final class CollectLogic<Value: Codable & Sendable>: StatefulLogic {
    private var state: CollectState<Value>
    private let timeout: TimeInterval
    private let maxSize: Int
    private let now: @Sendable () -> Date

    init(state: CollectState<Value>?, timeout: TimeInterval, maxSize: Int, now: @escaping @Sendable () -> Date) {
        self.state = state ?? CollectState(values: [], deadline: nil)
        self.timeout = timeout
        self.maxSize = maxSize
        self.now = now
    }

    func onItem(_ value: Value, emit: inout KeyedEmitter<[Value]>) throws -> StateAction {
        if state.values.isEmpty { state.deadline = now().addingTimeInterval(timeout) }
        state.values.append(value)
        if state.values.count >= maxSize {
            emit(state.values)
            return .discard
        }
        return .retain
    }

    func onNotify(emit: inout KeyedEmitter<[Value]>) throws -> StateAction { flush(&emit) }
    func onEOF(emit: inout KeyedEmitter<[Value]>) throws -> StateAction { flush(&emit) }

    private func flush(_ emit: inout KeyedEmitter<[Value]>) -> StateAction {
        if !state.values.isEmpty { emit(state.values) }
        return .discard
    }

    func notifyAt() -> Date? { state.deadline }
    func snapshot() -> CollectState<Value> { state }
}

extension DataStream {
    /// Collects the values of each key into arrays, emitting an array when it
    /// reaches `maxSize`, when `timeout` has passed since its first value, or
    /// at the end of input — whichever comes first.
    ///
    /// ```swift
    /// let batches = keyedEvents.collect("batch", timeout: .seconds(5), maxSize: 100)
    /// ```
    /// - Parameters:
    ///   - name: The step id.
    ///   - timeout: The longest a value waits (system time).
    ///   - maxSize: The most values in one array (at least 1).
    ///   - now: The clock, replaceable in tests.
    /// - Returns: The keyed arrays, each in arrival order.
    public func collect<Value: Codable>(
        _ name: String, timeout: Duration, maxSize: Int, now: @escaping @Sendable () -> Date = { Date() }
    ) -> KeyedStream<[Value]> where Item == (key: String, value: Value) {
        let seconds = timeout.seconds
        let size = max(1, maxSize)
        return stateful(name) { (resume: CollectState<Value>?) in
            CollectLogic(state: resume, timeout: seconds, maxSize: size, now: now)
        }
    }
}
