import Foundation

extension DataflowShape {
    /// The flow as a mermaid flowchart: one node per core step labelled with
    /// its full id and kind, one subgraph per operator scope, one arrow per
    /// stream (labelled with its port when it is not `down`).
    ///
    /// ```swift
    /// print(DataflowShape(flow).mermaid())
    /// // flowchart TD
    /// //   s0["word_count.lines<br/>input"]
    /// //   …
    /// ```
    /// - Returns: The mermaid text, ending with a newline.
    public func mermaid() -> String {
        let names = nodeNames()
        var lines = ["flowchart TD"]
        func emit(scope: String, indent: String) {
            let inside = children(of: scope)
            for step in inside.steps {
                lines.append("\(indent)\(names[step.id]!)[\"\(Self.mermaidText(step.id))<br/>\(step.kind)\"]")
            }
            for child in inside.scopes {
                lines.append("\(indent)subgraph \(names[child.id]!)[\"\(Self.mermaidText(child.id))\"]")
                emit(scope: child.id, indent: indent + "  ")
                lines.append("\(indent)end")
            }
        }
        emit(scope: flowID, indent: "  ")
        for edge in edges {
            let label = edge.port == "down" ? "" : "|\(Self.mermaidText(edge.port))|"
            lines.append("  \(names[edge.from] ?? "missing")-->\(label)\(names[edge.to]!)")
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// Short node names (`s0`, `g0`): step ids may hold characters mermaid
    /// does not accept in a node id.
    func nodeNames() -> [String: String] {
        var names: [String: String] = [:]
        for (index, step) in steps.enumerated() { names[step.id] = "s\(index)" }
        for (index, scope) in scopes.enumerated() { names[scope.id] = "g\(index)" }
        return names
    }

    /// Text safe inside a quoted mermaid label.
    static func mermaidText(_ text: String) -> String {
        text.replacingOccurrences(of: "\"", with: "#quot;")
            .replacingOccurrences(of: "<", with: "#lt;").replacingOccurrences(of: ">", with: "#gt;")
    }
}
