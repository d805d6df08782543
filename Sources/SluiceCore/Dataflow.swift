import SluiceEngine

/// A dataflow under construction: a graph of steps from inputs to outputs.
/// Build it with `input(_:_:)` and the operators of `DataStream`, then run it
/// with `run(_:workers:)`, `runMain(_:)` or `cliMain(_:)`.
///
/// ```swift
/// let flow = Dataflow("double")
/// flow.input("numbers", TestingSource([1, 2, 3]))
///     .map("double") { $0 * 2 }
///     .output("out", StdOutSink())
/// try runMain(flow)
/// ```
///
/// Step ids must be unique; a duplicate is reported (naming the step) when the
/// flow is validated or run.
public final class Dataflow {
    /// The flow's id, the root of every step id.
    public let id: String
    package private(set) var steps: [StepDefinition] = []
    private var usedIDs: Set<StepID> = []
    private var errors: [DataflowError] = []
    /// The input steps that declare `watermarks`.
    package var watermarkedInputs: Set<StepID> = []

    /// Creates an empty dataflow.
    /// - Parameter id: The flow id: non-empty, without dots.
    public init(_ id: String) {
        self.id = id
        if let problem = Self.problemWithName(id) {
            errors.append(.invalidDataflow(step: StepID(id), reason: "invalid dataflow id: \(problem)"))
        }
    }

    /// Checks the shape of the flow without running it.
    /// - Throws: `DataflowError.invalidDataflow` naming the offending step.
    public func validate() throws { try graph.validate() }

    /// The ids of every core step, in definition order (for tools and tests).
    public var stepIDs: [StepID] { steps.map(\.id) }

    package var graph: DataflowGraph { DataflowGraph(flowID: id, steps: steps, errors: errors) }

    package var rootScope: StepID { StepID(id) }

    /// Reserves a step id below `scope`; records an error if it is invalid or taken.
    package func reserve(_ name: String, in scope: StepID) -> StepID {
        let stepID = scope.child(name)
        if let problem = Self.problemWithName(name) {
            errors.append(.invalidDataflow(step: stepID, reason: "invalid step id: \(problem)"))
        } else if !usedIDs.insert(stepID).inserted {
            errors.append(.invalidDataflow(step: stepID, reason: "duplicate step id '\(stepID)'; step ids must be unique"))
        }
        return stepID
    }

    package func add(_ step: StepDefinition) { steps.append(step) }

    /// Records a problem found while building `step` (bad operator settings);
    /// `validate()` and `run` report it.
    package func reject(_ step: StepID, reason: String) {
        errors.append(.invalidDataflow(step: step, reason: reason))
    }

    private static func problemWithName(_ name: String) -> String? {
        if name.isEmpty { return "it is empty" }
        if name.contains(".") { return "'\(name)' contains '.', which separates nested step ids" }
        return nil
    }
}
