import ArgumentParser
import Foundation
import Swasm

/// `swasm run`: instantiate a module and call an export (or `_start`).
struct RunCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run a WebAssembly module (.wasm or .wat).",
        discussion: """
            Calls the export named by --invoke with ARGS parsed by its parameter types \
            (integers in decimal or 0x hex, floats in decimal, hex, nan or inf) and prints \
            each result on its own line. Without --invoke, runs the `_start` export. \
            Options after FILE other than --invoke are passed to the program.
            """
    )

    @Option(name: .long, help: ArgumentHelp("The export to call.", valueName: "NAME"))
    var invoke: String?

    // Captured by hand so that negative numbers and program flags after FILE are not taken
    // for swasm options.
    @Argument(
        parsing: .captureForPassthrough,
        help: ArgumentHelp("The module, then the arguments.", valueName: "FILE [ARGS...]")
    )
    var fileAndArguments: [String] = []

    func run() throws {
        var rest = fileAndArguments[...]
        var invokeName = invoke
        guard let file = rest.popFirst() else {
            throw CLIFailure.error("missing FILE (usage: swasm run FILE [--invoke NAME] [ARGS...])")
        }
        if file.hasPrefix("-") && file != "-" {
            throw CLIFailure.error("unknown option '\(file)' (see 'swasm run --help')")
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
        if rest.first == "--" { rest.removeFirst() }
        let arguments = Array(rest)

        let module = try loadModule(file)
        let engine = module.engine
        let store = Store(engine: engine)
        let linker = Linker()
        let instance: Instance
        do {
            instance = try linker.instantiate(store: store, module: module)
        } catch {
            throw runFailure(error, file: file)
        }

        let name = invokeName ?? "_start"
        guard let export = instance.export(name) else {
            if invokeName == nil {
                throw CLIFailure.error("\(file): no `_start` export; use --invoke NAME to call an export")
            }
            let names = instance.exports.compactMap { entry -> String? in
                if case .function = entry.value { return entry.name }
                return nil
            }
            let known = names.isEmpty ? "it exports no functions" : "exported functions: " + names.joined(separator: ", ")
            throw CLIFailure.error("\(file): unknown export `\(name)` (\(known))")
        }
        guard case .function(let function) = export else {
            throw CLIFailure.error("\(file): export `\(name)` is not a function")
        }
        let type = function.type
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
        let results: [Value]
        do {
            results = try function.call(values)
        } catch {
            throw runFailure(error, file: file)
        }
        for value in results { print(formatResult(value)) }
    }

    /// Traps print the message and the Wasm backtrace, and exit like wasmtime (134, the
    /// status of an abort); other errors are one line.
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
