import Foundation
import Sluice
import SluiceRecovery
import SluiceTesting
import Testing

/// What resuming costs with process-local stores: the state of many keys
/// written by 2 processes, resumed (and re-homed) by 3. A measurement, not a
/// pass/fail bound: it prints the seconds; it runs when
/// `SLUICE_MEASURE_RESUME_KEYS` gives the key count (e.g. 1000000).
@Suite(.serialized) struct LocalStoreResumeCostTests {
    static let keyCount = ProcessInfo.processInfo.environment["SLUICE_MEASURE_RESUME_KEYS"].flatMap { Int($0) }

    @Test(.enabled(if: keyCount != nil, "a measurement: set SLUICE_MEASURE_RESUME_KEYS to run it"))
    func resumingManyKeysTwoToThreeProcesses() throws {
        let keys = Self.keyCount ?? 0
        let hosts = LocalStoreHosts()
        let source = TestingSource((0..<keys).map { "key-\($0)" }, batchSize: 10_000)
        func flow(_ sink: TestingSink<Int>) -> Dataflow {
            let flow = Dataflow("resume_cost")
            flow.input("keys", source).keyOn("key") { $0 }
                .statefulMap("seen") { (count: Int?, _: String) -> (Int?, Int) in ((count ?? 0) + 1, 0) }
                .map("drop") { _ in 1 }.filter("none") { _ in false }
                .output("out", sink)
            return flow
        }
        let writeStart = ContinuousClock.now
        #expect(try hosts.run(processes: 2, workers: 1, flowID: "resume_cost", bound: 1200) { flow(TestingSink<Int>()) } == [])
        let written = ContinuousClock.now - writeStart
        let resumeStart = ContinuousClock.now
        #expect(try hosts.run(processes: 3, workers: 1, flowID: "resume_cost", bound: 1200) { flow(TestingSink<Int>()) } == [])
        let resumed = ContinuousClock.now - resumeStart
        print("RESUME keys=\(keys) write_2_processes_s=\(written) resume_rehome_2_to_3_s=\(resumed)")
    }
}
