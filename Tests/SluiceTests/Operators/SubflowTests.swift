import Sluice
import SluiceTesting
import Testing

/// `stream.subflow(name) { … }`: a user's pipeline function used twice gets
/// distinct step ids; names inside one sub-flow must still be unique.
@Suite struct SubflowTests {
    /// A user's reusable pipeline.
    static func parse(_ lines: DataStream<String>) -> DataStream<Int> {
        lines.compactMap("decode") { Int($0) }.filter("positive") { $0 > 0 }
    }

    @Test func twoUsesOfOnePipelineGetDistinctStepIDs() throws {
        let flow = Dataflow("flow")
        let sink = TestingSink<Int>()
        let orders = flow.input("orders", TestingSource(["1", "x", "-2", "3"])).subflow("parse_orders", Self.parse)
        let refunds = flow.input("refunds", TestingSource(["5", "0"])).subflow("parse_refunds", Self.parse)
        orders.merge("all", refunds).output("out", sink)
        let ids = Set(flow.stepIDs.map(\.description))
        for id in ["flow.parse_orders.decode", "flow.parse_refunds.decode", "flow.parse_orders.positive", "flow.all", "flow.out"] {
            #expect(ids.contains(id), "missing step \(id) in \(ids.sorted())")
        }
        try runMain(flow)
        #expect(sink.items.sorted() == [1, 3, 5])
    }

    @Test func aDuplicateNameInsideOneSubflowIsRefusedNamingTheStep() throws {
        let flow = Dataflow("flow")
        flow.input("orders", TestingSource(["1"]))
            .subflow("parse") { lines in
                lines.map("decode") { $0 }.map("decode") { $0 }
            }
            .output("out", TestingSink<String>())
        let error = try #require(throws: DataflowError.self) { try flow.validate() }
        #expect(error.step == StepID("flow.parse.decode"))
        #expect("\(error)".contains("duplicate step id 'flow.parse.decode'"))
    }

    @Test func twoSubflowsOfOneNameAreRefused() throws {
        let flow = Dataflow("flow")
        let lines = flow.input("lines", TestingSource(["1"]))
        lines.subflow("parse", Self.parse).output("a", TestingSink<Int>())
        lines.subflow("parse", Self.parse).output("b", TestingSink<Int>())
        let error = try #require(throws: DataflowError.self) { try flow.plan() }
        #expect(error.step == StepID("flow.parse"))
    }
}
