/// The demo's deterministic sample text: words drawn from a fixed vocabulary
/// by a Park–Miller generator, skewed so that a few words dominate, twelve
/// words per line (the same text the Makefile's file demo generates).
enum DemoText {
    static let vocabulary = """
        the of and to in a is that for it as was with be by on not he this are or his from at which but \
        have an they you were her she there their one all we can has more when will would who so if out \
        no what up its about into them than time only could new some these two may first then do any \
        like my now over such our man me even most made after also did many before must through back \
        years where much your way well down should because each just those people how too good little \
        very make world still see own men work long get here between both life being under never day \
        same another know while last might us great old year off come since against go came right used \
        take three stream river sluice gate water flow
        """.split(separator: " ").map(String.init)

    static let wordsPerLine = 12

    /// The first `count` lines.
    static func lines(_ count: Int) -> [String] {
        var seed: Int64 = 42
        var lines: [String] = []
        lines.reserveCapacity(count)
        for _ in 0..<count {
            var line: [String] = []
            for _ in 0..<wordsPerLine {
                seed = (seed * 16807) % 2_147_483_647
                let r = Double(seed) / 2_147_483_647
                line.append(vocabulary[Int(Double(vocabulary.count) * r * r)])
            }
            lines.append(line.joined(separator: " "))
        }
        return lines
    }
}
