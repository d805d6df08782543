import SluiceEngine

extension DataStream {
    /// The windowing core every `…Window` operator is built on: one keyed
    /// `stateful` step running `WindowLogic`, split into `down`, `late` and
    /// `meta`. Bad clock or windower settings are recorded against the step.
    ///
    /// It is `@inlinable` and so are the operators calling it, so the per-item
    /// window logic and the split are specialized in the caller's module
    /// (decision 0007).
    ///
    /// ```swift
    /// let out = keyed.windowStep("count", clock: clock, windower: windower, folding: WindowFolding(
    ///     initial: { 0 }, fold: { count, _ in count += 1 }, merge: { $0 += $1 }, finish: { $0 }))
    /// ```
    @inlinable
    package func windowStep<Value, Clock: WindowClock, Accumulator: Codable & Sendable, Down: Sendable>(
        _ name: String, clock: Clock, windower: some Windower, folding: WindowFolding<Value, Accumulator, Down>
    ) -> WindowOutput<Value, Down> where Item == (key: String, value: Value), Clock.Value == Value {
        windowCore(name, clock: clock, windower: windower, folding: folding, ordering: WindowOrdering<Value, Unordered>?.none)
    }

    /// `windowStep` for `Codable` values, with the operators' `ordered`
    /// choice: true applies items in event-time order (they wait in the
    /// key's state, which is why their values must be `Codable`).
    ///
    /// ```swift
    /// let out = keyed.windowStep("collect", clock: clock, windower: windower, folding: folding, ordered: true)
    /// ```
    @inlinable
    package func windowStep<Value: Codable, Clock: WindowClock, Accumulator: Codable & Sendable, Down: Sendable>(
        _ name: String, clock: Clock, windower: some Windower, folding: WindowFolding<Value, Accumulator, Down>,
        ordered: Bool
    ) -> WindowOutput<Value, Down> where Item == (key: String, value: Value), Clock.Value == Value {
        guard ordered else { return windowStep(name, clock: clock, windower: windower, folding: folding) }
        return windowCore(
            name, clock: clock, windower: windower, folding: folding,
            ordering: WindowOrdering<Value, Value>(hold: { $0 }, release: { $0 }))
    }

    /// The shared body of both `windowStep`s.
    @inlinable
    func windowCore<Value, Clock: WindowClock, Accumulator: Codable & Sendable, Down: Sendable, Pending: Codable & Sendable>(
        _ name: String, clock: Clock, windower: some Windower, folding: WindowFolding<Value, Accumulator, Down>,
        ordering: WindowOrdering<Value, Pending>?
    ) -> WindowOutput<Value, Down> where Item == (key: String, value: Value), Clock.Value == Value {
        let windowing = windower.windowing
        let inner = windowScope(
            name, problem: windowing.problem ?? clock.problem,
            lacksMerger: windowing.isSession && folding.merge == nil, followsStream: clock.usesStreamWatermark)
        let kind = windowing.kind
        let events = inner.stateful("windows") { (resume: WindowState<Accumulator, Pending>?) in
            WindowLogic(state: resume, clock: clock, kind: kind, folding: folding, ordering: ordering)
        }
        let down = events.compactMap("down") { item -> (key: String, value: WindowResult<Down>)? in
            guard case let .down(result) = item.value else { return nil }
            return (item.key, result)
        }
        let late = events.compactMap("late") { item -> (key: String, value: (window: WindowID, value: Value))? in
            guard case let .late(id, value) = item.value else { return nil }
            return (item.key, (id, value))
        }
        let meta = events.compactMap("meta") { item -> (key: String, value: (window: WindowID, meta: WindowMetadata))? in
            guard case let .meta(id, metadata) = item.value else { return nil }
            return (item.key, (id, metadata))
        }
        return WindowOutput(down: adopt(down), late: adopt(late), meta: adopt(meta))
    }

    /// Reserves a windowing operator's step and records what is wrong with
    /// its settings; returns this stream naming new steps inside it.
    @usableFromInline
    package func windowScope(
        _ name: String, problem: String?, lacksMerger: Bool, followsStream: Bool = false
    ) -> DataStream<Item> {
        let inner = flow.reserve(name, in: scope)
        let unwatermarked = followsStream ? flow.inputsWithoutWatermarks(upstreamOf: id) : []
        if let problem {
            flow.reject(inner, reason: problem)
        } else if lacksMerger {
            flow.reject(inner, reason: "session windows merge, so this operator needs a merger")
        } else if !unwatermarked.isEmpty {
            let names = unwatermarked.map { "'\($0)'" }.joined(separator: ", ")
            flow.reject(
                inner,
                reason: "the StreamClock closes windows on the stream's watermark, but input \(names) upstream "
                    + "declares no watermarks (it would hold the watermark back until the end of input); "
                    + "pass `watermarks: Watermarks(timestamp:allowance:)` to `flow.input`")
        }
        return scoped(inner)
    }

    /// `stream`, naming new steps in this stream's scope again.
    @usableFromInline
    package func adopt<Other>(_ stream: DataStream<Other>) -> DataStream<Other> { stream.scoped(scope) }
}
