import Foundation
import XCTest

/// Runs every wasm32-wasip1 test of ../shared/wasi-testsuite through `swasm run`, as the
/// upstream runner runs `wasmtime run` (see its FORMAT.md): argv is the module then `args`,
/// the environment is exactly `env` (`--env NAME=VALUE` each), `root` is the only preopen,
/// as `/` (`--dir ROOT::/`), stdin is an empty pipe, the exit status and any stdout/stderr
/// prefix are compared, and a test running over 5 s is killed and fails.
///
/// `root` is copied to a fresh temporary directory per test (the guest cannot tell), so the
/// shared checkout is never written and tests can run two at a time; `*.cleanup` entries are
/// removed under the copy before and after the run, as upstream does under `root`.
///
/// Every test runs twice: interpreted (`-C native=n`) and with every function compiled to
/// machine code at its first call (`-C native-threshold=0`).
///
/// Prints a pass/fail line per test and tier and `wasi-testsuite (TIER): N passed, M failed`.
/// `WASI_TEST_FILTER` (a substring of `suite/name`) narrows the run; `WASI_TEST_TIMEOUT`
/// changes the timeout in seconds.
final class CLIWASITestSuiteTests: XCTestCase {
    func testWASITestsuiteThroughTheCLI() throws {
        let swasm = try SwasmProcess.locate()
        let suites = SharedInputs.wasiTestsuite.appendingPathComponent("tests")
        guard FileManager.default.fileExists(atPath: suites.path) else {
            throw XCTSkip("wasi-testsuite not found at \(suites.path)")
        }
        let environment = ProcessInfo.processInfo.environment
        let filter = environment["WASI_TEST_FILTER"]
        let timeout = Double(environment["WASI_TEST_TIMEOUT"] ?? "") ?? 5

        var cases: [CLISuiteCase] = []
        for language in try FileManager.default.contentsOfDirectory(atPath: suites.path).sorted() {
            let directory = suites.appendingPathComponent("\(language)/testsuite/wasm32-wasip1")
            guard let files = try? FileManager.default.contentsOfDirectory(atPath: directory.path) else { continue }
            for file in files.sorted() where file.hasSuffix(".wasm") {
                for tier in CLISuiteCase.tiers {
                    let test = CLISuiteCase(suite: language, directory: directory, name: String(file.dropLast(5)),
                                            tier: tier.name, tierOptions: tier.options)
                    if let filter, !test.label.contains(filter) { continue }
                    cases.append(test)
                }
            }
        }
        XCTAssertFalse(cases.isEmpty, "no tests found under \(suites.path)")

        let workers = ProcessInfo.processInfo.activeProcessorCount
        let chosen = cases
        let results = runConcurrently(count: chosen.count, workers: workers) { index in
            chosen[index].run(swasm: swasm, timeout: timeout)
        }
        var passed: [String: Int] = [:]
        var failed: [String: Int] = [:]
        for (test, problem) in zip(cases, results) {
            if let problem {
                failed[test.tier, default: 0] += 1
                print("FAIL \(test.label) (\(test.tier)): \(problem)")
                XCTFail("\(test.label) (\(test.tier)): \(problem)")
            } else {
                passed[test.tier, default: 0] += 1
                print("pass \(test.label) (\(test.tier))")
            }
        }
        for tier in CLISuiteCase.tiers {
            print("wasi-testsuite (\(tier.name)): \(passed[tier.name, default: 0]) passed, \(failed[tier.name, default: 0]) failed")
        }
    }
}

/// One test of the suite, run through the CLI.
struct CLISuiteCase: Sendable {
    let suite: String
    let directory: URL
    let name: String
    /// The tier's name and the `swasm run` options that select it.
    var tier = "default"
    var tierOptions: [String] = []
    var label: String { "\(suite)/\(name)" }

    static let tiers: [(name: String, options: [String])] = [
        ("interpreter", ["-C", "native=n"]),
        ("native", ["-C", "native-threshold=0"]),
    ]

    struct Config {
        var args: [String] = []
        var env: [(String, String)] = []
        var root: String?
        var exitCode: Int32 = 0
        var stdout: String?
        var stderr: String?
    }

    /// The legacy config form; a missing file means the defaults.
    func loadConfig() throws -> Config {
        var config = Config()
        let url = directory.appendingPathComponent("\(name).json")
        guard FileManager.default.fileExists(atPath: url.path) else { return config }
        guard let object = try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any] else {
            throw SuiteError("\(url.lastPathComponent) is not a JSON object")
        }
        if let args = object["args"] {
            guard let strings = args as? [String] else { throw SuiteError("`args` is not an array of strings") }
            config.args = strings
        }
        if let env = object["env"] {
            guard let pairs = env as? [String: String] else { throw SuiteError("`env` is not an object of strings") }
            config.env = pairs.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
        }
        config.root = object["root"] as? String
        if let code = object["exit_code"] as? Int { config.exitCode = Int32(code) }
        config.stdout = object["stdout"] as? String
        config.stderr = object["stderr"] as? String
        return config
    }

    /// nil when the test passes, otherwise what went wrong.
    func run(swasm: SwasmProcess, timeout: TimeInterval) -> String? {
        do {
            return try runChecked(swasm: swasm, timeout: timeout)
        } catch {
            return "\(error)"
        }
    }

    private func runChecked(swasm: SwasmProcess, timeout: TimeInterval) throws -> String? {
        let config = try loadConfig()
        let fileManager = FileManager.default
        let scratch = fileManager.temporaryDirectory.appendingPathComponent("swasm-cli-wasi-\(suite)-\(name)-\(UUID().uuidString)")
        try fileManager.createDirectory(at: scratch, withIntermediateDirectories: true)
        defer { try? fileManager.removeItem(at: scratch) }

        var arguments = ["run"] + tierOptions
        for (name, value) in config.env { arguments += ["--env", "\(name)=\(value)"] }
        var root: URL?
        if let rootName = config.root {
            let copy = scratch.appendingPathComponent("root")
            try fileManager.copyItem(at: directory.appendingPathComponent(rootName), to: copy)
            try makeWritable(copy)
            try removeCleanupEntries(under: copy)
            arguments += ["--dir", "\(copy.path)::/"]
            root = copy
        }
        defer { if let root { try? removeCleanupEntries(under: root) } }
        arguments.append(directory.appendingPathComponent("\(name).wasm").path)
        arguments += config.args

        let outcome = try swasm.run(arguments, input: .emptyPipe, timeout: timeout)
        let stdout = normalized(outcome.stdout)
        let stderr = normalized(outcome.stderr)
        if outcome.timedOut { return "timed out after \(timeout) s (killed)" }
        guard let status = outcome.status else { return "killed by a signal\nstderr: \(stderr.suffix(2000))" }
        if status != config.exitCode {
            return "exit status \(status), expected \(config.exitCode)\nstdout: \(stdout.suffix(2000))\nstderr: \(stderr.suffix(2000))"
        }
        if let expected = config.stdout, !stdout.hasPrefix(expected) {
            return "stdout \(stdout.debugDescription) does not start with \(expected.debugDescription)"
        }
        if let expected = config.stderr, !stderr.hasPrefix(expected) {
            return "stderr \(stderr.debugDescription) does not start with \(expected.debugDescription)"
        }
        return nil
    }

    /// Python's universal-newline text mode, which the upstream runner reads output with.
    private func normalized(_ text: String) -> String {
        text.replacingOccurrences(of: "\r\n", with: "\n").replacingOccurrences(of: "\r", with: "\n")
    }

    /// The shared checkout may be read-only; the tests write into their root.
    private func makeWritable(_ url: URL) throws {
        let fileManager = FileManager.default
        var paths = [url.path]
        if let enumerator = fileManager.enumerator(atPath: url.path) {
            for case let relative as String in enumerator { paths.append(url.appendingPathComponent(relative).path) }
        }
        for path in paths {
            var info = stat()
            guard lstat(path, &info) == 0, (info.st_mode & S_IFMT) != S_IFLNK else { continue }
            chmod(path, (info.st_mode & 0o7777) | 0o200)
        }
    }

    /// Deletes every `*.cleanup` file or directory below `url`, recursively, without
    /// following symbolic links (a link named `*.cleanup` is removed itself).
    private func removeCleanupEntries(under url: URL) throws {
        let fileManager = FileManager.default
        for entry in try fileManager.contentsOfDirectory(atPath: url.path) {
            let path = url.appendingPathComponent(entry)
            if entry.hasSuffix(".cleanup") {
                try fileManager.removeItem(at: path)
                continue
            }
            var info = stat()
            if lstat(path.path, &info) == 0, (info.st_mode & S_IFMT) == S_IFDIR {
                try removeCleanupEntries(under: path)
            }
        }
    }
}

struct SuiteError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
