import SluiceCore
import SluiceEngine

/// The shape of a dataflow, for pictures and tools: its core steps (ids and
/// kinds), the operator scopes that nest them (`flow.count` holds
/// `flow.count.stateful`), and the edges between steps. Rendered as
/// mermaid or dot by `--print-graph` and served as JSON by `/dataflow`.
///
/// ```swift
/// let shape = DataflowShape(flow)
/// print(shape.mermaid())
/// print(shape.steps.map(\.id))   // ["word_count.lines", "word_count.words", …]
/// ```
public struct DataflowShape: Sendable, Equatable {
    /// One core step.
    public struct Step: Sendable, Equatable {
        /// The full step id (`flow.count.stateful`).
        public var id: String
        /// The core step kind (`input`, `map`, `stateful`, `output`…).
        public var kind: String
        /// The scope holding it: the flow id or an operator scope's id.
        public var scope: String
        /// The ids of the streams it reads (`step.port`).
        public var inputs: [String]
        /// The ids of the streams it writes.
        public var outputs: [String]
    }

    /// An operator scope: a step id that names no core step but holds some.
    public struct Scope: Sendable, Equatable {
        /// The scope's id (`flow.count`).
        public var id: String
        /// The enclosing scope (the flow id at the top).
        public var parent: String
    }

    /// A stream from one step to another.
    public struct Edge: Sendable, Equatable {
        /// The producing step's id.
        public var from: String
        /// The consuming step's id.
        public var to: String
        /// The output port of `from` (`down`, `trues`, `late`…).
        public var port: String
    }

    /// The flow id, the root scope.
    public var flowID: String
    /// The core steps in definition order (a topological order).
    public var steps: [Step]
    /// The operator scopes, outermost first.
    public var scopes: [Scope]
    /// The edges, in the order of the consuming steps.
    public var edges: [Edge]

    /// The shape of `flow` as built so far.
    /// - Parameter flow: The dataflow.
    public init(_ flow: Dataflow) {
        self.init(graph: flow.graph)
    }

    package init(graph: DataflowGraph) {
        flowID = graph.flowID
        let stepIDs = Set(graph.steps.map(\.id.rawValue))
        var scopeIDs: [String] = []
        var seenScopes: Set<String> = []
        steps = graph.steps.map { step in
            let id = step.id.rawValue
            let scope = Self.parent(of: id) ?? graph.flowID
            // Every enclosing id between the flow and the step that is not a core step is a scope.
            var prefixes: [String] = []
            var current = scope
            while current != graph.flowID && current.hasPrefix(graph.flowID + ".") {
                prefixes.append(current)
                current = Self.parent(of: current) ?? graph.flowID
            }
            for prefix in prefixes.reversed() where !stepIDs.contains(prefix) && seenScopes.insert(prefix).inserted {
                scopeIDs.append(prefix)
            }
            return Step(
                id: id, kind: step.kind, scope: scope, inputs: step.inputs.map(\.description),
                outputs: step.outputs.map(\.description))
        }
        scopes = scopeIDs.map { Scope(id: $0, parent: Self.parent(of: $0) ?? graph.flowID) }
        edges = graph.steps.flatMap { step in
            step.inputs.map { Edge(from: $0.step.rawValue, to: step.id.rawValue, port: $0.port) }
        }
    }

    /// The id without its last component, or nil for a top-level id.
    static func parent(of id: String) -> String? {
        guard let dot = id.lastIndex(of: ".") else { return nil }
        return String(id[..<dot])
    }

    /// The last component of a step or scope id (`stateful` for `flow.count.stateful`).
    static func name(of id: String) -> String {
        guard let dot = id.lastIndex(of: ".") else { return id }
        return String(id[id.index(after: dot)...])
    }

    /// The steps and scopes directly inside `scope`, in definition order.
    func children(of scope: String) -> (steps: [Step], scopes: [Scope]) {
        (steps.filter { $0.scope == scope }, scopes.filter { $0.parent == scope })
    }
}
