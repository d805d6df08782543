import SluiceEngine

extension Dataflow {
    /// What every process of a cluster must agree on: the flow id, every
    /// step's id, kind and wiring, and the workers per process. Processes
    /// with different fingerprints refuse each other at the handshake.
    ///
    /// ```swift
    /// print(flow.fingerprint(workersPerProcess: 2))   // word_count/9 steps/2 workers/5f3a…
    /// ```
    /// - Parameter workersPerProcess: Worker threads in each process.
    /// - Returns: A short readable prefix and a stable hash of the whole shape.
    public func fingerprint(workersPerProcess: Int) -> String {
        let shape = steps.map { step in
            let inputs = step.inputs.map(\.description).joined(separator: ",")
            let outputs = step.outputs.map(\.description).joined(separator: ",")
            return "\(step.id)|\(step.kind)|\(inputs)|\(outputs)"
        }.joined(separator: ";")
        let hash = StableHash.fnv1a("\(id);\(workersPerProcess);\(shape)")
        let hex = String(hash, radix: 16)
        return "\(id)/\(steps.count) steps/\(workersPerProcess) workers/\(String(repeating: "0", count: 16 - hex.count))\(hex)"
    }
}
