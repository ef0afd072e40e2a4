import WastRunner
import XCTest

/// 64-bit memories and tables beyond what the spec scripts check: an i64 address plus a
/// 64-bit offset that wraps traps instead of reaching low memory, indices past 2^32 are out
/// of bounds rather than truncated, growth failures are -1 as an i64, and a 64-bit memory
/// next to a 32-bit memory 0 leaves memory 0's accesses as they were.
final class Memory64Tests: XCTestCase {
    private func assertAllPass(_ script: String, passed: Int, file: StaticString = #filePath, line: UInt = #line) {
        let result = WastRunner(path: "test.wast", dialect: .wasm3).run(source: script)
        XCTAssertEqual(result.failed, 0, result.failures.joined(separator: "\n"), file: file, line: line)
        XCTAssertEqual(result.passed, passed, file: file, line: line)
    }

    func testAddressPlusOffsetNeverWraps() {
        assertAllPass("""
            (module
              (memory i64 1)
              (data (i64.const 0) "\\2a")
              (func (export "load") (param i64) (result i32) (i32.load8_u offset=0xffff_ffff_ffff_fff0 (local.get 0)))
              (func (export "store") (param i64) (i64.store offset=0xffff_ffff_ffff_fff8 (local.get 0) (i64.const 7)))
              (func (export "v128") (param i64) (result i32)
                (i32x4.extract_lane 0 (v128.load offset=0xffff_ffff_ffff_fff0 (local.get 0))))
              (func (export "at") (param i64) (result i32) (i32.load8_u (local.get 0))))
            (assert_trap (invoke "load" (i64.const 0x10)) "out of bounds memory access")
            (assert_trap (invoke "load" (i64.const 0)) "out of bounds memory access")
            (assert_trap (invoke "store" (i64.const 8)) "out of bounds memory access")
            (assert_trap (invoke "v128" (i64.const 0x10)) "out of bounds memory access")
            (assert_return (invoke "at" (i64.const 0)) (i32.const 0x2a))
            (assert_trap (invoke "at" (i64.const 0x1_0000_0000)) "out of bounds memory access")
            (assert_trap (invoke "at" (i64.const -1)) "out of bounds memory access")
            """, passed: 7)
    }

    func testGrowAndBulkOperationsOnA64BitMemory() {
        assertAllPass("""
            (module
              (memory 1)
              (memory $wide i64 1 3)
              (func (export "grow") (param i64) (result i64) (memory.grow $wide (local.get 0)))
              (func (export "size") (result i64) (memory.size $wide))
              (func (export "fill") (param i64 i32 i64) (memory.fill $wide (local.get 0) (local.get 1) (local.get 2)))
              (func (export "copyIn") (param i32 i64 i32) (memory.copy 0 $wide (local.get 0) (local.get 1) (local.get 2)))
              (func (export "get") (param i32) (result i32) (i32.load8_u (local.get 0))))
            (assert_return (invoke "grow" (i64.const 0x1_0000_0001)) (i64.const -1))
            (assert_return (invoke "grow" (i64.const 3)) (i64.const -1))
            (assert_return (invoke "grow" (i64.const 1)) (i64.const 1))
            (assert_return (invoke "size") (i64.const 2))
            (assert_return (invoke "fill" (i64.const 0x1fffe) (i32.const 9) (i64.const 2)))
            (assert_trap (invoke "fill" (i64.const 1) (i32.const 9) (i64.const -1)) "out of bounds memory access")
            (assert_trap (invoke "fill" (i64.const -1) (i32.const 9) (i64.const 2)) "out of bounds memory access")
            (assert_return (invoke "copyIn" (i32.const 5) (i64.const 0x1fffe) (i32.const 2)))
            (assert_return (invoke "get" (i32.const 6)) (i32.const 9))
            (assert_trap (invoke "copyIn" (i32.const 0) (i64.const -1) (i32.const 2)) "out of bounds memory access")
            """, passed: 10)
    }

    func testTableIndicesPast32BitsAreOutOfBounds() {
        assertAllPass("""
            (module
              (type $t (func (result i32)))
              (table $narrow 1 funcref)
              (table $wide i64 2 funcref)
              (elem (table $wide) (i64.const 0) func $f)
              (func $f (result i32) (i32.const 42))
              (func (export "call") (param i64) (result i32) (call_indirect $wide (type $t) (local.get 0)))
              (func (export "tail") (param i64) (result i32) (return_call_indirect $wide (type $t) (local.get 0)))
              (func (export "isNull") (param i64) (result i32) (ref.is_null (table.get $wide (local.get 0))))
              (func (export "fill") (param i64 i64) (table.fill $wide (local.get 0) (ref.null func) (local.get 1)))
              (func (export "grow") (param i64) (result i64) (table.grow $wide (ref.null func) (local.get 0)))
              (func (export "size") (result i64) (table.size $wide))
              (func (export "copyOut") (param i32 i64 i32) (table.copy $narrow $wide (local.get 0) (local.get 1) (local.get 2))))
            (assert_return (invoke "call" (i64.const 0)) (i32.const 42))
            (assert_return (invoke "tail" (i64.const 0)) (i32.const 42))
            (assert_trap (invoke "call" (i64.const 0x1_0000_0000)) "undefined element")
            (assert_trap (invoke "tail" (i64.const 0x1_0000_0000)) "undefined element")
            (assert_trap (invoke "isNull" (i64.const 0x1_0000_0000)) "out of bounds table access")
            (assert_return (invoke "isNull" (i64.const 1)) (i32.const 1))
            (assert_trap (invoke "fill" (i64.const 1) (i64.const 0xffff_ffff)) "out of bounds table access")
            (assert_trap (invoke "fill" (i64.const 0x1_0000_0000) (i64.const 0)) "out of bounds table access")
            (assert_return (invoke "fill" (i64.const 2) (i64.const 0)))
            (assert_return (invoke "copyOut" (i32.const 0) (i64.const 0) (i32.const 1)))
            (assert_trap (invoke "copyOut" (i32.const 0) (i64.const 0x1_0000_0000) (i32.const 0)) "out of bounds table access")
            (assert_return (invoke "grow" (i64.const 0x1_0000_0000)) (i64.const -1))
            (assert_return (invoke "grow" (i64.const 3)) (i64.const 2))
            (assert_return (invoke "size") (i64.const 5))
            """, passed: 14)
    }

    func testSIMDAccessesToA64BitMemoryAndToMemory1() {
        assertAllPass("""
            (module
              (memory 1)
              (memory $wide i64 1)
              (memory $one 1)
              (data (memory $wide) (i64.const 16) "\\01\\02\\03\\04\\05\\06\\07\\08\\09\\0a\\0b\\0c\\0d\\0e\\0f\\10")
              (data (memory $one) (i32.const 32) "\\aa\\bb\\cc\\dd")
              (func (export "wideLane") (param i64) (result i32)
                (i8x16.extract_lane_u 15 (v128.load $wide (local.get 0))))
              (func (export "wideSplat") (param i64) (result i32)
                (i32x4.extract_lane 3 (v128.load32_splat $wide offset=4 (local.get 0))))
              (func (export "wideStoreLane") (param i64)
                (v128.store16_lane $wide 1 (local.get 0) (v128.const i16x8 0 0x1234 0 0 0 0 0 0)))
              (func (export "wideLoad16") (param i64) (result i32) (i32.load16_u $wide (local.get 0)))
              (func (export "oneLoadLane") (param i32) (result i64)
                (i64x2.extract_lane 1 (v128.load32_lane $one 2 (local.get 0) (v128.const i64x2 0 0))))
              (func (export "oneStore") (param i32)
                (v128.store $one (local.get 0) (v128.const i32x4 7 8 9 10)))
              (func (export "oneLoad") (param i32) (result i32) (i32.load $one offset=12 (local.get 0)))
              (func (export "zeroLoad") (param i32) (result i32) (i32.load (local.get 0))))
            (assert_return (invoke "wideLane" (i64.const 16)) (i32.const 0x10))
            (assert_return (invoke "wideSplat" (i64.const 16)) (i32.const 0x08070605))
            (assert_trap (invoke "wideLane" (i64.const 0xfff1)) "out of bounds memory access")
            (assert_trap (invoke "wideLane" (i64.const 0x1_0000_0000)) "out of bounds memory access")
            (assert_return (invoke "wideStoreLane" (i64.const 100)))
            (assert_return (invoke "wideLoad16" (i64.const 100)) (i32.const 0x1234))
            (assert_return (invoke "oneLoadLane" (i32.const 32)) (i64.const 0xddccbbaa))
            (assert_return (invoke "oneStore" (i32.const 64)))
            (assert_return (invoke "oneLoad" (i32.const 64)) (i32.const 10))
            (assert_trap (invoke "oneStore" (i32.const 65521)) "out of bounds memory access")
            (assert_return (invoke "zeroLoad" (i32.const 64)) (i32.const 0))
            """, passed: 11)
    }
}
