import Foundation

/// The process's resident memory from /proc/self/status (Linux), in kB; nil where unknown.
///
///     let before = ResidentMemory.current()   // VmRSS now
///     ResidentMemory.resetPeak()              // the peak starts again from now
///     let peak = ResidentMemory.peak()        // VmHWM: the most resident since
enum ResidentMemory {
    /// The peak resident set so far (VmHWM).
    static func peak() -> Int? { field("VmHWM:") }

    /// The resident set now (VmRSS).
    static func current() -> Int? { field("VmRSS:") }

    /// Resets the peak (VmHWM) to the resident set now (Linux: writing 5 to
    /// /proc/self/clear_refs), so a later `peak()` covers only what follows.
    /// - Returns: False where the kernel does not allow it.
    @discardableResult
    static func resetPeak() -> Bool {
        guard let file = FileHandle(forWritingAtPath: "/proc/self/clear_refs") else { return false }
        defer { try? file.close() }
        return (try? file.write(contentsOf: Data("5".utf8))) != nil
    }

    private static func field(_ name: String) -> Int? {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return nil }
        for line in status.split(separator: "\n") where line.hasPrefix(name) {
            return Int(line.dropFirst(name.count).filter(\.isNumber))
        }
        return nil
    }
}
