import SluiceEngine

/// The per-key logic of `statefulMap`: state plus a mapper.
@usableFromInline
final class StatefulMapLogic<State: Codable & Sendable, Value: Sendable, Output: Sendable>: StatefulLogic {
    @usableFromInline var state: State?
    @usableFromInline let mapper: @Sendable (State?, Value) throws -> (State?, Output)

    @inlinable
    init(state: State?, mapper: @escaping @Sendable (State?, Value) throws -> (State?, Output)) {
        self.state = state
        self.mapper = mapper
    }

    @inlinable
    func onItem(_ value: Value, emit: inout KeyedEmitter<Output>) throws -> StateAction {
        let (next, output) = try mapper(state, value)
        emit(output)
        state = next
        return next == nil ? .discard : .retain
    }

    @inlinable
    func snapshot() -> State? { state }
}

extension DataStream {
    /// Keeps a state per key and emits one value per input value: the mapper
    /// gets the key's state (nil at first) and the value, and returns the new
    /// state (nil to forget the key) and the value to emit.
    ///
    /// ```swift
    /// let running = keyedWords.statefulMap("count") { (count: Int?, _: String) in
    ///     let next = (count ?? 0) + 1
    ///     return (next, next)            // (new state, emitted value)
    /// }
    /// ```
    /// - Parameters:
    ///   - name: The step id.
    ///   - mapper: Called once per value, in order per key, on the key's worker.
    /// - Returns: The keyed emitted values.
    @inlinable
    public func statefulMap<Value, State: Codable & Sendable, Out: Sendable>(
        _ name: String, _ mapper: @escaping @Sendable (State?, Value) throws -> (State?, Out)
    ) -> KeyedStream<Out> where Item == (key: String, value: Value) {
        stateful(name) { (resume: State??) in
            StatefulMapLogic<State, Value, Out>(state: resume ?? nil, mapper: mapper)
        }
    }
}
