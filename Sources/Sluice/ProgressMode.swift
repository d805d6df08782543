import ArgumentParser

/// When a finite run shows its progress line on standard error
/// (`--progress`, `SLUICE_PROGRESS`).
///
/// ```swift
/// let mode = try ProgressMode.resolve(flag: nil, environment: ["SLUICE_PROGRESS": "never"])   // .never
/// ```
public enum ProgressMode: String, Sendable, CaseIterable, ExpressibleByArgument {
    /// When standard error is a terminal (the default).
    case auto
    /// Always, even to a file or pipe.
    case always
    /// Never.
    case never

    /// The mode the flag or, without it, `SLUICE_PROGRESS` sets (default `auto`).
    /// - Throws: `DataflowError.invalidConfiguration` for an unknown value of the variable.
    public static func resolve(flag: ProgressMode?, environment: [String: String]) throws -> ProgressMode {
        if let flag { return flag }
        guard let text = environment["SLUICE_PROGRESS"]?.trimmingCharacters(in: .whitespaces).lowercased(), !text.isEmpty
        else { return .auto }
        guard let mode = ProgressMode(rawValue: text) else {
            throw DataflowError.invalidConfiguration("SLUICE_PROGRESS must be auto, always or never, got '\(text)'")
        }
        return mode
    }

    /// Whether the line is shown, given whether standard error is a terminal.
    public func shows(stderrIsTerminal: Bool) -> Bool {
        switch self {
        case .auto: stderrIsTerminal
        case .always: true
        case .never: false
        }
    }
}
