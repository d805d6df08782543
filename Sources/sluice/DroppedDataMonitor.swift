import Foundation
import SluiceKafka

/// Reports partitions of an `EmbeddedKafka` that lost data to the mock
/// cluster's retention limit, once per partition.
struct DroppedDataMonitor {
    private let kafka: EmbeddedKafka
    private var reported: Set<String> = []

    init(kafka: EmbeddedKafka) { self.kafka = kafka }

    /// Checks the partitions and writes a warning line to standard error for
    /// each one that dropped data since the last check (and was not reported
    /// yet). A failing check is reported as a warning too; it is not fatal.
    mutating func check() {
        do {
            for entry in try kafka.droppedData() where reported.insert("\(entry.partition)-\(entry.topic)").inserted {
                warn("warning: \(entry); consumers reading from the beginning will miss it")
            }
        } catch {
            warn("warning: cannot check for dropped data: \(error)")
        }
    }

    private func warn(_ line: String) {
        FileHandle.standardError.write(Data("sluice dev-broker: \(line)\n".utf8))
    }
}
