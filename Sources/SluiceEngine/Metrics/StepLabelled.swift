/// A sink partition that records metrics labelled with its step (a Kafka
/// producer's delivery errors, transactions…): the engine tells it its step
/// and worker once, right after building it.
///
/// ```swift
/// (partition as? any StepLabelled)?.label(step: "flow.out", worker: WorkerIndex(0))
/// ```
package protocol StepLabelled: AnyObject {
    /// Names the step and worker the partition's metrics are recorded for.
    func label(step: StepID, worker: WorkerIndex)
}
