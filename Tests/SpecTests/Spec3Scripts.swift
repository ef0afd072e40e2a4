import Foundation
import WastRunner
import XCTest

/// The Wasm 3.0 suite (`../shared/spec-testsuite`) for the per-feature test classes, which
/// run its scripts one test each.
enum Spec3Scripts {
    static let suite = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
        .appendingPathComponent("shared/spec-testsuite")

    /// Runs the script at `relativePath` in the suite on both tiers (their counts added, each
    /// failure named by its tier); skips the test when the suite is absent.
    static func run(_ relativePath: String) throws -> WastResult {
        let path = suite.appendingPathComponent(relativePath).path
        guard FileManager.default.fileExists(atPath: path) else {
            throw XCTSkip("Wasm 3.0 spec suite script not found at \(path)")
        }
        return SpecTier.runFile(atPath: path).combined
    }

    /// Runs a script that must pass whole: no failed assertion, at least `minimum` passed.
    static func runWhole(_ relativePath: String, atLeast minimum: Int,
                         file: StaticString = #filePath, line: UInt = #line) throws {
        let result = try run(relativePath)
        XCTAssertEqual(result.failed, 0, result.failures.prefix(20).joined(separator: "\n"), file: file, line: line)
        XCTAssertGreaterThanOrEqual(result.passed, minimum, file: file, line: line)
    }
}
