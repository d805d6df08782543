import Synchronization

/// How far a finite run has read, summed over every measured source
/// partition of every worker of this process: what the progress line shows.
/// Workers add to it once per batch (atomics, no lock); the line's thread
/// reads it.
///
/// ```swift
/// let progress = RunProgress()
/// var configuration = RunConfiguration(workers: 2)
/// configuration.progress = progress
/// // while the run goes on: progress.current → (done, total, unit)
/// ```
package final class RunProgress: Sendable {
    /// What the progress line can show now.
    package struct Reading: Sendable, Equatable {
        /// Units read so far.
        package var done: Int64
        /// Units to read in all (the ends seen at start).
        package var total: Int64
        /// The unit, or nil when sources measure in different units.
        package var unit: String?
        /// False when a partition reads for ever (tail) or cannot say how far
        /// it is: then there is nothing finite to show.
        package var isMeasurable: Bool
        /// Partitions measured so far.
        package var partitions: Int

        package init(done: Int64, total: Int64, unit: String?, isMeasurable: Bool, partitions: Int) {
            self.done = done
            self.total = total
            self.unit = unit
            self.isMeasurable = isMeasurable
            self.partitions = partitions
        }
    }

    private let done = Atomic<Int64>(0)
    private let total = Atomic<Int64>(0)
    private let partitions = Atomic<Int>(0)
    private let unmeasurable = Atomic<Bool>(false)
    private let unit = Mutex<(name: String?, mixed: Bool)>((nil, false))

    package init() {}

    /// A partition joins, with its progress at start.
    package func add(_ start: ReadProgress) {
        guard let end = start.total else { return markUnmeasurable() }
        partitions.add(1, ordering: .relaxed)
        total.add(end, ordering: .relaxed)
        done.add(start.done, ordering: .relaxed)
        unit.withLock { unit in
            if unit.name == nil { unit.name = start.unit } else if unit.name != start.unit { unit.mixed = true }
        }
    }

    /// A partition that cannot say how far it is (or never ends) joins.
    package func markUnmeasurable() { unmeasurable.store(true, ordering: .relaxed) }

    /// Adds units read.
    @inline(__always)
    package func advance(by units: Int64) { done.add(units, ordering: .relaxed) }

    /// The sums now.
    package var current: Reading {
        let unit = self.unit.withLock { $0 }
        return Reading(
            done: done.load(ordering: .relaxed), total: total.load(ordering: .relaxed),
            unit: unit.mixed ? nil : unit.name, isMeasurable: !unmeasurable.load(ordering: .relaxed),
            partitions: partitions.load(ordering: .relaxed))
    }
}
