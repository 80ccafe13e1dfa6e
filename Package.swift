// swift-tools-version:6.0
import PackageDescription

/// Settings every target shares: Swift 6 language mode (strict concurrency) and
/// the upcoming features the architecture note asks for.
let swiftSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("MemberImportVisibility"),
]

let package = Package(
    name: "torc-service",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "torc-service", targets: ["torc-service"]),
        .executable(name: "torc-bench", targets: ["torc-bench"]),
    ],
    dependencies: [
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
        .package(url: "https://github.com/groue/GRDB.swift.git", from: "7.10.0"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-collections.git", from: "1.6.0"),
        .package(url: "https://github.com/apple/swift-http-types.git", from: "1.8.0"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/jpsim/Yams.git", from: "6.2.2"),
        .package(url: "https://github.com/apple/swift-crypto.git", from: "3.12.3"),
        .package(url: "https://github.com/apple/swift-nio-extras.git", from: "1.35.2"),
        .package(url: "https://github.com/apple/swift-nio-ssl.git", from: "2.37.6"),
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
    ],
    targets: [
        // JSON value, documents, identities, collection names, store protocol and errors.
        .target(
            name: "TorcCore",
            dependencies: [
                .product(name: "OrderedCollections", package: "swift-collections")
            ],
            swiftSettings: swiftSettings
        ),
        // Every torc rule (schemas, CRUD semantics, the workflow engine), written once over the store protocol.
        .target(
            name: "TorcEngine",
            dependencies: [
                "TorcCore",
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        // Embedded backend: one SQLite file per database, through GRDB.
        .target(
            name: "TorcSQLite",
            dependencies: [
                "TorcCore",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "GRDBSQLite", package: "GRDB.swift"),
            ],
            swiftSettings: swiftSettings
        ),
        // ArangoDB backend over libcurl, in the original service's collection and graph layout.
        .target(
            name: "TorcArango",
            dependencies: ["TorcCore", "CurlHTTP"],
            swiftSettings: swiftSettings
        ),
        // HTTP layer: routes, request decoding, the one error-to-wire mapping.
        .target(
            name: "TorcServer",
            dependencies: [
                "TorcCore",
                "TorcEngine",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "NIOCore", package: "swift-nio"),
                // Access control (password hashes, signed tokens) and HTTPS.
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "_CryptoExtras", package: "swift-crypto"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "HummingbirdTLS", package: "hummingbird"),
                .product(name: "NIOHTTPTypes", package: "swift-nio-extras"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "CoreMetrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
            ],
            swiftSettings: swiftSettings,
            // The served OpenAPI document is generated from openapi/torc-service.yaml at build time.
            plugins: ["EmbedOpenAPISpec"]
        ),
        // Build tool: openapi/torc-service.yaml -> Swift source with its YAML and JSON renderings.
        .executableTarget(
            name: "openapi-embed",
            dependencies: [.product(name: "Yams", package: "Yams")],
            swiftSettings: swiftSettings
        ),
        .plugin(
            name: "EmbedOpenAPISpec",
            capability: .buildTool(),
            dependencies: ["openapi-embed"]
        ),
        .executableTarget(
            name: "torc-service",
            dependencies: [
                "TorcCore",
                "TorcServer",
                "TorcSQLite",
                "TorcArango",
                "TorcMemory",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        // glibc's mallopt and malloc_trim, for the allocator tuning of torc-service.
        .systemLibrary(name: "CMalloc"),
        // Allocator tuning at start-up and the background heap trim: outside the HTTP layer, off the request path.
        .target(
            name: "TorcMemory",
            dependencies: [
                "CMalloc",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        // libcurl as a system library: module map plus typed shims, nothing else.
        .systemLibrary(
            name: "CCurl",
            pkgConfig: "libcurl",
            providers: [.apt(["libcurl4-openssl-dev"])]
        ),
        // Generic async HTTP client over libcurl (used by the ArangoDB backend).
        .target(
            name: "CurlHTTP",
            dependencies: [
                "CCurl",
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        // Benchmark: drives any torc-service URL, or starts a release server itself.
        .executableTarget(
            name: "torc-bench",
            dependencies: [
                "TorcCore",
                "CurlHTTP",
                "TorcTestSupport",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: swiftSettings
        ),
        // Test and benchmark support: the store-conformance suite every backend runs, starting the
        // ArangoDB emulator and torc-service processes.
        .target(
            name: "TorcTestSupport",
            dependencies: ["TorcCore", "TorcArango", "CurlHTTP"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "TorcMemoryTests",
            dependencies: ["TorcMemory"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "TorcCoreTests",
            dependencies: ["TorcCore"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "CurlHTTPTests",
            dependencies: ["CurlHTTP"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "TorcEngineTests",
            dependencies: ["TorcCore", "TorcEngine", "TorcSQLite", "TorcTestSupport"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "TorcArangoTests",
            dependencies: ["TorcCore", "TorcArango", "TorcTestSupport", "CurlHTTP"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "TorcSQLiteTests",
            dependencies: [
                "TorcCore", "TorcSQLite", "TorcTestSupport",
                .product(name: "GRDB", package: "GRDB.swift"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "TorcServerTests",
            dependencies: [
                "TorcCore", "TorcEngine", "TorcServer", "TorcSQLite", "TorcArango", "TorcTestSupport",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "GRDB", package: "GRDB.swift"),
            ],
            exclude: ["Fixtures"],
            swiftSettings: swiftSettings
        ),
    ]
)
