import Foundation
import Sluice
import SluiceCluster
import SluiceRecovery
import SluiceTesting
import SluiceTestSupport
import Synchronization
import Testing

@testable import SluiceBackup

/// A two-process cluster whose processes keep their own stores
/// (`DIR/process-<p>`, one directory per "host") and back them up to one
/// bucket. A host whose directory is wiped is refused, with or without a
/// backup: a member restored from the bucket may be behind the others, and
/// resuming from such a mix is not yet made safe.
@Suite(.serialized, .onOwnThread) struct BackupClusterTests {
    /// Runs one member per process on 127.0.0.1 through `SluiceOptions`
    /// (`-r`, `-i`, `-a`, `SLUICE_BACKUP_URL`), each with its own host
    /// directory, and uploads what each committed; returns the errors.
    private func runCluster(
        hosts: TemporaryDirectory, words: [String], running: TestingSink<String>, environment: [String: String]
    ) throws -> [String] {
        let addresses = try LoopbackPorts.free(2).map { "127.0.0.1:\($0)" }.joined(separator: ";")
        let errors = Mutex<[String]>([])
        let group = DispatchGroup()
        for process in 0..<2 {
            let options = try SluiceOptions.parse([
                "-r", hosts.file("host-\(process)"), "-i", "\(process)", "-a", addresses, "-w", "1", "--epoch-interval", "0.01",
            ])
            let flow = CountingFlow.make(TestingSource(words), running: running, totals: TestingSink())
            let configuration: RunConfiguration
            let cluster: ClusterConfiguration
            do {
                configuration = try options.configuration(for: flow, environment: environment)
                cluster = try #require(try options.cluster(environment: environment))
                if environment["SLUICE_BACKUP_URL"] != nil { #expect(configuration.recoveryStore is BackedUpMemberStore) }
            } catch {
                errors.withLock { $0.append("process \(process): \(error)") }
                continue
            }
            let handoff = Handoff(value: (flow, configuration, cluster))
            group.enter()
            Thread {
                defer { group.leave() }
                let (flow, configuration, cluster) = handoff.value
                do {
                    try Sluice.run(flow, configuration: configuration, cluster: cluster)
                    SluiceOptions.finishBackup(of: configuration)
                } catch {
                    errors.withLock { $0.append("process \(process): \(error)") }
                }
            }.start()
        }
        guard group.wait(timeout: .after(.seconds(300))) == .success else {
            Issue.record("a cluster member did not return within 300 s")
            return ["hang"]
        }
        return errors.withLock { $0 }
    }

    @Test(.enabled(if: MotoServer.isAvailable, "moto_server cannot be started here (reason printed)"))
    func membersUploadTheirOwnStoresAndAWipedHostIsRefusedNotRestoredInPlace() throws {
        let moto = try MotoServer()
        let backup = try moto.backup(bucket: "cluster", prefix: "jobs")
        let hosts = try TemporaryDirectory()
        let environment = [
            "SLUICE_BACKUP_URL": "s3://cluster/jobs", "AWS_ENDPOINT_URL": moto.endpoint.absoluteString,
            "AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing",
        ]
        let running = TestingSink<String>()
        let words = CountingFlow.words(300)
        #expect(try runCluster(hosts: hosts, words: words, running: running, environment: environment) == [])
        for process in 0..<2 {
            let manifest = try backup.latestManifest(name: "\(CountingFlow.id)/process-\(process)")
            #expect(manifest != nil, "process \(process) uploaded nothing")
        }

        // A member restored from the bucket could be behind the others: the
        // cluster refuses, naming the process, instead of mixing epochs.
        try FileManager.default.removeItem(atPath: hosts.file("host-1"))
        let errors = try runCluster(hosts: hosts, words: words, running: running, environment: environment)
        #expect(errors.count == 2, "both processes must refuse: \(errors)")
        #expect(errors.contains { $0.contains("process 1") && $0.contains("missing") }, "\(errors)")
        #expect(!FileManager.default.fileExists(atPath: SQLiteMemberStore.memberDirectory(hosts.file("host-1"), 1) + "/part-0.sqlite"))
    }

    @Test func aWipedHostWithoutABackupIsRefusedNamingIt() throws {
        let hosts = try TemporaryDirectory()
        let running = TestingSink<String>()
        let words = CountingFlow.words(200)
        #expect(try runCluster(hosts: hosts, words: words, running: running, environment: [:]) == [])
        try FileManager.default.removeItem(atPath: hosts.file("host-1"))
        let errors = try runCluster(hosts: hosts, words: words, running: running, environment: [:])
        #expect(errors.count == 2, "both processes must refuse: \(errors)")
        #expect(errors.contains { $0.contains("process 1") && $0.contains("missing") }, "\(errors)")
    }
}
