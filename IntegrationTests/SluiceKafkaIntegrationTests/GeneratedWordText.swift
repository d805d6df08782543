/// Deterministic text for word-count tests, with its true word counts: lines
/// of `wordsPerLine` words drawn from a vocabulary of letter-only words by a
/// MINSTD generator, skewed so that a few words are frequent (the
/// commonest is ~2% of all words) and most are rare. The words are lowercase letters only, so
/// the word-count example's splitting (`words(in:)`) keeps each one whole.
///
/// ```swift
/// var text = GeneratedWordText()
/// let lines = text.nextLines(100)      // 600 words
/// text.counts["wa"]                     // how often "wa" occurs in every line generated so far
/// ```
struct GeneratedWordText {
    /// Words per line.
    let wordsPerLine = 6
    /// The vocabulary: "wa", "wb", …, "wz", "wab", … (2,000 words).
    static let vocabulary: [String] = (0..<2_000).map { index in
        var rest = index
        var word = "w"
        repeat {
            word.unicodeScalars.append(Unicode.Scalar(UInt8(ascii: "a") + UInt8(rest % 26)))
            rest /= 26
        } while rest > 0
        return word
    }

    /// How often each word occurs in all the lines generated so far.
    private(set) var counts: [String: Int] = [:]
    /// How many words were generated so far.
    private(set) var totalWords = 0
    /// How many lines were generated so far.
    private(set) var totalLines = 0
    private var seed: Int64 = 20_240_601

    /// The next `count` lines (and their words added to `counts`).
    mutating func nextLines(_ count: Int) -> [String] {
        (0..<count).map { _ in
            let words = (0..<wordsPerLine).map { _ in
                seed = (seed * 48_271) % 2_147_483_647
                let r = Double(seed) / 2_147_483_647
                return Self.vocabulary[min(Self.vocabulary.count - 1, Int(Double(Self.vocabulary.count) * r * r))]
            }
            for word in words { counts[word, default: 0] += 1 }
            totalWords += words.count
            totalLines += 1
            return words.joined(separator: " ")
        }
    }
}
