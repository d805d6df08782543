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

/// One value of either side of a two-sided join, as it travels to the key's
/// worker; `joinWindow`'s clock and `late` stream see values in this form.
///
/// ```swift
/// let clock = EventClock<JoinSide<Order, Payment>>(
///     timestamp: { $0.either(left: \.placedAt, right: \.paidAt) }, waitForSystemDuration: .seconds(5))
/// ```
public enum JoinSide<Left: Sendable, Right: Sendable>: Sendable {
    /// A value of the stream `join`/`joinWindow` is called on.
    case left(Left)
    /// A value of the other stream.
    case right(Right)

    /// Reads something from either side: `left(value)` or `right(value)`.
    ///
    /// ```swift
    /// let side = JoinSide<Order, Payment>.right(payment)
    /// let time = side.either(left: \.placedAt, right: \.paidAt)   // payment.paidAt
    /// ```
    /// - Parameters:
    ///   - left: Applied to a left value.
    ///   - right: Applied to a right value.
    /// - Returns: What the applied function returns.
    @inlinable
    public func either<T>(left: (Left) throws -> T, right: (Right) throws -> T) rethrows -> T {
        switch self {
        case .left(let value): return try left(value)
        case .right(let value): return try right(value)
        }
    }
}

extension JoinSide: Codable where Left: Codable, Right: Codable {}
extension JoinSide: Equatable where Left: Equatable, Right: Equatable {}
extension JoinSide: Hashable where Left: Hashable, Right: Hashable {}

/// What a join keeps per key (or per window, for `joinWindow`).
@usableFromInline
struct JoinState<Left: Codable & Sendable, Right: Codable & Sendable>: Codable, Sendable {
    @usableFromInline var lefts: [Left] = []
    @usableFromInline var rights: [Right] = []

    @inlinable init() {}

    @inlinable var isComplete: Bool { !lefts.isEmpty && !rights.isEmpty }

    /// Adds a value to its side as `mode` says.
    @inlinable
    mutating func insert(_ value: JoinSide<Left, Right>, mode: JoinInsertMode) {
        switch value {
        case .left(let left): Self.insert(left, into: &lefts, mode: mode)
        case .right(let right): Self.insert(right, into: &rights, mode: mode)
        }
    }

    @inlinable
    static func insert<Value>(_ value: Value, into values: inout [Value], mode: JoinInsertMode) {
        switch mode {
        case .first: if values.isEmpty { values = [value] }
        case .last: values = [value]
        case .product: values.append(value)
        }
    }

    /// Combines a later state (a merged session) into this earlier one:
    /// `.first` keeps this state's values where it has some, `.last` takes
    /// the later's where it has some, `.product` keeps both.
    @inlinable
    mutating func absorb(_ later: JoinState, mode: JoinInsertMode) {
        switch mode {
        case .first:
            if lefts.isEmpty { lefts = later.lefts }
            if rights.isEmpty { rights = later.rights }
        case .last:
            if !later.lefts.isEmpty { lefts = later.lefts }
            if !later.rights.isEmpty { rights = later.rights }
        case .product:
            lefts += later.lefts
            rights += later.rights
        }
    }

    /// Every combination of the sides' values, nil standing in for an empty side.
    @inlinable
    func forEachRow(_ body: ((left: Left?, right: Right?)) -> Void) {
        let lefts: [Left?] = lefts.isEmpty ? [nil] : lefts.map { $0 }
        let rights: [Right?] = rights.isEmpty ? [nil] : rights.map { $0 }
        for left in lefts {
            for right in rights { body((left, right)) }
        }
    }
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
        state.insert(value, mode: insertMode)
        switch emitMode {
        case .complete:
            guard state.isComplete else { return .retain }
            state.forEachRow { emit($0) }
            return .discard
        case .running:
            state.forEachRow { emit($0) }
            return .retain
        case .final:
            return .retain
        }
    }

    func onEOF(emit: inout KeyedEmitter<Row>) throws -> StateAction {
        if emitMode == .final { state.forEachRow { emit($0) } }
        return .discard
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
