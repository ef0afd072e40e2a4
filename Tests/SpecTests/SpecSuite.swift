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
    private static var cache: [String: TieredWastResult] = [:]

    /// The script's results on both tiers (run once per process).
    static func tieredResult(for name: String) -> TieredWastResult {
        lock.lock()
        if let cached = cache[name] {
            lock.unlock()
            return cached
        }
        lock.unlock()
        let path = directory.appendingPathComponent(name + ".wast").path
        let result = SpecTier.runFile(atPath: path)
        lock.lock()
        cache[name] = result
        lock.unlock()
        return result
    }

    /// Both tiers' counts added, failures named by tier.
    static func result(for name: String) -> WastResult { tieredResult(for: name).combined }
}

/// The two ways every spec script runs: in the interpreter alone, and with every function the
/// native tier can compile running as machine code from its first call. Each tier must pass on
/// its own: on x86-64 the native run would otherwise hide the interpreter's scalar paths from
/// the suites, and elsewhere (no native tier) both runs interpret.
enum SpecTier: String, CaseIterable, Sendable {
    case interpreter
    case native

    var configuration: EngineConfiguration {
        switch self {
        case .interpreter:
            var configuration = EngineConfiguration()
            configuration.nativeCode = false
            return configuration
        case .native:
            return .everyFunctionNative
        }
    }

    /// Runs the script at `path` on each tier.
    static func runFile(atPath path: String, dialect: WastDialect = .automatic) -> TieredWastResult {
        var results: [SpecTier: WastResult] = [:]
        for tier in allCases {
            results[tier] = WastRunner.runFile(atPath: path, configuration: tier.configuration, dialect: dialect)
        }
        return TieredWastResult(results: results)
    }
}

/// One script's results on every tier.
struct TieredWastResult: Sendable {
    var results: [SpecTier: WastResult]

    subscript(tier: SpecTier) -> WastResult { results[tier] ?? WastResult(path: "") }

    /// The tiers' counts added; each failure starts with its tier.
    var combined: WastResult {
        var total = WastResult(path: self[.interpreter].path)
        for tier in SpecTier.allCases {
            let result = self[tier]
            total.passed += result.passed
            total.failed += result.failed
            total.failures += result.failures.map { "[\(tier.rawValue)] \($0)" }
        }
        return total
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
        var passed: [SpecTier: Int] = [:]
        var failed: [SpecTier: Int] = [:]
        var failedFiles: [String] = []
        for name in try SpecSuite.scriptNames() {
            let result = SpecSuite.tieredResult(for: name)
            for tier in SpecTier.allCases {
                passed[tier, default: 0] += result[tier].passed
                failed[tier, default: 0] += result[tier].failed
                if result[tier].failed > 0 { failedFiles.append("\(name) on the \(tier.rawValue) (\(result[tier].failed))") }
            }
        }
        for tier in SpecTier.allCases {
            print("spec suite (Wasm 2.0, \(tier.rawValue)): \(passed[tier, default: 0]) passed, \(failed[tier, default: 0]) failed")
            XCTAssertGreaterThan(passed[tier, default: 0], 0)
        }
        XCTAssertEqual(failed.values.reduce(0, +), 0, "failing scripts: " + failedFiles.joined(separator: ", "))
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
