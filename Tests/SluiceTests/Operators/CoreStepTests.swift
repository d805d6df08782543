import Sluice
import SluiceEngine
import SluiceTesting
import Testing

@testable import SluiceCore

/// Every operator is built from the seven core steps, and the graph says
/// which one each step is, whatever the operator was called.
@Suite struct CoreStepTests {
    @Test func thereAreSevenCoreSteps() {
        #expect(CoreStep.allCases.map(\.rawValue) == [
            "input", "output", "flat_map_batch", "stateful", "branch", "merge", "exchange",
        ])
    }

    @Test func operatorsAreBuiltFromCoreSteps() {
        let flow = Dataflow("cores")
        let numbers = flow.input("numbers", TestingSource([1, 2, 3]))
        let split = numbers.map("double") { $0 * 2 }.branch("small") { $0 < 4 }
        split.trues.merge("together", split.falses)
            .redistribute("spread")
            .keyOn("parity") { "\($0 % 2)" }
            .statefulMap("sum") { (sum: Int?, value: Int) in ((sum ?? 0) + value, value) }
            .asKV()
            .output("out", TestingSink<KV<Int>>())
        let cores = Dictionary(uniqueKeysWithValues: flow.graph.steps.map { ($0.id.description, $0.core) })
        #expect(cores["cores.numbers"] == .input)
        #expect(cores["cores.double"] == .flatMapBatch)
        #expect(cores["cores.small"] == .branch)
        #expect(cores["cores.together"] == .merge)
        #expect(cores["cores.spread"] == .exchange)
        #expect(cores["cores.parity"] == .flatMapBatch)
        #expect(cores["cores.out"] == .output)
        #expect(flow.graph.steps.filter { $0.core == .stateful }.count == 1, "\(cores)")
        #expect(flow.graph.steps.filter { $0.core == .exchange }.count == 1, "a stateful step routes its keys itself: \(cores)")
        // The operator's own name stays as the kind.
        #expect(flow.graph.steps.first { $0.id.description == "cores.double" }?.kind == "map")
    }
}
