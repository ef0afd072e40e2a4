import WastRunner
import XCTest

/// Several memories in one module: each access reaches its own memory, bounds are each
/// memory's own, and memory 0 is unaffected by what happens to the others.
final class MultiMemoryTests: XCTestCase {
    private func assertAllPass(_ script: String, passed: Int, file: StaticString = #filePath, line: UInt = #line) {
        let result = WastRunner(path: "test.wast", dialect: .wasm3).run(source: script)
        XCTAssertEqual(result.failed, 0, result.failures.joined(separator: "\n"), file: file, line: line)
        XCTAssertEqual(result.passed, passed, file: file, line: line)
    }

    func testLoadsStoresAndBoundsPerMemory() {
        assertAllPass("""
            (module
              (memory $a 1)
              (memory $b 1)
              (data (memory $b) (i32.const 0) "\\01\\02\\03\\04\\05\\06\\07\\08")
              (func (export "storeB") (param i32 i64) (i64.store $b (local.get 0) (local.get 1)))
              (func (export "loadB") (param i32) (result i64) (i64.load $b (local.get 0)))
              (func (export "load8B") (param i32) (result i32) (i32.load8_s $b offset=1 (local.get 0)))
              (func (export "load16A") (param i32) (result i32) (i32.load16_u $a (local.get 0)))
              (func (export "sizeB") (result i32) (memory.size $b))
              (func (export "growB") (param i32) (result i32) (memory.grow $b (local.get 0))))
            (assert_return (invoke "loadB" (i32.const 0)) (i64.const 0x0807060504030201))
            (assert_return (invoke "load8B" (i32.const 6)) (i32.const 8))
            (assert_return (invoke "load16A" (i32.const 0)) (i32.const 0))
            (assert_trap (invoke "loadB" (i32.const 65529)) "out of bounds memory access")
            (assert_trap (invoke "load8B" (i32.const 65535)) "out of bounds memory access")
            (assert_return (invoke "load16A" (i32.const 65534)) (i32.const 0))
            (assert_return (invoke "sizeB") (i32.const 1))
            (assert_return (invoke "growB" (i32.const 1)) (i32.const 1))
            (assert_return (invoke "storeB" (i32.const 65536) (i64.const -2)))
            (assert_return (invoke "loadB" (i32.const 65536)) (i64.const -2))
            (assert_return (invoke "load16A" (i32.const 0)) (i32.const 0))
            """, passed: 11)
    }

    func testCopyBetweenMemoriesAndImports() {
        assertAllPass("""
            (module $M (memory (export "m") 1) (data (i32.const 4) "wxyz"))
            (register "M" $M)
            (module
              (import "M" "m" (memory $imported 1))
              (memory $own 1)
              (data (memory $own) (i32.const 0) "abcd")
              (func (export "copy") (param i32 i32 i32) (memory.copy $imported $own (local.get 0) (local.get 1) (local.get 2)))
              (func (export "fill") (param i32 i32 i32) (memory.fill $own (local.get 0) (local.get 1) (local.get 2)))
              (func (export "get") (param i32) (result i32) (i32.load8_u $imported (local.get 0)))
              (func (export "own") (param i32) (result i32) (i32.load8_u $own (local.get 0))))
            (assert_return (invoke "get" (i32.const 4)) (i32.const 0x77))
            (assert_return (invoke "copy" (i32.const 8) (i32.const 1) (i32.const 3)))
            (assert_return (invoke "get" (i32.const 8)) (i32.const 0x62))
            (assert_return (invoke "get" (i32.const 10)) (i32.const 0x64))
            (assert_trap (invoke "copy" (i32.const 0) (i32.const 65535) (i32.const 2)) "out of bounds memory access")
            (assert_return (invoke "fill" (i32.const 0) (i32.const 7) (i32.const 2)))
            (assert_return (invoke "own" (i32.const 1)) (i32.const 7))
            (assert_return (invoke "get" (i32.const 1)) (i32.const 0))
            """, passed: 8)
    }
}
