import Foundation
import WastRunner
import XCTest

/// The Wasm 3.0 scripts of tail calls and exception handling that pass whole, and the legacy
/// exception-handling scripts (`../shared/spec-testsuite/legacy`), run with the 3.0 rules.
/// Scripts of these features that still fail wait for others (typed function references,
/// GC); docs/wasm3-status.md counts them.
final class Spec3TailCallExceptionTests: XCTestCase {
    func runWhole(_ relativePath: String, atLeast minimum: Int, file: StaticString = #filePath, line: UInt = #line) throws {
        try Spec3Scripts.runWhole(relativePath, atLeast: minimum, file: file, line: line)
    }

    func testReturnCall() throws { try runWhole("return_call.wast", atLeast: 44) }
    func testReturnCallIndirect() throws { try runWhole("return_call_indirect.wast", atLeast: 76) }
    func testThrow() throws { try runWhole("throw.wast", atLeast: 12) }
    func testThrowRef() throws { try runWhole("throw_ref.wast", atLeast: 14) }
    func testImports() throws { try runWhole("imports.wast", atLeast: 144) }
    func testLegacyRethrow() throws { try runWhole("legacy/rethrow.wast", atLeast: 15) }
    func testLegacyThrow() throws { try runWhole("legacy/throw.wast", atLeast: 10) }
    func testLegacyTryCatch() throws { try runWhole("legacy/try_catch.wast", atLeast: 39) }
    func testLegacyTryDelegate() throws { try runWhole("legacy/try_delegate.wast", atLeast: 25) }
}
