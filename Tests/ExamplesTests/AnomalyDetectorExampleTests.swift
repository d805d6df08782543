import Foundation
import Testing

@testable import AnomalyDetector

@Suite struct AnomalyDetectorExampleTests {
    @Test func detectorStateMatchesHandComputedStatistics() {
        var state = DetectorState()
        for value in [2.0, 4.0, 4.0, 4.0, 5.0, 5.0, 7.0, 9.0] { state.push(value) }
        #expect(state.mean == 5.0)
        #expect(state.sigma == 2.0)
        #expect(state.isAnomalous(9.1, threshold: 2.0))
        #expect(!state.isAnomalous(8.9, threshold: 2.0))
    }

    @Test func keepsOnlyTheLastTenValues() {
        var state = DetectorState()
        for value in 1...15 { state.push(Double(value)) }
        #expect(state.lastTen == (6...15).reversed().map(Double.init))
    }

    @Test func metricSourceIsSeededAndResumable() throws {
        let source = RandomMetricSource(name: "m", interval: .zero, count: 6, seed: 7)
        let whole = try drain(try source.buildPartition("m", resumeState: nil))
        let resumed = try drain(try source.buildPartition("m", resumeState: 3))
        #expect(whole.count == 6)
        #expect(Array(whole.dropFirst(3)) == resumed)
    }

    private func drain(_ partition: RandomMetricSource.Partition) throws -> [Double] {
        var values: [Double] = []
        while let batch = try partition.nextBatch() { values += batch.map(\.value) }
        return values
    }
}
