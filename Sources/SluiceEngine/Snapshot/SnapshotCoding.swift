import Foundation

/// Encodes and decodes snapshot states (JSON: readable in `sluice recovery
/// inspect`, stable across versions of the binary). A change to what it
/// writes is a change of the snapshot format: bump
/// `SnapshotFormatVersion.current` (`SnapshotGoldenTests` fail until then).
///
/// ```swift
/// let bytes = try SnapshotCoding.encode(3)
/// let count = try SnapshotCoding.decode(Int.self, from: bytes, step: "flow.count", key: "apple")   // 3
/// ```
package enum SnapshotCoding {
    package static func encode<State: Encodable>(_ state: State) throws -> [UInt8] {
        Array(try JSONEncoder().encode(state))
    }

    package static func decode<State: Decodable>(
        _ type: State.Type, from bytes: [UInt8], step: StepID, key: String
    ) throws -> State {
        do {
            return try JSONDecoder().decode(State.self, from: Data(bytes))
        } catch {
            throw DataflowError.recoveryFailed(
                step: step, key: key, reason: "stored state does not decode as \(State.self): \(error)")
        }
    }
}
