import XCTest
import SwasmText
@testable import Swasm

/// Runaway recursion stops at the same depth, with the same trap and the same count of calls
/// made, whichever tier runs which frames: interpreted, compiled at the first call, and
/// compiled after 50 entries or iterations (so the recursion switches tiers on the way down).
final class NativeDepthTests: XCTestCase {
    func outcomesOnEveryTier(_ wat: String, _ calls: [(String, [Value])]) throws -> [[String]] {
        var warmingUp = EngineConfiguration()
        warmingUp.nativeCodeThreshold = 50
        return try [.interpreterOnly, .nativeAtFirstCall, warmingUp].map { configuration in
            let engine = Engine(configuration: configuration)
            let instance = try Linker().instantiate(store: Store(engine: engine),
                                                    module: Module(engine: engine, bytes: WAT.encode(wat)))
            return try calls.map { try outcome(instance, $0.0, $0.1) }
        }
    }

    func assertSameOnEveryTier(_ outcomes: [[String]], file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(outcomes[1], outcomes[0], "compiled at the first call", file: file, line: line)
        XCTAssertEqual(outcomes[2], outcomes[0], "compiled after 50 entries or iterations", file: file, line: line)
    }

    func testRunawayRecursionStopsAtTheInterpretersDepth() throws {
        let wat = """
        (module
          (global $calls (mut i32) (i32.const 0))
          (func $dive (export "dive")
            (global.set $calls (i32.add (global.get $calls) (i32.const 1)))
            (call $dive))
          (func $ping (export "ping") (param $n i64) (result i64)
            (global.set $calls (i32.add (global.get $calls) (i32.const 1)))
            (i64.add (call $pong (i64.add (local.get $n) (i64.const 1))) (i64.const 1)))
          (func $pong (param $n i64) (result i64)
            (call $ping (i64.mul (local.get $n) (i64.const 3))))
          (func (export "calls") (result i32) (global.get $calls)))
        """
        let outcomes = try outcomesOnEveryTier(wat, [("dive", []), ("calls", []), ("ping", [.i64(1)]), ("calls", []),
                                                     ("dive", []), ("calls", [])])
        XCTAssertTrue(outcomes[0][0].hasPrefix("trap call stack exhausted"), outcomes[0][0])
        assertSameOnEveryTier(outcomes)
    }

    /// Compiled frames above a recursion the tier leaves to the interpreter (its function has a
    /// tail call), at several depths.
    func testInterpretedRecursionBelowCompiledFramesStopsAtTheInterpretersDepth() throws {
        let wat = """
        (module
          (global $calls (mut i32) (i32.const 0))
          (func $compiled (export "descend") (param $n i32)
            (global.set $calls (i32.add (global.get $calls) (i32.const 1)))
            (if (i32.eqz (local.get $n))
              (then (call $interpreted))
              (else (call $compiled (i32.sub (local.get $n) (i32.const 1))))))
          (func $nothing)
          (func $interpreted
            (global.set $calls (i32.add (global.get $calls) (i32.const 1)))
            (call $interpreted)
            (if (i32.eqz (global.get $calls)) (then (return_call $nothing))))
          (func (export "calls") (result i32) (global.get $calls)))
        """
        let outcomes = try outcomesOnEveryTier(wat, [0, 1, 2, 100, 5000].flatMap { depth -> [(String, [Value])] in
            [("descend", [.i32(depth)]), ("calls", [])]
        })
        XCTAssertTrue(outcomes[0][0].hasPrefix("trap call stack exhausted"), outcomes[0][0])
        assertSameOnEveryTier(outcomes)
    }
}
