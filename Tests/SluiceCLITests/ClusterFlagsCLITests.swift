import Foundation
import SluiceTestSupport
import Testing

/// A program's cluster flags are checked before anything runs: a bad value
/// exits with status 1 and a message naming it, and starts no partial run.
@Suite(.onOwnThread) struct ClusterFlagsCLITests {
    /// The Kafka flags point at a port nothing listens on: the run must stop
    /// at the cluster flags, before it needs a broker.
    private let kafka = ["--brokers", "127.0.0.1:1", "--input-topic", "lines", "--output-topic", "counts"]

    private func kafkaWordCount(_ flags: [String]) throws -> (ChildProcess.Exit, String) {
        let child = try ChildProcess(try BuiltExecutable.url(named: "kafka-word-count"), kafka + flags)
        let exit = try child.waitForExit(timeout: .seconds(60))
        return (exit, child.stderr)
    }

    @Test func aMalformedAddressExitsWithStatusOneNamingIt() throws {
        let (exit, stderr) = try kafkaWordCount(["-i", "0", "-a", "127.0.0.1:7100;localhost"])
        #expect(exit == .init(exited: true, status: 1), "stderr: \(stderr)")
        #expect(stderr.contains("malformed address 'localhost'"), "stderr: \(stderr)")
    }

    @Test func aDuplicateAddressExitsWithStatusOneNamingIt() throws {
        let (exit, stderr) = try kafkaWordCount(["-i", "1", "-a", "127.0.0.1:7100;127.0.0.1:7100"])
        #expect(exit == .init(exited: true, status: 1), "stderr: \(stderr)")
        #expect(stderr.contains("127.0.0.1:7100 is listed twice"), "stderr: \(stderr)")
    }

    @Test func twoNamesForOneSocketAreADuplicateAddress() throws {
        let (exit, stderr) = try kafkaWordCount(["-i", "1", "-a", "127.0.0.1:7100;localhost:7100"])
        #expect(exit == .init(exited: true, status: 1), "stderr: \(stderr)")
        #expect(stderr.contains("localhost:7100 is listed twice"), "stderr: \(stderr)")
    }

    @Test(arguments: ["1025", "100000"])
    func tooManyWorkersExitAtOnceNamingTheLimit(workers: String) throws {
        let (exit, stderr) = try kafkaWordCount(["-w", workers])
        #expect(exit == .init(exited: true, status: 1), "stderr: \(stderr)")
        #expect(stderr.contains("--workers-per-process must be a number from 1 to 1024"), "stderr: \(stderr)")
    }

    @Test func aProcessIDOutOfRangeExitsWithStatusOneNamingIt() throws {
        let (exit, stderr) = try kafkaWordCount(["-i", "5", "-a", "127.0.0.1:7100;127.0.0.1:7101"])
        #expect(exit == .init(exited: true, status: 1), "stderr: \(stderr)")
        #expect(stderr.contains("process id 5 is out of range"), "stderr: \(stderr)")
    }

    @Test func zeroProcessesExitsWithStatusOneNamingTheValue() throws {
        let (exit, stderr) = try kafkaWordCount(["--processes", "0"])
        #expect(exit == .init(exited: true, status: 1), "stderr: \(stderr)")
        #expect(stderr.contains("--processes must be from 1 to 64 (copies on this machine), got 0"), "stderr: \(stderr)")
    }
}
