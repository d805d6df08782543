import Foundation

/// The keyed stateful core step on one worker: one `StatefulLogic` per key
/// this worker owns (the exchange in front of it routes keys here), with
/// timers, end-of-input flush, and per-epoch tracking of changed keys. Keys
/// also wait for the stream's event-time watermark (`notifyAtWatermark`).
///
/// Invariants:
/// - All per-key bookkeeping lives in one `StatefulKeyTable` (`keys`): the
///   key's logic, its changed flag, its system-time due time and its
///   watermark due time, in one entry (see the table's invariants). There is
///   no second table or cache to keep in step.
/// - Every entry point (items, grouped batches, timers, watermarks, end of
///   input, restore) calls a key's logic the same way: `keys.open` (find or
///   build the entry, mark it changed), the call, `keys.settle` (record the
///   due times, or remove the entry on `.discard`). Suspend and barriers only
///   read the changed keys (`keys.takeChanged`).
/// - During a call into the table the node moves it into a local (and back,
///   even on a throw), so the per-item loop pays no exclusivity checks; no
///   logic can reach the node meanwhile, and output is emitted only after the
///   table is back.
/// - Keys are called in key order wherever several are due at once (timers,
///   watermark, end of input), so runs are deterministic.
///
/// Speed: the per-item loop (`processItems`) is `@inlinable`. The public
/// `stateful` operator passes a closure that calls it from code specialized in
/// the caller's module, so for concrete types the loop runs without generic
/// dispatch; without that closure the node runs the same loop unspecialized.
/// The loop hashes each item's key once.
///
/// ```swift
/// let node = StatefulNode<RunningSum>(step: StepID("sum"), worker: WorkerIndex(0), output: Emitter()) {
///     RunningSum(resume: $0)
/// }
/// try node.receive([(key: "a", value: 1)])
/// ```
@usableFromInline
package final class StatefulNode<Logic: StatefulLogic>: BatchConsumer, TimerDriven {
    package typealias Input = (key: String, value: Logic.Value)
    package typealias Output = (key: String, value: Logic.Output)
    /// Runs `processItems` for a batch (ideally from specialized code).
    package typealias BatchKernel = (StatefulNode<Logic>, [Input], inout KeyedEmitter<Logic.Output>) throws -> Void
    /// Runs `fireWatermarkDue` for a new watermark (ideally from specialized code).
    package typealias WatermarkKernel = (StatefulNode<Logic>, Date, inout KeyedEmitter<Logic.Output>) throws -> Void

    private let step: StepID
    private let worker: WorkerIndex
    @usableFromInline let build: (Logic.State?) throws -> Logic
    private let output: Emitter<Output>
    private let kernel: BatchKernel
    private let watermarkKernel: WatermarkKernel
    /// Every key this worker holds, with its bookkeeping.
    @usableFromInline var keys: StatefulKeyTable<Logic>
    /// The stream's watermark as last received (event time).
    @usableFromInline var streamWatermark: Date = .distantPast
    /// Where this node reports changed keys, if recovery is on.
    private var snapshots: SnapshotParticipant?
    private let metrics: StepMetrics

    /// - Parameters:
    ///   - snapshots: The worker's snapshot collector; nil without recovery (no change tracking).
    ///   - kernel: Calls `processItems` from specialized code; nil runs it unspecialized.
    ///   - watermarkKernel: Calls `fireWatermarkDue` from specialized code; nil runs it unspecialized.
    ///   - build: Makes a key's logic from its resume state (nil for a new key).
    package init(
        step: StepID, worker: WorkerIndex, output: Emitter<Output>, snapshots: SnapshotCollector? = nil,
        startEpoch: Epoch = Epoch(1), kernel: BatchKernel? = nil, watermarkKernel: WatermarkKernel? = nil,
        build: @escaping (Logic.State?) throws -> Logic
    ) {
        self.step = step
        self.worker = worker
        self.output = output
        self.keys = StatefulKeyTable(tracksChanges: snapshots != nil)
        self.snapshots = SnapshotParticipant(snapshots, startEpoch: startEpoch)
        self.build = build
        self.metrics = StepMetrics(step: step, worker: worker)
        self.kernel = kernel ?? { node, batch, emitter in try node.processItems(batch, &emitter) }
        self.watermarkKernel = watermarkKernel ?? { node, watermark, emitter in try node.fireWatermarkDue(watermark, &emitter) }
    }

    // MARK: - The one bookkeeping path

    /// Moves the key table out of the node for a call (see the invariants);
    /// the caller puts it back with `keys = table`, also on a throw.
    @inlinable
    func takeTable() -> StatefulKeyTable<Logic> {
        var table = StatefulKeyTable<Logic>(tracksChanges: keys.tracksChanges)
        swap(&table, &keys)
        return table
    }

    /// Calls `key`'s logic (built if new) through `body` and settles the outcome.
    @inlinable @inline(__always)
    func call(
        _ key: String, in table: inout StatefulKeyTable<Logic>, _ emitter: inout KeyedEmitter<Logic.Output>,
        _ body: (Logic, inout KeyedEmitter<Logic.Output>) throws -> StateAction
    ) throws {
        emitter.currentKey = key
        let (index, logic) = try table.open(key, build: build)
        let action = try body(logic, &emitter)
        table.settle(at: index, logic, action)
    }

    /// Runs `body` with the key table and a fresh emitter, puts the table
    /// back, then emits what the logic emitted.
    private func withTable(
        _ body: (inout StatefulKeyTable<Logic>, inout KeyedEmitter<Logic.Output>) throws -> Void
    ) throws {
        var emitter = KeyedEmitter<Logic.Output>()
        emitter.watermark = streamWatermark
        do {
            var table = takeTable()
            defer { keys = table }
            try body(&table, &emitter)
        } catch {
            throw stepError(error, step: step, worker: worker)
        }
        try output.emit(emitter.items)
    }

    // MARK: - Items

    package func receive(_ batch: [Input]) throws {
        var emitter = KeyedEmitter<Logic.Output>()
        emitter.watermark = streamWatermark
        emitter.items.reserveCapacity(batch.count)
        let start = metrics.start()
        do {
            if Logic.prefersBatches {
                try receiveGrouped(batch, emitter: &emitter)
            } else {
                try kernel(self, batch, &emitter)
            }
        } catch {
            throw stepError(error, step: step, worker: worker)
        }
        metrics.batch(in: batch.count, out: emitter.items.count, since: start)
        try output.emit(emitter.items)
    }

    private func receiveGrouped(_ batch: [Input], emitter: inout KeyedEmitter<Logic.Output>) throws {
        var order: [String] = []
        var groups: [String: [Logic.Value]] = [:]
        for item in batch {
            if groups[item.key]?.append(item.value) == nil {
                order.append(item.key)
                groups[item.key] = [item.value]
            }
        }
        var table = takeTable()
        defer { keys = table }
        for key in order {
            var values = groups[key]!
            while true {
                var action = StateAction.retain
                try call(key, in: &table, &emitter) { logic, emit in
                    emit.unhandledAfterDiscard = 0
                    action = try logic.onBatch(values, emit: &emit)
                    return action
                }
                // The default `onBatch` stops at a discard; a fresh logic takes the rest.
                let left = emitter.unhandledAfterDiscard
                guard action == .discard, left > 0 else { break }
                values = Array(values.suffix(left))
            }
        }
    }

    /// Handles each item of a batch with its key's logic.
    @inlinable
    package func processItems(
        _ batch: [(key: String, value: Logic.Value)], _ emitter: inout KeyedEmitter<Logic.Output>
    ) throws {
        var table = takeTable()
        defer { keys = table }
        for item in batch {
            // `call`'s three steps, spelled out so the logic's `onItem` inlines here.
            emitter.currentKey = item.key
            let (index, logic) = try table.open(item.key, build: build)
            let action = try forItem(item, { try logic.onItem(item.value, emit: &emitter) })
            table.settle(at: index, logic, action)
        }
    }

    // MARK: - Timers and watermarks

    package var nextTimer: Date? { keys.earliestDue }

    package func fireTimers(now: Date) throws {
        try withTable { table, emitter in
            for key in table.takeDue(now: now) {
                try call(key, in: &table, &emitter) { logic, emit in try logic.onNotify(emit: &emit) }
            }
        }
    }

    /// Takes a new stream watermark and calls `onWatermark` on every key
    /// whose due time it has reached, in key order.
    private func advanceWatermark(to mark: Watermark) throws {
        guard mark.time > streamWatermark else { return }
        streamWatermark = mark.time
        guard let earliest = keys.earliestWatermarkDue, earliest <= streamWatermark else { return }
        var emitter = KeyedEmitter<Logic.Output>()
        emitter.watermark = streamWatermark
        do {
            try watermarkKernel(self, streamWatermark, &emitter)
        } catch {
            throw stepError(error, step: step, worker: worker)
        }
        try output.emit(emitter.items)
    }

    /// Calls `onWatermark` on every key whose due time `watermark` has
    /// reached, in key order.
    @inlinable
    package func fireWatermarkDue(_ watermark: Date, _ emitter: inout KeyedEmitter<Logic.Output>) throws {
        var table = takeTable()
        defer { keys = table }
        for key in table.takeWatermarkDue(watermark) {
            try call(key, in: &table, &emitter) { logic, emit in try logic.onWatermark(watermark, emit: &emit) }
        }
    }

    // MARK: - Recovery and progress

    /// Rebuilds the logic of keys from a resumed snapshot; their due times
    /// (timers, watermark) come back with them.
    package func restore(_ states: [String: Logic.State]) throws {
        for (key, state) in states {
            let logic: Logic
            do { logic = try build(state) } catch {
                throw stepError(error, step: step, worker: worker)
            }
            keys.insertRestored(key, logic)
        }
    }

    /// The changed keys' states (nil for discarded ones), then forgets them.
    package func takeChangedRecords() throws -> [SnapshotRecord] {
        try keys.takeChanged().map { key, logic in
            guard let logic else { return SnapshotRecord(step: step, key: key, state: nil) }
            return try .encoding(logic.snapshot(), step: step, key: key, what: "state")
        }
    }

    package func progress(_ signal: Progress) throws {
        switch signal {
        case .barrier(let epoch):
            try snapshots?.passed(epoch, records: try takeChangedRecords())
        case .watermark(let mark):
            try advanceWatermark(to: mark)
        case .end:
            try withTable { table, emitter in
                for key in table.sortedKeys() {
                    try call(key, in: &table, &emitter) { logic, emit in try logic.onEOF(emit: &emit) }
                }
            }
            try snapshots?.ended(records: try takeChangedRecords())
        case .suspend:
            // The run stops to resume later: nothing is flushed, every key
            // keeps its state (open windows, buffers, timers) in the snapshot.
            try snapshots?.ended(records: try takeChangedRecords())
        }
        try output.signal(signal)
    }

    /// The state of a key, if this worker holds it (for tests).
    package func state(of key: String) -> Logic.State? { keys.logic(of: key)?.snapshot() }

    /// Keys changed or discarded since the last snapshot, possibly repeated (for tests).
    package var changedKeys: [String] { keys.changedKeys }
}
