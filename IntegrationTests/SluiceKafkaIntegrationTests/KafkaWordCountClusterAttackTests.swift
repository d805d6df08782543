import Foundation
import Sluice
import SluiceKafka
import SluiceTestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// `kafka-word-count` as a 2-process cluster with a secret, its process 0's
/// port attacked while it runs: a bare abort, a forged hello, and 64
/// connections each declaring a 64 MiB frame and sending 1 MiB of it. The
/// member's memory stays bounded and the run ends with exact counts.
@Suite(.serialized, .onOwnThread) struct KafkaWordCountClusterAttackTests {
    /// A generous bound for the attacked member's resident memory (it idles at some tens of MB).
    static let rssBound = 400 << 20

    @Test func outsidersCannotStopNorBloatARunningCluster() throws {
        let broker = try TestBroker()
        let input = try broker.topic("attacked-lines", partitions: 4)
        let output = try broker.topic("attacked-counts", partitions: 4)
        var text = GeneratedWordText()
        let lines = text.nextLines(100_000)
        try produce(
            lines.enumerated().map { KafkaSinkMessage(key: nil, value: $1, partition: Int32($0 % 4)) }, to: input, on: broker)

        let ports = try LoopbackPorts.free(2)
        let addresses = ports.map { "127.0.0.1:\($0)" }.joined(separator: ";")
        let executable = try BuiltExecutable.url(named: "kafka-word-count").path
        let members = try (0..<2).map { index in
            // `env` sets the secret and replaces itself with the program (same process id).
            try ChildProcess(
                URL(fileURLWithPath: "/usr/bin/env"),
                [
                    "SLUICE_CLUSTER_SECRET=attack-test-secret", executable,
                    "--brokers", broker.brokers.joined(separator: ","), "--input-topic", input, "--output-topic", output,
                    "-w", "1", "--epoch-interval", "0.2", "-i", "\(index)", "-a", addresses,
                ])
        }
        let target = ports[0]
        let attacker = try #require(Attacker(port: target, within: 30), "process 0 never listened; \(members.map(\.stderr))")
        var peakRSS = 0
        func sample() { peakRSS = max(peakRSS, residentBytes(of: members[0].processIdentifier) ?? 0) }

        // 1. A bare abort frame (5 bytes) before any handshake.
        attacker.connection.send([0, 0, 0, 1, 8])
        // 2. A forged hello claiming process 1 with a secret, and a made-up proof.
        let forged = try #require(Attacker(port: target, within: 10))
        forged.connection.send(Self.forgedHello(claiming: 1) + [0, 0, 0, 33, 2] + [UInt8](repeating: 0xAB, count: 32))
        // 3. 64 connections, each declaring a 64 MiB frame and sending 1 MiB of it.
        let megabyte = [UInt8](repeating: 0x5A, count: 1 << 20)
        var floods: [Attacker] = []
        for _ in 0..<64 {
            guard let flood = Attacker(port: target, within: 10) else { break }
            flood.connection.send([0x04, 0, 0, 0, 5] + megabyte)
            floods.append(flood)
            sample()
        }
        #expect(floods.count == 64, "only \(floods.count) of 64 connections were accepted")
        #expect(!members[0].hasExited && !members[1].hasExited, "the run ended before the attack was over: give it more input")
        for connection in [attacker, forged] + floods {
            #expect(connection.connection.awaitClose(timeout: 20), "an attacking connection stayed open")
            sample()
        }
        sample()
        print("cluster attack test: process 0's peak resident memory during the attack \(peakRSS >> 20) MB")
        #expect(peakRSS > 0, "could not read /proc/<pid>/status")
        #expect(peakRSS < Self.rssBound, "process 0 grew to \(peakRSS >> 20) MB")

        for (index, member) in members.enumerated() {
            let exit = try member.waitForExit(timeout: .seconds(120))
            #expect(exit == ChildProcess.Exit(exited: true, status: 0), "process \(index): \(exit); stderr: \(member.stderr)")
        }
        let stderr = members[0].stderr
        #expect(stderr.contains("sent abort during the handshake"), "the abort was not logged: \(stderr.suffix(2000))")
        #expect(stderr.contains("the peer does not know the cluster secret"), "the forged hello was not refused")
        let counts = try readAll(output, on: broker).map { (word: $0.keyText ?? "", count: Int($0.text) ?? -1) }
        #expect(counts.count == text.totalWords, "count messages: \(counts.count), words: \(text.totalWords)")
        expectExactCounts(counts, truth: text.counts, runLog: members.map(\.stderr).joined(separator: "\n"))
        try broker.assertNoDroppedData()
    }

    /// A protocol-5 hello with a secret: magic, version, process id, has-secret, a 32-byte nonce.
    static func forgedHello(claiming id: UInt32) -> [UInt8] {
        var payload: [UInt8] = [0x53, 0x4C, 0x43, 0x31, 0, 5]
        payload += withUnsafeBytes(of: id.bigEndian, Array.init)
        payload += [1, 32] + (0..<32).map { UInt8($0) }
        let length = UInt32(1 + payload.count)
        return withUnsafeBytes(of: length.bigEndian, Array.init) + [1] + payload
    }

    /// VmRSS from `/proc/<pid>/status`, in bytes.
    func residentBytes(of pid: Int32) -> Int? {
        guard let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8),
            let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmRSS:") }),
            let kilobytes = Int(line.split(separator: " ", omittingEmptySubsequences: true).dropFirst().first ?? "")
        else { return nil }
        return kilobytes * 1024
    }
}

/// One attacking TCP connection to 127.0.0.1, connected once the port listens.
final class Attacker {
    let connection: LoopbackConnection

    /// Connects to `port`, retrying while nothing listens yet, for up to `seconds`; nil if it never could.
    init?(port: Int, within seconds: Double) {
        guard let connection = LoopbackConnection.connect(port: port, within: seconds) else { return nil }
        self.connection = connection
    }
}
