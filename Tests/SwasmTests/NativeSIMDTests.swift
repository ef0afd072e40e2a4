import XCTest
import SwasmText
@testable import Swasm

/// The native tier's SIMD templates (NativeCompilerSIMD.swift) against the interpreter: the
/// same calls on both tiers give the same bits and the same traps, on edge values (NaNs with
/// payloads, ±0, infinities, the bounds of the saturating ops and conversions, shift counts of
/// the lane width and more, shuffles from either operand, swizzle indices of 16 and more,
/// accesses at the end of memory). One freedom is allowed: a float lane the interpreter leaves
/// NaN may be another NaN natively (the spec lets an arithmetic op of two NaNs keep either
/// payload); every other bit must match, -0 against +0 included.
final class NativeSIMDTests: XCTestCase {
    static let binary = [
        "i8x16.add", "i16x8.add", "i32x4.add", "i64x2.add", "i8x16.sub", "i16x8.sub", "i32x4.sub", "i64x2.sub",
        "i16x8.mul", "i32x4.mul", "i64x2.mul",
        "i8x16.add_sat_s", "i8x16.add_sat_u", "i8x16.sub_sat_s", "i8x16.sub_sat_u",
        "i16x8.add_sat_s", "i16x8.add_sat_u", "i16x8.sub_sat_s", "i16x8.sub_sat_u",
        "i8x16.min_s", "i8x16.min_u", "i8x16.max_s", "i8x16.max_u", "i16x8.min_s", "i16x8.min_u", "i16x8.max_s",
        "i16x8.max_u", "i32x4.min_s", "i32x4.min_u", "i32x4.max_s", "i32x4.max_u", "i8x16.avgr_u", "i16x8.avgr_u",
        "i32x4.dot_i16x8_s", "i16x8.q15mulr_sat_s",
        "i16x8.extmul_low_i8x16_s", "i16x8.extmul_high_i8x16_s", "i16x8.extmul_low_i8x16_u", "i16x8.extmul_high_i8x16_u",
        "i32x4.extmul_low_i16x8_s", "i32x4.extmul_high_i16x8_s", "i32x4.extmul_low_i16x8_u", "i32x4.extmul_high_i16x8_u",
        "i64x2.extmul_low_i32x4_s", "i64x2.extmul_high_i32x4_s", "i64x2.extmul_low_i32x4_u", "i64x2.extmul_high_i32x4_u",
        "i8x16.narrow_i16x8_s", "i8x16.narrow_i16x8_u", "i16x8.narrow_i32x4_s", "i16x8.narrow_i32x4_u",
        "v128.and", "v128.or", "v128.xor", "v128.andnot", "i8x16.swizzle",
        "f32x4.add", "f32x4.sub", "f32x4.mul", "f32x4.div", "f32x4.min", "f32x4.max", "f32x4.pmin", "f32x4.pmax",
        "f64x2.add", "f64x2.sub", "f64x2.mul", "f64x2.div", "f64x2.min", "f64x2.max", "f64x2.pmin", "f64x2.pmax",
        "i64x2.eq", "i64x2.ne", "i64x2.lt_s", "i64x2.gt_s", "i64x2.le_s", "i64x2.ge_s",
    ] + ["i8x16", "i16x8", "i32x4"].flatMap { shape in
        ["eq", "ne", "lt_s", "lt_u", "gt_s", "gt_u", "le_s", "le_u", "ge_s", "ge_u"].map { "\(shape).\($0)" }
    } + ["f32x4", "f64x2"].flatMap { shape in ["eq", "ne", "lt", "gt", "le", "ge"].map { "\(shape).\($0)" } }

    static let unary = [
        "v128.not", "i8x16.abs", "i8x16.neg", "i16x8.abs", "i16x8.neg", "i32x4.abs", "i32x4.neg", "i64x2.neg",
        "i64x2.abs", "i8x16.popcnt",
        "i16x8.extend_low_i8x16_s", "i16x8.extend_high_i8x16_s", "i16x8.extend_low_i8x16_u", "i16x8.extend_high_i8x16_u",
        "i32x4.extend_low_i16x8_s", "i32x4.extend_high_i16x8_s", "i32x4.extend_low_i16x8_u", "i32x4.extend_high_i16x8_u",
        "i64x2.extend_low_i32x4_s", "i64x2.extend_high_i32x4_s", "i64x2.extend_low_i32x4_u", "i64x2.extend_high_i32x4_u",
        "i16x8.extadd_pairwise_i8x16_s", "i16x8.extadd_pairwise_i8x16_u",
        "i32x4.extadd_pairwise_i16x8_s", "i32x4.extadd_pairwise_i16x8_u",
        "f32x4.abs", "f32x4.neg", "f32x4.sqrt", "f32x4.ceil", "f32x4.floor", "f32x4.trunc", "f32x4.nearest",
        "f64x2.abs", "f64x2.neg", "f64x2.sqrt", "f64x2.ceil", "f64x2.floor", "f64x2.trunc", "f64x2.nearest",
        "f32x4.convert_i32x4_s", "f32x4.convert_i32x4_u", "f64x2.convert_low_i32x4_s", "f64x2.convert_low_i32x4_u",
        "f64x2.promote_low_f32x4", "f32x4.demote_f64x2_zero",
        "i32x4.trunc_sat_f32x4_s", "i32x4.trunc_sat_f32x4_u", "i32x4.trunc_sat_f64x2_s_zero", "i32x4.trunc_sat_f64x2_u_zero",
    ]

    static let tests = ["v128.any_true", "i8x16.all_true", "i16x8.all_true", "i32x4.all_true", "i64x2.all_true",
                        "i8x16.bitmask", "i16x8.bitmask", "i32x4.bitmask", "i64x2.bitmask"]

    static let shifts = ["i8x16", "i16x8", "i32x4", "i64x2"].flatMap { shape in
        ["shl", "shr_s", "shr_u"].map { "\(shape).\($0)" }
    }

    /// (name, lane count, scalar type) of the lane accessors.
    static let lanes: [(String, Int, String)] = [
        ("i8x16", 16, "i32"), ("i16x8", 8, "i32"), ("i32x4", 4, "i32"), ("i64x2", 2, "i64"), ("f32x4", 4, "f32"),
        ("f64x2", 2, "f64"),
    ]

    static let shuffles: [[Int]] = [
        Array(0..<16), Array(16..<32), Array((0..<16).reversed()), (0..<16).map { $0 * 2 },
        (0..<16).map { $0 % 2 == 0 ? $0 / 2 : 16 + $0 / 2 }, Array(repeating: 31, count: 16),
        [0, 17, 2, 19, 4, 21, 6, 23, 8, 25, 10, 27, 12, 29, 14, 31], [15, 16, 3, 30, 7, 7, 0, 31, 1, 17, 9, 24, 12, 5, 28, 2],
    ]

    static let memoryLoads = ["v128.load8x8_s", "v128.load8x8_u", "v128.load16x4_s", "v128.load16x4_u", "v128.load32x2_s",
                              "v128.load32x2_u", "v128.load8_splat", "v128.load16_splat", "v128.load32_splat",
                              "v128.load64_splat", "v128.load32_zero", "v128.load64_zero"]

    /// (load lane, store lane, lane count).
    static let memoryLanes: [(String, String, Int)] = [
        ("v128.load8_lane", "v128.store8_lane", 16), ("v128.load16_lane", "v128.store16_lane", 8),
        ("v128.load32_lane", "v128.store32_lane", 4), ("v128.load64_lane", "v128.store64_lane", 2),
    ]

    static func name(_ s: String) -> String { "\"\(s)\"" }

    /// The lanes the memory lane ops are compiled for: first, last, middle.
    static func laneChoices(_ count: Int) -> [Int] { Array(Set([0, count - 1, count / 2])).sorted() }

    static var wat: String {
        var funcs: [String] = []
        for op in binary {
            funcs.append("(func (export \(name(op))) (param v128 v128) (result v128) (\(op) (local.get 0) (local.get 1)))")
        }
        for op in unary {
            funcs.append("(func (export \(name(op))) (param v128) (result v128) (\(op) (local.get 0)))")
        }
        for op in tests {
            funcs.append("(func (export \(name(op))) (param v128) (result i32) (\(op) (local.get 0)))")
        }
        for op in shifts {
            funcs.append("(func (export \(name(op))) (param v128 i32) (result v128) (\(op) (local.get 0) (local.get 1)))")
        }
        funcs.append("(func (export \"v128.bitselect\") (param v128 v128 v128) (result v128) (v128.bitselect (local.get 0) (local.get 1) (local.get 2)))")
        funcs.append("(func (export \"select\") (param v128 v128 i32) (result v128) (select (local.get 0) (local.get 1) (local.get 2)))")
        funcs.append("(func (export \"const\") (result v128 v128 v128 v128) (v128.const i32x4 1 -1 0x80000000 7) (v128.const i64x2 0 0) (v128.const i64x2 -1 -1) (v128.const i64x2 0x123456789 0x123456789))")
        for (shape, count, scalar) in lanes {
            funcs.append("(func (export \"\(shape).splat\") (param \(scalar)) (result v128) (\(shape).splat (local.get 0)))")
            let signs = shape == "i8x16" || shape == "i16x8" ? ["_s", "_u"] : [""]
            for lane in 0..<count {
                for sign in signs {
                    funcs.append("(func (export \"\(shape).extract_lane\(sign) \(lane)\") (param v128) (result \(scalar)) (\(shape).extract_lane\(sign) \(lane) (local.get 0)))")
                }
                funcs.append("(func (export \"\(shape).replace_lane \(lane)\") (param v128 \(scalar)) (result v128) (\(shape).replace_lane \(lane) (local.get 0) (local.get 1)))")
            }
        }
        for (k, lanes) in shuffles.enumerated() {
            funcs.append("(func (export \"shuffle \(k)\") (param v128 v128) (result v128) (i8x16.shuffle \(lanes.map(String.init).joined(separator: " ")) (local.get 0) (local.get 1)))")
        }
        // Memory: loads and stores at an address plus an offset; stores report what they wrote.
        funcs.append("(func (export \"v128.load\") (param i32) (result v128) (v128.load offset=3 (local.get 0)))")
        funcs.append("(func (export \"v128.store\") (param i32 v128) (result v128) (v128.store offset=5 (local.get 0) (local.get 1)) (v128.load offset=5 (local.get 0)))")
        for op in memoryLoads {
            funcs.append("(func (export \(name(op))) (param i32) (result v128) (\(op) offset=1 (local.get 0)))")
        }
        for (load, store, count) in memoryLanes {
            for lane in Self.laneChoices(count) {
                funcs.append("(func (export \"\(load) \(lane)\") (param i32 v128) (result v128) (\(load) offset=2 \(lane) (local.get 0) (local.get 1)))")
                funcs.append("(func (export \"\(store) \(lane)\") (param i32 v128) (result i64 i64) (\(store) offset=2 \(lane) (local.get 0) (local.get 1)) (i64.load offset=2 (local.get 0)) (i64.load offset=10 (local.get 0)))")
            }
        }
        // A loop mixing scalar and vector slots: i32 counters and addresses next to v128 values
        // (pinned scalars must not overlap the vectors' slots), v128 locals carried around it.
        funcs.append("""
        (func (export "loop") (param $n i32) (param $seed v128) (result v128 i32)
          (local $i i32) (local $acc v128) (local $f v128) (local $x i32)
          (local.set $acc (local.get $seed))
          (local.set $f (f32x4.splat (f32.const 0.5)))
          (loop $l
            (local.set $x (i32.and (i32.mul (local.get $i) (i32.const 16)) (i32.const 0xFFF0)))
            (v128.store (local.get $x) (i32x4.add (local.get $acc) (v128.load (local.get $x))))
            (local.set $acc (i8x16.swizzle (i32x4.add (local.get $acc) (i32x4.splat (local.get $i)))
                                           (v128.const i8x16 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 0)))
            (local.set $f (f32x4.add (f32x4.mul (local.get $f) (f32x4.splat (f32.convert_i32_s (local.get $i))))
                                     (f32x4.convert_i32x4_s (v128.and (local.get $acc) (v128.const i32x4 0xFF 0xFF 0xFF 0xFF)))))
            (local.set $x (i32.add (local.get $x) (i32x4.extract_lane 2 (local.get $acc))))
            (local.set $i (i32.add (local.get $i) (i32.const 1)))
            (br_if $l (i32.lt_u (local.get $i) (local.get $n))))
          (v128.xor (local.get $f) (local.get $acc))
          (i32.add (local.get $x) (i8x16.bitmask (local.get $acc))))
        """)
        return "(module\n(memory 1 1)\n(data (i32.const 0) \"\(dataBytes)\")\n" + funcs.joined(separator: "\n") + "\n)"
    }

    /// Memory's first 256 bytes (and, by the loop's stores, more): a byte pattern with every
    /// sign and edge value.
    static var dataBytes: String {
        (0..<256).map { i -> String in
            let b = UInt8(truncatingIfNeeded: i &* 37 &+ (i >> 3))
            let hex = String(b, radix: 16)
            return "\\" + (hex.count == 1 ? "0" + hex : hex)
        }.joined()
    }

    static let f32Specials: [UInt32] = [0, 0x8000_0000, 0x7F80_0000, 0xFF80_0000, 0x7FC0_0000, 0xFFC0_0000, 0x7FA0_0000,
                                        0x7FC1_2345, 0xFF81_2345, 1, 0x8000_0001, 0x7F7F_FFFF, 0xFF7F_FFFF]
        + [1, -1, 0.5, -0.5, 1.5, -1.5, 2.5, -2.5, 3.7, -3.7, 0x1p23, 0x1p31, -0x1p31, 0x1p32, 4294967040, 2147483520,
           -2147483904, 1e30].map { (v: Float) in v.bitPattern }
    static let f64Specials: [UInt64] = [0, 0x8000_0000_0000_0000, 0x7FF0_0000_0000_0000, 0xFFF0_0000_0000_0000,
                                        0x7FF8_0000_0000_0000, 0xFFF8_0000_0000_0000, 0x7FF4_0000_0000_0000,
                                        0x7FF8_0000_1234_5678, 0xFFF0_0000_0000_0001, 1, 0x8000_0000_0000_0001]
        + [1, -1, 0.5, -0.5, 2.5, -2.5, 3.7, 0x1p52, -0x1p52, 0x1p31, 0x1p31 - 1, 0x1p31 - 0.5, -0x1p31, -0x1p31 - 1,
           0x1p32, 4294967295.5, 1e300, Double(Float.greatestFiniteMagnitude) * 2, Double.leastNormalMagnitude / 4].map { (v: Double) in v.bitPattern }

    /// The v128 operands: integer lane patterns, then f32 and f64 lanes of the special values
    /// in changing combinations, then random bits.
    static let vectors: [Value] = integerVectors + f32Vectors + f64Vectors + randomVectors

    static let integerVectors: [Value] = {
        let result: [(UInt64, UInt64)] = [
            (0, 0), (~0, ~0), (0x0706_0504_0302_0100, 0x0F0E_0D0C_0B0A_0908), (0x8080_8080_8080_8080, 0x7F7F_7F7F_7F7F_7F7F),
            (0x80FF_7F00_0180_FE7F, 0xFF01_8081_7E00_FF80), (0x8000_7FFF_FFFF_0000, 0x0001_8001_7FFE_00FF),
            (0x7FFF_FFFF_8000_0000, 0x0000_0001_FFFF_FFFF), (1 << 63, (1 << 63) - 1), (1, ~0 - 1),
            (0x1F10_100F_2000_FF11, 0x8F0E_1D0C_0B1A_0950), (0x0010_0020_0030_8000, 0xFFF0_8001_0005_7FFF),
            (0x0000_FFFF_0000_8000, 0x0001_0000_FFFF_7FFF),
        ]
        return result.map { Value.v128($0.0, $0.1) }
    }()

    static let f32Vectors: [Value] = {
        let n = f32Specials.count
        return (0..<n).map { i in
            let lanes = [0, 1, 3, 7].map { UInt64(f32Specials[(i + $0 * 5) % n]) }
            return .v128(lanes[0] | lanes[1] << 32, lanes[2] | lanes[3] << 32)
        }
    }()

    static let f64Vectors: [Value] = {
        let n = f64Specials.count
        return (0..<n).map { i in .v128(f64Specials[i], f64Specials[(i + 7) % n]) }
    }()

    static let randomVectors: [Value] = {
        var random = TestRandom(state: 0x51AD)
        return (0..<6).map { _ in .v128(random.next(), random.next()) }
    }()

    /// The second operands of a binary op: every pairing of the special values for the float
    /// ops of their shape, integer patterns and random bits (and a few float vectors) otherwise.
    static func secondOperands(_ op: String) -> [Value] {
        if op.hasPrefix("f32x4.") { return integerVectors.prefix(4) + f32Vectors }
        if op.hasPrefix("f64x2.") { return integerVectors.prefix(4) + f64Vectors }
        return integerVectors + randomVectors + f32Vectors.prefix(3) + f64Vectors.prefix(3)
    }

    static let shiftCounts: [UInt32] = [0, 1, 7, 8, 9, 15, 16, 17, 31, 32, 33, 63, 64, 65, 127, 128, 0x8000_0001, 0xFFFF_FFFF]

    static let addresses: [UInt32] = [0, 1, 7, 100, 65536 - 32, 65536 - 19, 65536 - 18, 65536 - 17, 65536 - 16, 65536 - 11,
                                      65536 - 10, 65536 - 9, 65536 - 8, 65536 - 5, 65536 - 3, 65536 - 2, 65536 - 1, 65536,
                                      0x7FFF_FFFF, 0xFFFF_FFF0, 0xFFFF_FFFF]

    /// Float lanes of the ops whose NaN results may differ in payload (nil: compare bits).
    static func floatLaneBits(_ op: String) -> Int? {
        let tolerant = ["add", "sub", "mul", "div", "min", "max", "sqrt", "ceil", "floor", "trunc", "nearest",
                        "promote_low_f32x4", "demote_f64x2_zero"]
        guard let dot = op.firstIndex(of: "."), tolerant.contains(String(op[op.index(after: dot)...])) else { return nil }
        if op.hasPrefix("f32x4") { return 32 }
        if op.hasPrefix("f64x2") { return 64 }
        return nil
    }

    enum Outcome { case values([Value]), trap(TrapReason) }

    func call(_ instance: Instance, _ name: String, _ arguments: [Value]) throws -> Outcome {
        do {
            return .values(try XCTUnwrap(instance.function(name), name).call(arguments))
        } catch SwasmError.trap(let trap) {
            return .trap(trap.reason)
        }
    }

    /// The call gives the same results (NaN lanes equivalent for `floatLaneBits`) or traps alike.
    func assertSameBits(_ name: String, _ arguments: [Value], _ pair: (native: Instance, interpreted: Instance),
                        file: StaticString = #filePath, line: UInt = #line) throws {
        let native = try call(pair.native, name, arguments)
        let interpreted = try call(pair.interpreted, name, arguments)
        guard case .values(let n) = native, case .values(let i) = interpreted, let bits = Self.floatLaneBits(name),
              n.count == 1, i.count == 1, case .v128(let nl, let nh) = n[0], case .v128(let il, let ih) = i[0] else {
            XCTAssertEqual("\(native)", "\(interpreted)", "\(name) \(arguments)", file: file, line: line)
            return
        }
        for (x, y) in [(nl, il), (nh, ih)] {
            for shift in stride(from: 0, to: 64, by: bits) {
                let mask: UInt64 = bits == 64 ? ~0 : 0xFFFF_FFFF
                let p = (x >> UInt64(shift)) & mask, q = (y >> UInt64(shift)) & mask
                let isNaN = { (v: UInt64) -> Bool in
                    bits == 64 ? Double(bitPattern: v).isNaN : Float(bitPattern: UInt32(v)).isNaN
                }
                if p != q && !(isNaN(p) && isNaN(q)) {
                    XCTFail("\(name) \(arguments): native \(n), interpreted \(i)", file: file, line: line)
                    return
                }
            }
        }
    }

    func testLaneArithmeticMatchesTheInterpreter() throws {
        let pair = try tierPair(Self.wat)
        for op in Self.binary {
            let second = Self.secondOperands(op)
            for x in Self.vectors { for y in second { try assertSameBits(op, [x, y], pair) } }
        }
        for op in Self.unary {
            for x in Self.vectors { try assertSameBits(op, [x], pair) }
        }
        for op in Self.tests {
            for x in Self.vectors { try assertSameBits(op, [x], pair) }
            // One lane (byte, word, dword, qword) zero or negative among others.
            for k in 0..<16 {
                try assertSameBits(op, [.v128(~(0xFF << UInt64(8 * (k % 8))), ~0)], pair)
                try assertSameBits(op, [.v128(k < 8 ? 0x80 << UInt64(8 * k) : 1, k < 8 ? 1 : 0x80 << UInt64(8 * (k - 8)))], pair)
            }
        }
        for op in Self.shifts {
            for x in Self.vectors { for count in Self.shiftCounts { try assertSameBits(op, [x, .i32(count)], pair) } }
        }
        for (k, x) in Self.vectors.enumerated() {
            for y in Self.vectors.prefix(12) {
                try assertSameBits("v128.bitselect", [x, y, Self.vectors[(k * 7) % Self.vectors.count]], pair)
                for cond: UInt32 in [0, 1, 0x8000_0000] { try assertSameBits("select", [x, y, .i32(cond)], pair) }
            }
        }
        try assertSameBits("const", [], pair)
    }

    func testLaneAccessShuffleAndSwizzleMatchTheInterpreter() throws {
        let pair = try tierPair(Self.wat)
        let scalars32: [UInt32] = [0, 1, 0x7F, 0x80, 0xFF, 0x100, 0x7FFF, 0x8000, 0xFFFF, 0x8000_0000, 0xFFFF_FFFF,
                                   0x7FC1_2345, 0xFF81_2345, 0x1234_5678]
        let scalars64: [UInt64] = [0, 1, 0xFFFF_FFFF, 1 << 63, ~0, 0x7FF4_0000_0000_0001, 0x1234_5678_9ABC_DEF0]
        for (shape, count, scalar) in Self.lanes {
            let values: [Value] = scalar == "i32" ? scalars32.map { .i32($0) } : scalar == "i64" ? scalars64.map { .i64($0) }
                : scalar == "f32" ? scalars32.map { .f32($0) } : scalars64.map { .f64($0) }
            for v in values { try assertSameBits("\(shape).splat", [v], pair) }
            let signs = shape == "i8x16" || shape == "i16x8" ? ["_s", "_u"] : [""]
            for lane in 0..<count {
                for x in Self.vectors {
                    for sign in signs { try assertSameBits("\(shape).extract_lane\(sign) \(lane)", [x], pair) }
                }
                for x in Self.vectors.prefix(8) {
                    for v in values { try assertSameBits("\(shape).replace_lane \(lane)", [x, v], pair) }
                }
            }
        }
        for k in Self.shuffles.indices {
            for x in Self.vectors.prefix(10) { for y in Self.vectors.suffix(10) { try assertSameBits("shuffle \(k)", [x, y], pair) } }
        }
        // Swizzle indices: in range, 16, 0x7F, 0x80, 0xF0, 0xFF.
        let indices: [Value] = [.v128(0x0F10_7F80_F0FF_0001, 0x0203_1011_0E0D_0C8F), .v128(0x1010_1010_1010_1010, 0x0F0F_0F0F_0F0F_0F0F),
                                .v128(0x0001_0203_0405_0607, 0x0809_0A0B_0C0D_0E0F), .v128(0x7071_7273_8081_9091, 0xEFFE_1F2F_3F4F_5F6F)]
        for x in Self.vectors { for s in indices + Self.vectors { try assertSameBits("i8x16.swizzle", [x, s], pair) } }
    }

    func testMemoryAccessesMatchTheInterpreterWithTheirTraps() throws {
        let pair = try tierPair(Self.wat)
        for address in Self.addresses {
            try assertSameBits("v128.load", [.i32(address)], pair)
            for op in Self.memoryLoads { try assertSameBits(op, [.i32(address)], pair) }
            for x in Self.vectors.prefix(4) {
                try assertSameBits("v128.store", [.i32(address), x], pair)
                for (load, store, count) in Self.memoryLanes {
                    for lane in Self.laneChoices(count) {
                        try assertSameBits("\(load) \(lane)", [.i32(address), x], pair)
                        try assertSameBits("\(store) \(lane)", [.i32(address), x], pair)
                    }
                }
            }
        }
        for n: UInt32 in [1, 2, 17, 300] {
            for x in Self.vectors.prefix(6) { try assertSameBits("loop", [.i32(n), x], pair) }
        }
        // The stores above and the loop's left both memories alike.
        for address in stride(from: UInt32(0), to: 65536, by: 4096) {
            try assertSameBits("v128.load", [.i32(address)], pair)
        }
    }

    /// The ops with templates compile without calls of the out-of-line SIMD executor; those
    /// without (the unsigned float conversions) still call it once each.
    func testTemplatesReplaceTheOutOfLinePath() throws {
        guard NativeTier.isAvailable, NativeTier.hasVectorTemplates, NativeTier.hasSSE42 else {
            throw XCTSkip("no SIMD templates on this machine")
        }
        let outOfLine: Set<String> = ["f32x4.convert_i32x4_u", "i32x4.trunc_sat_f32x4_u", "i32x4.trunc_sat_f64x2_u_zero"]
        let instance = try tierPair(Self.wat).native
        let module = instance.module
        var templated = 0
        XCTAssertTrue(module.imports.isEmpty)
        for export in module.sections.exports where export.kind == .function {
            let counts = try XCTUnwrap(NativeCompiler.outOfLineCounts(try module.code.function(Int(export.index))), export.name)
            if outOfLine.contains(export.name) {
                XCTAssertEqual(counts.vector, 1, export.name)
            } else {
                XCTAssertEqual(counts.vector, 0, export.name)
                templated += 1
            }
            XCTAssertEqual(counts.snippets, 0, export.name)
        }
        XCTAssertGreaterThan(templated, 300)
    }
}
