import ArgumentParser

/// A `--topic NAME:PARTITIONS` argument, e.g. `lines:4`.
struct TopicSpec: Equatable, Sendable {
    /// The topic name.
    let name: String
    /// Its partition count (at least 1).
    let partitions: Int

    /// Parses `NAME:PARTITIONS`; the name may itself contain colons (the last
    /// one separates the count).
    /// - Throws: `ValidationError` saying what is wrong, which ArgumentParser
    ///   reports with the argument's name and exit status 64.
    static func parse(_ text: String) throws -> TopicSpec {
        guard let colon = text.lastIndex(of: ":") else {
            throw ValidationError("expected NAME:PARTITIONS, e.g. lines:4, got '\(text)'")
        }
        let name = String(text[..<colon])
        let count = String(text[text.index(after: colon)...])
        guard !name.isEmpty else {
            throw ValidationError("the topic name before ':' is empty in '\(text)'")
        }
        guard let partitions = Int(count), partitions >= 1 else {
            throw ValidationError("the partition count must be a positive number, got '\(count)' in '\(text)'")
        }
        return TopicSpec(name: name, partitions: partitions)
    }
}
