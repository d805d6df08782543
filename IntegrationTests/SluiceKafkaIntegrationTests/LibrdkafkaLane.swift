import Foundation
import SluiceKafka
import Testing

/// Which librdkafka the tests run with. `make test-librdkafka-current` sets
/// `SLUICE_EXPECT_LIBRDKAFKA` to the version it swapped in with
/// `LD_LIBRARY_PATH`; without it the tests run on whatever the system links.
enum LibrdkafkaLane {
    /// The version the lane promises, nil outside the lane.
    static var expectedVersion: String? {
        ProcessInfo.processInfo.environment["SLUICE_EXPECT_LIBRDKAFKA"].flatMap { $0.isEmpty ? nil : $0 }
    }

    /// True in the current-librdkafka lane.
    static var expectsCurrentLibrary: Bool { expectedVersion != nil }
}

/// Says which librdkafka this test process loaded, and in the current lane
/// checks that it is the promised one (a lane that silently ran the system's
/// library would prove nothing).
@Suite struct LibrdkafkaLaneTests {
    @Test func theLoadedLibrdkafkaIsTheOneTheLanePromises() throws {
        print("librdkafka \(KafkaLibrary.version) loaded (\(LibrdkafkaLane.expectedVersion.map { "lane expects \($0)" } ?? "system library"))")
        #expect(!KafkaLibrary.version.isEmpty)
        #expect(KafkaLibrary.versionNumbers >= (2, 0, 2), "Sluice needs librdkafka 2.0.2 or newer, loaded \(KafkaLibrary.version)")
        if let expected = LibrdkafkaLane.expectedVersion {
            #expect(KafkaLibrary.version == expected, "LD_LIBRARY_PATH did not swap in librdkafka \(expected)")
        }
    }
}
