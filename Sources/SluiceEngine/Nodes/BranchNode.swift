/// Splits a stream in two by a predicate, keeping order within each side.
package final class BranchNode<Item>: BatchConsumer {
    private let step: StepID
    private let worker: WorkerIndex
    private let predicate: (Item) throws -> Bool
    private let trues: Emitter<Item>
    private let falses: Emitter<Item>
    private let metrics: StepMetrics

    package init(
        step: StepID, worker: WorkerIndex, trues: Emitter<Item>, falses: Emitter<Item>,
        predicate: @escaping (Item) throws -> Bool
    ) {
        self.step = step
        self.worker = worker
        self.trues = trues
        self.falses = falses
        self.predicate = predicate
        self.metrics = StepMetrics(step: step, worker: worker)
    }

    package func receive(_ batch: [Item]) throws {
        var yes: [Item] = []
        var no: [Item] = []
        let start = metrics.start()
        do {
            for item in batch {
                if try forItem(item, { try predicate(item) }) { yes.append(item) } else { no.append(item) }
            }
        } catch {
            throw stepError(error, step: step, worker: worker)
        }
        metrics.batch(in: batch.count, out: batch.count, since: start)
        try trues.emit(yes)
        try falses.emit(no)
    }

    package func progress(_ signal: Progress) throws {
        try trues.signal(signal)
        try falses.signal(signal)
    }
}
