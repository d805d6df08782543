import Foundation
import SluiceEngine

/// Why a windowing step stopped on an item.
@usableFromInline
struct WindowItemError: Error, CustomStringConvertible {
    @usableFromInline let description: String

    @usableFromInline
    init(description: String) { self.description = description }
}

/// The per-key logic of every windowing operator: assigns each item to its
/// windows (or to `late`), advances the key's clock, and closes windows when
/// the watermark passes them, on items, on timers and at the end of input.
/// With an `ordering`, items wait in the state until the watermark passes
/// their event time and are then applied in event-time order.
///
/// With a clock that `usesStreamWatermark`, the watermark is the stream's
/// (handed in by the engine on each call and on `onWatermark`), never lower
/// than the highest one the key has seen, which is kept in the key's clock
/// state: so a resumed key judges lateness as the original run did, even
/// before the inputs' first watermark reaches it.
///
/// Speed: the per-item path (`onItem`) is `@inlinable`, so the `stateful`
/// kernel built by `windowStep` in the caller's module runs it specialized
/// (decision 0007): no generic dispatch, no per-item allocation for tumbling
/// and sliding windows.
@usableFromInline
final class WindowLogic<
    Clock: WindowClock, Accumulator: Codable & Sendable, Down: Sendable, Pending: Codable & Sendable
>: StatefulLogic where Clock.Value: Sendable {
    @usableFromInline typealias Value = Clock.Value
    @usableFromInline typealias Event = WindowEvent<Value, Down>

    @usableFromInline @exclusivity(unchecked) var state: WindowState<Accumulator, Pending>
    @usableFromInline let clock: Clock
    @usableFromInline let kind: Windowing.Kind
    @usableFromInline let folding: WindowFolding<Value, Accumulator, Down>
    @usableFromInline let ordering: WindowOrdering<Value, Pending>?
    /// The earliest event time at which the watermark closes an open window
    /// (kept so most items check one date instead of every window).
    @usableFromInline @exclusivity(unchecked) var earliestClosing: Date?
    /// When the engine should call `onNotify` (system time), if a window is open.
    @usableFromInline @exclusivity(unchecked) var wakeAt: Date?

    /// The least time between timer calls, so a clock that runs behind the
    /// engine's system time (an injected test clock) cannot spin the worker.
    @inlinable static var minimumWakeDelay: TimeInterval { 0.001 }

    @inlinable
    init(
        state: WindowState<Accumulator, Pending>?, clock: Clock, kind: Windowing.Kind,
        folding: WindowFolding<Value, Accumulator, Down>, ordering: WindowOrdering<Value, Pending>?
    ) {
        self.state = state ?? WindowState()
        // A restored key: the time the run was stopped or down does not count.
        if state != nil { self.state.clock.resume(at: clock.now()) }
        self.clock = clock
        self.kind = kind
        self.folding = folding
        self.ordering = ordering
        recomputeEarliestClosing()
        if !self.state.windows.isEmpty || !self.state.pending.isEmpty { scheduleWake(now: clock.now()) }
    }

    @inlinable
    func onItem(_ value: Value, emit: inout KeyedEmitter<Event>) throws -> StateAction {
        let now = clock.now()
        guard let time = try clock.timestamp(of: value, now: now), time.timeIntervalSinceReferenceDate.isFinite else {
            try refuse(
                value, policy: clock.missingTimestamps, emit: &emit,
                "the item has no usable timestamp (the clock's timestamp getter returned nil or a time that is not finite)")
            return .retain
        }
        // Most items are not ahead of system time at all: only those pay for the Duration.
        let ahead = time.timeIntervalSince(now)
        if ahead > 0, let components = clock.maxAheadOfSystemTime?.components,
            case let limit = Double(components.seconds) + Double(components.attoseconds) / 1e18, ahead > limit
        {
            try refuse(
                value, policy: clock.futureTimestamps, emit: &emit,
                "the item's timestamp \(time) is \(ahead) s ahead of the system time \(now), "
                    + "more than the clock's limit (maxAheadOfSystemTime: \(limit) s)")
            return .retain
        }
        let watermark =
            clock.usesStreamWatermark
            ? streamWatermark(emit.watermark) : clock.observe(time, at: now, state: &state.clock)
        if let ordering, time > watermark {
            state.hold(ordering.hold(value), at: time)
        } else {
            try assign(value, at: time, watermark: watermark, emit: &emit)
        }
        try advance(to: watermark, emit: &emit)
        scheduleWake(now: now)
        return .retain
    }

    /// Handles an item whose timestamp cannot be used: an error naming the
    /// problem, or the `late` stream, as the clock's `policy` says.
    @usableFromInline
    func refuse(_ value: Value, policy: BadTimestampPolicy, emit: inout KeyedEmitter<Event>, _ problem: String) throws {
        switch policy {
        case .fail: throw WindowItemError(description: problem)
        case .late: emit(.late(.unassigned, value))
        }
    }

    /// Applies the held items the watermark has passed, then closes the
    /// windows it has passed.
    @inlinable
    func advance(to watermark: Date, emit: inout KeyedEmitter<Event>) throws {
        if let ordering, let first = state.pending.first, first.time <= watermark {
            for item in state.release(upTo: watermark) {
                let value = ordering.release(item.value)
                // Held items were on time: judge them at their own time.
                try forItem(value) { try assign(value, at: item.time, watermark: item.time, emit: &emit) }
            }
        }
        if let earliest = earliestClosing, kind.isClosed(closing: earliest, at: watermark) {
            try close(emit: &emit) { self.kind.isClosed(closing: $0, at: watermark) }
        }
    }

    @inlinable
    func assign(_ value: Value, at time: Date, watermark: Date, emit: inout KeyedEmitter<Event>) throws {
        switch kind {
        case .fixed:
            try kind.forEachWindow(containing: time) { id, open, close in
                if close <= watermark {
                    emit(.late(id, value))
                } else if let index = state.windows.index(forKey: id) {
                    try folding.fold(&state.windows.values[index].accumulator, value)
                    if let react = folding.react {
                        try react(&state.windows.values[index].accumulator) {
                            emit(.down(WindowResult(window: id, value: $0, start: open, end: close)))
                        }
                    }
                } else {
                    var accumulator = folding.initial()
                    try folding.fold(&accumulator, value)
                    if let react = folding.react {
                        try react(&accumulator) { emit(.down(WindowResult(window: id, value: $0, start: open, end: close))) }
                    }
                    state.windows[id] = OpenWindow(
                        openTime: open, closeTime: close, mergedIDs: [], accumulator: accumulator)
                    if earliestClosing.map({ close < $0 }) ?? true { earliestClosing = close }
                }
            }
        case .session(let gap):
            if time < watermark {
                emit(.late(.unassigned, value))
                return
            }
            let merge = folding.merge ?? { _, _ in }
            let id = try state.session(for: time, gap: gap, initial: folding.initial, merge: merge)
            try folding.fold(&state.windows[id]!.accumulator, value)
            if let react = folding.react {
                let (open, close) = (state.windows[id]!.openTime, state.windows[id]!.closeTime)
                try react(&state.windows[id]!.accumulator) {
                    emit(.down(WindowResult(window: id, value: $0, start: open, end: close)))
                }
            }
            recomputeEarliestClosing()
        }
    }

    /// The stream watermark for this key: the engine's, or the highest the
    /// key has seen (restored from a snapshot) if that is higher.
    @inlinable
    func streamWatermark(_ engine: Date) -> Date {
        if let seen = state.clock.watermark, seen >= engine { return seen }
        state.clock.watermark = engine
        return engine
    }

    @inlinable
    func onWatermark(_ watermark: Date, emit: inout KeyedEmitter<Event>) throws -> StateAction {
        try advance(to: streamWatermark(watermark), emit: &emit)
        return .retain
    }

    /// The stream watermark at which a window of this key closes (or a held
    /// item is due), for a clock that follows the stream.
    @inlinable
    func notifyAtWatermark() -> Date? {
        guard clock.usesStreamWatermark else { return nil }
        guard let held = state.pending.first?.time else { return earliestClosing }
        return earliestClosing.map { min($0, held) } ?? held
    }

    @inlinable
    func onNotify(emit: inout KeyedEmitter<Event>) throws -> StateAction {
        let now = clock.now()
        try advance(to: state.clock.watermark(at: now), emit: &emit)
        scheduleWake(now: now)
        return .retain
    }

    /// Applies every held item and closes every window at the end of input.
    /// The clock state stays (a continued run keeps its watermark), so the
    /// key's state is retained.
    @inlinable
    func onEOF(emit: inout KeyedEmitter<Event>) throws -> StateAction {
        try advance(to: .distantFuture, emit: &emit)
        try close(emit: &emit) { _ in true }
        wakeAt = nil
        return .retain
    }

    /// Emits and forgets the windows whose closing time `isDue`, in
    /// close-time order.
    @inlinable
    func close(emit: inout KeyedEmitter<Event>, isDue: (Date) -> Bool) throws {
        if state.windows.isEmpty { return }
        if state.windows.count == 1 {
            // The common case (one open tumbling window): no filtered copy, no sort.
            let (id, window) = state.windows.first!
            guard isDue(kind.closingTime(of: window)) else { return }
            state.windows.removeAll(keepingCapacity: true)
            earliestClosing = nil
            try emitClosed(id, window, emit: &emit)
            return
        }
        let closing = state.windows.filter { isDue(kind.closingTime(of: $0.value)) }
            .sorted { ($0.value.closeTime, $0.key) < ($1.value.closeTime, $1.key) }
        for (id, window) in closing {
            state.windows.removeValue(forKey: id)
            try emitClosed(id, window, emit: &emit)
        }
        recomputeEarliestClosing()
    }

    /// Emits a closed window's results and its metadata.
    @inlinable
    func emitClosed(_ id: WindowID, _ window: OpenWindow<Accumulator>, emit: inout KeyedEmitter<Event>) throws {
        try folding.finish(window.accumulator) {
            emit(.down(WindowResult(window: id, value: $0, start: window.openTime, end: window.closeTime)))
        }
        emit(.meta(id, window.metadata))
    }

    @inlinable
    func recomputeEarliestClosing() {
        earliestClosing = state.windows.values.lazy.map { self.kind.closingTime(of: $0) }.min()
    }

    /// Sets when the engine should next call `onNotify`: when the watermark
    /// reaches the earliest closing time or held item, in the engine's
    /// system time.
    @inlinable
    func scheduleWake(now: Date) {
        var earliest = earliestClosing
        if let held = state.pending.first?.time, earliest.map({ held < $0 }) ?? true { earliest = held }
        guard let earliest, let due = state.clock.systemTime(whenWatermarkReaches: earliest) else {
            wakeAt = nil
            return
        }
        let engineNow = clock.readsSystemTime ? now : Date()
        wakeAt = engineNow.addingTimeInterval(max(due.timeIntervalSince(now), Self.minimumWakeDelay))
    }

    @inlinable
    func notifyAt() -> Date? { wakeAt }

    @inlinable
    func snapshot() -> WindowState<Accumulator, Pending> {
        var snapshot = state
        snapshot.clock = state.clock.settled(at: clock.now())
        return snapshot
    }
}

/// How an `ordered` windowing step stores the items it holds back.
@usableFromInline
struct WindowOrdering<Value, Pending>: Sendable {
    @usableFromInline let hold: @Sendable (Value) -> Pending
    @usableFromInline let release: @Sendable (Pending) -> Value

    @inlinable
    init(hold: @escaping @Sendable (Value) -> Pending, release: @escaping @Sendable (Pending) -> Value) {
        self.hold = hold
        self.release = release
    }
}

/// The pending-item type of a windowing step that is not `ordered`: it holds nothing.
@usableFromInline
struct Unordered: Codable, Sendable {}
