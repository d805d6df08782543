import Synchronization

/// Crash points of the exactly-once commit, for tests: armed on a sink, the
/// n-th transaction commit of the run stops at the chosen point as if the
/// process died there (no abort is sent; the transaction stays open).
package final class KafkaTransactionFaults: Sendable {
    /// Where a commit can stop.
    package enum Point: Sendable, Equatable {
        /// The snapshot is durable; no transaction has begun.
        case beforeBegin
        /// The messages and marker are produced in an open transaction, not committed.
        case beforeCommit
        /// The transaction is committed; the worker has not recorded it yet.
        case afterCommit
    }

    /// The error a simulated crash throws.
    package struct Crash: Error, CustomStringConvertible {
        package let point: Point
        package var description: String { "simulated crash at \(point)" }
    }

    private let armed: Mutex<(point: Point, commit: Int, seen: Int)?>

    /// Stops the `commit`-th commit (1-based) at `point`.
    package init(point: Point, commit: Int) { armed = Mutex((point, commit, 0)) }

    /// Counts a commit at its start; true when it is the one chosen to stop
    /// (and stops it now if that is at `beforeBegin`).
    func startCommit() throws -> Bool {
        let chosen = armed.withLock { state -> Bool in
            guard state != nil else { return false }
            state!.seen += 1
            return state!.seen == state!.commit
        }
        try check(.beforeBegin, chosen: chosen)
        return chosen
    }

    /// Throws when this commit was chosen to stop at `point`.
    func check(_ point: Point, chosen: Bool) throws {
        guard chosen, armed.withLock({ $0?.point }) == point else { return }
        throw Crash(point: point)
    }
}
