import Testing

@testable import SluiceEngine

@Suite struct CommitRuleTests {
    @Test func nothingIsCommittedUntilEveryWorkerWrote() {
        #expect(CommitRule.committed(lastWritten: [0: 5], ended: [], workerCount: 2) == nil)
        #expect(CommitRule.committed(lastWritten: [Int: Int](), ended: [], workerCount: 0) == nil)
    }

    @Test func theLowestRunningWorkerDecidesAndEndedWorkersDoNotHoldItBack() {
        #expect(CommitRule.committed(lastWritten: [0: 5, 1: 7], ended: [], workerCount: 2) == 5)
        #expect(CommitRule.committed(lastWritten: [0: 5, 1: 7], ended: [0], workerCount: 2) == 7)
        #expect(CommitRule.committed(lastWritten: [0: 9, 1: 7], ended: [0, 1], workerCount: 2) == 9)
    }
}
