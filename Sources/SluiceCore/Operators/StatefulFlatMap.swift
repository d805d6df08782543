import SluiceEngine

/// The per-key logic of `statefulFlatMap`.
@usableFromInline
final class StatefulFlatMapLogic<State: Codable & Sendable, Value: Sendable, Output: Sendable>: StatefulLogic {
    @usableFromInline var state: State?
    @usableFromInline let mapper: @Sendable (State?, Value) throws -> (State?, [Output])

    @inlinable
    init(state: State?, mapper: @escaping @Sendable (State?, Value) throws -> (State?, [Output])) {
        self.state = state
        self.mapper = mapper
    }

    @inlinable
    func onItem(_ value: Value, emit: inout KeyedEmitter<Output>) throws -> StateAction {
        let (next, outputs) = try mapper(state, value)
        emit(contentsOf: outputs)
        state = next
        return next == nil ? .discard : .retain
    }

    @inlinable
    func snapshot() -> State? { state }
}

extension DataStream {
    /// Like `statefulMap`, but emits any number of values per input value.
    ///
    /// ```swift
    /// // Emit the running total each time it crosses a multiple of 100.
    /// let crossings = keyedAmounts.statefulFlatMap("crossings") { (total: Int?, amount: Int) in
    ///     let before = total ?? 0, after = before + amount
    ///     return (after, after / 100 > before / 100 ? [after] : [])
    /// }
    /// ```
    /// - Parameters:
    ///   - name: The step id.
    ///   - mapper: Returns the new state (nil to forget the key) and the values to emit.
    /// - Returns: The keyed emitted values.
    @inlinable
    public func statefulFlatMap<Value, State: Codable & Sendable, Out: Sendable>(
        _ name: String, _ mapper: @escaping @Sendable (State?, Value) throws -> (State?, [Out])
    ) -> KeyedStream<Out> where Item == (key: String, value: Value) {
        stateful(name) { (resume: State??) in
            StatefulFlatMapLogic<State, Value, Out>(state: resume ?? nil, mapper: mapper)
        }
    }
}
