import Foundation
import Sluice
import SluiceRecovery
import Testing

/// Graceful stops of a tailing example flow with a recovery store, as a
/// rolling update does them: each run gets more input, commits a snapshot of
/// its own, is stopped (which suspends: open windows stay in the snapshot),
/// and the next run resumes, possibly with another worker count.
///
/// ```swift
/// let runs = StoppedRuns(name: "orders")
/// try runs.stopEach(workers: [1, 2, 1], before: { produce(quarters[$0]) }, flow: { makeFlow(tail: true) })
/// let last = makeFlow(tail: false)
/// try run(last, configuration: try runs.configuration(workers: 2, flow: last))
/// ```
struct StoppedRuns {
    /// The recovery directory every run shares (removed by `removeDirectory()`).
    let directory: String

    init(name: String) {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("\(name)-suspend-\(UUID())").path
    }

    func removeDirectory() { try? FileManager.default.removeItem(atPath: directory) }

    /// `workers` workers, snapshots every 20 ms into the shared store.
    func configuration(workers: Int, flow: Dataflow) throws -> RunConfiguration {
        var configuration = RunConfiguration(workers: workers)
        configuration.epochInterval = .milliseconds(20)
        configuration.recoveryStore = try SQLiteRecoveryStore(directory: directory, flowID: flow.id)
        return configuration
    }

    /// One tailing run per entry of `workers`: `before(i)` feeds it, then it
    /// runs until it committed a snapshot of its own and is stopped; each
    /// step is bounded by 60 s. A run that ends by itself fails the test.
    func stopEach(
        workers: [Int], before: (Int) throws -> Void, flow makeFlow: () -> Dataflow,
        sourceLocation: SourceLocation = #_sourceLocation
    ) throws {
        var committed: Epoch?
        for (stop, workerCount) in workers.enumerated() {
            try before(stop)
            let flow = makeFlow()
            let running = start(flow, configuration: try configuration(workers: workerCount, flow: flow))
            let probe = try SQLiteRecoveryStore(directory: directory, flowID: flow.id)
            let giveUp = ContinuousClock.now + .seconds(60)
            while try probe.committedEpoch() == committed, !running.isFinished {
                try #require(ContinuousClock.now < giveUp, "stop \(stop + 1): nothing committed in 60 s", sourceLocation: sourceLocation)
                Thread.sleep(forTimeInterval: 0.005)  // polling the store for a commit, bounded above
            }
            try #require(!running.isFinished, "stop \(stop + 1): a tailing run ended by itself", sourceLocation: sourceLocation)
            running.stop()
            try #require(
                try running.wait(timeout: .seconds(60)), "stop \(stop + 1): the run did not stop within 60 s",
                sourceLocation: sourceLocation)
            committed = try probe.committedEpoch()
        }
    }
}
