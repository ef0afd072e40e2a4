import Foundation
import Swasm
import SwasmText
import WastRunner
import XCTest

/// The Wasm 3.0 script forms, on small scripts that use only what the engine runs today.
final class Spec3ScriptFormTests: XCTestCase {
    private func run(_ script: String, dialect: WastDialect = .wasm3) -> WastResult {
        WastRunner(path: "test.wast", dialect: dialect).run(source: script)
    }

    private func assertAllPass(_ result: WastResult, passed: Int, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(result.failed, 0, result.failures.joined(separator: "\n"), file: file, line: line)
        XCTAssertEqual(result.passed, passed, file: file, line: line)
    }

    private static let counter = """
        (module definition $M
          (global (export "g") (mut i32) (i32.const 0))
          (func (export "inc") (result i32)
            (global.set 0 (i32.add (global.get 0) (i32.const 1)))
            (global.get 0)))
        """

    func testModuleInstancesOfOneDefinitionAreSeparate() {
        let result = run(Self.counter + """
            (module instance $I1 $M)
            (module instance $I2 $M)
            (assert_return (invoke $I1 "inc") (i32.const 1))
            (assert_return (invoke $I1 "inc") (i32.const 2))
            (assert_return (invoke $I2 "inc") (i32.const 1))
            (assert_return (invoke "inc") (i32.const 2))
            """)
        assertAllPass(result, passed: 4)
    }

    func testRegisteredInstanceIsImportable() {
        let result = run(Self.counter + """
            (module instance $I $M)
            (assert_return (invoke $I "inc") (i32.const 1))
            (register "counter" $I)
            (module (import "counter" "g" (global (mut i32))) (func (export "read") (result i32) (global.get 0)))
            (assert_return (invoke "read") (i32.const 1))
            """)
        assertAllPass(result, passed: 2)
    }

    func testDefinitionNeitherInstantiatesNorReplacesTheCurrentInstance() {
        let result = run("""
            (module $A (func (export "f") (result i32) (i32.const 1)))
            (module definition $B (func (export "f") (result i32) (i32.const 2)))
            (assert_return (invoke "f") (i32.const 1))
            (module definition (func $start unreachable) (start $start))
            (assert_return (invoke "f") (i32.const 1))
            (module instance $C $B)
            (assert_return (invoke "f") (i32.const 2))
            (assert_return (invoke $A "f") (i32.const 1))
            """)
        assertAllPass(result, passed: 4)
    }

    func testInstanceWithoutDefinitionNameUsesTheLatestDefinition() {
        let result = run("""
            (module definition $B (func (export "f") (result i32) (i32.const 2)))
            (module instance $I)
            (assert_return (invoke $I "f") (i32.const 2))
            (module definition (func $start unreachable) (start $start))
            (module instance)
            """)
        XCTAssertEqual(result.passed, 1)
        XCTAssertEqual(result.failed, 1, "instantiating the trapping definition fails")
        XCTAssertTrue(result.failures.last?.contains("unreachable") ?? false, result.failures.joined(separator: "\n"))
    }

    func testUnknownDefinitionFails() {
        let result = run("(module instance $I $Missing)\n(assert_return (invoke $I \"f\"))")
        XCTAssertEqual(result.failed, 2)
        XCTAssertTrue(result.failures[0].contains("unknown module definition $Missing"), result.failures[0])
    }

    func testNamedBinaryModule() {
        // () -> i32 returning 7, exported as "f".
        let result = run(#"""
            (module $bin binary
              "\00asm" "\01\00\00\00"
              "\01\05\01\60\00\01\7f"
              "\03\02\01\00"
              "\07\05\01\01f\00\00"
              "\0a\06\01\04\00\41\07\0b")
            (module (func (export "f") (result i32) (i32.const 1)))
            (assert_return (invoke $bin "f") (i32.const 7))
            (register "bin" $bin)
            (module (import "bin" "f" (func $f (result i32))) (func (export "g") (result i32) (call $f)))
            (assert_return (invoke "g") (i32.const 7))
            """#)
        assertAllPass(result, passed: 2)
    }

    func testEitherResults() {
        let result = run("""
            (module (func (export "f") (result i32 i64) (i32.const 1) (i64.const 2)))
            (assert_return (invoke "f") (either (i32.const 0) (i32.const 1)) (either (i64.const 2)))
            (assert_return (invoke "f") (either (i32.const 0) (i32.const 3)) (i64.const 2))
            """)
        XCTAssertEqual(result.passed, 1)
        XCTAssertEqual(result.failed, 1)
        XCTAssertTrue(result.failures[0].contains("either("), result.failures[0])
    }

    func testReferencePatterns() {
        let result = run("""
            (module
              (func $f)
              (elem declare func $f)
              (func (export "func") (result funcref) (ref.func $f))
              (func (export "null") (result funcref) (ref.null func))
              (func (export "id") (param externref) (result externref) (local.get 0)))
            (assert_return (invoke "func") (ref.func))
            (assert_return (invoke "null") (ref.null))
            (assert_return (invoke "null") (ref.null func))
            (assert_return (invoke "id" (ref.extern 3)) (ref.extern 3))
            (assert_return (invoke "id" (ref.extern 3)) (ref.extern))
            (assert_return (invoke "id" (ref.host 4)) (ref.host 4))
            (assert_return (invoke "func") (ref.i31))
            (assert_return (invoke "func") (ref.struct))
            (assert_return (invoke "func") (ref.array))
            (assert_return (invoke "func") (ref.eq))
            (assert_return (invoke "func") (ref.extern))
            (assert_return (invoke "null") (ref.func))
            (assert_return (invoke "id" (ref.extern 3)) (ref.func))
            """)
        XCTAssertEqual(result.passed, 6, result.failures.joined(separator: "\n"))
        XCTAssertEqual(result.failed, 7, "a function or null never matches a GC, extern or non-null pattern")
    }

    func testAssertExceptionPassesOnlyForAnUncaughtException() {
        let result = run("""
            (module
              (tag $t (param i32))
              (global $g (mut i32) (i32.const 0))
              (func (export "returns") (result i32) (global.set $g (i32.const 5)) (i32.const 1))
              (func (export "traps") unreachable)
              (func (export "throws") (throw $t (i32.const 1)))
              (func (export "g") (result i32) (global.get $g)))
            (assert_exception (invoke "returns"))
            (assert_exception (invoke "traps"))
            (assert_exception (invoke "throws"))
            (assert_return (invoke "g") (i32.const 5))
            """)
        XCTAssertEqual(result.passed, 2, "the action ran: its effect is visible")
        XCTAssertEqual(result.failed, 2)
        XCTAssertTrue(result.failures[0].contains("expected an exception, got [i32:1]"), result.failures[0])
        XCTAssertTrue(result.failures[1].contains("expected an exception, got trap"), result.failures[1])
    }

    func testThreadDirectivesAreReportedAsUnsupported() {
        let result = run("""
            (thread $T (module (func (export "f"))))
            (wait $T)
            """)
        XCTAssertEqual(result.failed, 2)
        XCTAssertTrue(result.failures[0].contains("unsupported: thread"), result.failures[0])
        XCTAssertTrue(result.failures[1].contains("unsupported: wait"), result.failures[1])
    }

    func testDialectDetectionByPath() {
        XCTAssertEqual(WastDialect.detect(path: "/w/shared/spec-testsuite-wasm2.0/memory.wast"), .wasm2)
        XCTAssertEqual(WastDialect.detect(path: "../shared/spec-testsuite-wasm2.0/memory.wast"), .wasm2)
        XCTAssertEqual(WastDialect.detect(path: "/w/shared/spec-testsuite/memory.wast"), .wasm3)
        // The threads proposal's scripts predate Wasm 3.0's 64-bit limits and multiple tables.
        XCTAssertEqual(WastDialect.detect(path: "/w/shared/spec-testsuite/proposals/threads/atomic.wast"), .threads)
        XCTAssertEqual(WastDialect.detect(path: "../shared/spec-testsuite-wasm2.0/proposals/threads/memory.wast"), .threads)
        XCTAssertEqual(WastDialect.detect(path: "/w/shared/spec-testsuite/proposals/wide-arithmetic/x.wast"), .wasm3)
        XCTAssertEqual(WastDialect.detect(path: "wasm2.wast"), .wasm3, "only directories count")
        XCTAssertEqual(WastDialect.wasm2.resolved(path: "/a/spec-testsuite/x.wast"), .wasm2)
        XCTAssertEqual(WastDialect.automatic.resolved(path: "/a/wasm2.0/x.wast"), .wasm2)
        XCTAssertEqual(WastDialect.wasm2.textOptions, .wasm2)
        XCTAssertEqual(WastDialect.wasm3.textOptions, .wasm3)
    }

    func testDialectDecidesHowOverWideLimitsAreEncoded() {
        let script = "(assert_malformed (module quote \"(memory 0x1_0000_0000)\") \"i32 constant\")"
        assertAllPass(run(script, dialect: .wasm2), passed: 1)
        // Wasm 3.0 text encodes the limit and leaves it to the decoder and validator.
        let result = run("(module (memory 0x1_0000_0000))", dialect: .wasm3)
        XCTAssertFalse(result.failures.contains { $0.contains("malformed text") }, result.failures.joined(separator: "\n"))
    }
}

/// Runs the Wasm 3.0 suite and its threads proposal, printing the totals: every assertion of
/// every script must pass (docs/wasm3-status.md has the per-script counts).
final class Spec3SuiteCounts: XCTestCase {
    static let directory: URL = SpecSuite.directory
        .deletingLastPathComponent()
        .appendingPathComponent("spec-testsuite")

    func testWasm3SuiteRuns() throws {
        let fm = FileManager.default
        guard fm.fileExists(atPath: Self.directory.path) else {
            throw XCTSkip("Wasm 3.0 suite not found at \(Self.directory.path)")
        }
        var paths: [String] = []
        for folder in [Self.directory, Self.directory.appendingPathComponent("proposals/threads")] {
            let names = (try? fm.contentsOfDirectory(atPath: folder.path)) ?? []
            paths += names.filter { $0.hasSuffix(".wast") }.sorted().map { folder.appendingPathComponent($0).path }
        }
        // Deeply nested scripts need more stack than the test thread has.
        let totals = Totals()
        let done = DispatchSemaphore(value: 0)
        let scripts = paths
        let thread = Thread {
            for path in scripts {
                let result = SpecTier.runFile(atPath: path)
                for tier in SpecTier.allCases {
                    totals.passed[tier, default: 0] += result[tier].passed
                    totals.failed[tier, default: 0] += result[tier].failed
                }
            }
            done.signal()
        }
        thread.stackSize = 512 << 20
        thread.start()
        done.wait()
        XCTAssertGreaterThan(paths.count, 0)
        for tier in SpecTier.allCases {
            let (passed, failed) = (totals.passed[tier, default: 0], totals.failed[tier, default: 0])
            print("spec suite (Wasm 3.0, with threads proposal, \(paths.count) scripts, \(tier.rawValue)): \(passed) passed, \(failed) failed")
            XCTAssertGreaterThan(passed, 0)
            XCTAssertEqual(failed, 0, "failed assertions in the Wasm 3.0 suite on the \(tier.rawValue) (swasm wast names them)")
        }
    }
}

/// Written by the one script thread, read after it signalled completion.
private final class Totals: @unchecked Sendable {
    var passed: [SpecTier: Int] = [:]
    var failed: [SpecTier: Int] = [:]
}
