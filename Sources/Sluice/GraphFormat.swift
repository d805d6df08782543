import ArgumentParser
import SluiceMonitor

/// How `--print-graph` draws a dataflow.
///
/// ```swift
/// print(GraphFormat.mermaid.render(flow))
/// ```
public enum GraphFormat: String, CaseIterable, Sendable, ExpressibleByArgument {
    /// A mermaid flowchart (renders on GitHub and in many editors).
    case mermaid
    /// A Graphviz digraph (`dot -Tsvg`).
    case dot

    /// The flow in this format, with operator scopes as nested subgraphs.
    /// - Parameter flow: The dataflow.
    /// - Returns: The text, ending with a newline.
    public func render(_ flow: Dataflow) -> String {
        let shape = DataflowShape(flow)
        switch self {
        case .mermaid: return shape.mermaid()
        case .dot: return shape.dot()
        }
    }
}
