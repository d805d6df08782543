// Word count over text files: the "hello world" of stream processing.
//
//   swift run -c release word-count --input book.txt --output counts.txt -w 2
//
// Each file is one source partition; words are counted per word on the worker
// that owns the word (keyed routing), and `word count` lines are written at the
// end of input. Without --output the counts go to standard output.
import ArgumentParser
import Foundation
import Sluice

/// Builds the word-count dataflow.
/// - Parameters:
///   - inputs: Text files to read.
///   - output: Where to write `word count` lines; nil for standard output.
func makeWordCountFlow(inputs: [String], output: String?) -> Dataflow {
    let flow = Dataflow("word_count")
    let counts = flow.input("lines", FileSource(paths: inputs))
        .flatMap("words") { line in
            line.lowercased().split { !$0.isLetter && $0 != "'" }.map(String.init)
        }
        .countFinal("count") { $0 }
        .map("format") { "\($0.key) \($0.value)" }
    if let output {
        counts.output("save", FileSink(path: output))
    } else {
        counts.output("print", StdOutSink())
    }
    return flow
}

struct WordCount: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "word-count", abstract: "Counts the words of text files with a Sluice dataflow.")

    @Option(name: .long, help: "A text file to read (repeat for several; each file is one partition).")
    var input: [String]

    @Option(name: .long, help: "Where to write `word count` lines (default: standard output).")
    var output: String?

    @OptionGroup var sluice: SluiceOptions

    func validate() throws {
        if input.isEmpty { throw ValidationError("give at least one --input file") }
    }

    func run() throws {
        // Honours every Sluice option: -w, -r (resume), -i/-a or --processes (a cluster),
        // and SIGINT/SIGTERM (a graceful stop).
        try sluice.run(makeWordCountFlow(inputs: input, output: output))
    }
}

WordCount.main()
