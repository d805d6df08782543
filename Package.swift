// swift-tools-version:6.1
import PackageDescription

let package = Package(
    name: "Sluice",
    platforms: [.macOS(.v15)],
    products: [
        // Everything a program that runs dataflows needs: the core API plus
        // clusters, recovery options, command-line options and signals.
        .library(name: "Sluice", targets: ["Sluice"]),
        // The in-process core alone: no SwiftNIO, swift-crypto, SQLite or ArgumentParser.
        .library(name: "SluiceCore", targets: ["SluiceCore"]),
        .library(name: "SluiceTesting", targets: ["SluiceTesting"]),
        .library(name: "SluiceKafka", targets: ["SluiceKafka"]),
        // Kafka helpers for users' tests (produce, read all, wait for N messages).
        .library(name: "SluiceKafkaTesting", targets: ["SluiceKafkaTesting"]),
        .library(name: "SluiceRecovery", targets: ["SluiceRecovery"]),
        // Backup of recovery stores to object storage (S3 API) and restore from it.
        .library(name: "SluiceBackup", targets: ["SluiceBackup"]),
        .library(name: "SluiceCluster", targets: ["SluiceCluster"]),
        .library(name: "SluiceService", targets: ["SluiceService"]),
        // The monitoring endpoint: /metrics (Prometheus), /healthz, /readyz, /dataflow and the dashboard.
        .library(name: "SluiceMonitor", targets: ["SluiceMonitor"]),
        .executable(name: "sluice", targets: ["SluiceCLI"]),
        .executable(name: "word-count", targets: ["WordCount"]),
        .executable(name: "anomaly-detector", targets: ["AnomalyDetector"]),
        .executable(name: "kafka-word-count", targets: ["KafkaWordCount"]),
        .executable(name: "sensor-windows", targets: ["SensorWindows"]),
        .executable(name: "orders-service", targets: ["OrdersService"]),
        .executable(name: "sluice-bench", targets: ["SluiceBench"]),
        .executable(name: "sluice-kafka-bench", targets: ["SluiceKafkaBench"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/x-sheep/swift-property-based.git", from: "2.0.1"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-crypto.git", from: "3.12.3"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
        // `swift package generate-documentation` (scripts/check-docs.sh, `make docs`).
        .package(url: "https://github.com/swiftlang/swift-docc-plugin", from: "1.5.0"),
    ],
    targets: [
        .target(
            name: "SluiceEngine",
            dependencies: [
                .product(name: "Logging", package: "swift-log"), .product(name: "Metrics", package: "swift-metrics"),
            ],
            // README.md: the engine's rooms, and where an epoch closes.
            exclude: ["README.md"]
        ),
        // The public API of in-process dataflows: Dataflow, operators, core
        // steps, windows, file and console connectors, run, start.
        .target(
            name: "SluiceCore",
            dependencies: [
                "SluiceEngine", .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
            ]
        ),
        // The monitoring HTTP endpoint (SwiftNIO HTTP/1.1, swift-prometheus), the
        // dataflow graph as JSON, mermaid and dot, and the live dashboard.
        .target(
            name: "SluiceMonitor",
            dependencies: [
                "SluiceCore", "SluiceEngine",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .target(
            name: "Sluice",
            dependencies: [
                "SluiceCore", "SluiceEngine", "SluiceRecovery", "SluiceCluster", "SluiceMonitor", "SluiceBackup",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .target(name: "SluiceTesting", dependencies: ["SluiceCore"]),
        // A swift-service-lifecycle `Service` that runs a dataflow in a `ServiceGroup`.
        .target(
            name: "SluiceService",
            dependencies: [
                "Sluice", "SluiceMonitor", .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        .systemLibrary(
            name: "CRdKafka", pkgConfig: "rdkafka",
            providers: [.apt(["librdkafka-dev"]), .brew(["librdkafka"])]
        ),
        .target(
            name: "SluiceKafka",
            dependencies: [
                "SluiceCore", "CRdKafka", .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
            ]
        ),
        .target(name: "SluiceKafkaTesting", dependencies: ["SluiceKafka"]),
        .systemLibrary(
            name: "CSQLite", pkgConfig: "sqlite3",
            providers: [.apt(["libsqlite3-dev"]), .brew(["sqlite"])]
        ),
        .target(name: "SluiceRecovery", dependencies: ["SluiceEngine", "CSQLite"]),
        // Incremental upload of a store directory to an S3 bucket (own SigV4 client over
        // URLSession) and its restore; SluiceCore does not depend on it.
        .target(
            name: "SluiceBackup",
            dependencies: [
                "SluiceEngine", "SluiceRecovery",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
            ]
        ),
        // The cluster transport: TCP mesh between processes, framing, handshake, heartbeats.
        .target(
            name: "SluiceCluster",
            dependencies: [
                "SluiceEngine",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
            ]
        ),
        .executableTarget(
            name: "SluiceCLI",
            dependencies: [
                "Sluice", "SluiceKafka", "SluiceRecovery", "SluiceBackup",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Sources/sluice"
        ),
        .executableTarget(
            name: "WordCount",
            dependencies: ["Sluice", .product(name: "ArgumentParser", package: "swift-argument-parser")],
            path: "Examples/WordCount"
        ),
        .executableTarget(
            name: "AnomalyDetector",
            dependencies: ["Sluice", .product(name: "ArgumentParser", package: "swift-argument-parser")],
            path: "Examples/AnomalyDetector"
        ),
        .executableTarget(
            name: "KafkaWordCount",
            dependencies: [
                "Sluice", "SluiceKafka", .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Examples/KafkaWordCount"
        ),
        .executableTarget(
            name: "SensorWindows",
            dependencies: [
                "Sluice", "SluiceKafka", .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            path: "Examples/SensorWindows"
        ),
        // A Kafka dataflow beside a Hummingbird HTTP server in one ServiceGroup.
        .executableTarget(
            name: "OrdersService",
            dependencies: [
                "Sluice", "SluiceKafka", "SluiceService",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Examples/OrdersService"
        ),
        .executableTarget(
            name: "SluiceBench",
            dependencies: [
                "Sluice", "SluiceTesting", "SluiceRecovery", .product(name: "Metrics", package: "swift-metrics"),
            ],
            path: "Benchmarks/SluiceBench"
        ),
        .executableTarget(
            name: "SluiceKafkaBench",
            dependencies: ["Sluice", "SluiceKafka"],
            path: "Benchmarks/SluiceKafkaBench"
        ),
        .testTarget(name: "SluiceEngineTests", dependencies: ["SluiceEngine", "SluiceTestSupport"]),
        .testTarget(
            name: "SluiceClusterTests",
            dependencies: ["SluiceCluster", "SluiceEngine", "SluiceTestSupport", .product(name: "Logging", package: "swift-log")]
        ),
        .testTarget(
            name: "SluiceRecoveryTests", dependencies: ["SluiceRecovery", "Sluice", "SluiceTesting", "SluiceTestSupport"]
        ),
        .testTarget(
            name: "SluiceBackupTests",
            dependencies: [
                "SluiceBackup", "SluiceRecovery", "Sluice", "SluiceTesting", "SluiceTestSupport",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "MetricsTestKit", package: "swift-metrics"),
            ]
        ),
        .testTarget(
            name: "SluiceKafkaTests",
            dependencies: [
                "SluiceKafka", "Sluice", "SluiceTesting", "SluiceKafkaTesting", "SluiceTestSupport",
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "MetricsTestKit", package: "swift-metrics"),
            ]
        ),
        // What every test target shares, in one copy: hang bounds and bounded runs, signals and
        // flags between threads, blocking work off the cooperative pool, child processes and
        // loopback sockets, temporary directories, an HTTP probe, hex for golden bytes, and the
        // one metrics backend of the test process (swift-metrics bootstraps once per process).
        .target(
            name: "SluiceTestSupport",
            dependencies: [
                "Sluice", "SluiceEngine", "SluiceTesting",
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "MetricsTestKit", package: "swift-metrics"),
            ],
            path: "Tests/SluiceTestSupport"
        ),
        // A TCP forwarder the multi-host (network namespace) test runs inside namespaces.
        .executableTarget(name: "NetnsForward", path: "Tests/NetnsForward"),
        .testTarget(
            name: "SluiceKafkaIntegrationTests",
            dependencies: [
                "SluiceKafka", "Sluice", "SluiceTesting", "SluiceKafkaTesting", "SluiceRecovery", "SluiceTestSupport",
                "NetnsForward",
            ],
            path: "IntegrationTests/SluiceKafkaIntegrationTests"
        ),
        .testTarget(
            name: "ExamplesTests",
            dependencies: [
                "WordCount", "AnomalyDetector", "KafkaWordCount", "SensorWindows", "OrdersService", "Sluice", "SluiceKafka",
                "SluiceRecovery", "SluiceTesting", "SluiceKafkaTesting", "SluiceService", "SluiceTestSupport",
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        // Runs the built `sluice` binary as a child process (`swift build` builds it).
        .testTarget(
            name: "SluiceCLITests",
            dependencies: [
                "SluiceKafka", "Sluice", "SluiceTesting", "SluiceKafkaTesting", "SluiceRecovery", "SluiceTestSupport",
            ]),
        .testTarget(
            name: "SluiceServiceTests",
            dependencies: [
                "SluiceService", "Sluice", "SluiceTesting", "SluiceRecovery", "SluiceTestSupport",
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Prometheus", package: "swift-prometheus"),
            ]
        ),
        .testTarget(
            name: "SluiceMonitorTests",
            dependencies: [
                "SluiceMonitor", "Sluice", "SluiceTesting", "SluiceRecovery", "SluiceTestSupport",
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "Metrics", package: "swift-metrics"),
            ]
        ),
        .testTarget(
            name: "SluiceTests",
            dependencies: [
                "Sluice", "SluiceEngine", "SluiceTesting", "SluiceRecovery", "SluiceTestSupport",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "PropertyBased", package: "swift-property-based"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "MetricsTestKit", package: "swift-metrics"),
            ],
            // A store written by snapshot format 1, which every later version must resume.
            exclude: ["Upgrade/Fixtures"]
        ),
    ],
    swiftLanguageModes: [.v6]
)
