import Testing

@testable import SluiceEngine

/// The decisions every process computes from the stores' reports
/// (decision 0018), on hand-made summaries.
@Suite struct ResumeAgreementTests {
    private func member(
        _ process: Int, of processes: Int, workers: Int, execution: Int64 = 1, epochs: [Int64], lineage: String? = "L",
        path: String? = nil, owner: Int?? = .none, id: String? = nil
    ) -> StoreSummary {
        let perProcess = workers / processes
        let rows = epochs.enumerated().map { offset, epoch in
            StoreProgress(
                execution: execution, worker: Int64(process * perProcess + offset), workerCount: Int64(workers),
                epoch: epoch, ended: false)
        }
        return StoreSummary(
            path: path ?? "/h\(process)/process-\(process)", storeID: id ?? "store-\(process)", lineage: lineage,
            flowID: "f", formatVersion: 1, ownerProcess: owner ?? process,
            memberships: [
                MembershipRecord(
                    execution: execution, process: process, processCount: processes, workerCount: workers, firstEpoch: 1,
                    rehomed: false, floor: 0)
            ],
            progress: rows, committedThrough: nil)
    }

    private func reports(_ stores: [[StoreSummary]]) -> [ProcessReport] {
        stores.enumerated().map { ProcessReport(process: $0.offset, proposedLineage: "new-\($0.offset)", stores: $0.element) }
    }

    @Test func theResumeEpochIsTheCommitRuleOverEveryStoresRows() throws {
        let agreement = try ResumeAgreement(
            reports: reports([[member(0, of: 2, workers: 2, epochs: [9])], [member(1, of: 2, workers: 2, epochs: [7])]]),
            workerCount: 2)
        #expect(agreement.resumeEpoch == 7)
        #expect(agreement.winner == 1)
        #expect(agreement.execution == 2)
        #expect(agreement.reads == [0: ["store-0"], 1: ["store-1"]])
        #expect(!agreement.rehome)
        #expect(agreement.lineage == "L")
    }

    @Test func noStoreIsAFreshStartWithProcessZerosLineage() throws {
        let agreement = try ResumeAgreement(reports: reports([[], []]), workerCount: 2)
        #expect(agreement.resumeEpoch == nil)
        #expect(agreement.lineage == "new-0")
        #expect(agreement.execution == 1)
    }

    @Test func aMissingMemberIsRefusedNamingTheProcessAndItsAddress() throws {
        var lonely = member(0, of: 2, workers: 2, epochs: [9])
        lonely = StoreSummary(
            path: lonely.path, storeID: lonely.storeID, lineage: "L", flowID: "f", formatVersion: 1, ownerProcess: 0,
            memberships: lonely.memberships, progress: lonely.progress, committedThrough: 9)
        let error = #expect(throws: DataflowError.self) {
            _ = try ResumeAgreement(reports: reports([[lonely], []]), workerCount: 2, address: { "10.0.0.1\($0):7100" })
        }
        let message = error.map { "\($0)" } ?? ""
        #expect(message.contains("process 1's store of execution 1 is missing") && message.contains("10.0.0.11:7100"), "\(message)")
    }

    @Test func aStoreOfAnotherLineageIsRefused() throws {
        let error = #expect(throws: DataflowError.self) {
            _ = try ResumeAgreement(
                reports: reports([
                    [member(0, of: 2, workers: 2, epochs: [9])], [member(1, of: 2, workers: 2, epochs: [9], lineage: "M")],
                ]),
                workerCount: 2)
        }
        #expect(error.map { "\($0)" }?.contains("process 1's store at /h1/process-1 belongs to another cluster") == true)
    }

    @Test func aFormerStoreIsReadOnceByTheLowestProcessAndTheStateReHomed() throws {
        let former = member(2, of: 3, workers: 3, epochs: [5], path: "/copy/process-2", owner: .some(nil))
        let agreement = try ResumeAgreement(
            reports: reports([
                [member(0, of: 3, workers: 3, epochs: [6]), former],
                [member(1, of: 3, workers: 3, epochs: [8]), former],
            ]),
            workerCount: 2)
        #expect(agreement.resumeEpoch == 5)
        #expect(agreement.reads == [0: ["store-0", "store-2"], 1: ["store-1"]])
        #expect(agreement.rehome)
        #expect(agreement.formerPaths == ["/copy/process-2"])
    }

    @Test func anOwnStoreThatTookNoPartInTheWinnerIsStale() throws {
        // Process 2 began execution 2 (never committed); execution 1 had two processes.
        let newer = member(2, of: 3, workers: 3, execution: 2, epochs: [])
        let agreement = try ResumeAgreement(
            reports: reports([
                [member(0, of: 2, workers: 2, epochs: [6])], [member(1, of: 2, workers: 2, epochs: [6])], [newer],
            ]),
            workerCount: 3)
        #expect(agreement.resumeEpoch == 6)
        #expect(agreement.stale == [2])
        #expect(agreement.execution == 3)
        #expect(agreement.rehome)
    }
}
