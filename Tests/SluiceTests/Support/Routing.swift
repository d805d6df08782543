import Sluice
import SluiceTestSupport
import Testing

/// The first key `key-N` that `StableHash` routes to `worker` of `workerCount`.
func key(routedTo worker: Int, of workerCount: Int, prefix: String = "key-") -> String {
    (0...).lazy.map { "\(prefix)\($0)" }.first { StableHash.route($0, workerCount: workerCount) == worker }!
}

/// Requires `body` to throw `DataflowError.invalidConfiguration` and returns its reason.
func invalidConfiguration(
    _ body: () throws -> Void, sourceLocation: SourceLocation = #_sourceLocation
) throws -> String {
    let error = try #require(throws: DataflowError.self, sourceLocation: sourceLocation) { try body() }
    guard case .invalidConfiguration(let reason) = error else {
        Issue.record("expected invalidConfiguration, got \(error)", sourceLocation: sourceLocation)
        throw TestStopped()
    }
    return reason
}
