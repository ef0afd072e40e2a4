import Foundation
import XCTest

/// Runs the built `swasm` executable as a child process with a chosen stdin, environment
/// and working directory, capturing stdout and stderr, and kills it after a timeout.
struct SwasmProcess {
    enum Input {
        /// A pipe whose write end is closed at once: empty and not a terminal.
        case emptyPipe
        case devNull
    }

    struct Outcome {
        /// The exit status; nil when the process was killed by a signal.
        var status: Int32?
        var timedOut: Bool
        var stdoutData: Data
        var stderrData: Data
        var stdout: String { String(decoding: stdoutData, as: UTF8.self) }
        var stderr: String { String(decoding: stderrData, as: UTF8.self) }
        var stderrLines: [Substring] { stderr.split(separator: "\n") }
    }

    let executable: URL

    /// The executable next to the test bundle, or a skip when it is not built.
    static func locate() throws -> SwasmProcess {
        guard let executable = CLITests.swasmExecutable() else {
            throw XCTSkip("the swasm executable is not built next to the tests")
        }
        return SwasmProcess(executable: executable)
    }

    /// Whether the executable is an optimised build (its build folder is `release`), which
    /// the long-running workloads need to finish in reasonable time.
    var isRelease: Bool {
        executable.deletingLastPathComponent().lastPathComponent == "release"
    }

    func run(
        _ arguments: [String],
        input: Input = .emptyPipe,
        environment: [String: String]? = nil,
        currentDirectory: URL? = nil,
        timeout: TimeInterval = 60
    ) throws -> Outcome {
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        if let environment { process.environment = environment }
        if let currentDirectory { process.currentDirectoryURL = currentDirectory }
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        var stdinPipe: Pipe?
        switch input {
        case .emptyPipe:
            let pipe = Pipe()
            process.standardInput = pipe
            stdinPipe = pipe
        case .devNull:
            process.standardInput = FileHandle(forReadingAtPath: "/dev/null")
        }
        let exited = DispatchSemaphore(value: 0)
        process.terminationHandler = { _ in exited.signal() }
        try process.run()
        try stdinPipe?.fileHandleForWriting.close()

        // Both streams are drained while the child runs, so a full pipe cannot block it.
        let readers = DispatchGroup()
        let captured = ResultSlots<Data>(count: 2)
        DispatchQueue.global().async(group: readers) { captured.store(out.fileHandleForReading.readDataToEndOfFile(), at: 0) }
        DispatchQueue.global().async(group: readers) { captured.store(err.fileHandleForReading.readDataToEndOfFile(), at: 1) }

        var timedOut = false
        if exited.wait(timeout: .now() + timeout) == .timedOut {
            timedOut = true
            kill(process.processIdentifier, SIGKILL)
            exited.wait()
        }
        readers.wait()
        process.waitUntilExit()
        let outData = captured.results[0] ?? Data()
        let errData = captured.results[1] ?? Data()
        let status: Int32? = process.terminationReason == .exit ? process.terminationStatus : nil
        return Outcome(status: status, timedOut: timedOut, stdoutData: outData, stderrData: errData)
    }
}

/// Paths of the shared inputs, relative to this checkout.
enum SharedInputs {
    static let checkout = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let shared = checkout.deletingLastPathComponent().appendingPathComponent("shared")
    static let benchC = shared.appendingPathComponent("bench-c")
    static let wasiTestsuite = shared.appendingPathComponent("wasi-testsuite")

    static func benchModule(_ name: String) throws -> String {
        let path = benchC.appendingPathComponent("wasm/\(name)").path
        guard FileManager.default.fileExists(atPath: path) else { throw XCTSkip("\(path) not found") }
        return path
    }
}

/// Results filled in by worker threads, each slot written once under the lock.
private final class ResultSlots<T>: @unchecked Sendable {
    let lock = NSLock()
    var results: [T?]
    var next = 0
    init(count: Int) { results = Array(repeating: nil, count: count) }

    /// The next job index to run, or nil when all are taken.
    func claim(below count: Int) -> Int? {
        lock.lock()
        defer { lock.unlock() }
        guard next < count else { return nil }
        next += 1
        return next - 1
    }

    func store(_ result: T, at index: Int) {
        lock.lock()
        results[index] = result
        lock.unlock()
    }
}

/// Runs `count` jobs on up to `workers` threads and returns their results in order.
func runConcurrently<T>(count: Int, workers: Int, _ job: @escaping @Sendable (Int) -> T) -> [T] {
    let slots = ResultSlots<T>(count: count)
    let group = DispatchGroup()
    for _ in 0..<max(1, min(workers, count)) {
        DispatchQueue.global().async(group: group) {
            while let index = slots.claim(below: count) {
                slots.store(job(index), at: index)
            }
        }
    }
    group.wait()
    return slots.results.compactMap { $0 }
}
