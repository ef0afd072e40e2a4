// swift-tools-version:6.0
// WasmKit's command-line tool at a pinned version, built in release by Benchmarks/run into
// Benchmarks/.cache/wasmkit-build, so that every run compares the same WasmKit.
import PackageDescription

let package = Package(
    name: "WasmKitPin",
    dependencies: [
        .package(url: "https://github.com/swiftwasm/WasmKit", exact: "0.4.2"),
    ],
    targets: [
        // Only so that SwiftPM checks WasmKit out: what Benchmarks/run builds is the `wasmkit-cli`
        // product of that checkout (a dependency's executable cannot be built from here).
        .target(name: "WasmKitPin", dependencies: [.product(name: "WasmKit", package: "WasmKit")],
                path: "Sources/WasmKitPin"),
    ]
)
