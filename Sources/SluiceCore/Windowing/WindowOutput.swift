/// The three streams a windowing operator returns.
///
/// ```swift
/// let out = readings.countWindow("per_10s", clock: clock, windower: TumblingWindower(length: .seconds(10), alignTo: start))
/// out.down.output("counts", countsSink)    // (key, WindowResult: window id, start, end, count) when a window closes
/// out.late.output("late", lateSink)        // (key, (window: id, value: item)) for items after their window closed
/// out.meta.output("windows", metaSink)     // (key, (window: id, meta: WindowMetadata)) when a window closes
/// ```
public struct WindowOutput<Value: Sendable, Down: Sendable> {
    /// The results, one per closed window (none for a window whose result is
    /// empty, as `reduceWindow` has none), labelled by window id and the
    /// window's start and end times.
    public let down: KeyedStream<WindowResult<Down>>
    /// Items that arrived after their window had closed (the watermark had
    /// passed its close time), labelled by that window's id; `.unassigned` for
    /// late session items and routed items without a usable timestamp.
    public let late: KeyedStream<(window: WindowID, value: Value)>
    /// One record per closed window: its open and close times and the
    /// windows merged into it.
    public let meta: KeyedStream<(window: WindowID, meta: WindowMetadata)>

    @inlinable
    init(
        down: KeyedStream<WindowResult<Down>>, late: KeyedStream<(window: WindowID, value: Value)>,
        meta: KeyedStream<(window: WindowID, meta: WindowMetadata)>
    ) {
        self.down = down
        self.late = late
        self.meta = meta
    }
}
