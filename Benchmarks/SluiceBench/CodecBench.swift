import Foundation
import SluiceEngine

// `sluice-bench --workload codec --items N`: encode + decode throughput of the binary item
// codec that cross-process exchange uses, in batches of 1000, for keyed (String, Int) pairs
// and a 5-field struct. Prints one RESULT line per item kind:
//   RESULT workload=codec kind=<keyed|struct> items=<N> seconds=<s> encode_share_pct=<p> items_per_s=<x>
//          bytes_per_item=<b>

/// The 5-field struct of the codec benchmark.
struct CodecBenchOrder: Codable, Equatable {
    var id: Int
    var customer: String
    var amount: Double
    var quantity: Int
    var paid: Bool
}

/// Runs the codec benchmark and exits non-zero if a batch does not round-trip.
func runCodecBenchmark(items: Int) {
    let pairs = (0..<items).map { (key: "w\(($0 * 7919) % 10_000)", value: $0) }
    let orders = (0..<items).map {
        CodecBenchOrder(id: $0, customer: "c\($0 % 977)", amount: Double($0) / 4, quantity: $0 % 13, paid: $0 % 2 == 0)
    }
    guard let keyed = ItemCodec<(key: String, value: Int)>.detect(), let structs = ItemCodec<CodecBenchOrder>.detect() else {
        fail("no codec for the benchmark's item types")
    }
    measureCodec("keyed", pairs, keyed) { $0.key == $1.key && $0.value == $1.value }
    measureCodec("struct", orders, structs, ==)
}

private func measureCodec<Item>(
    _ kind: String, _ items: [Item], _ codec: ItemCodec<Item>, _ same: (Item, Item) -> Bool
) {
    let batchSize = 1000
    let batches = stride(from: 0, to: items.count, by: batchSize).map { Array(items[$0..<min($0 + batchSize, items.count)]) }
    var bytes: [UInt8] = []
    var totalBytes = 0
    var lastBatch: [Item] = []
    let clock = ContinuousClock()
    var encoding = Duration.zero
    var decoding = Duration.zero
    do {
        for batch in batches {
            bytes.removeAll(keepingCapacity: true)
            encoding += try clock.measure { try codec.encode(batch, into: &bytes) }
            totalBytes += bytes.count
            decoding += try clock.measure { lastBatch = try codec.decode(bytes, range: 0..<bytes.count, count: batch.count) }
        }
    } catch {
        fail("codec \(kind): \(error)")
    }
    let elapsed = encoding + decoding
    guard let expected = batches.last, expected.count == lastBatch.count, zip(expected, lastBatch).allSatisfy(same) else {
        fail("codec \(kind): the last batch did not round-trip")
    }
    let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
    let perSecond = seconds > 0 ? Int((Double(items.count) / seconds).rounded()) : 0
    let perItem = items.isEmpty ? 0 : Double(totalBytes) / Double(items.count)
    let share = seconds > 0 ? Int((encoding / elapsed * 100).rounded()) : 0
    print("RESULT workload=codec kind=\(kind) items=\(items.count) seconds=\(String(format: "%.3f", seconds))"
        + " encode_share_pct=\(share)"
        + " items_per_s=\(perSecond) bytes_per_item=\(String(format: "%.1f", perItem))")
}
