import Foundation
import XCTest

import SwasmText

/// Malformed text is rejected with a `TextError`; well-formed but invalid modules are not.
final class ErrorTests: XCTestCase {
    private func assertMalformed(_ source: String, _ fragment: String, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertThrowsError(try WAT.encode(source), file: file, line: line) { error in
            guard let textError = error as? TextError else {
                return XCTFail("not a TextError: \(error)", file: file, line: line)
            }
            XCTAssertTrue(textError.message.contains(fragment), "\(textError.message) lacks \(fragment)", file: file, line: line)
        }
    }

    func testMalformedModules() {
        assertMalformed("(func (i32.const 0x1_0000_0000) drop)", "i32 constant out of range")
        assertMalformed("(func (i64.const 18446744073709551616) drop)", "i64 constant out of range")
        assertMalformed("(func (f32.const 1e39) drop)", "constant out of range")
        assertMalformed("(func (f64.const nan:0x0) drop)", "constant out of range")
        assertMalformed("(func i32.frobnicate)", "unknown operator")
        assertMalformed("(func block $a end $b)", "mismatching label")
        assertMalformed("(func block end $b)", "mismatching label")
        assertMalformed("(func if $a else $b end)", "mismatching label")
        assertMalformed("(func br $nowhere)", "unknown label")
        assertMalformed("(func $f) (func $f)", "duplicate func")
        assertMalformed("(func (param $x i32) (local $x i32))", "duplicate local")
        assertMalformed("(global $g i32 (i32.const 0)) (global $g i32 (i32.const 0))", "duplicate global")
        assertMalformed(#"(func) (import "" "" (func))"#, "import after function")
        assertMalformed(#"(memory 0) (import "" "" (global i32))"#, "import after memory")
        assertMalformed(#"(table 0 funcref) (func (import "" ""))"#, "import after table")
        assertMalformed("(type $t (func (param i32))) (func (type $t) (param i64))", "inline function type")
        assertMalformed("(type $t (func)) (func (type $t) (result i32) unreachable)", "inline function type")
        assertMalformed("(memory 1) (func (drop (i32.load align=3 (i32.const 0))))", "alignment")
        assertMalformed("(func (call $missing))", "unknown func")
        assertMalformed("(func (local.get $missing))", "unknown local")
        assertMalformed("(func) (start 0) (start 0)", "multiple start sections")
        assertMalformed(#"(func (export "\80"))"#, "malformed UTF-8")
        assertMalformed(#"(data "\q")"#, "escape")
        assertMalformed(#"(data "abc)"#, "unclosed string")
        assertMalformed("(func (; unclosed", "unclosed comment")
        assertMalformed("(func (block (param $x i32)))", "unexpected token")
        assertMalformed("(func (result i32) (param i32))", "unknown operator")
        assertMalformed("(module) (func)", "unexpected token")
        assertMalformed("(func (i32.const 0)", "unexpected end")
        assertMalformed("(func (v128.const i32x4 0 0 0))", "wrong number of lane literals")
        assertMalformed("(func i8x16.extract_lane_s 256)", "lane")
        assertMalformed("(memory 0x1_0000_0000)", "i32 constant out of range")
        assertMalformed(#"(func "a""b")"#, "unknown operator or unexpected token")
        assertMalformed("(func $)", "unknown operator or unexpected token")
        assertMalformed("(func (i32.const 0) (i32.const 1)\u{7})", "illegal character")
    }

    func testErrorPosition() {
        XCTAssertThrowsError(try WAT.encode("(module\n  (func\n    i32.bogus))")) { error in
            XCTAssertEqual(error as? TextError, TextError(line: 3, column: 5, message: "unknown operator i32.bogus"))
        }
    }

    /// These are invalid (type errors, bad indices, limits) but well-formed: they must encode
    /// so that a validator can report them.
    func testInvalidButWellFormedModulesEncode() {
        for source in [
            "(func (result i32))",
            "(func (call 5))",
            "(func (local.get 3))",
            "(memory 2 1)",
            "(memory 70000)",
            "(memory 1) (func (drop (i32.load align=8 (i32.const 0))))",
            "(func (br 7))",
            "(func (select (result i32 i32) (i32.const 0) (i32.const 0) (i32.const 0)))",
            "(func (type 9))",
            "(table 1 funcref) (elem (i32.const 0) 5)",
            #"(func (export "a")) (func (export "a"))"#,
            "(func (memory.init 3 (i32.const 0) (i32.const 0) (i32.const 0)))",
        ] {
            XCTAssertNoThrow(try WAT.encode(source), source)
        }
    }

    func testWasm3OptionsReadWideLimits() {
        XCTAssertNoThrow(try WAT.encode("(memory 0x1_0000_0000)", options: .wasm3))
        XCTAssertNoThrow(try WAT.encode("(memory 1) (func (drop (i32.load offset=0x1_0000_0000 (i32.const 0))))", options: .wasm3))
        XCTAssertThrowsError(try WAT.encode("(memory 1) (func (drop (i32.load offset=0x1_0000_0000 (i32.const 0))))"))
        XCTAssertNoThrow(try WAT.encode("(memory i64 1) (func (drop (i32.load offset=0x1_0000_0000 (i64.const 0))))"))
    }
}

/// Pathological input fails with an error rather than exhausting the stack.
final class RobustnessTests: XCTestCase {
    /// Runs `body` on a thread with a small stack, as a host's worker thread might have.
    private func onSmallStack(_ body: @escaping () -> Void) {
        let done = expectation(description: "finished")
        let thread = Thread {
            body()
            done.fulfill()
        }
        thread.stackSize = 512 * 1024
        thread.start()
        wait(for: [done], timeout: 60)
    }

    func testDeepNestingEncodesOnASmallStack() {
        let depth = 100_000
        let folded = String(repeating: "(block ", count: depth - 1) + "(nop" + String(repeating: ")", count: depth)
        let plain = String(repeating: "block ", count: depth) + String(repeating: "end ", count: depth)
        onSmallStack {
            for source in ["(func \(folded))", "(func \(plain))"] {
                do {
                    _ = try WAT.encode(source)
                } catch {
                    XCTFail("\(error)")
                }
            }
        }
    }

    func testDeepUnclosedNestingIsAnError() {
        let depth = 100_000
        let folded = String(repeating: "(block ", count: depth) + String(repeating: ")", count: depth - 1)
        let plain = String(repeating: "block ", count: depth) + String(repeating: "end ", count: depth - 1)
        onSmallStack {
            XCTAssertNil(try? WAT.encode("(func \(folded))"))
            XCTAssertNil(try? WAT.encode("(func \(plain))"))
        }
    }

    func testHugeLiteralsAreBounded() throws {
        let digits = String(repeating: "1", count: 200_000)
        XCTAssertNoThrow(try WAT.encode("(func (f64.const 0.\(digits)) drop (f32.const 0x\(digits)p-800000) drop)"))
        XCTAssertNoThrow(try WAT.encode("(func (f64.const 1e-99999999999999999999) drop)"))
    }

    func testTruncatedInputsThrow() throws {
        let source = #"(module (type $t (func (param i32))) (memory 1) (data (i32.const 0) "x") (func $f (type $t) (block (result i32) (i32.load offset=4 (local.get 0)))) (export "f" (func $f)))"#
        let bytes = Array(source.utf8)
        for end in 0..<bytes.count {
            _ = try? WAT.encode(bytes: Array(bytes[0..<end]))
        }
    }
}
