/// What one process sends at the start of a cluster run with local stores:
/// the summaries of the stores it sees and, from process 0, the lineage a
/// fresh cluster takes.
///
/// ```swift
/// let report = ProcessReport(process: 0, proposedLineage: UUID().uuidString, stores: summaries)
/// ```
package struct ProcessReport: Codable, Sendable {
    /// The reporting process.
    package let process: Int
    /// A new lineage id (used when no store has one yet; process 0's wins).
    package let proposedLineage: String
    /// The stores it sees, its own first.
    package let stores: [StoreSummary]

    /// Creates a report.
    package init(process: Int, proposedLineage: String, stores: [StoreSummary]) {
        self.process = process
        self.proposedLineage = proposedLineage
        self.stores = stores
    }
}
