/// What a batch function may know about where it runs.
public struct BatchContext: Sendable {
    /// The worker running the step.
    public let worker: WorkerIndex
    /// The epoch the current batch belongs to.
    public let epoch: Epoch
}

/// The stateless core step: one function call per batch, any number of
/// outputs. `map`, `filter`, `flatMap`, `inspect`… are all built on it.
package final class FlatMapBatchNode<In, Out>: BatchConsumer {
    private let step: StepID
    private let worker: WorkerIndex
    private let transform: ([In], BatchContext) throws -> [Out]
    private let output: Emitter<Out>
    private var epoch: Epoch
    private let metrics: StepMetrics

    package init(
        step: StepID, worker: WorkerIndex, startEpoch: Epoch, output: Emitter<Out>,
        transform: @escaping ([In], BatchContext) throws -> [Out]
    ) {
        self.step = step
        self.worker = worker
        self.epoch = startEpoch
        self.output = output
        self.transform = transform
        self.metrics = StepMetrics(step: step, worker: worker)
    }

    package func receive(_ batch: [In]) throws {
        let result: [Out]
        let start = metrics.start()
        do {
            result = try transform(batch, BatchContext(worker: worker, epoch: epoch))
        } catch {
            throw stepError(error, step: step, worker: worker)
        }
        metrics.batch(in: batch.count, out: result.count, since: start)
        try output.emit(result)
    }

    package func progress(_ signal: Progress) throws {
        if case .barrier(let e) = signal { epoch = e.next }
        try output.signal(signal)
    }
}
