import SluiceEngine

extension DataStream {
    /// The windowing core every `…Window` operator is built on: one keyed
    /// `stateful` step running `WindowLogic`, split into `down`, `late` and
    /// `meta`. Bad clock or windower settings are recorded against the step.
    ///
    /// ```swift
    /// let out = keyed.windowStep("count", clock: clock, windower: windower, folding: WindowFolding(
    ///     initial: { 0 }, fold: { count, _ in count += 1 }, merge: { $0 += $1 }, finish: { $0 }))
    /// ```
    package func windowStep<Value, Clock: WindowClock, Accumulator: Codable & Sendable, Down: Sendable>(
        _ name: String, clock: Clock, windower: some Windower, folding: WindowFolding<Value, Accumulator, Down>
    ) -> WindowOutput<Value, Down> where Item == (key: String, value: Value), Clock.Value == Value {
        let inner = flow.reserve(name, in: scope)
        let windowing = windower.windowing
        if let problem = windowing.problem ?? clock.problem {
            flow.reject(inner, reason: problem)
        } else if windowing.isSession && folding.merge == nil {
            flow.reject(inner, reason: "session windows merge, so this operator needs a merger")
        }
        let kind = windowing.kind
        let events = scoped(inner).stateful("windows") { (resume: WindowState<Accumulator>?) in
            WindowLogic(state: resume, clock: clock, kind: kind, folding: folding)
        }
        let down = events.compactMap("down") { item -> (key: String, value: (window: WindowID, value: Down))? in
            guard case let .down(id, result) = item.value else { return nil }
            return (item.key, (id, result))
        }
        let late = events.compactMap("late") { item -> (key: String, value: (window: WindowID, value: Value))? in
            guard case let .late(id, value) = item.value else { return nil }
            return (item.key, (id, value))
        }
        let meta = events.compactMap("meta") { item -> (key: String, value: (window: WindowID, meta: WindowMetadata))? in
            guard case let .meta(id, metadata) = item.value else { return nil }
            return (item.key, (id, metadata))
        }
        return WindowOutput(down: down.scoped(scope), late: late.scoped(scope), meta: meta.scoped(scope))
    }
}
