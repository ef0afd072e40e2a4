import XCTest

import SwasmText

/// The script format: directives, values and result patterns.
final class WastTests: XCTestCase {
    func testDirectives() throws {
        let script = #"""
        (module $M (func (export "f") (param i32) (result i32) (local.get 0)))
        (register "m" $M)
        (module binary "\00asm" "\01\00\00\00")
        (module quote "(func)" " (memory 1)")
        (invoke "f" (i32.const 1))
        (get $M "g")
        (assert_return (invoke $M "f" (i32.const -1)) (i32.const 0xffffffff))
        (assert_trap (invoke "f" (i32.const 0)) "unreachable")
        (assert_trap (module (func $start unreachable) (start $start)) "unreachable")
        (assert_exhaustion (invoke "loop") "call stack exhausted")
        (assert_invalid (module (func (result i32))) "type mismatch")
        (assert_malformed (module quote "(func i32.bogus)") "unknown operator")
        (assert_unlinkable (module (import "x" "y" (func))) "unknown import")
        (assert_uninstantiable (module (memory 1) (data (i32.const 70000) "x")) "out of bounds")
        (assert_exception (invoke "throw"))
        (module definition $D (func))
        (module instance $I $D)
        (thread $T (invoke "f"))
        """#
        let directives = try WAST.parse(script)
        XCTAssertEqual(directives.count, 18)
        XCTAssertEqual(directives.map(\.line), Array(1...18))

        guard case .module(let m) = directives[0].kind, case .text(let text) = m.source else { return XCTFail() }
        XCTAssertEqual(m.id, "M")
        XCTAssertTrue(text.hasPrefix("(module $M") && text.hasSuffix("(local.get 0)))"))
        XCTAssertNoThrow(try m.encode())

        guard case .register(let name, let id) = directives[1].kind else { return XCTFail() }
        XCTAssertEqual(name, "m")
        XCTAssertEqual(id, "M")

        guard case .module(let binary) = directives[2].kind, case .binary(let bytes) = binary.source else { return XCTFail() }
        XCTAssertEqual(bytes, [0, 0x61, 0x73, 0x6D, 1, 0, 0, 0])
        XCTAssertEqual(try binary.encode(), bytes)

        guard case .module(let quoted) = directives[3].kind, case .quote(let quote) = quoted.source else { return XCTFail() }
        XCTAssertEqual(quote, "(func) (memory 1)")
        XCTAssertNoThrow(try quoted.encode())

        XCTAssertEqual(directives[4].kind.action, .invoke(moduleId: nil, name: "f", args: [.i32(1)]))
        XCTAssertEqual(directives[5].kind.action, .get(moduleId: "M", name: "g"))

        guard case .assertReturn(let action, let expected) = directives[6].kind else { return XCTFail() }
        XCTAssertEqual(action, .invoke(moduleId: "M", name: "f", args: [.i32(0xFFFF_FFFF)]))
        XCTAssertEqual(expected, [.i32(0xFFFF_FFFF)])

        guard case .assertTrap(.action, "unreachable") = directives[7].kind else { return XCTFail() }
        guard case .assertTrap(.module, "unreachable") = directives[8].kind else { return XCTFail() }
        guard case .assertExhaustion(_, "call stack exhausted") = directives[9].kind else { return XCTFail() }
        guard case .assertInvalid(let invalid, "type mismatch") = directives[10].kind else { return XCTFail() }
        XCTAssertNoThrow(try invalid.encode())
        guard case .assertMalformed(let malformed, "unknown operator") = directives[11].kind else { return XCTFail() }
        XCTAssertThrowsError(try malformed.encode())
        guard case .assertUnlinkable(_, "unknown import") = directives[12].kind else { return XCTFail() }
        guard case .assertUninstantiable(_, "out of bounds") = directives[13].kind else { return XCTFail() }
        guard case .assertException(.invoke(nil, "throw", [])) = directives[14].kind else { return XCTFail() }
        guard case .moduleDefinition(let definition) = directives[15].kind else { return XCTFail() }
        XCTAssertEqual(definition.id, "D")
        XCTAssertNoThrow(try definition.encode())
        guard case .moduleInstance("I", "D") = directives[16].kind else { return XCTFail() }
        guard case .unsupported("thread") = directives[17].kind else { return XCTFail() }
    }

    func testValuesAndPatterns() throws {
        let script = #"""
        (assert_return (invoke "f"
            (i64.const -1) (f32.const -0x1p-149) (f64.const nan:0x1) (v128.const i16x8 1 2 3 4 5 6 7 -1)
            (ref.null func) (ref.null extern) (ref.extern 7) (ref.host 2))
          (f32.const nan:canonical) (f64.const nan:arithmetic) (f64.const -inf)
          (v128.const f32x4 nan:canonical 1.0 -0 nan:arithmetic)
          (v128.const i8x16 0 1 2 3 4 5 6 7 8 9 10 11 12 13 14 -1)
          (ref.null) (ref.null any) (ref.extern) (ref.extern 3) (ref.func) (ref.struct) (ref.i31)
          (either (i32.const 1) (i32.const 2)))
        """#
        let directives = try WAST.parse(script)
        guard case .assertReturn(.invoke(_, "f", let args), let expected) = directives[0].kind else { return XCTFail() }
        XCTAssertEqual(args, [
            .i64(UInt64.max), .f32(0x8000_0001), .f64(0x7FF0_0000_0000_0001),
            .v128([1, 0, 2, 0, 3, 0, 4, 0, 5, 0, 6, 0, 7, 0, 0xFF, 0xFF]),
            .refNull(.func), .refNull(.extern), .refExtern(7), .refHost(2),
        ])
        XCTAssertEqual(expected, [
            .f32NaN(.canonical), .f64NaN(.arithmetic), .f64(0xFFF0_0000_0000_0000),
            .v128([.f32NaN(.canonical), .f32(0x3F80_0000), .f32(0x8000_0000), .f32NaN(.arithmetic)]),
            .v128((0...14).map { .i8(UInt8($0)) } + [.i8(0xFF)]),
            .refNull(nil), .refNull(.any), .refExtern(nil), .refExtern(3), .refFunc(nil), .ref(.struct), .ref(.i31),
            .either([.i32(1), .i32(2)]),
        ])
    }

    func testNamesWithEscapes() throws {
        let directives = try WAST.parse(#"(assert_return (invoke "\u{1F600}\t\"x\"") (i32.const 0))"#)
        guard case .assertReturn(.invoke(_, let name, _), _) = directives[0].kind else { return XCTFail() }
        XCTAssertEqual(name, "😀\t\"x\"")
    }

    func testBadModuleDoesNotStopTheScript() throws {
        let directives = try WAST.parse("(module (func i32.bogus)) (module (func))")
        XCTAssertEqual(directives.count, 2)
        guard case .module(let bad) = directives[0].kind, case .module(let good) = directives[1].kind else { return XCTFail() }
        XCTAssertThrowsError(try bad.encode())
        XCTAssertNoThrow(try good.encode())
    }

    func testScriptSyntaxErrorsThrow() {
        XCTAssertThrowsError(try WAST.parse("(assert_return (invoke \"f\")"))
        XCTAssertThrowsError(try WAST.parse("(invoke \"f\" (i32.const x))"))
        XCTAssertThrowsError(try WAST.parse("module"))
    }
}

private extension WastDirective.Kind {
    var action: WastAction? {
        if case .action(let a) = self { return a }
        return nil
    }
}
