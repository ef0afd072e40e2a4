import ArgumentParser
import Foundation
import WastRunner

/// `swasm wast`: run spec scripts and summarise their assertions.
struct WastCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "wast",
        abstract: "Run WebAssembly script (.wast) files.",
        discussion: """
            Prints a line per file (`path: N passed, M failed`, then each failure indented) \
            and a last line with the totals. Exits with status 1 when any assertion failed.

            Wasm 2.0 and 3.0 scripts expect different errors for a memory or table limit \
            wider than 32 bits (malformed in 2.0, invalid in 3.0). By default a script whose \
            directory names Wasm 2.0 (contains "wasm2" or "2.0", as spec-testsuite-wasm2.0 \
            does) runs as 2.0 and every other script as 3.0; --spec sets it for all scripts.
            """
    )

    @Option(
        name: .long,
        help: ArgumentHelp(
            "The spec edition the scripts follow: auto, 2.0 or 3.0 (default: auto, by path).",
            valueName: "edition"))
    var spec: String = "auto"

    @Option(name: [.short, .long], help: "Scripts run in parallel (default: the number of processors).")
    var jobs: Int?

    @Argument(help: ArgumentHelp("The scripts.", valueName: "FILE"))
    var files: [String]

    func validate() throws {
        if files.isEmpty { throw ValidationError("missing FILE (usage: swasm wast FILE...)") }
        if let jobs, jobs < 1 { throw ValidationError("--jobs must be at least 1") }
        if dialect == nil { throw ValidationError("--spec must be auto, 2.0 or 3.0 (got \"\(spec)\")") }
    }

    private var dialect: WastDialect? {
        switch spec {
        case "auto": return .automatic
        case "2.0", "2": return .wasm2
        case "3.0", "3": return .wasm3
        default: return nil
        }
    }

    func run() throws {
        // A missing script is a usage error, reported before anything runs.
        for file in files {
            var info = stat()
            if stat(file, &info) != 0 {
                throw CLIFailure.error("cannot read \(file): \(String(cString: strerror(errno)))")
            }
            if (info.st_mode & S_IFMT) == S_IFDIR {
                throw CLIFailure.error("cannot read \(file): Is a directory")
            }
        }
        let workers = min(files.count, jobs ?? ProcessInfo.processInfo.activeProcessorCount)
        let dialect = self.dialect ?? .automatic
        let results = ParallelRunner(count: files.count, workers: max(1, workers)) { index in
            WastRunner.runFile(atPath: files[index], dialect: dialect)
        }
        var passed = 0
        var failed = 0
        // Print in the order given, each file as soon as it and all before it are done.
        for index in files.indices {
            let result = results.wait(for: index)
            passed += result.passed
            failed += result.failed
            print("\(result.path): \(result.passed) passed, \(result.failed) failed")
            for failure in result.failures { print("  \(failure)") }
        }
        print("\(passed) passed, \(failed) failed")
        if failed > 0 { throw ExitCode(1) }
    }
}

/// Runs `count` jobs on `workers` threads. The threads get large stacks because scripts nest
/// deeply (text parsing, validation, exhaustion tests) and a script must never crash the run.
final class ParallelRunner: @unchecked Sendable {
    private let condition = NSCondition()
    private var results: [WastResult?]
    private var next = 0
    private let count: Int
    private let job: (Int) -> WastResult

    static let stackSize = 512 << 20

    init(count: Int, workers: Int, job: @escaping (Int) -> WastResult) {
        self.count = count
        self.job = job
        self.results = Array(repeating: nil, count: count)
        for _ in 0..<workers {
            let thread = Thread { [self] in work() }
            thread.stackSize = Self.stackSize
            thread.start()
        }
    }

    private func work() {
        while true {
            condition.lock()
            let index = next
            next += 1
            condition.unlock()
            if index >= count { return }
            let result = job(index)
            condition.lock()
            results[index] = result
            condition.broadcast()
            condition.unlock()
        }
    }

    func wait(for index: Int) -> WastResult {
        condition.lock()
        defer { condition.unlock() }
        while true {
            if let result = results[index] { return result }
            condition.wait()
        }
    }
}
