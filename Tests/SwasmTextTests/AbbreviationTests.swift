import XCTest

import SwasmText

/// Each abbreviation of the text format must encode exactly like the form it abbreviates
/// (https://webassembly.github.io/spec/core/text/modules.html, "Abbreviations").
final class AbbreviationTests: XCTestCase {
    private func assertSameEncoding(_ short: String, _ long: String, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(
            EncoderTests.encodeWithoutCustomSections(short, file: file, line: line),
            EncoderTests.encodeWithoutCustomSections(long, file: file, line: line), file: file, line: line)
    }

    func testModuleWrapperIsOptional() {
        assertSameEncoding("(func) (memory 1)", "(module (func) (memory 1))")
    }

    func testInlineExports() {
        assertSameEncoding(#"(func (export "a") (export "b") (param i32))"#,
                           #"(func (param i32)) (export "a" (func 0)) (export "b" (func 0))"#)
        assertSameEncoding(#"(memory (export "m") 1) (table (export "t") 1 funcref) (global (export "g") i32 (i32.const 0))"#,
                           #"(memory 1) (export "m" (memory 0)) (table 1 funcref) (export "t" (table 0)) (global i32 (i32.const 0)) (export "g" (global 0))"#)
    }

    func testInlineImports() {
        assertSameEncoding(#"(func $f (import "m" "f") (param i32)) (func (call $f (i32.const 0)))"#,
                           #"(import "m" "f" (func (param i32))) (func (call 0 (i32.const 0)))"#)
        assertSameEncoding(#"(global (import "m" "g") (mut i32)) (memory (import "m" "mem") 1 2) (table (import "m" "t") 0 externref)"#,
                           #"(import "m" "g" (global (mut i32))) (import "m" "mem" (memory 1 2)) (import "m" "t" (table 0 externref))"#)
        assertSameEncoding(#"(func (export "e") (import "m" "f"))"#,
                           #"(import "m" "f" (func)) (export "e" (func 0))"#)
    }

    func testInlineDataAndElements() {
        assertSameEncoding(#"(memory (data "abc" "def"))"#,
                           #"(memory 1 1) (data (memory 0) (i32.const 0) "abcdef")"#)
        assertSameEncoding(#"(memory (data))"#, #"(memory 0 0) (data (i32.const 0))"#)
        assertSameEncoding("(table funcref (elem 0 0)) (func)",
                           "(table 2 2 funcref) (elem (table 0) (i32.const 0) func 0 0) (func)")
        assertSameEncoding("(table funcref (elem (ref.func 0) (item ref.null func))) (func)",
                           "(table 2 2 funcref) (elem (i32.const 0) funcref (ref.func 0) (ref.null func)) (func)")
    }

    func testOffsetAndItemAbbreviations() {
        assertSameEncoding("(memory 1) (data (i32.const 1) \"x\")", "(memory 1) (data (offset (i32.const 1)) \"x\")")
        assertSameEncoding("(table 1 funcref) (func) (elem (i32.const 0) 0)",
                           "(table 1 funcref) (func) (elem (table 0) (offset i32.const 0) func 0)")
        assertSameEncoding("(func) (elem funcref (ref.func 0))", "(func) (elem funcref (item (ref.func 0)))")
    }

    func testFoldedAndPlainInstructions() {
        assertSameEncoding("(func (result i32) (i32.add (i32.const 1) (i32.mul (i32.const 2) (i32.const 3))))",
                           "(func (result i32) i32.const 1 i32.const 2 i32.const 3 i32.mul i32.add)")
        assertSameEncoding("(func (if $l (i32.const 1) (then (br $l)) (else nop)))",
                           "(func i32.const 1 if $l br $l else nop end)")
        assertSameEncoding("(func (block $b (result i32) (loop $l (br_if $l (i32.const 0))) (i32.const 1)))",
                           "(func block $b (result i32) loop $l i32.const 0 br_if $l end i32.const 1 end)")
    }

    func testTypeUses() {
        // An inline signature reuses the first matching type, even one defined later.
        assertSameEncoding("(func (param i32) (result i64) unreachable) (type (func)) (type $t (func (param i32) (result i64)))",
                           "(func (type 1) unreachable) (type (func)) (type (func (param i32) (result i64)))")
        // A signature matching no type inserts one at the end.
        assertSameEncoding("(type (func)) (func (param f32))", "(type (func)) (type (func (param f32))) (func (type 1))")
        // `(type $t)` with a matching inline signature is the same as `(type $t)` alone.
        assertSameEncoding("(type $t (func (param i32))) (func (type $t) (param $x i32) (local.get $x) drop)",
                           "(type $t (func (param i32))) (func (type $t) (local.get 0) drop)")
    }

    func testBlockTypes() {
        assertSameEncoding("(type $t (func (result i32))) (func (block (type $t) (i32.const 0)) drop)",
                           "(type $t (func (result i32))) (func (block (type 0) (i32.const 0)) drop)")
        // A multi-value block type becomes a type index, inserted if needed.
        assertSameEncoding("(func (block (result i32 i32) (i32.const 0) (i32.const 1)) drop drop)",
                           "(type (func)) (type (func (result i32 i32))) (func (type 0) (block (type 1) (i32.const 0) (i32.const 1)) drop drop)")
    }
}
