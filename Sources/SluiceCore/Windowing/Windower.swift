import Foundation

/// How a windowing operator groups a key's items into windows by event time:
/// `TumblingWindower`, `SlidingWindower` or `SessionWindower`.
///
/// ```swift
/// let windower: any Windower = TumblingWindower(length: .seconds(10), alignTo: Date(timeIntervalSince1970: 0))
/// ```
public protocol Windower: Sendable {
    /// The rule the windowing operators apply.
    var windowing: Windowing { get }
}

/// The window rule of a `Windower`, as the windowing operators apply it.
/// Made by the windowers; it has no public members.
///
/// ```swift
/// let rule = SessionWindower(gap: .seconds(5)).windowing
/// ```
public struct Windowing: Sendable {
    @usableFromInline
    package enum Kind: Sendable {
        /// Windows `[alignTo + k·offset, alignTo + k·offset + length)` for every integer k.
        case fixed(length: TimeInterval, offset: TimeInterval, alignTo: Date)
        /// Sessions of items no more than `gap` apart, merged as items fill the gaps.
        case session(gap: TimeInterval)
    }

    @usableFromInline package let kind: Kind
    /// What is wrong with the settings, if anything (reported at build, naming the step).
    @usableFromInline package let problem: String?

    package init(_ kind: Kind, problem: String?) {
        self.kind = kind
        self.problem = problem
    }

    @usableFromInline package var isSession: Bool {
        if case .session = kind { return true }
        return false
    }
}
