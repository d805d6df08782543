import SluiceEngine

/// A typed stream of items in a dataflow. Operators are methods that take the
/// step id first: `lines.map("parse") { … }`.
///
/// ```swift
/// let words: DataStream<String> = flow.input("lines", TestingSource(["a b", "c"]))
///     .flatMap("split") { $0.split(separator: " ").map(String.init) }
/// ```
public struct DataStream<Item: Sendable> {
    /// The dataflow this stream belongs to.
    public let flow: Dataflow
    package let id: StreamID
    /// Where steps created on this stream are named (the flow, or an operator
    /// scope while a composite operator builds its parts).
    package let scope: StepID

    package init(flow: Dataflow, id: StreamID, scope: StepID) {
        self.flow = flow
        self.id = id
        self.scope = scope
    }

    /// The same stream, naming new steps below `scope`.
    package func scoped(_ scope: StepID) -> DataStream<Item> { DataStream(flow: flow, id: id, scope: scope) }
}

/// A stream of `(key, value)` pairs; keyed operators (`statefulMap`,
/// `countFinal`, `join`…) route each key to one worker. Every `DataStream`
/// operator applies to it too.
///
/// ```swift
/// let keyed: KeyedStream<Int> = numbers.keyOn("parity") { $0 % 2 == 0 ? "even" : "odd" }
/// ```
public typealias KeyedStream<Value: Sendable> = DataStream<(key: String, value: Value)>

extension DataStream {
    /// Runs `body` to build a composite operator whose parts are named below
    /// `scope.name`, and returns its result named in the caller's scope again.
    package func composite<Out>(_ name: String, _ body: (DataStream<Item>, StepID) -> DataStream<Out>) -> DataStream<Out> {
        let inner = flow.reserve(name, in: scope)
        return body(scoped(inner), inner).scoped(scope)
    }
}
