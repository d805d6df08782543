import SluiceEngine

/// The per-key logic of `foldFinal`: folds every value, emits at the end.
final class FoldFinalLogic<Accumulator: Codable & Sendable, Value: Sendable>: StatefulLogic {
    private var accumulator: Accumulator
    private let folder: @Sendable (Accumulator, Value) throws -> Accumulator

    init(accumulator: Accumulator, folder: @escaping @Sendable (Accumulator, Value) throws -> Accumulator) {
        self.accumulator = accumulator
        self.folder = folder
    }

    func onItem(_ value: Value, emit: inout KeyedEmitter<Accumulator>) throws -> StateAction {
        accumulator = try folder(accumulator, value)
        return .retain
    }

    func onEOF(emit: inout KeyedEmitter<Accumulator>) throws -> StateAction {
        emit(accumulator)
        return .discard
    }

    func snapshot() -> Accumulator { accumulator }
}

extension DataStream {
    /// Folds all values of each key into an accumulator and emits it once,
    /// at the end of input (so only on finite inputs).
    ///
    /// ```swift
    /// let totals = keyedAmounts.foldFinal("total", initial: { 0 }) { $0 + $1 }
    /// ```
    /// - Parameters:
    ///   - name: The step id.
    ///   - initial: Makes the starting accumulator of a new key.
    ///   - folder: Combines the accumulator with the next value.
    /// - Returns: One `(key, accumulator)` per key, at the end of input.
    public func foldFinal<Value, Accumulator: Codable & Sendable>(
        _ name: String, initial: @escaping @Sendable () -> Accumulator,
        _ folder: @escaping @Sendable (Accumulator, Value) throws -> Accumulator
    ) -> KeyedStream<Accumulator> where Item == (key: String, value: Value) {
        stateful(name) { (resume: Accumulator?) in
            FoldFinalLogic<Accumulator, Value>(accumulator: resume ?? initial(), folder: folder)
        }
    }
}
