import Foundation
import XCTest

@testable import SwasmText

/// Numeric literal syntax and exact rounding (https://webassembly.github.io/spec/core/text/values.html).
final class LiteralTests: XCTestCase {
    private func integer(_ text: String, bits: Int) -> Result<UInt64, LiteralError> {
        let b = Array(text.utf8)
        return parseSignedOrUnsigned(b, 0, b.count, bits: bits)
    }

    private func float(_ text: String, _ format: FloatFormat) -> Result<UInt64, LiteralError> {
        let b = Array(text.utf8)
        return parseFloatLiteral(b, 0, b.count, format: format)
    }

    private func f32(_ text: String) -> UInt32? {
        guard case .success(let v) = float(text, .f32) else { return nil }
        return UInt32(v)
    }

    private func f64(_ text: String) -> UInt64? {
        guard case .success(let v) = float(text, .f64) else { return nil }
        return v
    }

    func testIntegers() {
        XCTAssertEqual(try integer("0", bits: 32).get(), 0)
        XCTAssertEqual(try integer("1_000_000", bits: 32).get(), 1_000_000)
        XCTAssertEqual(try integer("0xffff_ffff", bits: 32).get(), 0xFFFF_FFFF)
        XCTAssertEqual(try integer("-1", bits: 32).get(), 0xFFFF_FFFF)
        XCTAssertEqual(try integer("-0x8000_0000", bits: 32).get(), 0x8000_0000)
        XCTAssertEqual(try integer("+0x7fff_ffff", bits: 32).get(), 0x7FFF_FFFF)
        XCTAssertEqual(try integer("18446744073709551615", bits: 64).get(), UInt64.max)
        XCTAssertEqual(try integer("-9223372036854775808", bits: 64).get(), 1 << 63)
        XCTAssertEqual(try integer("255", bits: 8).get(), 255)
        XCTAssertEqual(try integer("-128", bits: 8).get(), 0x80)
    }

    func testIntegerRangeAndSyntaxErrors() {
        for (text, bits) in [("0x1_0000_0000", 32), ("-0x8000_0001", 32), ("+0x8000_0000", 32),
                             ("18446744073709551616", 64), ("256", 8), ("-129", 8)] {
            XCTAssertThrowsError(try integer(text, bits: bits).get(), text) { error in
                XCTAssertEqual(error as? LiteralError, .outOfRange, text)
            }
        }
        for text in ["", "_1", "1_", "1__0", "0x", "0x_1", "1x", "--1", "+-1", "0xg", "1.0", "nan", "0_x1"] {
            XCTAssertThrowsError(try integer(text, bits: 32).get(), text) { error in
                XCTAssertEqual(error as? LiteralError, .syntax, text)
            }
        }
    }

    func testUnsignedRejectsSigns() {
        let b = Array("+1".utf8)
        XCTAssertThrowsError(try parseUnsigned(b, 0, b.count, bits: 32).get())
    }

    func testSpecialFloats() {
        XCTAssertEqual(f32("inf"), 0x7F80_0000)
        XCTAssertEqual(f32("-inf"), 0xFF80_0000)
        XCTAssertEqual(f32("nan"), 0x7FC0_0000)
        XCTAssertEqual(f32("-nan"), 0xFFC0_0000)
        XCTAssertEqual(f32("nan:0x1"), 0x7F80_0001)
        XCTAssertEqual(f32("-nan:0x7f_ffff"), 0xFFFF_FFFF)
        XCTAssertEqual(f64("nan:0xf_ffff_ffff_ffff"), 0x7FFF_FFFF_FFFF_FFFF)
        XCTAssertEqual(f64("+nan"), 0x7FF8_0000_0000_0000)
        XCTAssertEqual(f64("-0"), 0x8000_0000_0000_0000)
        XCTAssertEqual(f64("-0x0p+0"), 0x8000_0000_0000_0000)
        for text in ["nan:0x0", "nan:0x80_0000", "nan:0x1_0000_0000_0000_0000"] {
            XCTAssertThrowsError(try float(text, .f32).get(), text)
        }
    }

    func testDecimalAndHexFloats() {
        XCTAssertEqual(f32("1"), 0x3F80_0000)
        XCTAssertEqual(f32("1."), 0x3F80_0000)
        XCTAssertEqual(f32("1.5e0"), 0x3FC0_0000)
        XCTAssertEqual(f32("0x1.8p1"), 0x4040_0000)
        XCTAssertEqual(f32("0x1p-149"), 0x0000_0001)
        XCTAssertEqual(f32("0x1.fffffep127"), 0x7F7F_FFFF)
        XCTAssertEqual(f64("0.1"), 0.1.bitPattern)
        XCTAssertEqual(f64("1e-323"), 0x0000_0000_0000_0002)
        XCTAssertEqual(f64("1_000.000_1e1_0"), 1000.0001e10.bitPattern)
        XCTAssertEqual(f64("0x1.fffffffffffffp1023"), 0x7FEF_FFFF_FFFF_FFFF)
        XCTAssertEqual(f64("1e-400"), 0)
        XCTAssertEqual(f64("0x0.0000000000000000000000000000000000000001p0"), 0x35F0_0000_0000_0000)
    }

    /// Cases from float_literals.wast and const.wast where double rounding or truncation would
    /// give the wrong answer.
    func testCorrectRoundingAtBoundaries() {
        // Ties to even, decided only by a sticky bit far to the right.
        XCTAssertEqual(f32("0x1.00000100000000001p0"), 0x3F80_0001)
        XCTAssertEqual(f32("0x1.000001p0"), 0x3F80_0000)
        XCTAssertEqual(f32("0x1.000003p0"), 0x3F80_0002)
        XCTAssertEqual(f32("1.000000059604644775390625"), 0x3F80_0000)  // exact tie, even below
        XCTAssertEqual(f32("1.000000059604644775390626"), 0x3F80_0001)
        XCTAssertEqual(f32("1.000000178813934326171875"), 0x3F80_0002)  // exact tie, even above
        XCTAssertEqual(f64("0x1.000000000000080000000001p0"), 0x3FF0_0000_0000_0001)
        XCTAssertEqual(f64("0x1.00000000000008p0"), 0x3FF0_0000_0000_0000)
        // Decimal values that round through f64 to a different f32 when converted twice.
        XCTAssertEqual(f32("1.00000005960464477539062500000000001"), 0x3F80_0001)
        XCTAssertEqual(f32("+1.00000005960464477539062499999999999"), 0x3F80_0000)
        // Largest finite values and the first values that round to infinity.
        XCTAssertEqual(f32("0x1.fffffefffffffffffp127"), 0x7F7F_FFFF)
        XCTAssertEqual(f32("3.4028235677973366e38"), 0x7F7F_FFFF)
        XCTAssertThrowsError(try float("0x1.ffffffp127", .f32).get())
        XCTAssertThrowsError(try float("3.4028235677973367e38", .f32).get())
        XCTAssertEqual(f64("0x1.fffffffffffff7ffffffp1023"), 0x7FEF_FFFF_FFFF_FFFF)
        XCTAssertThrowsError(try float("0x1.fffffffffffff8p1023", .f64).get())
        XCTAssertThrowsError(try float("1e309", .f64).get())
        // Subnormal boundaries: half the smallest subnormal rounds to zero (even), more does not.
        XCTAssertEqual(f32("0x1p-150"), 0)
        XCTAssertEqual(f32("0x1.000001p-150"), 1)
        XCTAssertEqual(f32("0x1.fffffcp-127"), 0x007F_FFFF)  // the largest subnormal
        XCTAssertEqual(f32("0x1.fffffep-127"), 0x0080_0000)  // a tie that rounds into the normals
        XCTAssertEqual(f64("2.4703282292062328e-324"), 1)
        XCTAssertEqual(f64("2.4703282292062327e-324"), 0)
        XCTAssertEqual(f64("2.2250738585072011e-308"), 0x000F_FFFF_FFFF_FFFF)
        XCTAssertEqual(f64("2.2250738585072012e-308"), 0x0010_0000_0000_0000)
    }

    /// Random literals and near-midpoint literals, with results computed by exact rational
    /// arithmetic (a Python `fractions` script); "range" means rounding overflows.
    func testGeneratedCases() {
        for line in generatedFloatCases.split(separator: "\n") {
            let parts = line.split(separator: " ")
            let format: FloatFormat = parts[0] == "f32" ? .f32 : .f64
            let result = float(String(parts[1]), format)
            if parts[2] == "range" {
                if case .success = result { XCTFail("\(line): expected out of range") }
            } else {
                XCTAssertEqual(try? result.get(), UInt64(parts[2]), String(line))
            }
        }
    }

    /// With `SWASM_TEXT_FLOAT_CASES` naming a file of `f32|f64 literal bits|range` lines
    /// (generated with exact rational arithmetic), checks every one: a differential test.
    func testFloatCasesFile() throws {
        guard let path = ProcessInfo.processInfo.environment["SWASM_TEXT_FLOAT_CASES"] else { return }
        let text = try String(contentsOfFile: path, encoding: .utf8)
        var checked = 0
        for line in text.split(separator: "\n") {
            let parts = line.split(separator: " ")
            guard parts.count == 3 else { continue }
            let format: FloatFormat = parts[0] == "f32" ? .f32 : .f64
            let result = float(String(parts[1]), format)
            if parts[2] == "range" {
                if case .success(let v) = result { XCTFail("\(line): got \(v), expected out of range") }
            } else {
                switch result {
                case .success(let v): XCTAssertEqual(v, UInt64(parts[2]), String(line))
                case .failure(let e): XCTFail("\(line): \(e)")
                }
            }
            checked += 1
        }
        print("checked \(checked) float literals")
    }
}
