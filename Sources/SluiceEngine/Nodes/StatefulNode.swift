import Foundation

/// The keyed stateful core step on one worker: one `StatefulLogic` per key
/// this worker owns (the exchange in front of it routes keys here), with
/// timers, end-of-input flush, and per-epoch tracking of changed keys. Keys
/// also wait for the stream's event-time watermark (`notifyAtWatermark`);
/// the due time is kept in the key's entry, so the per-item path pays no
/// extra hashing for it.
///
/// Speed: the per-item loop (`processItems`) is `@inlinable`. The public
/// `stateful` operator passes a closure that calls it from code specialized in
/// the caller's module, so for concrete types the loop runs without generic
/// dispatch; without that closure the node runs the same loop unspecialized.
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
    /// A key's logic, whether it changed since the last snapshot, and the
    /// watermark at which it wants `onWatermark`.
    @usableFromInline
    struct Entry {
        @usableFromInline let logic: Logic
        @usableFromInline var changed: Bool
        @usableFromInline var watermarkDue: Date?
        @usableFromInline init(logic: Logic, changed: Bool) {
            self.logic = logic
            self.changed = changed
        }
    }

    @usableFromInline var logics: [String: Entry] = [:]
    @usableFromInline var timers: [String: Date] = [:]
    @usableFromInline var earliestTimer: Date?
    /// The stream's watermark as last received (event time).
    @usableFromInline var streamWatermark: Date = .distantPast
    /// No key's `watermarkDue` is earlier (it may be stale-early after a
    /// key's due time moved later; the next scan fixes it).
    @usableFromInline var earliestWatermarkDue: Date?
    /// Keys whose state changed since the last snapshot (possibly repeated);
    /// a key is added when its entry turns `changed` or it is discarded, so the
    /// per-item path pays no extra hashing.
    @usableFromInline package internal(set) var changedKeys: [String] = []
    @usableFromInline let tracksChanges: Bool
    /// Where this node reports changed keys, if recovery is on.
    private var snapshots: SnapshotParticipant?
    private let metrics: StepMetrics

    /// - Parameters:
    ///   - tracksChanges: Record changed keys per epoch (recovery needs it).
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
        self.tracksChanges = snapshots != nil
        self.snapshots = SnapshotParticipant(snapshots, startEpoch: startEpoch)
        self.build = build
        self.metrics = StepMetrics(step: step, worker: worker)
        self.kernel = kernel ?? { node, batch, emitter in try node.processItems(batch, &emitter) }
        self.watermarkKernel = watermarkKernel ?? { node, watermark, emitter in try node.fireWatermarkDue(watermark, &emitter) }
    }

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
        for key in order {
            emitter.currentKey = key
            var values = groups[key]!
            while true {
                let logic = try logic(for: key)
                emitter.unhandledAfterDiscard = 0
                let action = try logic.onBatch(values, emit: &emitter)
                try settle(key, logic, action)
                // The default `onBatch` stops at a discard; a fresh logic takes the rest.
                let left = emitter.unhandledAfterDiscard
                guard action == .discard, left > 0 else { break }
                values = Array(values.suffix(left))
            }
        }
    }

    /// Handles each item of a batch with its key's logic.
    ///
    /// The key table is moved into a local for the batch (and back after, even
    /// on a throw), so the loop pays no per-item exclusivity checks on it.
    @inlinable
    package func processItems(
        _ batch: [(key: String, value: Logic.Value)], _ emitter: inout KeyedEmitter<Logic.Output>
    ) throws {
        var table = logics
        logics = [:]
        var earliestDue = earliestWatermarkDue
        defer {
            logics = table
            earliestWatermarkDue = earliestDue
        }
        var anyTimers = !timers.isEmpty
        for item in batch {
            emitter.currentKey = item.key
            let logic: Logic
            var slot: [String: Entry].Index
            if let index = table.index(forKey: item.key) {
                slot = index
                logic = table.values[index].logic
                if tracksChanges && !table.values[index].changed {
                    table.values[index].changed = true
                    changedKeys.append(item.key)
                }
            } else {
                logic = try build(nil)
                table[item.key] = Entry(logic: logic, changed: tracksChanges)
                slot = table.index(forKey: item.key)!
                if tracksChanges { changedKeys.append(item.key) }
            }
            let action = try forItem(item, { try logic.onItem(item.value, emit: &emitter) })
            if action == .discard {
                table.remove(at: slot)
            } else {
                let due = logic.notifyAtWatermark()
                if due != table.values[slot].watermarkDue {
                    table.values[slot].watermarkDue = due
                    if let due, earliestDue.map({ due < $0 }) ?? true { earliestDue = due }
                }
            }
            if anyTimers || (action == .retain && logic.notifyAt() != nil) {
                updateTimer(item.key, logic, action)
                anyTimers = !timers.isEmpty
            }
        }
    }

    @inlinable
    func logic(for key: String) throws -> Logic {
        if let existing = logics[key] { return existing.logic }
        let created = try build(nil)
        logics[key] = Entry(logic: created, changed: false)
        return created
    }

    /// Notes that `key`'s state changed (once per snapshot while it lives).
    @inlinable
    func markChanged(_ key: String) {
        guard tracksChanges else { return }
        if let index = logics.index(forKey: key) {
            guard !logics.values[index].changed else { return }
            logics.values[index].changed = true
        }
        changedKeys.append(key)
    }

    @inlinable
    func settle(_ key: String, _ logic: Logic, _ action: StateAction) throws {
        markChanged(key)
        if action == .discard {
            logics.removeValue(forKey: key)
        } else {
            updateWatermarkDue(key, logic)
        }
        updateTimer(key, logic, action)
    }

    /// Records when a retained key wants `onWatermark`.
    @usableFromInline
    func updateWatermarkDue(_ key: String, _ logic: Logic) {
        guard let index = logics.index(forKey: key) else { return }
        let due = logic.notifyAtWatermark()
        logics.values[index].watermarkDue = due
        if let due, earliestWatermarkDue.map({ due < $0 }) ?? true { earliestWatermarkDue = due }
    }

    /// Records, moves or drops a key's timer after a call into its logic.
    @usableFromInline
    func updateTimer(_ key: String, _ logic: Logic, _ action: StateAction) {
        if action == .retain, let due = logic.notifyAt() {
            timers[key] = due
            if earliestTimer.map({ due < $0 }) ?? true { earliestTimer = due }
        } else if !timers.isEmpty, timers.removeValue(forKey: key) != nil {
            recomputeEarliest()
        }
    }

    @usableFromInline
    func recomputeEarliest() { earliestTimer = timers.values.min() }

    package var nextTimer: Date? { earliestTimer }

    package func fireTimers(now: Date) throws {
        let due = timers.filter { $0.value <= now }.keys.sorted()
        var emitter = KeyedEmitter<Logic.Output>()
        emitter.watermark = streamWatermark
        do {
            for key in due {
                timers.removeValue(forKey: key)
                guard let logic = logics[key]?.logic else { continue }
                emitter.currentKey = key
                try settle(key, logic, try logic.onNotify(emit: &emitter))
            }
        } catch {
            throw stepError(error, step: step, worker: worker)
        }
        recomputeEarliest()
        try output.emit(emitter.items)
    }

    /// Rebuilds the logic of keys from a resumed snapshot.
    /// Rebuilt keys with a pending `notifyAt` get their timers back.
    package func restore(_ states: [String: Logic.State]) throws {
        for (key, state) in states {
            let logic: Logic
            do { logic = try build(state) } catch {
                throw stepError(error, step: step, worker: worker)
            }
            logics[key] = Entry(logic: logic, changed: false)
            updateTimer(key, logic, .retain)
            updateWatermarkDue(key, logic)
        }
    }

    /// Takes a new stream watermark and calls `onWatermark` on every key
    /// whose due time it has reached, in key order.
    private func advanceWatermark(to mark: Watermark) throws {
        guard mark.time > streamWatermark else { return }
        streamWatermark = mark.time
        guard let earliest = earliestWatermarkDue, earliest <= streamWatermark else { return }
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
    /// reached, in key order, then recomputes the earliest due time.
    @inlinable
    package func fireWatermarkDue(_ watermark: Date, _ emitter: inout KeyedEmitter<Logic.Output>) throws {
        var due: [String] = []
        for (key, entry) in logics {
            if let time = entry.watermarkDue, time <= watermark { due.append(key) }
        }
        due.sort()
        for key in due {
            guard let logic = logics[key]?.logic else { continue }
            emitter.currentKey = key
            try settle(key, logic, try logic.onWatermark(watermark, emit: &emitter))
        }
        var earliest: Date?
        for entry in logics.values {
            if let time = entry.watermarkDue, earliest.map({ time < $0 }) ?? true { earliest = time }
        }
        earliestWatermarkDue = earliest
    }

    /// The changed keys' states (nil for discarded ones), then forgets them.
    private func takeChangedRecords() throws -> [SnapshotRecord] {
        defer { changedKeys.removeAll(keepingCapacity: true) }
        var seen = Set<String>(minimumCapacity: changedKeys.count)
        var records: [SnapshotRecord] = []
        records.reserveCapacity(changedKeys.count)
        for key in changedKeys where seen.insert(key).inserted {
            guard let index = logics.index(forKey: key) else {
                records.append(SnapshotRecord(step: step, key: key, state: nil))
                continue
            }
            logics.values[index].changed = false
            records.append(try .encoding(logics.values[index].logic.snapshot(), step: step, key: key, what: "state"))
        }
        return records
    }

    package func progress(_ signal: Progress) throws {
        switch signal {
        case .barrier(let epoch):
            try snapshots?.passed(epoch, records: try takeChangedRecords())
        case .watermark(let mark):
            try advanceWatermark(to: mark)
        case .end:
            var emitter = KeyedEmitter<Logic.Output>()
            emitter.watermark = streamWatermark
            do {
                for key in logics.keys.sorted() {
                    let logic = logics[key]!.logic
                    emitter.currentKey = key
                    try settle(key, logic, try logic.onEOF(emit: &emitter))
                }
            } catch {
                throw stepError(error, step: step, worker: worker)
            }
            try output.emit(emitter.items)
            try snapshots?.ended(records: try takeChangedRecords())
        case .suspend:
            // The run stops to resume later: nothing is flushed, every key
            // keeps its state (open windows, buffers, timers) in the snapshot.
            try snapshots?.ended(records: try takeChangedRecords())
        }
        try output.signal(signal)
    }

    /// The logic of a key, if this worker holds state for it (for tests).
    package func state(of key: String) -> Logic.State? { logics[key]?.logic.snapshot() }
}
