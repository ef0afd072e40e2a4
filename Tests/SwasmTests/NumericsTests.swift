import XCTest
@testable import Swasm

/// Edge cases of `WasmNumerics`, taken from the spec scripts (i32, i64, f32, f64, *_cmp,
/// *_bitwise, conversions, float_exprs, float_misc) so they run even without the suite checked
/// out. `NumericsSpecVectorTests` runs the full scripts when they are present.
final class NumericsTests: XCTestCase {
    typealias N = WasmNumerics

    private func f32(_ bits: UInt32) -> Float { Float(bitPattern: bits) }
    private func f64(_ bits: UInt64) -> Double { Double(bitPattern: bits) }

    private func assertBits(_ x: Float, _ bits: UInt32, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(x.bitPattern, bits, "got \(x) = 0x\(String(x.bitPattern, radix: 16))", file: file, line: line)
    }
    private func assertBits(_ x: Double, _ bits: UInt64, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(x.bitPattern, bits, "got \(x) = 0x\(String(x.bitPattern, radix: 16))", file: file, line: line)
    }
    private func assertSame(_ x: Float, _ y: Float, file: StaticString = #filePath, line: UInt = #line) {
        assertBits(x, y.bitPattern, file: file, line: line)
    }
    private func assertSame(_ x: Double, _ y: Double, file: StaticString = #filePath, line: UInt = #line) {
        assertBits(x, y.bitPattern, file: file, line: line)
    }
    private func assertCanonicalNaN(_ x: Float, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(x.bitPattern & 0x7FFF_FFFF, 0x7FC0_0000, "0x\(String(x.bitPattern, radix: 16))", file: file, line: line)
    }
    private func assertArithmeticNaN(_ x: Float, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(x.bitPattern & 0x7FC0_0000, 0x7FC0_0000, "0x\(String(x.bitPattern, radix: 16))", file: file, line: line)
    }
    private func assertCanonicalNaN(_ x: Double, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(x.bitPattern & 0x7FFF_FFFF_FFFF_FFFF, 0x7FF8_0000_0000_0000, "0x\(String(x.bitPattern, radix: 16))", file: file, line: line)
    }
    private func assertArithmeticNaN(_ x: Double, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(x.bitPattern & 0x7FF8_0000_0000_0000, 0x7FF8_0000_0000_0000, "0x\(String(x.bitPattern, radix: 16))", file: file, line: line)
    }

    // MARK: Integers

    func testIntegerDivisionAndRemainder() {
        XCTAssertEqual(N.i32DivS(0x8000_0000, 2), 0xC000_0000)
        XCTAssertEqual(N.i32DivS(UInt32(bitPattern: -7), 2), UInt32(bitPattern: -3))  // toward zero
        XCTAssertNil(N.i32DivS(1, 0))
        XCTAssertNil(N.i32DivS(0x8000_0000, 0xFFFF_FFFF))
        XCTAssertEqual(N.divisionTrap(divisor: UInt32(0)), .integerDivideByZero)
        XCTAssertEqual(N.divisionTrap(divisor: UInt32(0xFFFF_FFFF)), .integerOverflow)
        XCTAssertEqual(N.i32DivU(0x8000_0000, 0xFFFF_FFFF), 0)
        XCTAssertEqual(N.i32DivU(0xFFFF_FFFF, 2), 0x7FFF_FFFF)
        XCTAssertNil(N.i32DivU(1, 0))
        XCTAssertEqual(N.i32RemS(0x8000_0000, 0xFFFF_FFFF), 0)
        XCTAssertEqual(N.i32RemS(UInt32(bitPattern: -7), 2), UInt32(bitPattern: -1))  // sign of dividend
        XCTAssertEqual(N.i32RemS(7, UInt32(bitPattern: -3)), 1)
        XCTAssertNil(N.i32RemS(1, 0))
        XCTAssertEqual(N.i32RemU(0x8000_0000, 0xFFFF_FFFF), 0x8000_0000)
        XCTAssertNil(N.i32RemU(0, 0))

        XCTAssertEqual(N.i64DivS(0x8000_0000_0000_0000, 2), 0xC000_0000_0000_0000)
        XCTAssertNil(N.i64DivS(0x8000_0000_0000_0000, UInt64.max))
        XCTAssertEqual(N.divisionTrap(divisor: UInt64.max), .integerOverflow)
        XCTAssertEqual(N.divisionTrap(divisor: UInt64(0)), .integerDivideByZero)
        XCTAssertEqual(N.i64RemS(0x8000_0000_0000_0000, UInt64.max), 0)
        XCTAssertEqual(N.i64RemS(UInt64(bitPattern: -7), UInt64(bitPattern: -2)), UInt64(bitPattern: -1))
        XCTAssertEqual(N.i64DivU(UInt64.max, 2), UInt64(Int64.max))
        XCTAssertNil(N.i64RemU(5, 0))
    }

    func testWrappingArithmetic() {
        XCTAssertEqual(N.i32Add(0x7FFF_FFFF, 1), 0x8000_0000)
        XCTAssertEqual(N.i32Sub(0x8000_0000, 1), 0x7FFF_FFFF)
        XCTAssertEqual(N.i32Mul(0x0123_4567, 0x7654_3210), 0x358E_7470)
        XCTAssertEqual(N.i64Mul(0x0123_4567_89AB_CDEF, 0xFEDC_BA98_7654_3210), 0x2236_D88F_E561_8CF0)
        XCTAssertEqual(N.i64Add(UInt64.max, 1), 0)
    }

    func testShiftsAndRotationsTakeTheCountModuloTheWidth() {
        XCTAssertEqual(N.i32Shl(1, 32), 1)
        XCTAssertEqual(N.i32Shl(1, 33), 2)
        XCTAssertEqual(N.i32Shl(1, 0xFFFF_FFFF), 0x8000_0000)
        XCTAssertEqual(N.i32ShrS(0x8000_0000, 31), 0xFFFF_FFFF)
        XCTAssertEqual(N.i32ShrS(0x8000_0000, 32), 0x8000_0000)
        XCTAssertEqual(N.i32ShrU(0x8000_0000, 31), 1)
        XCTAssertEqual(N.i32ShrU(0x8000_0000, 0xFFFF_FFFF), 1)
        XCTAssertEqual(N.i32Rotl(0xABCD_9876, 1), 0x579B_30ED)
        XCTAssertEqual(N.i32Rotl(0x0000_8000, 37), 0x0010_0000)
        XCTAssertEqual(N.i32Rotr(0xB0C1_D2E3, 0x0005), 0x1D86_0E97)
        XCTAssertEqual(N.i32Rotr(1, 0), 1)
        XCTAssertEqual(N.i32Rotl(0x1234_5678, 0), 0x1234_5678)
        XCTAssertEqual(N.i64Shl(1, 64), 1)
        XCTAssertEqual(N.i64ShrS(0x8000_0000_0000_0000, 63), UInt64.max)
        XCTAssertEqual(N.i64Rotl(0xABD1_234E_F567_809C, 63), 0x55E8_91A7_7AB3_C04E)
        XCTAssertEqual(N.i64Rotr(0xABD1_234E_F567_809C, 63), 0x57A2_469D_EACF_0139)
        XCTAssertEqual(N.i64Rotr(1, 0x8000_0000_0000_0000), 1)
    }

    func testBitCountsAndSignExtension() {
        XCTAssertEqual(N.i32Clz(0), 32)
        XCTAssertEqual(N.i32Clz(0x8000), 16)
        XCTAssertEqual(N.i32Ctz(0), 32)
        XCTAssertEqual(N.i32Ctz(0x8000_0000), 31)
        XCTAssertEqual(N.i32Popcnt(0xAAAA_5555), 16)
        XCTAssertEqual(N.i64Clz(0), 64)
        XCTAssertEqual(N.i64Ctz(0), 64)
        XCTAssertEqual(N.i64Popcnt(UInt64.max), 64)
        XCTAssertEqual(N.i32Extend8S(0x7F), 0x7F)
        XCTAssertEqual(N.i32Extend8S(0x80), 0xFFFF_FF80)
        XCTAssertEqual(N.i32Extend8S(0x0123_4580), 0xFFFF_FF80)
        XCTAssertEqual(N.i32Extend16S(0x8000), 0xFFFF_8000)
        XCTAssertEqual(N.i64Extend32S(0x7FFF_FFFF), 0x7FFF_FFFF)
        XCTAssertEqual(N.i64Extend32S(0x0123_4567_8000_0000), 0xFFFF_FFFF_8000_0000)
        XCTAssertEqual(N.i64ExtendI32S(0x8000_0000), 0xFFFF_FFFF_8000_0000)
        XCTAssertEqual(N.i64ExtendI32U(0x8000_0000), 0x8000_0000)
        XCTAssertEqual(N.i32WrapI64(0xFFFF_FFFF_7FFF_FFFF), 0x7FFF_FFFF)
    }

    func testIntegerComparisons() {
        XCTAssertTrue(N.i32LtS(0x8000_0000, 0))
        XCTAssertFalse(N.i32LtU(0x8000_0000, 0))
        XCTAssertTrue(N.i32GeU(0xFFFF_FFFF, 0x8000_0000))
        XCTAssertTrue(N.i32LeS(0xFFFF_FFFF, 0))
        XCTAssertTrue(N.i32Eqz(0))
        XCTAssertFalse(N.i64Eqz(0x1_0000_0000))
        XCTAssertTrue(N.i64GtS(0, 0x8000_0000_0000_0000))
        XCTAssertFalse(N.i64GtU(0, 0x8000_0000_0000_0000))
    }

    // MARK: Float arithmetic and NaNs

    func testArithmeticNaNs() {
        // Generated NaNs and NaN operands come out canonical or arithmetic, as the spec demands.
        assertCanonicalNaN(N.f32Div(0, 0))
        assertCanonicalNaN(N.f32Sub(.infinity, .infinity))
        assertCanonicalNaN(N.f32Sqrt(-1))
        assertCanonicalNaN(N.f64Mul(0, .infinity))
        assertCanonicalNaN(N.f32Add(f32(0x7FC0_0000), 1))
        assertArithmeticNaN(N.f32Add(f32(0x7FA0_0000), 1))          // signalling in, quieted
        assertArithmeticNaN(N.f32Mul(f32(0x7F80_0001), f32(0xFFC0_0000)))
        assertArithmeticNaN(N.f64Add(f64(0x7FF4_0000_0000_0000), 0))
        // float_exprs: x + 0 is not x (-0), x * 0 is not 0 (NaN, -0).
        assertBits(N.f32Add(-0.0, 0.0), 0)
        assertBits(N.f32Mul(-1.0, 0.0), 0x8000_0000)
        assertCanonicalNaN(N.f32Sub(.infinity, .infinity))
        // float_exprs no_fma: multiply then add, each rounded.
        assertSame(N.f32Add(N.f32Mul(0x1.a78402p+124, 0x1.cf8548p-23), 0x1.992adap+107), 0x1.a5262cp+107)
        assertSame(N.f64Add(N.f64Mul(0x1.ac357ff46eed4p+557, 0x1.852c01a5e7297p+430), -0x1.05995704eda8ap+987),
                   0x1.855d905d338ep+987)
        assertSame(N.f32Div(-0x1.359c26p+50, 3), -0x1.9cd032p+48)
        // float_misc: subnormals are not flushed.
        assertSame(N.f32Mul(0x1p-126, 0x1p-23), 0x1p-149)
        assertSame(N.f64Sub(0x1p-1022, 0x0.fffffffffffffp-1022), 0x1p-1074)  // largest subnormal
        assertSame(N.f64Add(1.1234567890, 1.2345e-10), 0x1.1f9add37c11f7p+0)
        assertSame(N.f32Sqrt(0x1.fffffep+127), 0x1.fffffep+63)
    }

    func testMinMax() {
        assertBits(N.f32Min(0.0, -0.0), 0x8000_0000)
        assertBits(N.f32Min(-0.0, 0.0), 0x8000_0000)
        assertBits(N.f32Max(0.0, -0.0), 0)
        assertBits(N.f32Max(-0.0, 0.0), 0)
        assertBits(N.f32Max(-0.0, -0.0), 0x8000_0000)
        assertBits(N.f64Min(0.0, -0.0), 0x8000_0000_0000_0000)
        assertBits(N.f64Max(-0.0, 0.0), 0)
        assertSame(N.f32Min(-.infinity, 1), -.infinity)
        assertSame(N.f32Max(-.infinity, .infinity), .infinity)
        assertSame(N.f64Min(0x1p-1074, -0x1p-1074), -0x1p-1074)
        // A NaN on either side wins, even against infinities (unlike IEEE minNum/Float.minimum).
        assertCanonicalNaN(N.f32Min(f32(0x7FC0_0000), 1))
        assertCanonicalNaN(N.f32Min(1, f32(0xFFC0_0000)))
        assertCanonicalNaN(N.f32Max(.infinity, f32(0x7FC0_0000)))
        assertArithmeticNaN(N.f32Max(f32(0x7FA0_0000), -.infinity))
        assertArithmeticNaN(N.f32Min(0, f32(0xFF80_0001)))
        assertCanonicalNaN(N.f64Min(f64(0x7FF8_0000_0000_0000), -.infinity))
        assertArithmeticNaN(N.f64Max(0, f64(0x7FF4_0000_0000_0000)))
    }

    func testSignOperationsKeepNaNPayloads() {
        assertBits(N.f32Neg(f32(0x7FA0_0000)), 0xFFA0_0000)
        assertBits(N.f32Neg(f32(0xFFC0_0000)), 0x7FC0_0000)
        assertBits(N.f32Abs(f32(0xFFA0_0000)), 0x7FA0_0000)
        assertBits(N.f32Copysign(f32(0x7FA0_0000), -0.0), 0xFFA0_0000)
        assertBits(N.f32Copysign(1, f32(0xFFC0_0000)), 0xBF80_0000)
        assertBits(N.f32Neg(0), 0x8000_0000)
        assertBits(N.f64Neg(f64(0x7FF4_0000_0000_0000)), 0xFFF4_0000_0000_0000)
        assertBits(N.f64Abs(f64(0xFFF0_0000_0000_0001)), 0x7FF0_0000_0000_0001)
        assertBits(N.f64Copysign(f64(0x7FF4_0000_0000_0000), f64(0xFFF8_0000_0000_0000)), 0xFFF4_0000_0000_0000)
    }

    // MARK: Rounding to integral values

    func testNearestRoundsHalfToEvenAndKeepsSigns() {
        let cases: [(Float, Float)] = [
            (0.5, 0), (1.5, 2), (2.5, 2), (3.5, 4), (-0.5, -0.0), (-1.5, -2), (-2.5, -2),
            (0.49999997, 0), (4.5, 4), (-3.5, -4), (8388607.5, 8388608), (-8388607.5, -8388608),
            (8388609, 8388609), (0x1p-149, 0), (-0x1p-149, -0.0), (0x1.fffffep+127, 0x1.fffffep+127),
        ]
        for (x, r) in cases { assertSame(N.f32Nearest(x), r) }
        assertBits(N.f32Nearest(-0.0), 0x8000_0000)
        assertBits(N.f32Nearest(-0.4), 0x8000_0000)
        assertSame(N.f32Nearest(-.infinity), -.infinity)
        assertBits(N.f32Nearest(f32(0xFFA0_0000)), 0xFFE0_0000)  // sNaN quieted, payload kept
        assertCanonicalNaN(N.f32Nearest(f32(0x7FC0_0000)))

        assertSame(N.f64Nearest(0.5), 0)
        assertSame(N.f64Nearest(-0.5), -0.0)
        assertSame(N.f64Nearest(2.5), 2)
        assertSame(N.f64Nearest(4503599627370495.5), 4503599627370496)
        assertSame(N.f64Nearest(-4503599627370495.5), -4503599627370496)
        assertSame(N.f64Nearest(4503599627370497), 4503599627370497)
        assertSame(N.f64Nearest(0x1p-1074), 0)
        assertArithmeticNaN(N.f64Nearest(f64(0x7FF4_0000_0000_0000)))
    }

    func testCeilFloorTrunc() {
        assertBits(N.f32Ceil(-0.5), 0x8000_0000)
        assertBits(N.f32Ceil(-0.75), 0x8000_0000)
        assertSame(N.f32Ceil(-1.0), -1)
        assertSame(N.f32Ceil(0x1p-149), 1)
        assertSame(N.f32Ceil(1.5), 2)
        assertSame(N.f32Ceil(8388607.5), 8388608)
        assertSame(N.f32Ceil(-8388607.5), -8388607)
        assertBits(N.f32Ceil(-0.0), 0x8000_0000)
        assertSame(N.f32Floor(-0x1p-149), -1)
        assertBits(N.f32Floor(0x1p-149), 0)
        assertBits(N.f32Floor(-0.0), 0x8000_0000)
        assertSame(N.f32Floor(-0.5), -1)
        assertSame(N.f32Floor(-1.5), -2)
        assertSame(N.f32Floor(-2.5), -3)
        assertSame(N.f32Floor(0.9999999), 0)
        assertSame(N.f32Floor(-8388607.5), -8388608)
        assertSame(N.f32Floor(8388607.5), 8388607)
        assertBits(N.f32Trunc(-0.9), 0x8000_0000)
        assertSame(N.f32Trunc(1.5), 1)
        assertSame(N.f32Trunc(-1.5), -1)
        assertSame(N.f32Trunc(2.5), 2)
        assertSame(N.f32Trunc(8388607.5), 8388607)
        assertSame(N.f32Trunc(-8388607.5), -8388607)
        assertSame(N.f32Trunc(.infinity), .infinity)
        assertArithmeticNaN(N.f32Ceil(f32(0x7FA0_0000)))
        assertArithmeticNaN(N.f32Floor(f32(0xFF80_0001)))
        assertArithmeticNaN(N.f32Trunc(f32(0x7F80_0001)))

        assertBits(N.f64Ceil(-0.5), 0x8000_0000_0000_0000)
        assertSame(N.f64Ceil(0x1p-1074), 1)
        assertSame(N.f64Ceil(4503599627370495.5), 4503599627370496)
        assertSame(N.f64Floor(-0x1p-1074), -1)
        assertSame(N.f64Floor(-4503599627370495.5), -4503599627370496)
        assertBits(N.f64Trunc(-0.5), 0x8000_0000_0000_0000)
        assertSame(N.f64Trunc(-4503599627370495.5), -4503599627370495)
        assertSame(N.f64Floor(-.infinity), -.infinity)
        assertArithmeticNaN(N.f64Trunc(f64(0x7FF4_0000_0000_0000)))
    }

    func testFloatComparisons() {
        let nan = f32(0x7FC0_0000)
        XCTAssertFalse(N.f32Eq(nan, nan))
        XCTAssertTrue(N.f32Ne(nan, nan))
        XCTAssertFalse(N.f32Lt(nan, 0) || N.f32Le(nan, 0) || N.f32Gt(nan, 0) || N.f32Ge(nan, 0))
        XCTAssertTrue(N.f32Eq(-0.0, 0.0))
        XCTAssertFalse(N.f32Lt(-0.0, 0.0))
        XCTAssertTrue(N.f32Le(-.infinity, -0x1.fffffep+127))
        let nan64 = f64(0xFFF4_0000_0000_0000)
        XCTAssertFalse(N.f64Eq(nan64, nan64))
        XCTAssertTrue(N.f64Ne(1, nan64))
        XCTAssertFalse(N.f64Ge(nan64, -.infinity))
        XCTAssertTrue(N.f64Ge(0.0, -0.0))
    }

    // MARK: Conversions

    func testTrappingTruncationBoundaries() {
        XCTAssertEqual(N.i32TruncF32S(-2147483648.0), 0x8000_0000)
        XCTAssertEqual(N.i32TruncF32S(2147483520.0), 2147483520)
        XCTAssertNil(N.i32TruncF32S(2147483648.0))
        XCTAssertNil(N.i32TruncF32S(-2147483904.0))
        XCTAssertEqual(N.i32TruncF32S(-0.9), 0)
        XCTAssertEqual(N.i32TruncF32S(-1.9), 0xFFFF_FFFF)
        XCTAssertEqual(N.i32TruncF32U(-0.99999994), 0)
        XCTAssertEqual(N.i32TruncF32U(4294967040.0), 4294967040)
        XCTAssertNil(N.i32TruncF32U(-1.0))
        XCTAssertNil(N.i32TruncF32U(4294967296.0))
        XCTAssertEqual(N.i32TruncF64S(2147483647.9), 0x7FFF_FFFF)  // truncation first, then range
        XCTAssertEqual(N.i32TruncF64S(-2147483648.9), 0x8000_0000)
        XCTAssertNil(N.i32TruncF64S(2147483648.0))
        XCTAssertNil(N.i32TruncF64S(-2147483649.0))
        XCTAssertEqual(N.i32TruncF64U(4294967295.9), 0xFFFF_FFFF)
        XCTAssertEqual(N.i32TruncF64U(-0.9), 0)
        XCTAssertNil(N.i32TruncF64U(-1.0))
        XCTAssertNil(N.i32TruncF64U(4294967296.0))
        XCTAssertEqual(N.i64TruncF32S(-9223372036854775808.0), 0x8000_0000_0000_0000)
        XCTAssertNil(N.i64TruncF32S(9223372036854775808.0))
        XCTAssertNil(N.i64TruncF32S(-9223373136366403584.0))
        XCTAssertEqual(N.i64TruncF32U(18446742974197923840.0), 0xFFFF_FF00_0000_0000)
        XCTAssertNil(N.i64TruncF32U(18446744073709551616.0))
        XCTAssertEqual(N.i64TruncF64S(9223372036854774784.0), 0x7FFF_FFFF_FFFF_FC00)
        XCTAssertNil(N.i64TruncF64S(9223372036854775808.0))
        XCTAssertNil(N.i64TruncF64S(-9223372036854777856.0))
        XCTAssertEqual(N.i64TruncF64U(18446744073709549568.0), 0xFFFF_FFFF_FFFF_F800)
        XCTAssertEqual(N.i64TruncF64U(-0.99999999999999989), 0)
        XCTAssertNil(N.i64TruncF64U(18446744073709551616.0))

        let nan = f32(0x7FA0_0000)
        XCTAssertNil(N.i32TruncF32S(nan))
        XCTAssertEqual(N.truncationTrap(nan), .invalidConversionToInteger)
        XCTAssertEqual(N.truncationTrap(Float.infinity), .integerOverflow)
        XCTAssertNil(N.i64TruncF64U(-.infinity))
        XCTAssertEqual(N.truncationTrap(-Double.infinity), .integerOverflow)
        XCTAssertEqual(N.truncationTrap(f64(0xFFF8_0000_0000_0000)), .invalidConversionToInteger)
    }

    func testSaturatingTruncation() {
        XCTAssertEqual(N.i32TruncSatF32S(f32(0x7FC0_0000)), 0)
        XCTAssertEqual(N.i32TruncSatF32S(2147483648.0), 0x7FFF_FFFF)
        XCTAssertEqual(N.i32TruncSatF32S(-.infinity), 0x8000_0000)
        XCTAssertEqual(N.i32TruncSatF32U(-1.0), 0)
        XCTAssertEqual(N.i32TruncSatF32U(-0.9), 0)
        XCTAssertEqual(N.i32TruncSatF32U(.infinity), 0xFFFF_FFFF)
        XCTAssertEqual(N.i32TruncSatF32U(f32(0xFFC0_0000)), 0)
        XCTAssertEqual(N.i32TruncSatF64S(-2147483649.0), 0x8000_0000)
        XCTAssertEqual(N.i32TruncSatF64S(2147483647.9), 0x7FFF_FFFF)
        XCTAssertEqual(N.i32TruncSatF64U(4294967296.0), 0xFFFF_FFFF)
        XCTAssertEqual(N.i32TruncSatF64U(f64(0x7FF4_0000_0000_0000)), 0)
        XCTAssertEqual(N.i64TruncSatF32S(9223372036854775808.0), 0x7FFF_FFFF_FFFF_FFFF)
        XCTAssertEqual(N.i64TruncSatF32S(-9223373136366403584.0), 0x8000_0000_0000_0000)
        XCTAssertEqual(N.i64TruncSatF32U(18446744073709551616.0), UInt64.max)
        XCTAssertEqual(N.i64TruncSatF64S(f64(0x7FF8_0000_0000_0000)), 0)
        XCTAssertEqual(N.i64TruncSatF64S(-.infinity), 0x8000_0000_0000_0000)
        XCTAssertEqual(N.i64TruncSatF64U(-.infinity), 0)
        XCTAssertEqual(N.i64TruncSatF64U(18446744073709549568.0), 0xFFFF_FFFF_FFFF_F800)
    }

    func testIntegerToFloatRoundsOnce() {
        // u64 → f32 must not go through f64: that rounds twice and gets these wrong.
        assertSame(N.f32ConvertI64U(0x8000_0080_0000_0001), 0x1.000002p+63)
        assertSame(N.f32ConvertI64U(0x8000_0080_0000_0000), 0x1p+63)           // tie → even
        assertSame(N.f32ConvertI64U(0x8000_0180_0000_0000), 0x1.000004p+63)    // tie → even (up)
        assertSame(N.f32ConvertI64U(0xFFFF_FF7F_FFFF_FFFF), 0x1.fffffep+63)
        assertSame(N.f32ConvertI64U(0xFFFF_FFFF_FFFF_FFFF), 0x1p+64)
        assertSame(N.f32ConvertI64U(0x0020_0000_2000_0001), 0x1.000002p+53)
        assertSame(N.f32ConvertI64S(0x0020_0000_2000_0001), 0x1.000002p+53)
        assertSame(N.f32ConvertI64S(UInt64(bitPattern: -0x0020_0000_2000_0001)), -0x1.000002p+53)
        assertSame(N.f32ConvertI64S(0x7FFF_FF40_0000_0001), 0x1.fffffep+62)
        assertSame(N.f32ConvertI32S(0x0100_0001), 16777216)
        assertSame(N.f32ConvertI32S(0x0100_0003), 16777220)
        assertSame(N.f32ConvertI32U(0xFFFF_FFFF), 4294967296)
        assertSame(N.f32ConvertI32U(0x8000_0080), 0x1p+31)
        assertSame(N.f32ConvertI32U(0x8000_0081), 0x1.000002p+31)
        assertSame(N.f64ConvertI64U(0xFFFF_FFFF_FFFF_FFFF), 0x1p+64)
        assertSame(N.f64ConvertI64U(0x8000_0000_0000_0401), 0x1.0000000000001p+63)
        assertSame(N.f64ConvertI64U(0x8000_0000_0000_0400), 0x1p+63)
        assertSame(N.f64ConvertI64S(0x0020_0000_0000_0001), 9007199254740992)
        assertSame(N.f64ConvertI64S(0x8000_0000_0000_0000), -0x1p+63)
        assertSame(N.f64ConvertI32U(0xFFFF_FFFF), 4294967295)
        assertSame(N.f64ConvertI32S(0x8000_0000), -2147483648)
    }

    func testPromoteAndDemote() {
        assertSame(N.f64PromoteF32(0x1p-149), 0x1p-149)
        assertSame(N.f64PromoteF32(-0x1.fffffep+127), -0x1.fffffep+127)
        assertBits(N.f64PromoteF32(-0.0), 0x8000_0000_0000_0000)
        assertCanonicalNaN(N.f64PromoteF32(f32(0x7FC0_0000)))
        assertArithmeticNaN(N.f64PromoteF32(f32(0x7FA0_0000)))
        assertBits(N.f64PromoteF32(f32(0xFFE0_0001)), 0xFFFC_0000_2000_0000)  // payload kept, quiet

        assertSame(N.f32DemoteF64(0x1p-149), 0x1p-149)
        assertSame(N.f32DemoteF64(0x1p-150), 0)                                // tie → even (zero)
        assertSame(N.f32DemoteF64(0x1.0000000000001p-150), 0x1p-149)
        assertBits(N.f32DemoteF64(-0x1p-1074), 0x8000_0000)
        assertSame(N.f32DemoteF64(0x1.fffffe0000000p-127), 0x1p-126)           // subnormal rounds up to normal
        assertSame(N.f32DemoteF64(0x1.fffffefffffffp+127), 0x1.fffffep+127)
        assertSame(N.f32DemoteF64(0x1.ffffffp+127), .infinity)
        assertSame(N.f32DemoteF64(0x1.0000010000000p+0), 1)                    // tie → even
        assertSame(N.f32DemoteF64(0x1.0000030000000p+0), 0x1.000004p+0)
        assertCanonicalNaN(N.f32DemoteF64(f64(0x7FF8_0000_0000_0000)))
        assertCanonicalNaN(N.f32DemoteF64(f64(0xFFF8_0000_0000_0000)))
        assertArithmeticNaN(N.f32DemoteF64(f64(0x7FF4_0000_0000_0000)))
        assertArithmeticNaN(N.f32DemoteF64(f64(0x7FF0_0000_0000_0001)))       // low payload lost, still NaN
        // float_exprs: demote(promote(x)) is x for non-NaN, promote(demote(x)) rounds.
        assertSame(N.f32DemoteF64(N.f64PromoteF32(-0x1p-149)), -0x1p-149)
        assertSame(N.f64PromoteF32(N.f32DemoteF64(-0x1.dece272390f5dp-133)), -0x1.decep-133)
        assertArithmeticNaN(N.f32DemoteF64(N.f64PromoteF32(f32(0x7FA0_0000))))
    }

    func testReinterpretIsABitCast() {
        XCTAssertEqual(N.i32ReinterpretF32(f32(0x7FA0_0001)), 0x7FA0_0001)
        assertBits(N.f32ReinterpretI32(0xFF80_0001), 0xFF80_0001)
        XCTAssertEqual(N.i64ReinterpretF64(f64(0x7FF0_0000_0000_0001)), 0x7FF0_0000_0000_0001)
        assertBits(N.f64ReinterpretI64(0xFFF4_0000_0000_0000), 0xFFF4_0000_0000_0000)
    }
}
