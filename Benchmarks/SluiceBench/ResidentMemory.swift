import Foundation

/// The process's resident memory from /proc/self/status (Linux), in kB; nil where unknown.
///
///     let before = ResidentMemory.current()   // VmRSS now
///     let peak = ResidentMemory.peak()        // VmHWM: the most resident at any time so far
enum ResidentMemory {
    /// The peak resident set so far (VmHWM).
    static func peak() -> Int? { field("VmHWM:") }

    /// The resident set now (VmRSS).
    static func current() -> Int? { field("VmRSS:") }

    private static func field(_ name: String) -> Int? {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return nil }
        for line in status.split(separator: "\n") where line.hasPrefix(name) {
            return Int(line.dropFirst(name.count).filter(\.isNumber))
        }
        return nil
    }
}
