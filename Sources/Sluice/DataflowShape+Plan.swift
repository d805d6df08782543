import SluiceMonitor

extension DataflowShape {
    /// The shape of a frozen plan (as of `flow.plan()`).
    ///
    /// ```swift
    /// let server = MonitoringServer(
    ///     address: try MonitorAddress(parsing: "0.0.0.0:9090"), shape: DataflowShape(plan),
    ///     registry: MonitoringServer.prometheusRegistry())
    /// ```
    /// - Parameter plan: The plan.
    public init(_ plan: DataflowPlan) {
        self.init(plan.frozen)
    }
}
