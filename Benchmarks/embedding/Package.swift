// swift-tools-version:6.0
// Embedding micro-benchmarks for Swasm, built in release by Benchmarks/run (`--only embedding`).
// Its own package, so that the repository's Package.swift stays free of benchmark targets.
import Foundation
import PackageDescription

// SwiftPM names a path dependency after its folder, which depends on where the repository
// was cloned.
let repository = URL(fileURLWithPath: Context.packageDirectory)
    .deletingLastPathComponent().deletingLastPathComponent()

let package = Package(
    name: "EmbeddingBench",
    dependencies: [.package(path: repository.path)],
    targets: [
        .executableTarget(
            name: "EmbeddingBench",
            dependencies: [
                .product(name: "Swasm", package: repository.lastPathComponent),
                .product(name: "SwasmText", package: repository.lastPathComponent),
            ]
        ),
    ],
    swiftLanguageModes: [.v5]
)
