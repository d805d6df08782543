import Foundation
import Sluice
import SluiceTestSupport
import Testing

@testable import AnomalyDetector
@testable import KafkaWordCount
@testable import OrdersService
@testable import SensorWindows
@testable import WordCount

/// `--print-graph mermaid|dot` on every example binary: it prints the flow
/// and exits 0 without starting a source (the inputs given do not exist: a
/// run would fail or wait for a broker), and what it prints is the flow the
/// example builds, checked for structure against the engine's own graph.
@Suite(.timeLimit(.minutes(2)), .onOwnThread)
struct PrintGraphExampleTests {
    struct Example: CustomTestStringConvertible, Sendable {
        let binary: String
        let arguments: [String]
        let flow: @Sendable () -> Dataflow
        var testDescription: String { binary }
    }

    static let nowhere = ["127.0.0.1:9"]  // nothing listens there: a run could not start

    static let examples: [Example] = [
        Example(binary: "word-count", arguments: ["--input", "/nonexistent/lines.txt"]) {
            makeWordCountFlow(inputs: ["/nonexistent/lines.txt"], output: nil)
        },
        Example(binary: "anomaly-detector", arguments: []) {
            makeAnomalyFlow(count: 20, interval: .milliseconds(50), threshold: 2.0, debug: false)
        },
        Example(
            binary: "kafka-word-count",
            arguments: ["--brokers", nowhere[0], "--input-topic", "lines", "--output-topic", "counts"]
        ) {
            makeKafkaWordCountFlow(
                brokers: nowhere, inputTopic: "lines", outputTopic: "counts", tail: false, exactlyOnce: false)
        },
        Example(
            binary: "sensor-windows",
            arguments: [
                "--brokers", nowhere[0], "--readings-topic", "readings", "--averages-topic", "averages",
                "--sessions-topic", "sessions", "--late-topic", "late",
            ]
        ) {
            makeSensorWindowsFlow(
                brokers: nowhere,
                topics: SensorTopics(readings: "readings", averages: "averages", sessions: "sessions", late: "late"),
                wait: .milliseconds(2000), tail: false, exactlyOnce: false, watermark: .perSensor,
                idleAfter: .milliseconds(30_000))
        },
        Example(binary: "orders-service", arguments: ["--brokers", nowhere[0]]) {
            makeOrdersFlow(
                brokers: nowhere,
                topics: OrdersTopics(orders: "orders", totals: "totals", windows: "order-windows", deadLetters: "orders-dead"),
                wait: .milliseconds(5000), tail: true)
        },
    ]

    private func printed(_ example: Example, _ format: String) throws -> String {
        let child = try ChildProcess(
            try BuiltExecutable.url(named: example.binary), example.arguments + ["--print-graph", format])
        let exit = try child.waitForExit(timeout: .seconds(60))
        #expect(exit == ChildProcess.Exit(exited: true, status: 0), "stderr: \(child.stderr)")
        return child.stdout
    }

    @Test(arguments: examples)
    func mermaidShowsEveryStepAndEdge(example: Example) throws {
        let flow = example.flow()
        let text = try printed(example, "mermaid")
        #expect(text == GraphFormat.mermaid.render(flow))

        // Structure, independently of the renderer: nodes, subgraphs, edges.
        let lines = text.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }
        #expect(lines.first == "flowchart TD")
        var nodes: [String: String] = [:]  // node name → step id
        var edges: [(String, String)] = []
        var depth = 0
        for line in lines.dropFirst() {
            if line.hasPrefix("subgraph ") {
                depth += 1
            } else if line == "end" {
                depth -= 1
                #expect(depth >= 0)
            } else if let arrow = line.range(of: "-->") {
                let from = String(line[..<arrow.lowerBound])
                var to = String(line[arrow.upperBound...])
                if to.hasPrefix("|"), let close = to.dropFirst().firstIndex(of: "|") { to = String(to[to.index(after: close)...]) }
                edges.append((from, to))
            } else if let open = line.range(of: "[\""), let br = line.range(of: "<br/>") {
                nodes[String(line[..<open.lowerBound])] = String(line[open.upperBound..<br.lowerBound])
            }
        }
        #expect(depth == 0)
        let graph = flow.graph
        #expect(Set(nodes.values) == Set(graph.steps.map(\.id.rawValue)))
        #expect(nodes.count == graph.steps.count)
        let expectedEdges = graph.steps.flatMap { step in step.inputs.map { "\($0.step.rawValue)>\(step.id.rawValue)" } }
        let printedEdges = edges.map { "\(nodes[$0.0] ?? "?\($0.0)")>\(nodes[$0.1] ?? "?\($0.1)")" }
        #expect(printedEdges.sorted() == expectedEdges.sorted())
        // Nested step ids sit in subgraphs.
        let nested = graph.steps.filter { $0.id.rawValue.split(separator: ".").count > 2 }
        #expect(nested.isEmpty == !text.contains("subgraph "))
    }

    @Test(arguments: examples)
    func dotShowsEveryStepAndEdge(example: Example) throws {
        let flow = example.flow()
        let text = try printed(example, "dot")
        #expect(text == GraphFormat.dot.render(flow))
        #expect(text.hasPrefix("digraph \"\(flow.id)\" {"))
        let graph = flow.graph
        for step in graph.steps {
            #expect(text.contains("\"\(step.id.rawValue)\" [label="))
            for input in step.inputs {
                #expect(text.contains("\"\(input.step.rawValue)\" -> \"\(step.id.rawValue)\""))
            }
        }
        #expect(text.components(separatedBy: " -> ").count - 1 == graph.steps.map(\.inputs.count).reduce(0, +))
    }

    @Test func anUnknownFormatIsRefused() throws {
        let child = try ChildProcess(
            try BuiltExecutable.url(named: "word-count"), ["--input", "x", "--print-graph", "svg"])
        let exit = try child.waitForExit(timeout: .seconds(60))
        #expect(exit == ChildProcess.Exit(exited: true, status: 64))
        #expect(child.stderr.contains("svg"))
    }
}
