import Swasm

/// `swasm validate`: decode a module and validate every function body now.
struct ValidateCommand {
    static let spec = CommandSpec(
        name: "validate",
        abstract: "Decode and validate a module (.wasm or .wat), every function included.",
        usage: "swasm validate [<options>] FILE",
        arguments: [("FILE", "The module.")],
        options: [
            OptionSpec("--jobs", "-j", value: "N",
                       help: "Validate and translate functions on N threads (default 1: one thread, the figure the benchmarks report)."),
            OptionSpec("-W", value: "FEATURE=y|n",
                       help: "Turn a proposal on or off as in wasmtime (all are on): simd, relaxed-simd, threads, exceptions, tail-call, multi-memory, memory64, ... (see `swasm inspect`)."),
        ]
    )

    var file: String
    var threads = 1
    var features = WasmFeatures.all

    init(parsing arguments: [String]) throws {
        let parsed = try ParsedArguments(arguments, for: Self.spec)
        file = try parsed.onlyPositional(Self.spec)
        if let text = parsed.last("--jobs") {
            guard let threads = Int(text), threads >= 1 else {
                throw CLIFailure.error("--jobs must be a number of at least 1 (got \"\(text)\")")
            }
            self.threads = threads
        }
        var limits = RunLimits()
        for option in parsed.all("-W") {
            guard WasmFeatures(name: String(option.prefix { $0 != "=" })) != nil else {
                throw CLIFailure.error("unsupported -W option '\(option)' (validate accepts FEATURE=y|n for \(WasmFeatures.all.names.joined(separator: ", ")))")
            }
            try limits.applyWasmOption(option)
        }
        features = limits.features
    }

    func run() throws {
        var configuration = EngineConfiguration()
        configuration.compilationThreads = threads
        configuration.features = features
        // Nothing runs: translating on to machine code would only cost time.
        configuration.nativeCode = false
        _ = try loadModule(file, eager: true, configuration: configuration)
        print("valid")
    }
}
