import SluiceEngine

extension DataStream {
    /// Builds a named, reusable sub-flow: every step that `build` adds is
    /// named below `name`, so one pipeline function used twice in a flow
    /// gets distinct step ids (and distinct recovery keys). Step names must
    /// be unique inside one sub-flow, and sub-flow names unique where they
    /// are used; a duplicate is reported naming the step, as anywhere else.
    ///
    /// ```swift
    /// func parse(_ lines: DataStream<String>) -> DataStream<Int> {
    ///     lines.map("decode") { Int($0) ?? 0 }.filter("positive") { $0 > 0 }
    /// }
    /// let orders = flow.input("orders", TestingSource(["1", "2"])).subflow("parse_orders", parse)
    /// let refunds = flow.input("refunds", TestingSource(["3"])).subflow("parse_refunds", parse)
    /// // steps: flow.parse_orders.decode, flow.parse_orders.positive,
    /// //        flow.parse_refunds.decode, flow.parse_refunds.positive
    /// ```
    /// - Parameters:
    ///   - name: The sub-flow's step id (non-empty, without dots).
    ///   - build: Adds the sub-flow's steps to the stream it is given and
    ///     returns the sub-flow's output.
    /// - Returns: The sub-flow's output, naming later steps in the caller's scope again.
    public func subflow<Out: Sendable>(
        _ name: String, _ build: (DataStream<Item>) throws -> DataStream<Out>
    ) rethrows -> DataStream<Out> {
        let inner = flow.reserve(name, in: scope)
        return try build(scoped(inner)).scoped(scope)
    }
}
