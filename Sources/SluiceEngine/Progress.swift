/// A progress signal that flows behind the items of a stream: an epoch barrier
/// ("every item of this epoch has passed") or the end of the stream.
package enum Progress: Comparable, Sendable, CustomStringConvertible {
    /// All items of this epoch have been sent on this channel.
    case barrier(Epoch)
    /// No more items will come on this channel (implies every barrier).
    case end

    package static func < (lhs: Progress, rhs: Progress) -> Bool {
        switch (lhs, rhs) {
        case let (.barrier(a), .barrier(b)): return a < b
        case (.barrier, .end): return true
        case (.end, _): return false
        }
    }

    package var description: String {
        switch self {
        case .barrier(let e): return "barrier(\(e.rawValue))"
        case .end: return "end"
        }
    }
}
