import Foundation

/// What the `meta` stream of a windowing operator says about a window when it
/// closes.
///
/// For tumbling and sliding windows `openTime` is inclusive and `closeTime`
/// exclusive. For session windows they are the first and last event times in
/// the session (both inclusive), and `mergedIDs` lists the sessions that were
/// merged into this one.
///
/// ```swift
/// out.meta.map("show") { "\($0.key) #\($0.value.window): \($0.value.meta.openTime)…\($0.value.meta.closeTime)" }
/// ```
public struct WindowMetadata: Codable, Sendable, Hashable {
    /// When the window opens.
    public var openTime: Date
    /// When the window closes.
    public var closeTime: Date
    /// The ids of the windows merged into this one (sessions only), in the order merged.
    public var mergedIDs: [WindowID]

    /// Describes a window.
    /// - Parameters:
    ///   - openTime: When the window opens.
    ///   - closeTime: When it closes.
    ///   - mergedIDs: Windows merged into it.
    public init(openTime: Date, closeTime: Date, mergedIDs: [WindowID] = []) {
        self.openTime = openTime
        self.closeTime = closeTime
        self.mergedIDs = mergedIDs
    }
}
