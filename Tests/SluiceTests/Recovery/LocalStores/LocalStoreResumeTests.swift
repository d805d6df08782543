import Foundation
import Sluice
import SluiceRecovery
import SluiceTesting
import Testing

/// Clusters whose processes each keep their own recovery store on their own
/// "host" directory (decision 0018): aborted and resumed, with the same or
/// another number of processes and workers, they count every item once.
@Suite(.serialized) struct LocalStoreResumeTests {
    private static let flowID = "local_stores"
    private static let words = (0..<600).map { "k\(($0 * 7) % 12)" }

    private struct Layout: CustomTestStringConvertible, Sendable {
        let processes: Int
        let workers: Int
        var testDescription: String { "\(processes)×\(workers)" }
    }

    /// Runs `layouts` in turn (each but the last aborted), then checks the totals and running counts.
    private func resume(through layouts: [Layout], between: (Int, LocalStoreHosts) throws -> Void = { _, _ in }) throws {
        let hosts = LocalStoreHosts()
        let scenario = WordCountScenario(words: Self.words, aborts: (1..<layouts.count).map { $0 * 600 / layouts.count })
        let running = TestingSink<String>()
        let totals = TestingSink<String>()
        for (index, layout) in layouts.enumerated() {
            let errors = try hosts.run(processes: layout.processes, workers: layout.workers, flowID: Self.flowID) {
                scenario.flow(Self.flowID, running: running, totals: totals)
            }
            if index < layouts.count - 1 {
                #expect(!errors.isEmpty, "run \(index + 1) (\(layout.testDescription)) aborts")
                #expect(totals.items.isEmpty, "no end-of-input flush happens on an abort")
                try between(index, hosts)
            } else {
                #expect(errors == [], "the last run completes")
            }
        }
        #expect(totals.items.sorted() == scenario.expectedTotals)
        #expect(WordCountScenario.highest(running.items) == scenario.expectedTotals)
    }

    @Test(arguments: [
        [Layout(processes: 2, workers: 1), Layout(processes: 2, workers: 1)],
        [Layout(processes: 2, workers: 1), Layout(processes: 2, workers: 1), Layout(processes: 2, workers: 1)],
        [Layout(processes: 2, workers: 1), Layout(processes: 3, workers: 1)],
        [Layout(processes: 2, workers: 2), Layout(processes: 2, workers: 1)],
        [Layout(processes: 2, workers: 1), Layout(processes: 3, workers: 2), Layout(processes: 3, workers: 2)],
    ])
    private func stopAndResumeCountsEveryItemOnce(_ layouts: [Layout]) throws {
        try resume(through: layouts)
    }

    @Test func rescalingThreeProcessesToTwoReadsTheCopiedStore() throws {
        // The operator copies process 2's directory next to process 0's store, as `process-2`.
        try resume(through: [Layout(processes: 3, workers: 1), Layout(processes: 2, workers: 1), Layout(processes: 2, workers: 1)]) {
            index, hosts in
            if index == 0 { try hosts.copyStore(of: 2, to: 0) }
        }
    }

    @Test func aSingleProcessStoreAtTheRootResumesAsTwoProcesses() throws {
        let hosts = LocalStoreHosts()
        let scenario = WordCountScenario(words: Self.words, aborts: [300])
        let running = TestingSink<String>()
        let totals = TestingSink<String>()
        do {
            var configuration = RunConfiguration()
            configuration.epochInterval = .milliseconds(1)
            configuration.recoveryStore = try SQLiteRecoveryStore(directory: hosts.root(0), flowID: Self.flowID)
            #expect(throws: DataflowError.self) {
                try run(scenario.flow(Self.flowID, running: running, totals: totals), configuration: configuration)
            }
        }
        let errors = try hosts.run(processes: 2, workers: 1, flowID: Self.flowID) {
            scenario.flow(Self.flowID, running: running, totals: totals)
        }
        #expect(errors == [])
        #expect(totals.items.sorted() == scenario.expectedTotals)
        #expect(WordCountScenario.highest(running.items) == scenario.expectedTotals)
    }
}
