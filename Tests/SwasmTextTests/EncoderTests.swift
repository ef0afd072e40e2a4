import XCTest

@testable import SwasmText

/// Small modules checked byte for byte against hand-assembled binaries
/// (https://webassembly.github.io/spec/core/binary/modules.html).
final class EncoderTests: XCTestCase {
    static let header: [UInt8] = [0x00, 0x61, 0x73, 0x6D, 0x01, 0x00, 0x00, 0x00]

    /// The encoding without custom sections, so tests need not spell out the name section.
    static func encodeWithoutCustomSections(_ source: String, file: StaticString = #filePath, line: UInt = #line) -> [UInt8] {
        do {
            return stripCustomSections(try WAT.encode(source))
        } catch {
            XCTFail("\(error)", file: file, line: line)
            return []
        }
    }

    static func stripCustomSections(_ bytes: [UInt8]) -> [UInt8] {
        var out = Array(bytes.prefix(8))
        var i = 8
        while i < bytes.count {
            let start = i
            let id = bytes[i]
            i += 1
            var size = 0
            var shift = 0
            while true {
                let b = bytes[i]
                i += 1
                size |= Int(b & 0x7F) << shift
                shift += 7
                if b < 0x80 { break }
            }
            i += size
            if id != 0 { out += bytes[start..<i] }
        }
        return out
    }

    private func assertEncodes(_ source: String, _ sections: [UInt8], file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(Self.encodeWithoutCustomSections(source, file: file, line: line), Self.header + sections, file: file, line: line)
    }

    func testEmptyModule() {
        assertEncodes("(module)", [])
        assertEncodes("", [])
        assertEncodes("(module $m)", [])
    }

    func testFunctionWithFoldedBody() {
        assertEncodes("(module (func (result i32) (i32.add (i32.const 1) (i32.const 2))))", [
            0x01, 0x05, 0x01, 0x60, 0x00, 0x01, 0x7F,
            0x03, 0x02, 0x01, 0x00,
            0x0A, 0x09, 0x01, 0x07, 0x00, 0x41, 0x01, 0x41, 0x02, 0x6A, 0x0B,
        ])
    }

    func testLocalsAreRunLengthEncoded() {
        assertEncodes("(func (local i32 i32) (local $x i64) (local f32))", [
            0x01, 0x04, 0x01, 0x60, 0x00, 0x00,
            0x03, 0x02, 0x01, 0x00,
            0x0A, 0x0A, 0x01, 0x08, 0x03, 0x02, 0x7F, 0x01, 0x7E, 0x01, 0x7D, 0x0B,
        ])
    }

    func testMemoryExportAndData() {
        assertEncodes(#"(module (memory (export "m") 1 2) (data (i32.const 8) "hi"))"#, [
            0x05, 0x04, 0x01, 0x01, 0x01, 0x02,
            0x07, 0x05, 0x01, 0x01, 0x6D, 0x02, 0x00,
            0x0B, 0x08, 0x01, 0x00, 0x41, 0x08, 0x0B, 0x02, 0x68, 0x69,
        ])
    }

    func testImportGlobalAndStart() {
        assertEncodes(#"(module (import "env" "f" (func $f (param i32))) (global $g (mut i64) (i64.const -1)) (start $f))"#, [
            0x01, 0x05, 0x01, 0x60, 0x01, 0x7F, 0x00,
            0x02, 0x09, 0x01, 0x03, 0x65, 0x6E, 0x76, 0x01, 0x66, 0x00, 0x00,
            0x06, 0x06, 0x01, 0x7E, 0x01, 0x42, 0x7F, 0x0B,
            0x08, 0x01, 0x00,
        ])
    }

    func testBlockTypeReusesMatchingFunctionType() {
        assertEncodes("(func (param i32) (result i32) local.get 0 block (param i32) (result i32) end)", [
            0x01, 0x06, 0x01, 0x60, 0x01, 0x7F, 0x01, 0x7F,
            0x03, 0x02, 0x01, 0x00,
            0x0A, 0x09, 0x01, 0x07, 0x00, 0x20, 0x00, 0x02, 0x00, 0x0B, 0x0B,
        ])
    }

    func testLabelsResolveToDepths() {
        assertEncodes("(func (block $a (block $b (br_table $a $b 0 (i32.const 0)))))", [
            0x01, 0x04, 0x01, 0x60, 0x00, 0x00,
            0x03, 0x02, 0x01, 0x00,
            0x0A, 0x11, 0x01, 0x0F, 0x00, 0x02, 0x40, 0x02, 0x40, 0x41, 0x00,
            0x0E, 0x02, 0x01, 0x00, 0x00, 0x0B, 0x0B, 0x0B,
        ])
    }

    func testMemargAndDataCount() {
        assertEncodes(#"(memory 1) (data "x") (func (drop (i32.load offset=4 align=1 (i32.const 0))) (data.drop 0))"#, [
            0x01, 0x04, 0x01, 0x60, 0x00, 0x00,
            0x03, 0x02, 0x01, 0x00,
            0x05, 0x03, 0x01, 0x00, 0x01,
            0x0C, 0x01, 0x01,
            0x0A, 0x0D, 0x01, 0x0B, 0x00, 0x41, 0x00, 0x28, 0x00, 0x04, 0x1A, 0xFC, 0x09, 0x00, 0x0B,
            0x0B, 0x04, 0x01, 0x01, 0x01, 0x78,
        ])
    }

    func testTableWithInlineElements() {
        assertEncodes("(table funcref (elem $f $f)) (func $f)", [
            0x01, 0x04, 0x01, 0x60, 0x00, 0x00,
            0x03, 0x02, 0x01, 0x00,
            0x04, 0x05, 0x01, 0x70, 0x01, 0x02, 0x02,
            0x09, 0x08, 0x01, 0x00, 0x41, 0x00, 0x0B, 0x02, 0x00, 0x00,
            0x0A, 0x04, 0x01, 0x02, 0x00, 0x0B,
        ])
    }

    func testElementSegmentForms() {
        // Passive expressions (flag 5), declarative function list (flag 3), active on table 1 (flag 2).
        assertEncodes("(table 1 funcref) (table 1 funcref) (func $f) (elem funcref (ref.func $f) (ref.null func)) (elem declare func $f) (elem (table 1) (offset (i32.const 0)) func $f)", [
            0x01, 0x04, 0x01, 0x60, 0x00, 0x00,
            0x03, 0x02, 0x01, 0x00,
            0x04, 0x07, 0x02, 0x70, 0x00, 0x01, 0x70, 0x00, 0x01,
            0x09, 0x16, 0x03,
            0x05, 0x70, 0x02, 0xD2, 0x00, 0x0B, 0xD0, 0x70, 0x0B,
            0x03, 0x00, 0x01, 0x00,
            0x02, 0x01, 0x41, 0x00, 0x0B, 0x00, 0x01, 0x00,
            0x0A, 0x04, 0x01, 0x02, 0x00, 0x0B,
        ])
    }

    func testCallIndirectWithInlineType() {
        assertEncodes("(table 0 funcref) (func (call_indirect (param i64) (i64.const 0) (i32.const 0)))", [
            0x01, 0x08, 0x02, 0x60, 0x00, 0x00, 0x60, 0x01, 0x7E, 0x00,
            0x03, 0x02, 0x01, 0x00,
            0x04, 0x04, 0x01, 0x70, 0x00, 0x00,
            0x0A, 0x0B, 0x01, 0x09, 0x00, 0x42, 0x00, 0x41, 0x00, 0x11, 0x01, 0x00, 0x0B,
        ])
    }

    /// The instructions of the first function body, after its (empty) locals.
    static func firstBody(_ source: String, file: StaticString = #filePath, line: UInt = #line) -> [UInt8] {
        let bytes = encodeWithoutCustomSections(source, file: file, line: line)
        var i = 8
        func leb() -> Int {
            var v = 0
            var shift = 0
            while true {
                let b = bytes[i]
                i += 1
                v |= Int(b & 0x7F) << shift
                shift += 7
                if b < 0x80 { return v }
            }
        }
        while i < bytes.count {
            let id = bytes[i]
            i += 1
            let size = leb()
            if id == 10 {
                _ = leb()  // function count
                let bodySize = leb()
                return Array(bytes[(i + 1)..<(i + bodySize)])  // skip the zero local-group count
            }
            i += size
        }
        XCTFail("no code section", file: file, line: line)
        return []
    }

    func testSIMDInstructions() {
        XCTAssertEqual(Self.firstBody("(func (drop (v128.const i32x4 1 2 3 -1)))"),
                       [0xFD, 0x0C, 1, 0, 0, 0, 2, 0, 0, 0, 3, 0, 0, 0, 0xFF, 0xFF, 0xFF, 0xFF, 0x1A, 0x0B])
        XCTAssertEqual(Self.firstBody("(func (drop (v128.const f32x4 1 -0 nan inf)))"),
                       [0xFD, 0x0C, 0, 0, 0x80, 0x3F, 0, 0, 0, 0x80, 0, 0, 0xC0, 0x7F, 0, 0, 0x80, 0x7F, 0x1A, 0x0B])
        XCTAssertEqual(Self.firstBody("(func i8x16.shuffle 0 1 2 3 4 5 6 7 8 9 10 11 12 13 14 31)"),
                       [0xFD, 0x0D] + Array(0...14) + [31, 0x0B])
        XCTAssertEqual(Self.firstBody("(func f32x4.relaxed_madd i8x16.extract_lane_u 15)"),
                       [0xFD, 0x85, 0x02, 0xFD, 0x16, 0x0F, 0x0B])
        XCTAssertEqual(Self.firstBody("(memory 1) (memory $m 1) (func (v128.load8_lane $m offset=2 3 (i32.const 0) (v128.const i64x2 0 0)))"),
                       [0x41, 0x00, 0xFD, 0x0C] + Array(repeating: 0, count: 16) + [0xFD, 0x54, 0x40, 0x01, 0x02, 0x03, 0x0B])
        XCTAssertEqual(Self.firstBody("(memory 1) (func v128.load32_lane 1)"), [0xFD, 0x56, 0x02, 0x00, 0x01, 0x0B])
    }

    func testImmediates() {
        XCTAssertEqual(Self.firstBody("(func i64.const 0x8000_0000_0000_0000 f64.const -0x1p-1074)"),
                       [0x42, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x7F,
                        0x44, 0x01, 0, 0, 0, 0, 0, 0, 0x80, 0x0B])
        XCTAssertEqual(Self.firstBody("(table 1 funcref) (table $t 1 externref) (func (table.size $t) table.grow $t ref.null extern table.copy $t 0)"),
                       [0xFC, 0x10, 0x01, 0xFC, 0x0F, 0x01, 0xD0, 0x6F, 0xFC, 0x0E, 0x01, 0x00, 0x0B])
        XCTAssertEqual(Self.firstBody("(memory 1) (func (select (result i32) (i32.const 1) (i32.const 2) (i32.const 3)) select memory.size memory.fill memory.copy)"),
                       [0x41, 0x01, 0x41, 0x02, 0x41, 0x03, 0x1C, 0x01, 0x7F, 0x1B, 0x3F, 0x00, 0xFC, 0x0B, 0x00, 0xFC, 0x0A, 0x00, 0x00, 0x0B])
        XCTAssertEqual(Self.firstBody("(elem $e func) (table 1 funcref) (func table.init $e table.init 0 0 elem.drop $e)"),
                       [0xFC, 0x0C, 0x00, 0x00, 0xFC, 0x0C, 0x00, 0x00, 0xFC, 0x0D, 0x00, 0x0B])
        XCTAssertEqual(Self.firstBody("(func $f (result i32) (if (result i32) (i32.const 1) (then (i32.const 2)) (else (br 0 (i32.const 3)))))"),
                       [0x41, 0x01, 0x04, 0x7F, 0x41, 0x02, 0x05, 0x41, 0x03, 0x0C, 0x00, 0x0B, 0x0B])
        XCTAssertEqual(Self.firstBody("(func $f loop $l br $l end $l ref.func $f ref.is_null drop)"),
                       [0x03, 0x40, 0x0C, 0x00, 0x0B, 0xD2, 0x00, 0xD1, 0x1A, 0x0B])
    }

    func testOpcodeTableIsAlignedWithTheSpec() throws {
        let expected: [(String, UInt8?, UInt32)] = [
            ("i32.eqz", nil, 0x45), ("f64.copysign", nil, 0xA6), ("i64.extend32_s", nil, 0xC4),
            ("i64.trunc_sat_f64_u", 0xFC, 7), ("table.fill", 0xFC, 17),
            ("i8x16.swizzle", 0xFD, 14), ("v128.any_true", 0xFD, 83), ("f32x4.demote_f64x2_zero", 0xFD, 94),
            ("i16x8.abs", 0xFD, 128), ("i16x8.avgr_u", 0xFD, 155), ("i32x4.abs", 0xFD, 160),
            ("i32x4.dot_i16x8_s", 0xFD, 186), ("i64x2.abs", 0xFD, 192), ("i64x2.ge_s", 0xFD, 219),
            ("f32x4.abs", 0xFD, 224), ("f32x4.pmax", 0xFD, 235), ("f64x2.abs", 0xFD, 236),
            ("f64x2.convert_low_i32x4_u", 0xFD, 255), ("i8x16.relaxed_swizzle", 0xFD, 0x100),
            ("i32x4.relaxed_dot_i8x16_i7x16_add_s", 0xFD, 0x113),
            ("i32.atomic.load", 0xFE, 0x10), ("i64.atomic.store32", 0xFE, 0x1D),
            ("i32.atomic.rmw.add", 0xFE, 0x1E), ("i64.atomic.rmw32.cmpxchg_u", 0xFE, 0x4E),
            ("ref.i31", 0xFB, 28),
        ]
        for (name, prefix, code) in expected {
            let info = try XCTUnwrap(InstructionTable.byName[name], name)
            XCTAssertEqual(info.opcode, Opcode(prefix: prefix, code: code), name)
        }
    }

    func testNameSection() throws {
        let bytes = try WAT.encode("(module $m (func $f (param $x i32) (local $y i64)))")
        XCTAssertEqual(Array(bytes.suffix(28)), [
            0x00, 0x1A, 0x04, 0x6E, 0x61, 0x6D, 0x65,
            0x00, 0x02, 0x01, 0x6D,
            0x01, 0x04, 0x01, 0x00, 0x01, 0x66,
            0x02, 0x09, 0x01, 0x00, 0x02, 0x00, 0x01, 0x78, 0x01, 0x01, 0x79,
        ])
    }
}
