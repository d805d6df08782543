import Foundation
import SluiceEngine

/// Why a windowing step stopped on an item.
struct WindowItemError: Error, CustomStringConvertible {
    let description: String
}

/// The per-key logic of every windowing operator: assigns each item to its
/// windows (or to `late`), advances the key's clock, and closes windows when
/// the watermark passes them, on items, on timers and at the end of input.
final class WindowLogic<Clock: WindowClock, Accumulator: Codable & Sendable, Down: Sendable>: StatefulLogic
where Clock.Value: Sendable {
    typealias Value = Clock.Value
    typealias Event = WindowEvent<Value, Down>

    private var state: WindowState<Accumulator>
    private let clock: Clock
    private let kind: Windowing.Kind
    private let folding: WindowFolding<Value, Accumulator, Down>
    /// When the engine should call `onNotify` (system time), if a window is open.
    private var wakeAt: Date?

    /// The least time between timer calls, so a clock that runs behind the
    /// engine's system time (an injected test clock) cannot spin the worker.
    static var minimumWakeDelay: TimeInterval { 0.001 }

    init(state: WindowState<Accumulator>?, clock: Clock, kind: Windowing.Kind, folding: WindowFolding<Value, Accumulator, Down>) {
        self.state = state ?? WindowState()
        self.clock = clock
        self.kind = kind
        self.folding = folding
        if !self.state.windows.isEmpty { scheduleWake(now: clock.now()) }
    }

    static var prefersBatches: Bool { true }

    func onItem(_ value: Value, emit: inout KeyedEmitter<Event>) throws -> StateAction {
        try onBatch([value], emit: &emit)
    }

    func onBatch(_ values: [Value], emit: inout KeyedEmitter<Event>) throws -> StateAction {
        let now = clock.now()
        var watermark = state.clock.watermark(at: now)
        for value in values {
            try forItem(value) {
                guard let time = try clock.timestamp(of: value, now: now) else {
                    switch clock.missingTimestamps {
                    case .fail:
                        throw WindowItemError(description: "the item has no usable timestamp (the clock's timestamp getter returned nil)")
                    case .late:
                        emit(.late(.unassigned, value))
                        return
                    }
                }
                watermark = clock.observe(time, at: now, state: &state.clock)
                try assign(value, at: time, watermark: watermark, emit: &emit)
            }
        }
        try close(at: watermark, emit: &emit)
        scheduleWake(now: now)
        return .retain
    }

    private func assign(_ value: Value, at time: Date, watermark: Date, emit: inout KeyedEmitter<Event>) throws {
        switch kind {
        case .fixed:
            for window in kind.windows(containing: time) {
                if window.close <= watermark {
                    emit(.late(window.id, value))
                } else {
                    if state.windows[window.id] == nil {
                        state.windows[window.id] = OpenWindow(
                            openTime: window.open, closeTime: window.close, mergedIDs: [], accumulator: folding.initial())
                    }
                    try folding.fold(&state.windows[window.id]!.accumulator, value)
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
        }
    }

    func onNotify(emit: inout KeyedEmitter<Event>) throws -> StateAction {
        let now = clock.now()
        try close(at: state.clock.watermark(at: now), emit: &emit)
        scheduleWake(now: now)
        return .retain
    }

    /// Closes every window at the end of input. The clock state stays (a
    /// continued run keeps its watermark), so the key's state is retained.
    func onEOF(emit: inout KeyedEmitter<Event>) throws -> StateAction {
        try close(at: .distantFuture, emit: &emit, all: true)
        wakeAt = nil
        return .retain
    }

    /// Emits and forgets the windows closed at `watermark`, in close-time order.
    private func close(at watermark: Date, emit: inout KeyedEmitter<Event>, all: Bool = false) throws {
        if state.windows.isEmpty { return }
        // Most calls close nothing: check before building the sorted list.
        guard all || state.windows.values.contains(where: { kind.isClosed($0, at: watermark) }) else { return }
        let closing = state.windows.filter { all || kind.isClosed($0.value, at: watermark) }
            .sorted { ($0.value.closeTime, $0.key) < ($1.value.closeTime, $1.key) }
        for (id, window) in closing {
            state.windows.removeValue(forKey: id)
            if let result = try folding.finish(window.accumulator) { emit(.down(id, result)) }
            emit(.meta(id, window.metadata))
        }
    }

    /// Sets when the engine should next call `onNotify`: when the watermark
    /// reaches the earliest closing time, in the engine's system time.
    private func scheduleWake(now: Date) {
        let earliest = state.windows.values.lazy.map { self.kind.closingTime(of: $0) }.min()
        guard let earliest, let due = state.clock.systemTime(whenWatermarkReaches: earliest) else {
            wakeAt = nil
            return
        }
        wakeAt = Date().addingTimeInterval(max(due.timeIntervalSince(now), Self.minimumWakeDelay))
    }

    func notifyAt() -> Date? { wakeAt }

    func snapshot() -> WindowState<Accumulator> { state }
}
