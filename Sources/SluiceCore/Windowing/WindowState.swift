import Foundation

/// One open window of a key: its bounds, the windows merged into it and its accumulator.
@usableFromInline
struct OpenWindow<Accumulator: Codable & Sendable>: Codable, Sendable {
    @usableFromInline var openTime: Date
    @usableFromInline var closeTime: Date
    @usableFromInline var mergedIDs: [WindowID]
    @usableFromInline var accumulator: Accumulator

    @inlinable
    init(openTime: Date, closeTime: Date, mergedIDs: [WindowID], accumulator: Accumulator) {
        self.openTime = openTime
        self.closeTime = closeTime
        self.mergedIDs = mergedIDs
        self.accumulator = accumulator
    }

    @usableFromInline
    var metadata: WindowMetadata { WindowMetadata(openTime: openTime, closeTime: closeTime, mergedIDs: mergedIDs) }
}

/// Everything a windowing operator keeps for one key, snapshotted as a whole:
/// the clock, the open windows, the next session id and (with `ordered`) the
/// items waiting for the watermark.
@usableFromInline
struct WindowState<Accumulator: Codable & Sendable, Pending: Codable & Sendable>: Codable, Sendable {
    @usableFromInline var clock = WindowClockState()
    @usableFromInline var windows: [WindowID: OpenWindow<Accumulator>] = [:]
    @usableFromInline var nextSessionID = 0
    /// Items held back until the watermark passes them (`ordered` only),
    /// sorted by event time, arrival order among equal times.
    @usableFromInline var pending: [PendingItem<Pending>] = []

    @inlinable init() {}

    private enum CodingKeys: String, CodingKey { case clock, windows, nextSessionID, pending }

    @usableFromInline
    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        clock = try container.decode(WindowClockState.self, forKey: .clock)
        windows = try container.decode([WindowID: OpenWindow<Accumulator>].self, forKey: .windows)
        nextSessionID = try container.decode(Int.self, forKey: .nextSessionID)
        pending = try container.decodeIfPresent([PendingItem<Pending>].self, forKey: .pending) ?? []
    }

    @usableFromInline
    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(clock, forKey: .clock)
        try container.encode(windows, forKey: .windows)
        try container.encode(nextSessionID, forKey: .nextSessionID)
        if !pending.isEmpty { try container.encode(pending, forKey: .pending) }
    }
}

/// An item an `ordered` windowing step holds until the watermark passes its
/// event time.
@usableFromInline
struct PendingItem<Value: Codable & Sendable>: Codable, Sendable {
    @usableFromInline var time: Date
    @usableFromInline var value: Value

    @inlinable
    init(time: Date, value: Value) {
        self.time = time
        self.value = value
    }
}

extension Windowing.Kind {
    /// Calls `body` with each fixed window (id and bounds) that contains
    /// `time`, earliest first, without allocating.
    @inlinable
    func forEachWindow(containing time: Date, _ body: (WindowID, Date, Date) throws -> Void) throws {
        guard case let .fixed(length, offset, alignTo) = self else { return }
        let since = time.timeIntervalSince(alignTo)
        guard abs(since / offset) < 1e18 else {
            throw WindowItemError(
                description: "the item's timestamp \(time) is too far from the windower's alignment \(alignTo) "
                    + "to number its window")
        }
        let last = Int((since / offset).rounded(.down))
        // Guard the edges against floating-point rounding: try one more window
        // on each side and keep exactly those with open <= time < close.
        let first = min(Int(((since - length) / offset).rounded(.down)) + 1, last)
        for index in (first - 1)...(last + 1) {
            let open = alignTo.addingTimeInterval(Double(index) * offset)
            let close = open.addingTimeInterval(length)
            if open <= time && time < close { try body(WindowID(index), open, close) }
        }
    }

    /// The event time the watermark must reach (fixed) or pass (sessions) to close `window`.
    @inlinable
    func closingTime<Accumulator>(of window: OpenWindow<Accumulator>) -> Date {
        switch self {
        case .fixed: return window.closeTime
        case .session(let gap): return window.closeTime.addingTimeInterval(gap)
        }
    }

    /// Whether a window with closing time `closing` is closed at `watermark`.
    @inlinable
    func isClosed(closing: Date, at watermark: Date) -> Bool {
        switch self {
        case .fixed: return closing <= watermark
        case .session: return closing < watermark
        }
    }
}

extension WindowState {
    /// Puts an on-time item at `time` into its session, opening one or
    /// merging the sessions it bridges (into the earliest); returns its id.
    @inlinable
    mutating func session(
        for time: Date, gap: TimeInterval, initial: () -> Accumulator,
        merge: (inout Accumulator, Accumulator) throws -> Void
    ) throws -> WindowID {
        func touches(_ window: OpenWindow<Accumulator>) -> Bool {
            window.openTime.addingTimeInterval(-gap) <= time && time <= window.closeTime.addingTimeInterval(gap)
        }
        // Most items extend one session or open one: no merge, no allocation.
        var touchingCount = 0
        var only: Dictionary<WindowID, OpenWindow<Accumulator>>.Index?
        for index in windows.indices where touches(windows.values[index]) {
            touchingCount += 1
            only = index
        }
        if touchingCount == 0 {
            let id = WindowID(nextSessionID)
            nextSessionID += 1
            windows[id] = OpenWindow(openTime: time, closeTime: time, mergedIDs: [], accumulator: initial())
            return id
        }
        if touchingCount == 1, let index = only {
            windows.values[index].openTime = min(windows.values[index].openTime, time)
            windows.values[index].closeTime = max(windows.values[index].closeTime, time)
            return windows.keys[index]
        }
        let touching = windows.filter { touches($0.value) }
            .sorted { ($0.value.openTime, $0.key) < ($1.value.openTime, $1.key) }
        let targetID = touching[0].key
        var target = windows.removeValue(forKey: targetID)!
        target.openTime = min(target.openTime, time)
        target.closeTime = max(target.closeTime, time)
        for (id, other) in touching.dropFirst() {
            windows.removeValue(forKey: id)
            try merge(&target.accumulator, other.accumulator)
            target.closeTime = max(target.closeTime, other.closeTime)
            target.mergedIDs.append(id)
            target.mergedIDs.append(contentsOf: other.mergedIDs)
        }
        windows[targetID] = target
        return targetID
    }

    /// Holds an item until the watermark passes `time`, after earlier and
    /// equal times already held.
    @inlinable
    mutating func hold(_ value: Pending, at time: Date) {
        var low = 0, high = pending.count
        while low < high {
            let middle = (low + high) / 2
            if pending[middle].time <= time { low = middle + 1 } else { high = middle }
        }
        pending.insert(PendingItem(time: time, value: value), at: low)
    }

    /// Removes and returns the held items with event time at most `watermark`, in order.
    @inlinable
    mutating func release(upTo watermark: Date) -> [PendingItem<Pending>] {
        var count = 0
        while count < pending.count && pending[count].time <= watermark { count += 1 }
        guard count > 0 else { return [] }
        let released = Array(pending.prefix(count))
        pending.removeFirst(count)
        return released
    }
}
