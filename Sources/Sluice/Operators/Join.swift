import SluiceEngine

/// Which values of a side a `join` keeps for a key.
public enum JoinInsertMode: Sendable {
    /// Keep the first value seen on each side.
    case first
    /// Keep the latest value seen on each side.
    case last
    /// Keep every value; emit every combination.
    case product
}

/// When a `join` emits.
public enum JoinEmitMode: Sendable {
    /// When both sides have a value; then the key's state is cleared.
    case complete
    /// Once, at the end of input, whatever each side has (nil where none).
    case final
    /// After every value, with what each side has so far (nil where none).
    case running
}

/// One value of either side of a join, as it travels to the key's worker.
enum JoinSide<Left: Sendable, Right: Sendable>: Sendable {
    case left(Left)
    case right(Right)
}

/// What a join keeps per key.
struct JoinState<Left: Codable & Sendable, Right: Codable & Sendable>: Codable, Sendable {
    var lefts: [Left] = []
    var rights: [Right] = []
}

/// The per-key logic of `join`.
final class JoinLogic<Left: Codable & Sendable, Right: Codable & Sendable>: StatefulLogic {
    typealias Row = (left: Left?, right: Right?)
    private var state: JoinState<Left, Right>
    private let insertMode: JoinInsertMode
    private let emitMode: JoinEmitMode

    init(state: JoinState<Left, Right>?, insertMode: JoinInsertMode, emitMode: JoinEmitMode) {
        self.state = state ?? JoinState()
        self.insertMode = insertMode
        self.emitMode = emitMode
    }

    func onItem(_ value: JoinSide<Left, Right>, emit: inout KeyedEmitter<Row>) throws -> StateAction {
        switch value {
        case .left(let left): insert(left, into: &state.lefts)
        case .right(let right): insert(right, into: &state.rights)
        }
        switch emitMode {
        case .complete:
            guard !state.lefts.isEmpty, !state.rights.isEmpty else { return .retain }
            emitRows(&emit)
            return .discard
        case .running:
            emitRows(&emit)
            return .retain
        case .final:
            return .retain
        }
    }

    func onEOF(emit: inout KeyedEmitter<Row>) throws -> StateAction {
        if emitMode == .final { emitRows(&emit) }
        return .discard
    }

    private func insert<Value>(_ value: Value, into values: inout [Value]) {
        switch insertMode {
        case .first: if values.isEmpty { values = [value] }
        case .last: values = [value]
        case .product: values.append(value)
        }
    }

    /// Every combination of the sides' values, nil standing in for an empty side.
    private func emitRows(_ emit: inout KeyedEmitter<Row>) {
        let lefts: [Left?] = state.lefts.isEmpty ? [nil] : state.lefts.map { $0 }
        let rights: [Right?] = state.rights.isEmpty ? [nil] : state.rights.map { $0 }
        for left in lefts {
            for right in rights { emit((left, right)) }
        }
    }

    func snapshot() -> JoinState<Left, Right> { state }
}

extension DataStream {
    /// Joins this keyed stream with another on their keys.
    ///
    /// ```swift
    /// let names = users.keyOn("uid") { $0.id }.mapValue("name") { $0.name }
    /// let emails = contacts.keyOn("cid") { $0.userID }.mapValue("email") { $0.email }
    /// let joined = names.join("user_email", emails)   // (key, (left: name?, right: email?))
    /// ```
    /// - Parameters:
    ///   - name: The step id.
    ///   - other: The right side.
    ///   - insertMode: Which values each side keeps. Default `.last`.
    ///   - emitMode: When rows are emitted. Default `.complete` (both sides present).
    /// - Returns: Keyed rows `(left, right)`; a side is nil only in `.final` and `.running` modes.
    public func join<Left: Codable, Right: Codable>(
        _ name: String, _ other: KeyedStream<Right>, insertMode: JoinInsertMode = .last,
        emitMode: JoinEmitMode = .complete
    ) -> KeyedStream<(left: Left?, right: Right?)> where Item == (key: String, value: Left) {
        composite(name) { stream, scope in
            let lefts = stream.mapValue("left") { JoinSide<Left, Right>.left($0) }
            let rights = other.scoped(scope).mapValue("right") { JoinSide<Left, Right>.right($0) }
            return lefts.merge("merge", rights).stateful("join") { (resume: JoinState<Left, Right>?) in
                JoinLogic(state: resume, insertMode: insertMode, emitMode: emitMode)
            }
        }
    }
}
