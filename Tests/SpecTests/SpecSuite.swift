import Foundation
import Swasm
import WastRunner
import XCTest

/// Finds and runs the official Wasm 2.0 scripts at `../shared/spec-testsuite-wasm2.0` (a sibling
/// of the repository root). Results are cached so the totals test reuses the per-file runs.
enum SpecSuite {
    static let directory: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent()  // SpecTests
        .deletingLastPathComponent()  // Tests
        .deletingLastPathComponent()  // repository root
        .deletingLastPathComponent()
        .appendingPathComponent("shared/spec-testsuite-wasm2.0")

    /// Every top-level script that should pass, by file name without `.wast`.
    static func scriptNames() throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: directory.path)
            .filter { $0.hasSuffix(".wast") }
            .map { String($0.dropLast(".wast".count)) }
            .sorted()
    }

    private static let lock = NSLock()
    private static var cache: [String: WastResult] = [:]

    static func result(for name: String) -> WastResult {
        lock.lock()
        if let cached = cache[name] {
            lock.unlock()
            return cached
        }
        lock.unlock()
        let path = directory.appendingPathComponent(name + ".wast").path
        let result = WastRunner.runFile(atPath: path, configuration: .everyFunctionNative)
        lock.lock()
        cache[name] = result
        lock.unlock()
        return result
    }
}

extension XCTestCase {
    /// Runs one script and fails with each failing assertion's line.
    func runSpecScript(_ name: String, file: StaticString = #filePath, line: UInt = #line) throws {
        let path = SpecSuite.directory.appendingPathComponent(name + ".wast").path
        guard FileManager.default.fileExists(atPath: path) else {
            throw XCTSkip("spec suite not found at \(SpecSuite.directory.path)")
        }
        let result = SpecSuite.result(for: name)
        if result.failed > 0 {
            let shown = result.failures.prefix(50).joined(separator: "\n")
            let more = result.failures.count > 50 ? "\n… and \(result.failures.count - 50) more" : ""
            XCTFail(
                "\(name).wast: \(result.passed) passed, \(result.failed) failed\n\(shown)\(more)",
                file: file, line: line
            )
        }
    }
}

final class SpecSuiteTotals: XCTestCase {
    /// Prints the assertion totals over every script (reusing the per-file runs when they
    /// happened in this process) and fails if any assertion failed.
    func testTotalAssertionCount() throws {
        guard FileManager.default.fileExists(atPath: SpecSuite.directory.path) else {
            throw XCTSkip("spec suite not found at \(SpecSuite.directory.path)")
        }
        var passed = 0
        var failed = 0
        var failedFiles: [String] = []
        for name in try SpecSuite.scriptNames() {
            let result = SpecSuite.result(for: name)
            passed += result.passed
            failed += result.failed
            if result.failed > 0 { failedFiles.append("\(name) (\(result.failed))") }
        }
        print("spec suite (Wasm 2.0): \(passed) passed, \(failed) failed")
        XCTAssertGreaterThan(passed, 0)
        XCTAssertEqual(failed, 0, "failing scripts: " + failedFiles.joined(separator: ", "))
    }

    /// Every script in the suite has its own test method in SpecScriptTests or SpecSIMDScriptTests.
    func testEveryScriptHasATestMethod() throws {
        guard FileManager.default.fileExists(atPath: SpecSuite.directory.path) else {
            throw XCTSkip("spec suite not found at \(SpecSuite.directory.path)")
        }
        let missing = try SpecSuite.scriptNames().filter {
            !SpecScriptTests.generatedScriptNames.contains($0) && !SpecSIMDScriptTests.scriptNames.contains($0)
        }
        XCTAssertEqual(missing, [], "add these scripts to SpecScriptTests.swift (SIMD: SpecSIMDScriptTests.swift)")
    }
}

extension EngineConfiguration {
    /// The suites run every function they call as machine code (where the build has the native
    /// tier), not only those that run often, so that they test both tiers: functions the tier
    /// cannot compile stay interpreted.
    static var everyFunctionNative: EngineConfiguration {
        var configuration = EngineConfiguration()
        configuration.nativeCodeThreshold = 0
        return configuration
    }
}
