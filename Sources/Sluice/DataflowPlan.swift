import SluiceEngine

/// A dataflow frozen for running: validated, immutable and `Sendable`, so a
/// service, a task or another thread can hold it and run it any number of
/// times. Make one with `Dataflow.plan()` once the flow is built; later
/// changes to the `Dataflow` do not reach the plan.
///
/// ```swift
/// let flow = Dataflow("orders")
/// flow.input("in", TestingSource([1, 2, 3])).map("double") { $0 * 2 }.output("out", sink)
/// let plan = try flow.plan()                        // checks the flow here, once
/// try await plan.run(configuration: RunConfiguration(workers: 2))
/// ```
// @unchecked: `frozen` is a private copy of the builder's steps, made in
// `Dataflow.plan()` and never mutated or handed out afterwards; runs only read
// it (as `spawnCluster` already does from several threads at once). What its
// steps capture is `Sendable` (sources, sinks, `@Sendable` user closures,
// step ids); the step closures are just not declared `@Sendable` in the engine.
public struct DataflowPlan: @unchecked Sendable {
    /// The copy every run reads.
    package let frozen: Dataflow

    fileprivate init(copying flow: Dataflow) {
        let copy = Dataflow(flow.id)
        for step in flow.steps { copy.add(step) }
        copy.watermarkedInputs = flow.watermarkedInputs
        frozen = copy
    }

    /// The flow's id, the root of every step id.
    ///
    /// ```swift
    /// print(try flow.plan().id)   // "orders"
    /// ```
    public var id: String { frozen.id }

    /// The ids of every core step, in definition order.
    ///
    /// ```swift
    /// print(try flow.plan().stepIDs.map(\.description))   // ["orders.in", "orders.double", "orders.out"]
    /// ```
    public var stepIDs: [StepID] { frozen.stepIDs }

    /// What every process of a cluster must agree on (see
    /// `Dataflow.fingerprint(workersPerProcess:)`); a plan and the flow it
    /// was made from have the same fingerprint.
    ///
    /// ```swift
    /// print(plan.fingerprint(workersPerProcess: 2))
    /// ```
    /// - Parameter workersPerProcess: Worker threads in each process.
    /// - Returns: A short readable prefix and a stable hash of the whole shape.
    public func fingerprint(workersPerProcess: Int) -> String {
        frozen.fingerprint(workersPerProcess: workersPerProcess)
    }
}

extension Dataflow {
    /// Validates the flow and freezes it into a `Sendable` plan that services
    /// and tasks can hold (a `Dataflow` is a builder: a class that operators
    /// mutate, so it is not `Sendable`).
    ///
    /// ```swift
    /// let plan = try flow.plan()
    /// let service = DataflowService(plan, configuration: RunConfiguration(workers: 2))
    /// ```
    /// - Returns: The frozen plan.
    /// - Throws: `DataflowError.invalidDataflow` naming the offending step
    ///   (a duplicate or invalid step id, a bad operator setting, no input or
    ///   no output, a stream clock without watermarks).
    public func plan() throws -> DataflowPlan {
        try validate()
        return DataflowPlan(copying: self)
    }
}

/// Runs a frozen dataflow plan with a full configuration, on the calling
/// thread (blocking it; from async code use `plan.run(configuration:)`).
///
/// ```swift
/// try run(plan, configuration: RunConfiguration(workers: 2))
/// ```
/// - Parameters:
///   - plan: The plan.
///   - configuration: Workers, epoch length, recovery store, stop signal…
/// - Throws: `DataflowError` naming the step and cause.
public func run(_ plan: DataflowPlan, configuration: RunConfiguration) throws {
    try run(plan.frozen, configuration: configuration)
}

/// Runs this process's part of a dataflow plan on a cluster (see
/// `run(_:configuration:cluster:options:)` for a `Dataflow`), blocking the
/// calling thread.
///
/// ```swift
/// try run(plan, configuration: RunConfiguration(workers: 2), cluster: cluster)
/// ```
/// - Parameters:
///   - plan: The plan (identical in every process).
///   - configuration: This process's workers, epoch length, recovery store…
///   - cluster: This process's id and every process's address; nil runs in this process alone.
///   - options: Start-up timeout, heartbeats, buffer limits.
/// - Throws: `DataflowError` naming the step and cause, or
///   `DataflowError.clusterFailed` naming the process that failed or was lost;
///   `ClusterError` when the processes cannot connect or refuse each other.
public func run(
    _ plan: DataflowPlan, configuration: RunConfiguration, cluster: ClusterConfiguration?,
    options: ClusterMeshOptions = ClusterMeshOptions()
) throws {
    try run(plan.frozen, configuration: configuration, cluster: cluster, options: options)
}
