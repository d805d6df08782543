import SluiceEngine

// The async entry points are methods (`plan.run(…)`, `flow.run(…)`), not a
// free `run(_:configuration:cluster:) async`: Swift prefers an async overload
// inside async code, so such a free function would turn every existing
// `try run(flow, …)` written in an async function (tests, services) into an
// error ("async call without await") or a different call. A method cannot
// be mistaken for the free synchronous `run(_:…)`.

extension DataflowPlan {
    /// Runs this process's part of the plan and returns when the run ends,
    /// without blocking a thread of Swift's cooperative pool: the workers
    /// (and, with a `cluster`, the blocking connection start-up) run on
    /// threads of their own while the calling task is suspended.
    ///
    /// Cancelling the calling task stops the run gracefully (as `stop()`:
    /// with a recovery store the run suspends and the next run continues;
    /// without one the input ends and everything flushes) and the call then
    /// returns normally, or throws if the run failed. In a cluster, the stop
    /// reaches every process.
    ///
    /// ```swift
    /// let plan = try flow.plan()
    /// let task = Task { try await plan.run(configuration: RunConfiguration(workers: 2)) }
    /// // … later: task.cancel() stops the run gracefully
    /// try await task.value
    /// ```
    /// - Parameters:
    ///   - configuration: Workers, epoch length, recovery store, logger…
    ///   - cluster: This process's id and every process's address; nil (the
    ///     default) runs in this process alone.
    ///   - options: Start-up timeout, heartbeats, buffer limits.
    /// - Throws: `DataflowError` naming the step and cause,
    ///   `DataflowError.clusterFailed` naming a process that failed or was
    ///   lost, `ClusterError` when the processes cannot connect.
    public func run(
        configuration: RunConfiguration = RunConfiguration(), cluster: ClusterConfiguration? = nil,
        options: ClusterMeshOptions = ClusterMeshOptions()
    ) async throws {
        try await start(self, configuration: configuration, cluster: cluster, options: options).value
    }
}

extension Dataflow {
    /// Validates and freezes the flow (`plan()`), then runs it as
    /// `DataflowPlan.run(configuration:cluster:options:)` does: without
    /// blocking a pool thread, stopping gracefully when the task is cancelled.
    ///
    /// ```swift
    /// try await flow.run(configuration: RunConfiguration(workers: 2))
    /// ```
    /// - Parameters:
    ///   - configuration: Workers, epoch length, recovery store, logger…
    ///   - cluster: This process's id and every process's address; nil (the default) runs in this process alone.
    ///   - options: Start-up timeout, heartbeats, buffer limits.
    /// - Throws: `DataflowError` naming the offending step (an invalid flow,
    ///   a failing step), `DataflowError.clusterFailed`, `ClusterError`.
    public func run(
        configuration: RunConfiguration = RunConfiguration(), cluster: ClusterConfiguration? = nil,
        options: ClusterMeshOptions = ClusterMeshOptions()
    ) async throws {
        try await plan().run(configuration: configuration, cluster: cluster, options: options)
    }
}
