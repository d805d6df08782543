import SluiceEngine

extension Dataflow {
    /// The input steps upstream of `stream` that declare no `watermarks`
    /// (empty when every input feeding it does).
    package func inputsWithoutWatermarks(upstreamOf stream: StreamID) -> [StepID] {
        var missing: [StepID] = []
        var seen: Set<StreamID> = []
        var pending = [stream]
        while let next = pending.popLast() {
            guard seen.insert(next).inserted,
                let producer = steps.first(where: { $0.outputs.contains(next) })
            else { continue }
            if producer.core == .input {
                if !watermarkedInputs.contains(producer.id) { missing.append(producer.id) }
            } else {
                pending.append(contentsOf: producer.inputs)
            }
        }
        return missing.sorted { $0.rawValue < $1.rawValue }
    }
}
