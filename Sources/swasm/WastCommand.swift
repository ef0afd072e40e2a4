#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import WastRunner

/// `swasm wast`: run spec scripts and summarise their assertions.
struct WastCommand {
    static let spec = CommandSpec(
        name: "wast",
        abstract: "Run WebAssembly script (.wast) files.",
        discussion: """
            Prints a line per file (`path: N passed, M failed`, then each failure indented) \
            and a last line with the totals. Exits with status 1 when any assertion failed.

            Wasm 2.0 and 3.0 scripts expect different errors for a memory or table limit \
            wider than 32 bits (malformed in 2.0, invalid in 3.0). By default a script whose \
            directory names Wasm 2.0 (contains "wasm2" or "2.0", as spec-testsuite-wasm2.0 \
            does) runs as 2.0, one in proposals/threads as the threads proposal (Wasm 1.0 \
            with atomics: a second memory or table is invalid), and every other script as \
            3.0; --spec sets it for all scripts.
            """,
        usage: "swasm wast [<options>] FILE...",
        arguments: [("FILE", "The scripts.")],
        options: [
            OptionSpec("--spec", value: "edition",
                       help: "The spec edition the scripts follow: auto, 2.0, 3.0 or threads (default: auto, by path)."),
            OptionSpec("--jobs", "-j", value: "jobs", help: "Scripts run in parallel (default: the number of processors)."),
        ]
    )

    var files: [String]
    var jobs: Int?
    var dialect: WastDialect

    init(parsing arguments: [String]) throws {
        let parsed = try ParsedArguments(arguments, for: Self.spec)
        files = parsed.positionals
        if files.isEmpty { throw CLIFailure.error("missing FILE (usage: swasm wast FILE...)") }
        if let text = parsed.last("--jobs") {
            guard let jobs = Int(text), jobs >= 1 else {
                throw CLIFailure.error("--jobs must be a number of at least 1 (got \"\(text)\")")
            }
            self.jobs = jobs
        }
        switch parsed.last("--spec") ?? "auto" {
        case "auto": dialect = .automatic
        case "2.0", "2": dialect = .wasm2
        case "3.0", "3": dialect = .wasm3
        case "threads": dialect = .threads
        case let spec: throw CLIFailure.error("--spec must be auto, 2.0, 3.0 or threads (got \"\(spec)\")")
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
        let workers = min(files.count, jobs ?? onlineProcessorCount())
        let dialect = self.dialect
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
        if failed > 0 { throw CLIFailure(message: "", exitCode: 1) }
    }
}

/// Runs `count` jobs on `workers` threads. The threads get large stacks because scripts nest
/// deeply (text parsing, validation, exhaustion tests) and a script must never crash the run.
final class ParallelRunner: @unchecked Sendable {
    private let condition = HostCondition()
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
            // Without another thread the jobs still run, on this one.
            if !startThread(stackSize: Self.stackSize, { [self] in work() }) { work() }
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
