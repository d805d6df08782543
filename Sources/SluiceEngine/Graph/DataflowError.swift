/// Why a dataflow could not be built or stopped while running. Each case names
/// the step, and where it applies the worker, partition and item, so that the
/// message alone tells a user what to fix.
///
/// ```swift
/// do { try run(flow, workers: 2) }
/// catch let error as DataflowError { print(error) }   // step 'flow.parse' failed on worker 1 for item "x": ...
/// ```
public enum DataflowError: Error, CustomStringConvertible {
    /// The dataflow's shape is invalid (duplicate step id, no input, no output…).
    case invalidDataflow(step: StepID?, reason: String)
    /// A user closure or operator logic threw.
    case stepFailed(step: StepID, worker: WorkerIndex, item: String?, underlying: any Error)
    /// A source could not be listed, built or read.
    case sourceFailed(step: StepID, partition: PartitionKey?, underlying: any Error)
    /// A sink could not be built, written or closed.
    case sinkFailed(step: StepID, partition: PartitionKey?, underlying: any Error)
    /// The run configuration is unusable (for example zero workers).
    case invalidConfiguration(String)
    /// Snapshots could not be written, or stored state could not be restored.
    case recoveryFailed(step: StepID?, key: String?, reason: String)
    /// The processes of a cluster run lost each other, disagreed, or one of them failed.
    case clusterFailed(reason: String)

    public var description: String {
        switch self {
        case let .invalidDataflow(step, reason):
            return step.map { "invalid dataflow at step '\($0)': \(reason)" } ?? "invalid dataflow: \(reason)"
        case let .stepFailed(step, worker, item, underlying):
            let itemText = item.map { " for item \($0)" } ?? ""
            return "step '\(step)' failed on \(worker)\(itemText): \(describe(underlying))"
        case let .sourceFailed(step, partition, underlying):
            let part = partition.map { " partition '\($0)'" } ?? ""
            return "source step '\(step)'\(part) failed: \(describe(underlying))"
        case let .sinkFailed(step, partition, underlying):
            let part = partition.map { " partition '\($0)'" } ?? ""
            return "sink step '\(step)'\(part) failed: \(describe(underlying))"
        case let .invalidConfiguration(reason):
            return "invalid run configuration: \(reason)"
        case let .recoveryFailed(step, key, reason):
            let place = [step.map { "step '\($0)'" }, key.map { "key '\($0)'" }].compactMap { $0 }.joined(separator: " ")
            return "recovery failed" + (place.isEmpty ? "" : " at \(place)") + ": \(reason)"
        case let .clusterFailed(reason):
            return "cluster failed: \(reason)"
        }
    }

    /// The step the error is about, if any.
    public var step: StepID? {
        switch self {
        case let .invalidDataflow(step, _): return step
        case let .stepFailed(step, _, _, _), let .sourceFailed(step, _, _), let .sinkFailed(step, _, _): return step
        case .invalidConfiguration, .clusterFailed: return nil
        case let .recoveryFailed(step, _, _): return step
        }
    }
}

private func describe(_ error: any Error) -> String {
    let text = String(describing: error)
    return text.isEmpty ? "\(type(of: error))" : text
}

/// A connector that lists the same partition key more than once.
public struct DuplicatePartitionsError: Error, CustomStringConvertible {
    /// The repeated keys.
    public let keys: [PartitionKey]
    package init(keys: [PartitionKey]) { self.keys = keys }
    public var description: String {
        "partition keys must be unique, but these are listed more than once: "
            + keys.map { "'\($0)'" }.joined(separator: ", ")
    }
}

/// Marks an error thrown by user code while handling one item, so the step can
/// report that item. Internal: steps turn it into `DataflowError.stepFailed`.
@usableFromInline
package struct ItemFailure: Error {
    package let item: String
    package let underlying: any Error
    @usableFromInline
    package init(item: String, underlying: any Error) {
        self.item = item
        self.underlying = underlying
    }
}

/// How many characters of an item an error message shows.
package let itemDescriptionLimit = 200

/// Describes an item for an error message, truncated to `itemDescriptionLimit`.
@usableFromInline
package func describeItem(_ item: Any) -> String {
    var text = String(reflecting: item)
    if text.count > itemDescriptionLimit {
        text = String(text.prefix(itemDescriptionLimit)) + "… (truncated)"
    }
    return text
}

/// Runs `body` for one item; an error escapes tagged with that item.
@inlinable
package func forItem<Item, Result>(_ item: Item, _ body: () throws -> Result) throws -> Result {
    do {
        return try body()
    } catch let error as ItemFailure {
        throw error
    } catch let error as DataflowError {
        throw error
    } catch {
        throw ItemFailure(item: describeItem(item), underlying: error)
    }
}

/// Turns any error thrown inside a step into a `DataflowError` naming it.
package func stepError(_ error: any Error, step: StepID, worker: WorkerIndex) -> DataflowError {
    switch error {
    case let error as DataflowError: return error
    case let failure as ItemFailure:
        return .stepFailed(step: step, worker: worker, item: failure.item, underlying: failure.underlying)
    default:
        return .stepFailed(step: step, worker: worker, item: nil, underlying: error)
    }
}
