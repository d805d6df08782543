import Foundation

/// One open window of a key: its bounds, the windows merged into it and its accumulator.
struct OpenWindow<Accumulator: Codable & Sendable>: Codable, Sendable {
    var openTime: Date
    var closeTime: Date
    var mergedIDs: [WindowID]
    var accumulator: Accumulator

    var metadata: WindowMetadata { WindowMetadata(openTime: openTime, closeTime: closeTime, mergedIDs: mergedIDs) }
}

/// Everything a windowing operator keeps for one key, snapshotted as a whole:
/// the clock, the open windows and the next session id.
struct WindowState<Accumulator: Codable & Sendable>: Codable, Sendable {
    var clock = WindowClockState()
    var windows: [WindowID: OpenWindow<Accumulator>] = [:]
    var nextSessionID = 0
}

extension Windowing.Kind {
    /// The fixed windows (ids and bounds) that contain `time`, earliest first.
    func windows(containing time: Date) -> [(id: WindowID, open: Date, close: Date)] {
        guard case let .fixed(length, offset, alignTo) = self else { return [] }
        let since = time.timeIntervalSince(alignTo)
        let last = Int((since / offset).rounded(.down))
        var first = Int(((since - length) / offset).rounded(.down)) + 1
        // Guard the edges against floating-point rounding: keep exactly the
        // windows with open <= time < close.
        first = min(first, last)
        var found: [(id: WindowID, open: Date, close: Date)] = []
        for index in (first - 1)...(last + 1) {
            let open = alignTo.addingTimeInterval(Double(index) * offset)
            let close = open.addingTimeInterval(length)
            if open <= time && time < close { found.append((WindowID(index), open, close)) }
        }
        return found
    }

    /// The event time the watermark must reach (fixed) or pass (sessions) to close `window`.
    func closingTime<Accumulator>(of window: OpenWindow<Accumulator>) -> Date {
        switch self {
        case .fixed: return window.closeTime
        case .session(let gap): return window.closeTime.addingTimeInterval(gap)
        }
    }

    /// Whether `window` is closed at `watermark`.
    func isClosed<Accumulator>(_ window: OpenWindow<Accumulator>, at watermark: Date) -> Bool {
        switch self {
        case .fixed: return window.closeTime <= watermark
        case .session(let gap): return window.closeTime.addingTimeInterval(gap) < watermark
        }
    }
}

extension WindowState {
    /// Puts an on-time item at `time` into its session, opening one or
    /// merging the sessions it bridges (into the earliest); returns its id.
    mutating func session(
        for time: Date, gap: TimeInterval, initial: () -> Accumulator,
        merge: (inout Accumulator, Accumulator) throws -> Void
    ) throws -> WindowID {
        let touching = windows.filter { _, window in
            window.openTime.addingTimeInterval(-gap) <= time && time <= window.closeTime.addingTimeInterval(gap)
        }
        .sorted { ($0.value.openTime, $0.key) < ($1.value.openTime, $1.key) }
        guard let (targetID, _) = touching.first else {
            let id = WindowID(nextSessionID)
            nextSessionID += 1
            windows[id] = OpenWindow(openTime: time, closeTime: time, mergedIDs: [], accumulator: initial())
            return id
        }
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
}
