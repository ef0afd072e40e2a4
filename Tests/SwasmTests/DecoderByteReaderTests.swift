import XCTest
@testable import Swasm

final class DecoderByteReaderTests: XCTestCase {
    private func reader(_ b: [UInt8]) -> ByteReader { ByteReader(bytes: b) }

    private func assertMalformed(_ message: String, file: StaticString = #filePath, line: UInt = #line,
                                 _ body: () throws -> Void) {
        XCTAssertThrowsError(try body(), file: file, line: line) { error in
            guard case SwasmError.malformed(let m, _) = error else {
                return XCTFail("expected malformed, got \(error)", file: file, line: line)
            }
            XCTAssertEqual(m, message, file: file, line: line)
        }
    }

    func testU32() throws {
        var r = reader([0x00, 0x7F, 0x80, 0x01, 0xE5, 0x8E, 0x26, 0xFF, 0xFF, 0xFF, 0xFF, 0x0F])
        XCTAssertEqual(try r.readU32(), 0)
        XCTAssertEqual(try r.readU32(), 127)
        XCTAssertEqual(try r.readU32(), 128)
        XCTAssertEqual(try r.readU32(), 624485)
        XCTAssertEqual(try r.readU32(), UInt32.max)
        XCTAssertTrue(r.isAtEnd)
        // Zero padding up to five bytes is valid.
        var p = reader([0x83, 0x80, 0x80, 0x80, 0x00])
        XCTAssertEqual(try p.readU32(), 3)
        assertMalformed("integer representation too long") {
            var r = reader([0x80, 0x80, 0x80, 0x80, 0x80, 0x00]); _ = try r.readU32()
        }
        assertMalformed("integer too large") {
            var r = reader([0xFF, 0xFF, 0xFF, 0xFF, 0x1F]); _ = try r.readU32()
        }
        assertMalformed("integer too large") {
            var r = reader([0x80, 0x80, 0x80, 0x80, 0x70]); _ = try r.readU32()
        }
        assertMalformed("unexpected end") {
            var r = reader([0x80, 0x80]); _ = try r.readU32()
        }
    }

    func testS32() throws {
        var r = reader([0x7F, 0x3F, 0x40, 0x80, 0x7F, 0xFF, 0xFF, 0xFF, 0xFF, 0x07, 0x80, 0x80, 0x80, 0x80, 0x78])
        XCTAssertEqual(try r.readS32(), -1)
        XCTAssertEqual(try r.readS32(), 63)
        XCTAssertEqual(try r.readS32(), -64)
        XCTAssertEqual(try r.readS32(), -128)
        XCTAssertEqual(try r.readS32(), Int32.max)
        XCTAssertEqual(try r.readS32(), Int32.min)
        var p = reader([0xFF, 0xFF, 0xFF, 0xFF, 0x7F, 0x80, 0x80, 0x80, 0x80, 0x00])
        XCTAssertEqual(try p.readS32(), -1)
        XCTAssertEqual(try p.readS32(), 0)
        assertMalformed("integer too large") {
            var r = reader([0xFF, 0xFF, 0xFF, 0xFF, 0x4F]); _ = try r.readS32()
        }
        assertMalformed("integer too large") {
            var r = reader([0x80, 0x80, 0x80, 0x80, 0x70]); _ = try r.readS32()
        }
        assertMalformed("integer representation too long") {
            var r = reader([0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x7F]); _ = try r.readS32()
        }
    }

    func testS64AndU64() throws {
        var r = reader([0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x00,
                        0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x7F,
                        0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01])
        XCTAssertEqual(try r.readS64(), Int64.max)
        XCTAssertEqual(try r.readS64(), Int64.min)
        XCTAssertEqual(try r.readU64(), UInt64.max)
        assertMalformed("integer too large") {
            var r = reader([0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01]); _ = try r.readS64()
        }
        assertMalformed("integer too large") {
            var r = reader([0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x7E]); _ = try r.readS64()
        }
        assertMalformed("integer too large") {
            var r = reader([0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x02]); _ = try r.readU64()
        }
        assertMalformed("integer representation too long") {
            var r = reader([0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x00]); _ = try r.readS64()
        }
    }

    func testS33() throws {
        var r = reader([0x40, 0x7F, 0x05, 0xFF, 0xFF, 0xFF, 0xFF, 0x0F])
        XCTAssertEqual(try r.readS33(), -64)
        XCTAssertEqual(try r.readS33(), -1)
        XCTAssertEqual(try r.readS33(), 5)
        XCTAssertEqual(try r.readS33(), 0xFFFF_FFFF)
        assertMalformed("integer too large") {
            var r = reader([0xFF, 0xFF, 0xFF, 0xFF, 0x1F]); _ = try r.readS33()
        }
    }

    func testFloatsNamesBytes() throws {
        var r = reader([0x00, 0x00, 0x80, 0x3F, 1, 2, 3, 4, 5, 6, 7, 8, 0x03, 0x61, 0x62, 0x63,
                        0x02, 0xC3, 0xA9])
        XCTAssertEqual(try r.readF32Bits(), 0x3F80_0000)
        XCTAssertEqual(try r.readF64Bits(), 0x0807_0605_0403_0201)
        XCTAssertEqual(try r.readName(), "abc")
        XCTAssertEqual(try r.readName(), "é")
        assertMalformed("malformed UTF-8 encoding") { var r = reader([0x01, 0x80]); _ = try r.readName() }
        assertMalformed("malformed UTF-8 encoding") { var r = reader([0x02, 0xC0, 0x80]); _ = try r.readName() }
        assertMalformed("malformed UTF-8 encoding") { var r = reader([0x03, 0xED, 0xA0, 0x80]); _ = try r.readName() }
        assertMalformed("malformed UTF-8 encoding") { var r = reader([0x04, 0xF4, 0x90, 0x80, 0x80]); _ = try r.readName() }
        assertMalformed("length out of bounds") { var r = reader([0x05, 0x61]); _ = try r.readName() }
        var s = ByteReader(bytes: [1, 2, 3, 4, 5], range: 1..<3)
        XCTAssertEqual(Array(try s.readBytes(2)), [2, 3])
        assertMalformed("unexpected end of section or function") { _ = try s.readU8() }
    }
}
