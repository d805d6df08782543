import Foundation

/// What a stateful step's logic does with its key's state after a call.
public enum StateAction: Sendable {
    /// Keep this key's logic and state.
    case retain
    /// Drop this key's state; the next item for the key starts afresh.
    case discard
}

/// Collects what a stateful logic emits for the key it is called for.
///
/// ```swift
/// func onItem(_ value: Int, emit: inout KeyedEmitter<Int>) throws -> StateAction {
///     emit(value * 2)
///     return .retain
/// }
/// ```
public struct KeyedEmitter<Output> {
    /// The key the logic is running for.
    public var key: String { currentKey }
    /// The event-time watermark of the step's input stream: merged over the
    /// source partitions (and workers) behind it, from inputs that declare
    /// `watermarks`; `Date.distantPast` while there is none.
    public package(set) var watermark: Date = .distantPast
    @usableFromInline var currentKey: String
    @usableFromInline var items: [(key: String, value: Output)]
    /// Set by the default `onBatch` when it stops at a `.discard`: how many of
    /// the batch's values it left for the key's fresh logic.
    package var unhandledAfterDiscard = 0

    package init(key: String = "", items: [(key: String, value: Output)] = []) {
        self.currentKey = key
        self.items = items
    }

    /// Emits one value downstream, keyed by the current key.
    /// - Parameter value: The value to emit.
    @inlinable
    public mutating func callAsFunction(_ value: Output) { items.append((currentKey, value)) }

    /// Emits several values downstream, keyed by the current key.
    /// - Parameter values: The values to emit, in order.
    @inlinable
    public mutating func callAsFunction<S: Sequence<Output>>(contentsOf values: S) {
        for value in values { items.append((currentKey, value)) }
    }
}

/// The logic of one key of a `stateful` step: Sluice's general keyed
/// primitive, from which `statefulMap`, the `…Final` reducers, `collect` and
/// `join` are built. One instance exists per key, on the worker owning the key.
///
/// ```swift
/// final class RunningSum: StatefulLogic {
///     var sum: Int
///     init(resume: Int?) { sum = resume ?? 0 }
///     func onItem(_ value: Int, emit: inout KeyedEmitter<Int>) throws -> StateAction {
///         sum += value
///         emit(sum)
///         return .retain
///     }
///     func snapshot() -> Int { sum }
/// }
/// ```
public protocol StatefulLogic<Value, Output>: AnyObject {
    /// The values of the keyed input stream.
    associatedtype Value: Sendable
    /// The values emitted (keyed by the same key).
    associatedtype Output: Sendable
    /// What `snapshot()` returns and the builder resumes from.
    associatedtype State: Codable & Sendable

    /// Handles one value. Called in arrival order per key.
    func onItem(_ value: Value, emit: inout KeyedEmitter<Output>) throws -> StateAction

    /// Handles every value of this key in one engine batch. Implement it when
    /// per-batch work is cheaper (set `prefersBatches`); by default it calls
    /// `onItem` for each value.
    func onBatch(_ values: [Value], emit: inout KeyedEmitter<Output>) throws -> StateAction

    /// True to receive values through `onBatch` grouped by key. Default false.
    static var prefersBatches: Bool { get }

    /// Called once the time from `notifyAt()` has passed.
    func onNotify(emit: inout KeyedEmitter<Output>) throws -> StateAction

    /// Called at the end of input, to flush.
    func onEOF(emit: inout KeyedEmitter<Output>) throws -> StateAction

    /// When `onNotify` should next be called (system time), if ever.
    /// Asked after every call into the logic.
    func notifyAt() -> Date?

    /// Called once the stream's watermark (event time) has reached
    /// `notifyAtWatermark()`, with that watermark.
    func onWatermark(_ watermark: Date, emit: inout KeyedEmitter<Output>) throws -> StateAction

    /// The stream watermark at which `onWatermark` should be called, if ever.
    /// Asked after every call into the logic.
    func notifyAtWatermark() -> Date?

    /// The state to store at an epoch end (recovery), for keys that changed.
    func snapshot() -> State
}

// The defaults are `@inlinable` so a logic that keeps them (`statefulMap`'s)
// costs nothing for them in the specialized per-item loop.
extension StatefulLogic {
    @inlinable public static var prefersBatches: Bool { false }

    public func onBatch(_ values: [Value], emit: inout KeyedEmitter<Output>) throws -> StateAction {
        for (index, value) in values.enumerated() {
            if try forItem(value, { try onItem(value, emit: &emit) }) == .discard {
                // The rest belongs to a fresh logic, which only the node can build.
                emit.unhandledAfterDiscard = values.count - index - 1
                return .discard
            }
        }
        return .retain
    }

    @inlinable
    public func onNotify(emit: inout KeyedEmitter<Output>) throws -> StateAction { .retain }
    @inlinable
    public func onEOF(emit: inout KeyedEmitter<Output>) throws -> StateAction { .retain }
    @inlinable
    public func notifyAt() -> Date? { nil }
    @inlinable
    public func onWatermark(_ watermark: Date, emit: inout KeyedEmitter<Output>) throws -> StateAction { .retain }
    @inlinable
    public func notifyAtWatermark() -> Date? { nil }
}
