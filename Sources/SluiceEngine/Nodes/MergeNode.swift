/// Merges several streams of one type into one, aligning their epoch barriers.
package final class MergeNode<Item> {
    private let gate: Gate<Item>

    package init(inputs: Int, output: Emitter<Item>) {
        gate = Gate(
            channels: inputs,
            deliverBatch: { _, batch in try output.emit(batch) },
            deliverProgress: { try output.signal($0) })
    }

    /// The consumer to subscribe to input number `channel`.
    package func input(_ channel: Int) -> any BatchConsumer<Item> {
        ClosureConsumer(
            onBatch: { [gate] in try gate.push(channel: channel, batch: $0) },
            onProgress: { [gate] in try gate.push(channel: channel, progress: $0) })
    }
}
