// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "Swasm",
    products: [
        .library(name: "Swasm", targets: ["Swasm"]),
        .library(name: "SwasmText", targets: ["SwasmText"]),
        .library(name: "SwasmWASI", targets: ["SwasmWASI"]),
        .executable(name: "swasm", targets: ["swasm"]),
    ],
    targets: [
        // The engine: decoder, validator, compiler, interpreter, runtime. No dependencies.
        .target(name: "Swasm"),
        // The WebAssembly text format (WAT) and script format (WAST), encoded to binary;
        // it also lets embedders load `.wat` modules into the engine.
        .target(name: "SwasmText", dependencies: ["Swasm"]),
        // WASI preview 1 (wasi_snapshot_preview1) host functions, sandboxed to preopens.
        .target(name: "SwasmWASI", dependencies: ["Swasm"]),
        // Runs WAST scripts against the engine (used by the CLI and the spec tests).
        .target(name: "WastRunner", dependencies: ["Swasm", "SwasmText"]),
        .executableTarget(
            name: "swasm",
            dependencies: ["Swasm", "SwasmText", "SwasmWASI", "WastRunner"]
        ),
        // Self-differential fuzzing: random modules from `wasm-tools smith` run interpreted and
        // as native code must agree (docs/fuzzing.md). Uses Foundation to run wasm-tools.
        .target(name: "TierFuzzing", dependencies: ["Swasm"]),
        // Long fuzzing runs, each batch of modules in a child process so a crash or hang is
        // recorded instead of ending the run.
        .executableTarget(name: "tier-fuzz", dependencies: ["Swasm", "TierFuzzing"]),
        // An application that loads untrusted plugins and survives their misbehaviour.
        .executableTarget(
            name: "PluginHost",
            dependencies: ["Swasm", "SwasmText", "SwasmWASI"],
            path: "Examples/PluginHost",
            exclude: ["plugins", "README.md"]
        ),
        .testTarget(name: "SwasmTests", dependencies: ["Swasm", "SwasmText"]),
        .testTarget(name: "SwasmTextTests", dependencies: ["SwasmText"]),
        .testTarget(name: "SwasmWASITests", dependencies: ["Swasm", "SwasmWASI", "SwasmText"]),
        .testTarget(name: "SpecTests", dependencies: ["Swasm", "SwasmText", "WastRunner"]),
        .testTarget(name: "TierFuzzTests", dependencies: ["Swasm", "SwasmText", "TierFuzzing"]),
    ],
    swiftLanguageModes: [.v5]
)
