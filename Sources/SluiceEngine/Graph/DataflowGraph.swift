/// Names one output port of a step: the identity of a stream in the graph.
package struct StreamID: Hashable, Sendable, CustomStringConvertible {
    package let step: StepID
    package let port: String
    package init(step: StepID, port: String) {
        self.step = step
        self.port = port
    }
    package var description: String { "\(step).\(port)" }
}

/// What a step does on one worker: registers its nodes with the builder.
package typealias WorkerInstaller = (WorkerBuilder) throws -> Void

/// One core step of a dataflow. `prepare` runs once per run (listing source
/// partitions, allocating exchange channels) and returns what every worker
/// runs to install the step's nodes.
package struct StepDefinition {
    package let id: StepID
    /// Which of the seven core steps this is.
    package let core: CoreStep
    /// The operator that made it, as users name it (`map`, `redistribute`…;
    /// the core step's name when it was called directly).
    package let kind: String
    package let inputs: [StreamID]
    package let outputs: [StreamID]
    package let prepare: (RunContext) throws -> WorkerInstaller

    package init(
        id: StepID, core: CoreStep, kind: String? = nil, inputs: [StreamID], outputs: [StreamID],
        prepare: @escaping (RunContext) throws -> WorkerInstaller
    ) {
        self.id = id
        self.core = core
        self.kind = kind ?? core.rawValue
        self.inputs = inputs
        self.outputs = outputs
        self.prepare = prepare
    }
}

/// The whole graph, in definition order (which is a topological order: a step
/// can only consume streams defined before it).
package struct DataflowGraph {
    package let flowID: String
    package let steps: [StepDefinition]
    package let errors: [DataflowError]

    package init(flowID: String, steps: [StepDefinition], errors: [DataflowError]) {
        self.flowID = flowID
        self.steps = steps
        self.errors = errors
    }

    /// Throws the first construction error, or a shape error (no input, no output).
    package func validate() throws {
        if let first = errors.first { throw first }
        if !steps.contains(where: { $0.core == .input }) {
            throw DataflowError.invalidDataflow(
                step: StepID(flowID), reason: "the dataflow has no input step; add one with `flow.input(...)`")
        }
        if !steps.contains(where: { $0.core == .output }) {
            throw DataflowError.invalidDataflow(
                step: StepID(flowID), reason: "the dataflow has no output step; add one with `stream.output(...)`")
        }
    }
}

/// Facts about a run that steps need once, before workers start.
package final class RunContext {
    package let workerCount: Int
    package let configuration: RunConfiguration
    /// What this run resumes from (nil on a fresh start or without recovery).
    package let resume: ResumePoint?
    /// True in exactly one process of a cluster (process 0): it alone runs
    /// once-per-run work such as recovering a committing sink's output.
    package let isLeader: Bool
    /// What each worker takes from `resume` (recorded when the run re-homes).
    package let ledger: ResumeLedger
    private var nextExchange = 0

    package init(
        workerCount: Int, configuration: RunConfiguration, resume: ResumePoint? = nil, isLeader: Bool = true,
        rehoming: Bool = false
    ) {
        self.workerCount = workerCount
        self.configuration = configuration
        self.resume = resume
        self.isLeader = isLeader
        self.ledger = ResumeLedger(recording: rehoming && resume != nil)
    }

    /// The stored state of `key` of `step`, decoded, or nil.
    package func resumeState<State: Decodable>(_ type: State.Type, step: StepID, key: String) throws -> State? {
        guard let bytes = resume?.states[step]?[key] else { return nil }
        return try SnapshotCoding.decode(State.self, from: bytes, step: step, key: key)
    }

    /// The stored state of `key` of `step`, decoded, or nil, taken by
    /// `worker`: the one way a step loads its state, so that a re-homing run
    /// re-writes what each worker loaded (``ResumeLedger``).
    package func resumeState<State: Decodable>(
        _ type: State.Type, step: StepID, key: String, for worker: WorkerIndex
    ) throws -> State? {
        guard let bytes = resume?.states[step]?[key] else { return nil }
        ledger.took(step: step, key: key, bytes: bytes, worker: worker)
        return try SnapshotCoding.decode(State.self, from: bytes, step: step, key: key)
    }

    /// Every stored key of `step` that routes to `worker` (of `workerCount`),
    /// decoded, taken by that worker (see ``resumeState(_:step:key:for:)``).
    package func resumeStates<State: Decodable>(
        _ type: State.Type, step: StepID, for worker: WorkerIndex, workerCount: Int
    ) throws -> [String: State] {
        var states: [String: State] = [:]
        for (key, bytes) in resume?.states[step] ?? [:]
        where StableHash.route(key, workerCount: workerCount) == worker.rawValue {
            ledger.took(step: step, key: key, bytes: bytes, worker: worker)
            states[key] = try SnapshotCoding.decode(State.self, from: bytes, step: step, key: key)
        }
        return states
    }

    /// A new exchange channel id, the same on every worker and process.
    package func allocateExchange() -> Int {
        defer { nextExchange += 1 }
        return nextExchange
    }
}
