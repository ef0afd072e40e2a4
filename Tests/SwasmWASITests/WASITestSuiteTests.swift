import Foundation
import Swasm
import SwasmWASI
import XCTest

/// Runs every wasm32-wasip1 test of ../shared/wasi-testsuite in-process, as its FORMAT.md
/// describes: argv is the test name plus `args`, the environment is exactly `env`, `root`
/// is preopened as `/` (descriptor 3), stdin is an empty pipe, stdout and stderr are
/// captured, the exit status and any stdout/stderr prefix are compared.
///
/// Two departures, both invisible to the guest: `root` is copied to a fresh temporary
/// directory first (so the shared checkout is never written and concurrent runs cannot
/// collide), with `*.cleanup` entries removed before and after the run as upstream does;
/// and the 5 s timeout can only be detected, not enforced (the engine cannot interrupt a
/// running guest yet), so a guest that never returns leaves its thread behind.
final class WASITestSuiteTests: XCTestCase {
    static let suiteRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("shared/wasi-testsuite/tests")

    func testAssemblyScriptSuite() throws { try runSuite("assemblyscript") }
    func testCSuite() throws { try runSuite("c") }
    func testRustSuite() throws { try runSuite("rust") }

    private func runSuite(_ language: String, file: StaticString = #filePath, line: UInt = #line) throws {
        let directory = Self.suiteRoot.appendingPathComponent("\(language)/testsuite/wasm32-wasip1")
        guard FileManager.default.fileExists(atPath: directory.path) else {
            throw XCTSkip("wasi-testsuite not found at \(directory.path)")
        }
        let filter = ProcessInfo.processInfo.environment["WASI_TEST_FILTER"]
        let names = try FileManager.default.contentsOfDirectory(atPath: directory.path)
            .filter { $0.hasSuffix(".wasm") }
            .map { String($0.dropLast(5)) }
            .filter { filter == nil || $0.contains(filter!) }
            .sorted()
        var failures: [String] = []
        for name in names {
            let outcome = WASISuiteCase(directory: directory, name: name).run()
            if let problem = outcome {
                failures.append("\(name): \(problem)")
                XCTFail("\(language)/\(name): \(problem)", file: file, line: line)
            }
        }
        print("wasi-testsuite \(language): \(names.count - failures.count)/\(names.count) passed")
        for failure in failures { print("  FAIL \(failure)") }
    }
}

/// One test of the suite.
struct WASISuiteCase {
    let directory: URL
    let name: String

    struct Config {
        var args: [String] = []
        var env: [(String, String)] = []
        var root: String?
        var exitCode: Int32 = 0
        var stdout: String?
        var stderr: String?
    }

    func loadConfig() throws -> Config {
        var config = Config()
        let url = directory.appendingPathComponent("\(name).json")
        guard FileManager.default.fileExists(atPath: url.path) else { return config }
        let object = try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any] ?? [:]
        config.args = object["args"] as? [String] ?? []
        if let env = object["env"] as? [String: String] {
            config.env = env.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
        }
        config.root = object["root"] as? String
        if let code = object["exit_code"] as? Int { config.exitCode = Int32(code) }
        config.stdout = object["stdout"] as? String
        config.stderr = object["stderr"] as? String
        return config
    }

    /// Runs the test; nil when it passes, otherwise what went wrong.
    func run(timeout: TimeInterval = Double(ProcessInfo.processInfo.environment["WASI_TEST_TIMEOUT"] ?? "") ?? 5) -> String? {
        do {
            return try runChecked(timeout: timeout)
        } catch {
            return "\(error)"
        }
    }

    private func runChecked(timeout: TimeInterval) throws -> String? {
        let config = try loadConfig()
        let fileManager = FileManager.default
        let scratch = fileManager.temporaryDirectory.appendingPathComponent("swasm-wasi-\(name)-\(UUID().uuidString)")
        try fileManager.createDirectory(at: scratch, withIntermediateDirectories: true)
        defer { try? fileManager.removeItem(at: scratch) }

        var configuration = WASIConfiguration()
        configuration.arguments = [name + ".wasm"] + config.args
        configuration.environment = config.env.map { (name: $0.0, value: $0.1) }
        var root: URL?
        if let rootName = config.root {
            let copy = scratch.appendingPathComponent("root")
            try fileManager.copyItem(at: directory.appendingPathComponent(rootName), to: copy)
            try makeWritable(copy)
            try removeCleanupEntries(copy)
            configuration.preopens = [Preopen(hostPath: copy.path, guestPath: "/")]
            root = copy
        }
        defer { if let root { try? removeCleanupEntries(root) } }

        var stdinPipe: [Int32] = [0, 0]
        guard pipe(&stdinPipe) == 0 else { return "cannot create a pipe" }
        close(stdinPipe[1])
        defer { close(stdinPipe[0]) }
        let stdoutURL = scratch.appendingPathComponent("stdout")
        let stderrURL = scratch.appendingPathComponent("stderr")
        let stdoutFD = open(stdoutURL.path, O_CREAT | O_RDWR | O_TRUNC, 0o644)
        let stderrFD = open(stderrURL.path, O_CREAT | O_RDWR | O_TRUNC, 0o644)
        defer { close(stdoutFD); close(stderrFD) }
        configuration.stdin = .fileDescriptor(stdinPipe[0])
        configuration.stdout = .fileDescriptor(stdoutFD)
        configuration.stderr = .fileDescriptor(stderrFD)

        let module = try Module(engine: Engine(), contentsOf: directory.appendingPathComponent("\(name).wasm").path)
        let outcome = GuestRun(module: module, configuration: configuration)
        guard outcome.wait(timeout: timeout) else { return "timed out after \(timeout) s" }

        let stdout = (try? String(contentsOf: stdoutURL, encoding: .utf8)) ?? ""
        let stderr = (try? String(contentsOf: stderrURL, encoding: .utf8)) ?? ""
        let status: Int32
        switch outcome.result {
        case .success(let code)?: status = code
        case .failure(let error)?: return "\(error)\nstderr: \(stderr.suffix(2000))"
        case nil: return "no result"
        }
        if status != config.exitCode {
            return "exit status \(status), expected \(config.exitCode)\nstdout: \(stdout.suffix(2000))\nstderr: \(stderr.suffix(2000))"
        }
        if let expected = config.stdout, !normalized(stdout).hasPrefix(expected) {
            return "stdout \(stdout.debugDescription) does not start with \(expected.debugDescription)"
        }
        if let expected = config.stderr, !normalized(stderr).hasPrefix(expected) {
            return "stderr \(stderr.debugDescription) does not start with \(expected.debugDescription)"
        }
        return nil
    }

    /// Python's universal-newline text mode, which the upstream runner reads output with.
    private func normalized(_ text: String) -> String {
        text.replacingOccurrences(of: "\r\n", with: "\n").replacingOccurrences(of: "\r", with: "\n")
    }

    private func makeWritable(_ url: URL) throws {
        let fileManager = FileManager.default
        var paths = [url.path]
        if let enumerator = fileManager.enumerator(atPath: url.path) {
            for case let relative as String in enumerator { paths.append(url.appendingPathComponent(relative).path) }
        }
        for path in paths {
            let attributes = try fileManager.attributesOfItem(atPath: path)
            let mode = (attributes[.posixPermissions] as? NSNumber)?.uint16Value ?? 0o644
            try fileManager.setAttributes([.posixPermissions: NSNumber(value: mode | 0o200)], ofItemAtPath: path)
        }
    }

    /// Deletes every `*.cleanup` file or directory below `url`, not following symlinks.
    private func removeCleanupEntries(_ url: URL) throws {
        let fileManager = FileManager.default
        for entry in try fileManager.contentsOfDirectory(atPath: url.path) {
            let path = url.appendingPathComponent(entry)
            if entry.hasSuffix(".cleanup") {
                try fileManager.removeItem(at: path)
                continue
            }
            var isDirectory: ObjCBool = false
            let attributes = try fileManager.attributesOfItem(atPath: path.path)
            if attributes[.type] as? FileAttributeType == .typeDirectory,
               fileManager.fileExists(atPath: path.path, isDirectory: &isDirectory), isDirectory.boolValue {
                try removeCleanupEntries(path)
            }
        }
    }
}

/// A guest run on its own thread (with a large stack, as the CLI gives the interpreter), so
/// the caller can stop waiting after a timeout.
final class GuestRun: @unchecked Sendable {
    private let done = DispatchSemaphore(value: 0)
    private(set) var result: Result<Int32, Error>?

    init(module: Module, configuration: WASIConfiguration) {
        let thread = Thread { [self] in
            do {
                let wasi = try WASI(configuration: configuration)
                let store = Store(engine: module.engine)
                let linker = Linker()
                wasi.define(in: linker, store: store)
                let instance = try linker.instantiate(store: store, module: module)
                result = .success(try wasi.start(instance))
            } catch {
                result = .failure(error)
            }
            done.signal()
        }
        thread.stackSize = 64 << 20
        thread.start()
    }

    /// Waits for the guest; false when it is still running after `timeout` seconds.
    func wait(timeout: TimeInterval) -> Bool {
        done.wait(timeout: .now() + timeout) == .success
    }
}
