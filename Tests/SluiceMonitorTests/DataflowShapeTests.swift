import Foundation
import Sluice
import SluiceMonitor
import SluiceTesting
import Testing

@Suite struct DataflowShapeTests {
    @Test func aStraightFlowAsMermaidAndDot() {
        let flow = makeEndlessFlow("line")
        let shape = DataflowShape(flow)
        #expect(shape.scopes.isEmpty)
        #expect(
            shape.mermaid() == """
                flowchart TD
                  s0["line.in<br/>input"]
                  s1["line.double<br/>map"]
                  s2["line.even<br/>filter"]
                  s3["line.out<br/>output"]
                  s0-->s1
                  s1-->s2
                  s2-->s3

                """)
        #expect(
            shape.dot() == """
                digraph "line" {
                  rankdir=TB;
                  node [shape=box, fontname="Helvetica"];
                  "line.in" [label="line.in\\ninput"];
                  "line.double" [label="line.double\\nmap"];
                  "line.even" [label="line.even\\nfilter"];
                  "line.out" [label="line.out\\noutput"];
                  "line.in" -> "line.double";
                  "line.double" -> "line.even";
                  "line.even" -> "line.out";
                }

                """)
    }

    /// Composite operators nest their core steps: the scopes become subgraphs.
    @Test func nestedStepsBecomeSubgraphs() throws {
        let flow = Dataflow("nest")
        let numbers = flow.input("in", TestingSource([1, 2, 3]))
        let branches = numbers.branch("split") { $0 % 2 == 0 }
        let counted = branches.trues.merge("both", branches.falses)
            .countFinal("count") { $0 % 2 == 0 ? "even" : "odd" }
        counted.output("out", TestingSink<(key: String, value: Int)>())
        let shape = DataflowShape(flow)
        let nested = shape.steps.filter { $0.scope != "nest" }
        try #require(!nested.isEmpty, "countFinal is a composite operator")
        for step in nested {
            #expect(shape.scopes.contains { $0.id == step.scope }, "the scope of \(step.id) is listed")
        }
        let mermaid = shape.mermaid()
        let dot = shape.dot()
        for step in shape.steps {
            #expect(mermaid.contains("[\"\(step.id)<br/>\(step.kind)\"]"))
            #expect(dot.contains("\"\(step.id)\" [label="))
        }
        #expect(mermaid.components(separatedBy: "subgraph ").count - 1 == shape.scopes.count)
        #expect(mermaid.components(separatedBy: "\n  end").count + mermaid.components(separatedBy: "\n    end").count - 2 >= shape.scopes.count)
        #expect(dot.components(separatedBy: "subgraph cluster_").count - 1 == shape.scopes.count)
        // One edge per input of every step, ports other than `down` labelled.
        #expect(shape.edges.count == shape.steps.map(\.inputs.count).reduce(0, +))
        #expect(shape.edges.contains { $0.port == "trues" } && shape.edges.contains { $0.port == "falses" })
        #expect(mermaid.contains("|trues|") && dot.contains("[label=\"falses\"]"))
    }

    @Test func oddCharactersAreEscaped() {
        let flow = Dataflow("odd")
        flow.input("in \"quoted\"", TestingSource([1]))
            .map("a<b>") { $0 }
            .output("out\\", TestingSink<Int>())
        let shape = DataflowShape(flow)
        #expect(shape.mermaid().contains("odd.in #quot;quoted#quot;<br/>input"))
        #expect(shape.mermaid().contains("odd.a#lt;b#gt;"))
        #expect(shape.dot().contains(#""odd.in \"quoted\"" -> "odd.a<b>";"#))
        #expect(shape.dot().contains(#""odd.out\\""#))
    }
}
