import Foundation
import WastRunner
import XCTest

/// The threads proposal's scripts (`../shared/spec-testsuite/proposals/threads`), which pass
/// whole: shared memories, every atomic instruction, and the Wasm 1.0 rules those scripts
/// follow (one memory and one table per module; the runner picks them by path).
final class Spec3ThreadsTests: XCTestCase {
    func runWhole(_ name: String, atLeast minimum: Int, file: StaticString = #filePath, line: UInt = #line) throws {
        try Spec3Scripts.runWhole("proposals/threads/" + name, atLeast: minimum, file: file, line: line)
    }

    func testAtomic() throws { try runWhole("atomic.wast", atLeast: 235) }
    func testExports() throws { try runWhole("exports.wast", atLeast: 28) }
    func testImports() throws { try runWhole("imports.wast", atLeast: 111) }
    func testMemory() throws { try runWhole("memory.wast", atLeast: 70) }
}
