import Foundation
import SluiceTestSupport
import Testing

@Suite(.onOwnThread) struct VersionTests {
    @Test func printsTheVersion() throws {
        let child = try ChildProcess(try BuiltExecutable.url(named: "sluice"), ["--version"])
        #expect(try child.waitForExit() == .init(exited: true, status: 0))
        let version = child.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(version.split(separator: ".").count == 3 && version.split(separator: ".").allSatisfy { Int($0) != nil },
                "version: \(version.debugDescription)")
    }

    @Test func listsTheDevBrokerSubcommand() throws {
        let child = try ChildProcess(try BuiltExecutable.url(named: "sluice"), ["--help"])
        #expect(try child.waitForExit() == .init(exited: true, status: 0))
        #expect(child.stdout.contains("dev-broker"))
    }
}
