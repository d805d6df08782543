import Foundation

extension DataflowShape {
    /// The flow as a Graphviz `digraph`: one box per core step (its full id
    /// and kind), one `cluster_` subgraph per operator scope, one edge per
    /// stream (labelled with its port when it is not `down`).
    ///
    /// ```swift
    /// print(DataflowShape(flow).dot())   // pipe into `dot -Tsvg > flow.svg`
    /// ```
    /// - Returns: The dot text, ending with a newline.
    public func dot() -> String {
        var lines = ["digraph \(Self.dotID(flowID)) {", "  rankdir=TB;", "  node [shape=box, fontname=\"Helvetica\"];"]
        var clusterIndex = 0
        func emit(scope: String, indent: String) {
            let inside = children(of: scope)
            for step in inside.steps {
                lines.append("\(indent)\(Self.dotID(step.id)) [label=\(Self.dotID(step.id + "\n" + step.kind))];")
            }
            for child in inside.scopes {
                lines.append("\(indent)subgraph cluster_\(clusterIndex) {")
                clusterIndex += 1
                lines.append("\(indent)  label=\(Self.dotID(child.id));")
                emit(scope: child.id, indent: indent + "  ")
                lines.append("\(indent)}")
            }
        }
        emit(scope: flowID, indent: "  ")
        for edge in edges {
            let label = edge.port == "down" ? "" : " [label=\(Self.dotID(edge.port))]"
            lines.append("  \(Self.dotID(edge.from)) -> \(Self.dotID(edge.to))\(label);")
        }
        lines.append("}")
        return lines.joined(separator: "\n") + "\n"
    }

    /// A quoted dot id, with quotes and backslashes escaped and newlines as `\n`.
    static func dotID(_ text: String) -> String {
        let escaped = text.replacingOccurrences(of: "\\", with: "\\\\")
            .replacingOccurrences(of: "\"", with: "\\\"").replacingOccurrences(of: "\n", with: "\\n")
        return "\"\(escaped)\""
    }
}
