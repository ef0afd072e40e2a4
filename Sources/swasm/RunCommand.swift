#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import Swasm
import SwasmWASI

/// `swasm run`: run a WASI command (its `_start`) or call one export, the way `wasmtime run`
/// does. Options come before FILE; everything after FILE belongs to the program.
struct RunCommand {
    static let spec = CommandSpec(
        name: "run",
        abstract: "Run a WebAssembly module (.wasm or .wat), a WASI program or a bare module.",
        discussion: """
            Without --invoke, runs the `_start` export (a WASI command) with ARGS as its \
            arguments; argv[0] is FILE's base name (or --argv0). The exit status is the code \
            the program passes to proc_exit, 0 when `_start` returns, 134 after a trap (with \
            the message and Wasm backtrace on stderr) and 1 for any other error.

            With --invoke NAME, runs `_initialize` first when the module exports it, then calls \
            NAME with ARGS parsed by its parameter types (integers in decimal or 0x hex, floats \
            in decimal, hex, nan or inf) and prints each result on its own line. --invoke may \
            also directly follow FILE.

            The program sees only what is granted: the directories of --dir and --dir-ro (as \
            descriptors 3, 4, … in that order: every --dir, then every --dir-ro), the variables \
            of --env (or all with --inherit-env), its arguments and the standard streams.
            """,
        usage: "swasm run [<options>] FILE [ARGS...]",
        arguments: [("FILE [ARGS...]", "The module, then the program's arguments.")],
        options: [
            OptionSpec("--invoke", value: "NAME", help: "The export to call."),
            OptionSpec("--dir", value: "HOST[::GUEST]",
                       help: "Grant the program a host directory, seen as GUEST (default: HOST as written), e.g. --dir ./data::/."),
            OptionSpec("--dir-ro", value: "HOST[::GUEST]",
                       help: "As --dir, read-only: the program cannot create, change, rename or remove anything there."),
            OptionSpec("--env", value: "NAME[=VALUE]",
                       help: "Set an environment variable for the program; NAME alone passes the host's value."),
            OptionSpec("--inherit-env", help: "Pass every host environment variable to the program (--env still overrides)."),
            OptionSpec("-S", value: "KEY[=VALUE]",
                       help: "WASI option as in wasmtime: inherit-env[=y|n], inherit-stdin[=y|n], inherit-stdout[=y|n], inherit-stderr[=y|n] (n: /dev/null)."),
            OptionSpec("--argv0", value: "NAME", help: "The program's argv[0] (default: FILE's base name)."),
            OptionSpec("--fuel", value: "N",
                       help: "Give the guest N units of fuel (about one per function entry and loop iteration); when they run out it traps with \"fuel exhausted\"."),
            OptionSpec("--timeout", value: "DURATION",
                       help: "Interrupt the guest after this wall time (2s, 500ms, 1m, or plain seconds): it traps with \"interrupted\"."),
            OptionSpec("--max-memory-size", value: "BYTES",
                       help: "Largest size of each linear memory, in bytes (or 64KiB, 16MiB, 1GiB); memory.grow past it returns -1."),
            OptionSpec("--max-table-elements", value: "N",
                       help: "Largest number of elements of each table; table.grow past it returns -1."),
            OptionSpec("--max-call-depth", value: "N",
                       help: "Deepest nesting of calls before the guest traps with \"call stack exhausted\" (default 10000): N frames run, the next call traps, on either tier."),
            OptionSpec("--profile", value: "STRATEGY",
                       help: "Profile the guest with an outside tool, as wasmtime's --profile: perfmap writes /tmp/perf-PID.map, naming each function compiled to machine code for Linux perf."),
            OptionSpec("-C", value: "KEY=VALUE",
                       help: "Code generation option: native=y|n (on x86-64 Linux functions run as native code by default; n runs everything in the interpreter); native-threshold=N (entries and loop iterations a function runs interpreted before it is compiled, default 100; 0 compiles every function at its first call); background-compile=y|n (compile functions to machine code on other threads while the guest runs on, default y on machines with more than one core; n has the guest wait for each function's code); stats (print at exit how many IR instructions ran as machine code and how many of them went out of line)."),
            OptionSpec("-O", value: "KEY=VALUE",
                       help: "Optimization option as in wasmtime: signals-based-traps=y|n (y, the default: machine code leaves 32-bit memories' bounds to guard regions of reserved address space; n checks every access)."),
            OptionSpec("-W", value: "KEY=VALUE",
                       help: "Limit or feature as in wasmtime: fuel=N, timeout=DURATION, max-memory-size=BYTES, max-table-elements=N, max-call-depth=N, max-code-size=BYTES (compiled code the engine may hold, 1GiB by default); FEATURE=y|n turns a proposal on or off (all are on): simd, relaxed-simd, threads, exceptions, tail-call, multi-memory, memory64, ... (see `swasm inspect`)."),
        ],
        optionsEndAtFirstPositional: true
    )

    var invoke: String?
    var dir: [String]
    var readOnlyDir: [String]
    var env: [String]
    var inheritEnvironment: Bool
    var wasiOptions: [String]
    var argv0: String?
    var fuel: String?
    var timeout: String?
    var maxMemorySize: String?
    var maxTableElements: String?
    var maxCallDepth: String?
    var profile: String?
    var wasmOptions: [String]
    var codegenOptions: [String]
    var optimizeOptions: [String]
    var fileAndArguments: [String]

    init(parsing arguments: [String]) throws {
        let parsed = try ParsedArguments(arguments, for: Self.spec)
        invoke = parsed.last("--invoke")
        dir = parsed.all("--dir")
        readOnlyDir = parsed.all("--dir-ro")
        env = parsed.all("--env")
        inheritEnvironment = parsed.has("--inherit-env")
        wasiOptions = parsed.all("-S")
        argv0 = parsed.last("--argv0")
        fuel = parsed.last("--fuel")
        timeout = parsed.last("--timeout")
        maxMemorySize = parsed.last("--max-memory-size")
        maxTableElements = parsed.last("--max-table-elements")
        maxCallDepth = parsed.last("--max-call-depth")
        profile = parsed.last("--profile")
        wasmOptions = parsed.all("-W")
        codegenOptions = parsed.all("-C")
        optimizeOptions = parsed.all("-O")
        fileAndArguments = parsed.positionals
    }

    func run() throws {
        let command = try parsePositionals()
        let configuration = try wasiConfiguration(for: command)
        let limits = try runLimits()
        // Native frames live on the machine stack: a depth limit deeper than the main thread's
        // stack holds runs the guest on a thread whose stack holds it.
        let stackSize = limits.guestStackSize
        guard limits.nativeCode, let available = mainThreadStackLimit(), stackSize > available else {
            return try run(command, configuration: configuration, limits: limits)
        }
        do {
            try runOnThread(stackSize: stackSize) { try self.run(command, configuration: configuration, limits: limits) }
        } catch is ThreadStartFailure {
            throw CLIFailure.error(
                "--max-call-depth \(limits.maxCallDepth ?? 0): no thread could be started with the \(stackSize >> 20) MiB of machine stack native frames need at that depth (choose a smaller limit, or -C native=n: interpreted frames need none)")
        }
    }

    private func run(_ command: Positionals, configuration: WASIConfiguration, limits: RunLimits) throws {
        var engineConfiguration = EngineConfiguration()
        limits.apply(to: &engineConfiguration)
        let module = try loadModule(command.file, configuration: engineConfiguration)
        try checkImports(of: module, file: command.file)
        let invocation = try plannedInvocation(command, module: module)

        let wasi: WASI
        do {
            wasi = try WASI(configuration: configuration)
        } catch let error as WASIConfigurationError {
            throw CLIFailure.error(error.message)
        }
        let store = Store(engine: module.engine, limits: limits.storeLimits)
        defer { if limits.statistics { printStatistics(store.executionStatistics) } }
        let linker = Linker()
        wasi.define(in: linker, store: store)
        if let fuel = limits.fuel {
            do {
                try store.setFuel(fuel)
            } catch {
                throw CLIFailure.error(describe(error))
            }
        }
        // Started before instantiation, so a start function that never returns is stopped too.
        let watchdog = limits.timeout.map { Watchdog(seconds: $0, handle: store.interruptHandle) }
        defer { watchdog?.cancel() }

        do {
            let instance = try linker.instantiate(store: store, module: module)
            if let initialize = instance.function("_initialize") {
                _ = try initialize.call([])
            }
            switch invocation {
            case .command:
                let status = try wasi.start(instance)
                if status != 0 { throw CLIFailure(message: "", exitCode: status) }
            case .export(let name, let values):
                guard let function = instance.function(name) else {
                    throw CLIFailure.error("\(command.file): export `\(name)` is not a function")
                }
                let results = try function.call(values)
                for value in results { print(formatResult(value)) }
            }
        } catch let failure as CLIFailure {
            throw failure
        } catch {
            throw runFailure(error, file: command.file)
        }
    }

    /// `-C stats`: one line on stderr at exit, whatever the outcome.
    private func printStatistics(_ statistics: ExecutionStatistics) {
        let total = statistics.nativeInstructions
        // Hundredths of a percent, in integers.
        let share = total == 0 || statistics.outOfLine > total ? 0 : total.dividingFullWidth(statistics.outOfLine.multipliedFullWidth(by: 10_000)).quotient
        let percent = "\(share / 100).\(share % 100 < 10 ? "0" : "")\(share % 100)"
        printError("swasm stats: \(total) IR instructions ran as machine code, \(statistics.outOfLine) of them out of line "
            + "(\(percent) %: \(statistics.snippets) snippets, \(statistics.helperCalls) helper calls, "
            + "\(statistics.vectorPath) on the vector/GC path)")
    }

    /// FILE, the export to invoke and the program's (or the export's) arguments.
    struct Positionals {
        var file: String
        var invoke: String?
        var arguments: [String]
    }

    private func parsePositionals() throws -> Positionals {
        var rest = fileAndArguments[...]
        var invokeName = invoke
        guard let file = rest.popFirst() else {
            throw CLIFailure.error("missing FILE (usage: swasm run [OPTIONS] FILE [ARGS...])")
        }
        // `--invoke NAME` may also follow FILE, as in `swasm run fib.wat --invoke fib 30`.
        if invokeName == nil, let first = rest.first {
            if first == "--invoke" {
                rest.removeFirst()
                guard let name = rest.popFirst() else {
                    throw CLIFailure.error("missing value for '--invoke <NAME>'")
                }
                invokeName = name
            } else if first.hasPrefix("--invoke=") {
                rest.removeFirst()
                invokeName = String(first.dropFirst("--invoke=".count))
            }
        }
        // A program receives `--` like any other argument (as under wasmtime); before an
        // export's arguments it only marks where they start.
        if invokeName != nil, rest.first == "--" { rest.removeFirst() }
        return Positionals(file: file, invoke: invokeName, arguments: Array(rest))
    }

    /// The limits of the options; a bad value fails here, before anything is loaded.
    private func runLimits() throws -> RunLimits {
        var limits = RunLimits()
        // The long options win over -W, whatever their order.
        for option in wasmOptions { try limits.applyWasmOption(option) }
        for option in codegenOptions { try limits.applyCodegenOption(option) }
        for option in optimizeOptions { try limits.applyOptimizeOption(option) }
        if let profile {
            guard profile == "perfmap" else {
                throw CLIFailure.error("unsupported --profile '\(profile)' (supported: perfmap)")
            }
            limits.perfMap = true
        }
        if let fuel { limits.fuel = try RunLimits.parseFuel(fuel, option: "--fuel") }
        if let timeout { limits.timeout = try RunLimits.parseDuration(timeout, option: "--timeout") }
        if let maxMemorySize {
            limits.maxMemorySize = try RunLimits.parseSize(maxMemorySize, option: "--max-memory-size")
        }
        if let maxTableElements {
            limits.maxTableElements = try RunLimits.parseCount(maxTableElements, option: "--max-table-elements")
        }
        if let maxCallDepth {
            limits.maxCallDepth = try RunLimits.parseCallDepth(maxCallDepth, option: "--max-call-depth")
        }
        return limits
    }

    /// What the guest is given, from the options. Bad options fail here, before anything runs.
    private func wasiConfiguration(for command: Positionals) throws -> WASIConfiguration {
        var configuration = WASIConfiguration()
        let programName = argv0 ?? lastPathComponent(command.file)
        // Under --invoke the arguments belong to the export, not to the program.
        configuration.arguments = [programName] + (command.invoke == nil ? command.arguments : [])

        var inherit = inheritEnvironment
        for option in wasiOptions {
            let (key, enabled) = try parseWASIOption(option)
            switch key {
            case "inherit-env": inherit = enabled
            case "inherit-stdin": configuration.stdin = enabled ? .inherit : .null
            case "inherit-stdout": configuration.stdout = enabled ? .inherit : .null
            case "inherit-stderr": configuration.stderr = enabled ? .inherit : .null
            // Always on here: swasm has no other WASI interface to choose instead.
            case "cli", "common": break
            default:
                throw CLIFailure.error(
                    "unsupported -S option '\(key)' (supported: inherit-env, inherit-stdin, inherit-stdout, inherit-stderr)")
            }
        }
        if inherit { configuration.inheritEnvironment() }
        for assignment in env {
            let name = assignment.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false).first ?? ""
            guard !name.isEmpty else {
                throw CLIFailure.error("malformed --env '\(assignment)': expected NAME=VALUE or NAME")
            }
            configuration.setEnvironment(assignment)
        }

        configuration.preopens = try dir.map { try preopen($0, option: "--dir", readOnly: false) }
            + readOnlyDir.map { try preopen($0, option: "--dir-ro", readOnly: true) }
        return configuration
    }

    private func preopen(_ text: String, option: String, readOnly: Bool) throws -> Preopen {
        let preopen = Preopen(parsing: text, readOnly: readOnly)
        guard !preopen.hostPath.isEmpty, !preopen.guestPath.isEmpty else {
            throw CLIFailure.error("malformed \(option) '\(text)': expected HOST or HOST::GUEST")
        }
        // Checked here for a clearer message than the open's; the open below still decides.
        var info = stat()
        guard stat(preopen.hostPath, &info) == 0 else {
            throw CLIFailure.error("\(option) \(text): cannot open directory '\(preopen.hostPath)': \(String(cString: strerror(errno)))")
        }
        guard (info.st_mode & S_IFMT) == S_IFDIR else {
            throw CLIFailure.error("\(option) \(text): '\(preopen.hostPath)' is not a directory")
        }
        return preopen
    }

    /// `KEY`, `KEY=y` or `KEY=n` (also yes/no, true/false, 1/0).
    private func parseWASIOption(_ text: String) throws -> (String, Bool) {
        let parts = text.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
        let key = String(parts[0])
        guard parts.count == 2 else { return (key, true) }
        switch parts[1].lowercased() {
        case "y", "yes", "true", "1": return (key, true)
        case "n", "no", "false", "0": return (key, false)
        default: throw CLIFailure.error("malformed -S \(text): the value must be y or n")
        }
    }

    /// Every import must be a WASI preview 1 function: anything else fails before the module
    /// is instantiated, naming the import.
    private func checkImports(of module: Module, file: String) throws {
        let known = Set(WASI.functionNames)
        for entry in module.imports {
            if entry.module == WASI.moduleName {
                guard case .function = entry.type else {
                    throw CLIFailure.error(
                        "\(file): unlinkable: `\(entry.module)::\(entry.name)` is not imported as a function (WASI preview 1 provides only functions)")
                }
                guard known.contains(entry.name) else {
                    throw CLIFailure.error(
                        "\(file): unlinkable: unknown WASI function `\(entry.module)::\(entry.name)` (not part of WASI preview 1)")
                }
            } else {
                throw CLIFailure.error(
                    "\(file): unlinkable: unknown import `\(entry.module)::\(entry.name)` (swasm run provides only `\(WASI.moduleName)`)")
            }
        }
    }

    enum Invocation {
        case command
        case export(String, [Value])
    }

    /// Checks the export and parses its arguments from the module's types, so a mistake on
    /// the command line is reported before the module runs anything.
    private func plannedInvocation(_ command: Positionals, module: Module) throws -> Invocation {
        let file = command.file
        guard let name = command.invoke else {
            guard module.exports.contains(where: { $0.name == "_start" }) else {
                throw CLIFailure.error("\(file): no `_start` export (not a WASI command); use --invoke NAME to call an export")
            }
            return .command
        }
        guard let export = module.exports.first(where: { $0.name == name }) else {
            let names = module.exports.compactMap { entry -> String? in
                if case .function = entry.type { return entry.name }
                return nil
            }
            let known = names.isEmpty ? "it exports no functions" : "exported functions: " + names.joined(separator: ", ")
            throw CLIFailure.error("\(file): unknown export `\(name)` (\(known))")
        }
        guard case .function(let type) = export.type else {
            throw CLIFailure.error("\(file): export `\(name)` is not a function")
        }
        let arguments = command.arguments
        guard arguments.count == type.params.count else {
            throw CLIFailure.error(
                "`\(name)` expects \(type.params.count) argument(s) (\(type.params.map(describe).joined(separator: " "))), got \(arguments.count)"
            )
        }
        var values: [Value] = []
        for (text, paramType) in zip(arguments, type.params) {
            guard let value = parseArgument(text, as: paramType) else {
                throw CLIFailure.error("invalid argument '\(text)' for parameter of type \(describe(paramType))")
            }
            values.append(value)
        }
        return .export(name, values)
    }

    /// Traps print the message and the Wasm backtrace, and exit like wasmtime (134, the
    /// status of an abort); `proc_exit` ends with its code; other errors are one line.
    private func runFailure(_ error: Error, file: String) -> CLIFailure {
        switch error {
        case SwasmError.trap(let trap):
            return CLIFailure(message: "Error: " + describeTrap(trap), exitCode: 134)
        case SwasmError.exit(let code):
            return CLIFailure(message: "", exitCode: code)
        default:
            return CLIFailure.error("\(file): \(describe(error))")
        }
    }
}

/// A trap's message and Wasm backtrace, innermost frame first. Deep recursion (a stack
/// overflow) would print thousands of frames, so the middle is elided.
func describeTrap(_ trap: Trap, maxFrames: Int = 40) -> String {
    var lines = ["wasm trap: \(trap.reason)"]
    let frames = trap.backtrace
    if !frames.isEmpty {
        lines.append("wasm backtrace:")
        func line(_ i: Int) -> String {
            let frame = frames[i]
            let name = frame.functionName ?? "<wasm function \(frame.functionIndex)>"
            let module = frame.moduleName.map { "\($0)!" } ?? ""
            return "  \(String(i).leftPadded(to: 4)): \(module)\(name)"
        }
        if frames.count <= maxFrames {
            lines += frames.indices.map(line)
        } else {
            let head = maxFrames - maxFrames / 4
            let tail = maxFrames / 4
            lines += (0..<head).map(line)
            lines.append("        ... \(frames.count - head - tail) more frames ...")
            lines += (frames.count - tail..<frames.count).map(line)
        }
    }
    return lines.joined(separator: "\n")
}
