import Sluice
import SluiceRecovery
import SluiceTesting
import SluiceTestSupport
import Testing

/// The README's "Stopping: suspend or drain" block, verbatim but for the
/// directory (a temporary one) and `print` (an expectation).
@Suite struct ReadmeSuspendTests {
    @Test func readmeBlock() throws {
        let dir = try TemporaryDirectory()
        let flow = Dataflow("suspend_example")
        let totals = TestingSink<String>()
        flow.input("words", TestingSource(["a", "b", "a"]))
            .keyOn("by_word") { $0 }
            .foldFinal("count", initial: { 0 }) { count, _ in count + 1 }
            .map("format") { "\($0.key)=\($0.value)" }
            .output("out", totals)

        let stop = StopSignal()
        var config = RunConfiguration(workers: 2)
        config.recoveryStore = try SQLiteRecoveryStore(directory: dir.file("recovery"), flowID: flow.id)
        config.stopSignal = stop
        stop.requestStop()
        try run(flow, configuration: config)
        #expect(totals.items == [])

        config.stopSignal = nil
        try run(flow, configuration: config)
        #expect(totals.items.sorted() == ["a=2", "b=1"])
    }
}
