import XCTest
@testable import Swasm

/// `SIMDOps` against plain per-lane reference code written from the spec's definitions: all
/// 65,536 pairs of i8 lanes for the i8x16 ops, random and boundary lanes for the wider ones,
/// every special float class for the float lanes (compared with the scalar `WasmNumerics`),
/// every lane index for the lane ops, and the memory helpers the spec scripts cannot reach
/// without an interpreter.
final class SIMDOpsTests: XCTestCase {
    typealias S = SIMDOps

    // MARK: Lanes

    static func lanes(_ v: V128, _ bits: Int) -> [UInt64] {
        let count = 128 / bits
        let mask: UInt64 = bits == 64 ? ~0 : (1 << UInt64(bits)) - 1
        return (0..<count).map { i in
            let position = i * bits
            return ((position < 64 ? v.low : v.high) >> UInt64(position % 64)) & mask
        }
    }

    static func vector(_ lanes: [UInt64], _ bits: Int) -> V128 {
        let mask: UInt64 = bits == 64 ? ~0 : (1 << UInt64(bits)) - 1
        var low: UInt64 = 0, high: UInt64 = 0
        for (i, lane) in lanes.enumerated() {
            let position = i * bits
            if position < 64 { low |= (lane & mask) << UInt64(position) } else { high |= (lane & mask) << UInt64(position - 64) }
        }
        return V128(low: low, high: high)
    }

    static func signed(_ x: UInt64, _ bits: Int) -> Int64 {
        Int64(bitPattern: x << UInt64(64 - bits)) >> Int64(64 - bits)
    }

    typealias Random = TestRandom

    /// Boundary lane values of a width: 0, 1, -1, min, max, min+1, max-1 and a few others.
    static func boundaries(_ bits: Int) -> [UInt64] {
        let mask: UInt64 = bits == 64 ? ~0 : (1 << UInt64(bits)) - 1
        let top: UInt64 = 1 << UInt64(bits - 1)
        return [0, 1, 2, mask, mask - 1, top, top - 1, top + 1, top >> 1, 0x55 & mask, 0xAA & mask, 7].map { $0 & mask }
    }

    /// Operand pairs for a lane width: all pairs for 8 bits, boundaries × boundaries and
    /// random lanes for wider ones, packed into vectors.
    static func operandPairs(_ bits: Int) -> [(V128, V128)] {
        var xs: [UInt64] = [], ys: [UInt64] = []
        if bits == 8 {
            for x in 0..<256 { for y in 0..<256 { xs.append(UInt64(x)); ys.append(UInt64(y)) } }
        } else {
            let b = boundaries(bits)
            for x in b { for y in b { xs.append(x); ys.append(y) } }
            var random = Random(state: UInt64(bits))
            let mask: UInt64 = bits == 64 ? ~0 : (1 << UInt64(bits)) - 1
            for _ in 0..<4000 {
                let r = random.next()
                // Small magnitudes too, where saturation and rounding edges live.
                xs.append(r & 1 == 0 ? random.next() & mask : (random.next() & 0xFF) &- 0x80 & mask)
                ys.append(r & 2 == 0 ? random.next() & mask : (random.next() & 0xFF) &- 0x80 & mask)
            }
        }
        let perVector = 128 / bits
        var pairs: [(V128, V128)] = []
        var i = 0
        while i < xs.count {
            let end = min(i + perVector, xs.count)
            pairs.append((vector(Array(xs[i..<end]), bits), vector(Array(ys[i..<end]), bits)))
            i = end
        }
        return pairs
    }

    func checkBinary(_ name: String, _ bits: Int, _ op: (V128, V128) -> V128, _ reference: (UInt64, UInt64) -> UInt64,
                     file: StaticString = #filePath, line: UInt = #line) {
        let mask: UInt64 = bits == 64 ? ~0 : (1 << UInt64(bits)) - 1
        var failures = 0
        for (a, b) in Self.operandPairs(bits) {
            let expected = Self.vector(zip(Self.lanes(a, bits), Self.lanes(b, bits)).map { reference($0, $1) & mask }, bits)
            let actual = op(a, b)
            if actual != expected {
                failures += 1
                if failures <= 3 { XCTFail("\(name)(\(a), \(b)) = \(actual), expected \(expected)", file: file, line: line) }
            }
        }
    }

    func checkUnary(_ name: String, _ bits: Int, _ op: (V128) -> V128, _ reference: (UInt64) -> UInt64,
                    file: StaticString = #filePath, line: UInt = #line) {
        let mask: UInt64 = bits == 64 ? ~0 : (1 << UInt64(bits)) - 1
        for (a, _) in Self.operandPairs(bits) {
            let expected = Self.vector(Self.lanes(a, bits).map { reference($0) & mask }, bits)
            XCTAssertEqual(op(a), expected, "\(name)(\(a))", file: file, line: line)
        }
    }

    // MARK: Integer lanes

    func testWrappingArithmeticAndComparisons() {
        for bits in [8, 16, 32, 64] {
            let s = { (x: UInt64) in Self.signed(x, bits) }
            let all: UInt64 = ~0
            let table: [(String, (V128, V128) -> V128, (UInt64, UInt64) -> UInt64)] = {
                switch bits {
                case 8: return [("add", S.i8x16Add, { $0 &+ $1 }), ("sub", S.i8x16Sub, { $0 &- $1 }),
                                ("eq", S.i8x16Eq, { $0 == $1 ? all : 0 }), ("ne", S.i8x16Ne, { $0 != $1 ? all : 0 }),
                                ("lt_s", S.i8x16LtS, { s($0) < s($1) ? all : 0 }), ("lt_u", S.i8x16LtU, { $0 < $1 ? all : 0 }),
                                ("gt_s", S.i8x16GtS, { s($0) > s($1) ? all : 0 }), ("gt_u", S.i8x16GtU, { $0 > $1 ? all : 0 }),
                                ("le_s", S.i8x16LeS, { s($0) <= s($1) ? all : 0 }), ("le_u", S.i8x16LeU, { $0 <= $1 ? all : 0 }),
                                ("ge_s", S.i8x16GeS, { s($0) >= s($1) ? all : 0 }), ("ge_u", S.i8x16GeU, { $0 >= $1 ? all : 0 })]
                case 16: return [("add", S.i16x8Add, { $0 &+ $1 }), ("sub", S.i16x8Sub, { $0 &- $1 }), ("mul", S.i16x8Mul, { $0 &* $1 }),
                                 ("eq", S.i16x8Eq, { $0 == $1 ? all : 0 }), ("ne", S.i16x8Ne, { $0 != $1 ? all : 0 }),
                                 ("lt_s", S.i16x8LtS, { s($0) < s($1) ? all : 0 }), ("lt_u", S.i16x8LtU, { $0 < $1 ? all : 0 }),
                                 ("gt_s", S.i16x8GtS, { s($0) > s($1) ? all : 0 }), ("gt_u", S.i16x8GtU, { $0 > $1 ? all : 0 }),
                                 ("le_s", S.i16x8LeS, { s($0) <= s($1) ? all : 0 }), ("le_u", S.i16x8LeU, { $0 <= $1 ? all : 0 }),
                                 ("ge_s", S.i16x8GeS, { s($0) >= s($1) ? all : 0 }), ("ge_u", S.i16x8GeU, { $0 >= $1 ? all : 0 })]
                case 32: return [("add", S.i32x4Add, { $0 &+ $1 }), ("sub", S.i32x4Sub, { $0 &- $1 }), ("mul", S.i32x4Mul, { $0 &* $1 }),
                                 ("eq", S.i32x4Eq, { $0 == $1 ? all : 0 }), ("ne", S.i32x4Ne, { $0 != $1 ? all : 0 }),
                                 ("lt_s", S.i32x4LtS, { s($0) < s($1) ? all : 0 }), ("lt_u", S.i32x4LtU, { $0 < $1 ? all : 0 }),
                                 ("gt_s", S.i32x4GtS, { s($0) > s($1) ? all : 0 }), ("gt_u", S.i32x4GtU, { $0 > $1 ? all : 0 }),
                                 ("le_s", S.i32x4LeS, { s($0) <= s($1) ? all : 0 }), ("le_u", S.i32x4LeU, { $0 <= $1 ? all : 0 }),
                                 ("ge_s", S.i32x4GeS, { s($0) >= s($1) ? all : 0 }), ("ge_u", S.i32x4GeU, { $0 >= $1 ? all : 0 })]
                default: return [("add", S.i64x2Add, { $0 &+ $1 }), ("sub", S.i64x2Sub, { $0 &- $1 }), ("mul", S.i64x2Mul, { $0 &* $1 }),
                                 ("eq", S.i64x2Eq, { $0 == $1 ? all : 0 }), ("ne", S.i64x2Ne, { $0 != $1 ? all : 0 }),
                                 ("lt_s", S.i64x2LtS, { s($0) < s($1) ? all : 0 }), ("gt_s", S.i64x2GtS, { s($0) > s($1) ? all : 0 }),
                                 ("le_s", S.i64x2LeS, { s($0) <= s($1) ? all : 0 }), ("ge_s", S.i64x2GeS, { s($0) >= s($1) ? all : 0 })]
                }
            }()
            for (name, op, reference) in table { checkBinary("i\(bits).\(name)", bits, op, reference) }
        }
    }

    func testSaturatingMinMaxAverage() {
        for bits in [8, 16, 32] {
            let s = { (x: UInt64) in Self.signed(x, bits) }
            let maxS = Int64(1) << Int64(bits - 1) - 1, minS = -(Int64(1) << Int64(bits - 1))
            let maxU = UInt64(1) << UInt64(bits) - 1
            let satS = { (x: Int64) in UInt64(bitPattern: Swift.min(Swift.max(x, minS), maxS)) }
            let satU = { (x: Int64) in UInt64(Swift.min(Swift.max(x, 0), Int64(maxU))) }
            var table: [(String, (V128, V128) -> V128, (UInt64, UInt64) -> UInt64)] = []
            switch bits {
            case 8:
                table = [("add_sat_s", S.i8x16AddSatS, { satS(s($0) + s($1)) }), ("add_sat_u", S.i8x16AddSatU, { satU(Int64($0 + $1)) }),
                         ("sub_sat_s", S.i8x16SubSatS, { satS(s($0) - s($1)) }), ("sub_sat_u", S.i8x16SubSatU, { satU(Int64($0) - Int64($1)) }),
                         ("min_s", S.i8x16MinS, { s($0) < s($1) ? $0 : $1 }), ("min_u", S.i8x16MinU, { Swift.min($0, $1) }),
                         ("max_s", S.i8x16MaxS, { s($0) > s($1) ? $0 : $1 }), ("max_u", S.i8x16MaxU, { Swift.max($0, $1) }),
                         ("avgr_u", S.i8x16AvgrU, { ($0 + $1 + 1) / 2 })]
            case 16:
                table = [("add_sat_s", S.i16x8AddSatS, { satS(s($0) + s($1)) }), ("add_sat_u", S.i16x8AddSatU, { satU(Int64($0 + $1)) }),
                         ("sub_sat_s", S.i16x8SubSatS, { satS(s($0) - s($1)) }), ("sub_sat_u", S.i16x8SubSatU, { satU(Int64($0) - Int64($1)) }),
                         ("min_s", S.i16x8MinS, { s($0) < s($1) ? $0 : $1 }), ("min_u", S.i16x8MinU, { Swift.min($0, $1) }),
                         ("max_s", S.i16x8MaxS, { s($0) > s($1) ? $0 : $1 }), ("max_u", S.i16x8MaxU, { Swift.max($0, $1) }),
                         ("avgr_u", S.i16x8AvgrU, { ($0 + $1 + 1) / 2 }),
                         ("q15mulr_sat_s", S.i16x8Q15mulrSatS, { satS((s($0) * s($1) + 0x4000) >> 15) })]
            default:
                table = [("min_s", S.i32x4MinS, { s($0) < s($1) ? $0 : $1 }), ("min_u", S.i32x4MinU, { Swift.min($0, $1) }),
                         ("max_s", S.i32x4MaxS, { s($0) > s($1) ? $0 : $1 }), ("max_u", S.i32x4MaxU, { Swift.max($0, $1) })]
            }
            for (name, op, reference) in table { checkBinary("i\(bits).\(name)", bits, op, reference) }
        }
        checkBinary("relaxed_q15mulr_s", 16, S.i16x8RelaxedQ15mulrS) { a, b in
            let p = (Self.signed(a, 16) * Self.signed(b, 16) + 0x4000) >> 15
            return UInt64(bitPattern: Swift.min(p, 0x7FFF))
        }
    }

    func testUnaryIntegerOps() {
        for bits in [8, 16, 32, 64] {
            let s = { (x: UInt64) in Self.signed(x, bits) }
            let abs = { (x: UInt64) in UInt64(bitPattern: s(x) < 0 ? 0 &- s(x) : s(x)) }
            let neg = { (x: UInt64) in 0 &- x }
            switch bits {
            case 8:
                checkUnary("i8.abs", 8, S.i8x16Abs, abs); checkUnary("i8.neg", 8, S.i8x16Neg, neg)
                checkUnary("i8.popcnt", 8, S.i8x16Popcnt) { UInt64($0.nonzeroBitCount) }
            case 16: checkUnary("i16.abs", 16, S.i16x8Abs, abs); checkUnary("i16.neg", 16, S.i16x8Neg, neg)
            case 32: checkUnary("i32.abs", 32, S.i32x4Abs, abs); checkUnary("i32.neg", 32, S.i32x4Neg, neg)
            default: checkUnary("i64.abs", 64, S.i64x2Abs, abs); checkUnary("i64.neg", 64, S.i64x2Neg, neg)
            }
        }
    }

    func testShiftsTakeTheCountModuloTheWidth() {
        var random = Random(state: 3)
        let vectors = (0..<64).map { _ in random.vector() } + [V128(low: ~0, high: ~0), V128(low: 0x8080_8080_8080_8080, high: 1)]
        let counts: [UInt32] = Array(0...70) + [127, 128, 255, 0x8000_0000, ~0]
        let families: [(Int, (V128, UInt32) -> V128, (V128, UInt32) -> V128, (V128, UInt32) -> V128)] = [
            (8, S.i8x16Shl, S.i8x16ShrS, S.i8x16ShrU), (16, S.i16x8Shl, S.i16x8ShrS, S.i16x8ShrU),
            (32, S.i32x4Shl, S.i32x4ShrS, S.i32x4ShrU), (64, S.i64x2Shl, S.i64x2ShrS, S.i64x2ShrU),
        ]
        for (bits, shl, shrS, shrU) in families {
            for v in vectors {
                for n in counts {
                    let k = UInt64(n) % UInt64(bits)
                    let lanes = Self.lanes(v, bits)
                    XCTAssertEqual(shl(v, n), Self.vector(lanes.map { $0 << k }, bits), "i\(bits).shl \(v) \(n)")
                    XCTAssertEqual(shrS(v, n), Self.vector(lanes.map { UInt64(bitPattern: Self.signed($0, bits) >> Int64(k)) }, bits),
                                   "i\(bits).shr_s \(v) \(n)")
                    XCTAssertEqual(shrU(v, n), Self.vector(lanes.map { $0 >> k }, bits), "i\(bits).shr_u \(v) \(n)")
                }
            }
        }
    }

    func testNarrowExtendExtmulExtaddDot() {
        var random = Random(state: 5)
        var vectors = (0..<300).map { _ in random.vector() }
        for bits in [8, 16, 32] { vectors += Self.boundaries(bits).map { Self.vector(Array(repeating: $0, count: 128 / bits), bits) } }
        for a in vectors {
            let b = vectors[Int(a.low % UInt64(vectors.count))]
            for (from, narrowS, narrowU) in [(16, S.i8x16NarrowI16x8S, S.i8x16NarrowI16x8U), (32, S.i16x8NarrowI32x4S, S.i16x8NarrowI32x4U)] {
                let to = from / 2
                let lanes = Self.lanes(a, from) + Self.lanes(b, from)
                let maxS = Int64(1) << Int64(to - 1) - 1, minS = -(Int64(1) << Int64(to - 1))
                XCTAssertEqual(narrowS(a, b), Self.vector(lanes.map { UInt64(bitPattern: Swift.min(Swift.max(Self.signed($0, from), minS), maxS)) }, to))
                XCTAssertEqual(narrowU(a, b), Self.vector(lanes.map { UInt64(Swift.min(Swift.max(Self.signed($0, from), 0), Int64(1) << Int64(to) - 1)) }, to))
            }
            let extends: [(Int, (V128) -> V128, (V128) -> V128, (V128) -> V128, (V128) -> V128)] = [
                (8, S.i16x8ExtendLowI8x16S, S.i16x8ExtendHighI8x16S, S.i16x8ExtendLowI8x16U, S.i16x8ExtendHighI8x16U),
                (16, S.i32x4ExtendLowI16x8S, S.i32x4ExtendHighI16x8S, S.i32x4ExtendLowI16x8U, S.i32x4ExtendHighI16x8U),
                (32, S.i64x2ExtendLowI32x4S, S.i64x2ExtendHighI32x4S, S.i64x2ExtendLowI32x4U, S.i64x2ExtendHighI32x4U),
            ]
            for (from, lowS, highS, lowU, highU) in extends {
                let lanes = Self.lanes(a, from), half = lanes.count / 2
                let sx = { (x: UInt64) in UInt64(bitPattern: Self.signed(x, from)) }
                XCTAssertEqual(lowS(a), Self.vector(lanes[0..<half].map(sx), from * 2))
                XCTAssertEqual(highS(a), Self.vector(lanes[half...].map(sx), from * 2))
                XCTAssertEqual(lowU(a), Self.vector(Array(lanes[0..<half]), from * 2))
                XCTAssertEqual(highU(a), Self.vector(Array(lanes[half...]), from * 2))
            }
            let extmuls: [(Int, (V128, V128) -> V128, (V128, V128) -> V128, (V128, V128) -> V128, (V128, V128) -> V128)] = [
                (8, S.i16x8ExtmulLowI8x16S, S.i16x8ExtmulHighI8x16S, S.i16x8ExtmulLowI8x16U, S.i16x8ExtmulHighI8x16U),
                (16, S.i32x4ExtmulLowI16x8S, S.i32x4ExtmulHighI16x8S, S.i32x4ExtmulLowI16x8U, S.i32x4ExtmulHighI16x8U),
                (32, S.i64x2ExtmulLowI32x4S, S.i64x2ExtmulHighI32x4S, S.i64x2ExtmulLowI32x4U, S.i64x2ExtmulHighI32x4U),
            ]
            for (from, lowS, highS, lowU, highU) in extmuls {
                let x = Self.lanes(a, from), y = Self.lanes(b, from), half = x.count / 2
                let ps = zip(x, y).map { UInt64(bitPattern: Self.signed($0, from) &* Self.signed($1, from)) }
                let pu = zip(x, y).map { $0 &* $1 }
                XCTAssertEqual(lowS(a, b), Self.vector(Array(ps[0..<half]), from * 2))
                XCTAssertEqual(highS(a, b), Self.vector(Array(ps[half...]), from * 2))
                XCTAssertEqual(lowU(a, b), Self.vector(Array(pu[0..<half]), from * 2))
                XCTAssertEqual(highU(a, b), Self.vector(Array(pu[half...]), from * 2))
            }
            for (from, addS, addU) in [(8, S.i16x8ExtaddPairwiseI8x16S, S.i16x8ExtaddPairwiseI8x16U),
                                       (16, S.i32x4ExtaddPairwiseI16x8S, S.i32x4ExtaddPairwiseI16x8U)] {
                let x = Self.lanes(a, from)
                let sums = stride(from: 0, to: x.count, by: 2).map { UInt64(bitPattern: Self.signed(x[$0], from) + Self.signed(x[$0 + 1], from)) }
                let sumsU = stride(from: 0, to: x.count, by: 2).map { x[$0] + x[$0 + 1] }
                XCTAssertEqual(addS(a), Self.vector(sums, from * 2))
                XCTAssertEqual(addU(a), Self.vector(sumsU, from * 2))
            }
            let x = Self.lanes(a, 16), y = Self.lanes(b, 16)
            let dot = stride(from: 0, to: 8, by: 2).map { i in
                UInt64(bitPattern: Self.signed(x[i], 16) * Self.signed(y[i], 16) + Self.signed(x[i + 1], 16) * Self.signed(y[i + 1], 16))
            }
            XCTAssertEqual(S.i32x4DotI16x8S(a, b), Self.vector(dot, 32))
            // Relaxed dot: signed × signed i8 products, pairs summed with wrapping into i16.
            let x8 = Self.lanes(a, 8), y8 = Self.lanes(b, 8)
            let dot16 = stride(from: 0, to: 16, by: 2).map { i in
                UInt64(bitPattern: Self.signed(x8[i], 8) * Self.signed(y8[i], 8) + Self.signed(x8[i + 1], 8) * Self.signed(y8[i + 1], 8))
            }
            XCTAssertEqual(S.i16x8RelaxedDotI8x16I7x16S(a, b), Self.vector(dot16, 16))
            let c = vectors[Int(a.high % UInt64(vectors.count))]
            let dotAdd = (0..<4).map { i in
                UInt64(bitPattern: Self.signed(dot16[2 * i] & 0xFFFF, 16) + Self.signed(dot16[2 * i + 1] & 0xFFFF, 16)) &+ Self.lanes(c, 32)[i]
            }
            XCTAssertEqual(S.i32x4RelaxedDotI8x16I7x16AddS(a, b, c), Self.vector(dotAdd, 32))
        }
    }

    func testBooleanReductionsAndBitmasks() {
        var random = Random(state: 7)
        var vectors = (0..<500).map { _ in random.vector() }
        // Vectors with some zero lanes of each width.
        for bits in [8, 16, 32, 64] {
            for _ in 0..<200 {
                var lanes = Self.lanes(random.vector(), bits)
                lanes[Int(random.next() % UInt64(lanes.count))] = 0
                vectors.append(Self.vector(lanes, bits))
                vectors.append(Self.vector(lanes.map { $0 == 0 ? 1 : $0 }, bits))
            }
        }
        vectors += [.zero, V128(low: ~0, high: ~0), V128(low: 1, high: 0), V128(low: 0, high: 1 << 63)]
        for v in vectors {
            XCTAssertEqual(S.v128AnyTrue(v), v.low != 0 || v.high != 0)
            for (bits, allTrue, bitmask) in [(8, S.i8x16AllTrue, S.i8x16Bitmask), (16, S.i16x8AllTrue, S.i16x8Bitmask),
                                             (32, S.i32x4AllTrue, S.i32x4Bitmask), (64, S.i64x2AllTrue, S.i64x2Bitmask)] {
                let lanes = Self.lanes(v, bits)
                XCTAssertEqual(allTrue(v), lanes.allSatisfy { $0 != 0 }, "i\(bits).all_true \(v)")
                let mask = lanes.enumerated().reduce(UInt32(0)) { $0 | UInt32(($1.element >> UInt64(bits - 1)) & 1) << UInt32($1.offset) }
                XCTAssertEqual(bitmask(v), mask, "i\(bits).bitmask \(v)")
            }
        }
    }

    func testBitwise() {
        var random = Random(state: 11)
        for _ in 0..<200 {
            let a = random.vector(), b = random.vector(), c = random.vector()
            XCTAssertEqual(S.v128Not(a), V128(low: ~a.low, high: ~a.high))
            XCTAssertEqual(S.v128And(a, b), V128(low: a.low & b.low, high: a.high & b.high))
            XCTAssertEqual(S.v128AndNot(a, b), V128(low: a.low & ~b.low, high: a.high & ~b.high))
            XCTAssertEqual(S.v128Or(a, b), V128(low: a.low | b.low, high: a.high | b.high))
            XCTAssertEqual(S.v128Xor(a, b), V128(low: a.low ^ b.low, high: a.high ^ b.high))
            let select = V128(low: (a.low & c.low) | (b.low & ~c.low), high: (a.high & c.high) | (b.high & ~c.high))
            XCTAssertEqual(S.v128Bitselect(a, b, c), select)
            for laneselect in [S.i8x16RelaxedLaneselect, S.i16x8RelaxedLaneselect, S.i32x4RelaxedLaneselect, S.i64x2RelaxedLaneselect] {
                XCTAssertEqual(laneselect(a, b, c), select)
            }
        }
    }

    // MARK: Lanes, splats, swizzle, shuffle, memory helpers

    func testLanes() {
        var random = Random(state: 13)
        for _ in 0..<50 {
            let v = random.vector(), x = random.next()
            for lane in 0..<16 {
                let bytes = Self.lanes(v, 8)
                XCTAssertEqual(S.i8x16ExtractLaneU(v, lane), UInt32(bytes[lane]))
                XCTAssertEqual(S.i8x16ExtractLaneS(v, lane), UInt32(truncatingIfNeeded: Self.signed(bytes[lane], 8)))
                var replaced = bytes
                replaced[lane] = x & 0xFF
                XCTAssertEqual(S.i8x16ReplaceLane(v, lane, UInt32(truncatingIfNeeded: x)), Self.vector(replaced, 8))
            }
            for lane in 0..<8 {
                let halves = Self.lanes(v, 16)
                XCTAssertEqual(S.i16x8ExtractLaneU(v, lane), UInt32(halves[lane]))
                XCTAssertEqual(S.i16x8ExtractLaneS(v, lane), UInt32(truncatingIfNeeded: Self.signed(halves[lane], 16)))
                var replaced = halves
                replaced[lane] = x & 0xFFFF
                XCTAssertEqual(S.i16x8ReplaceLane(v, lane, UInt32(truncatingIfNeeded: x)), Self.vector(replaced, 16))
            }
            for lane in 0..<4 {
                let words = Self.lanes(v, 32)
                XCTAssertEqual(S.i32x4ExtractLane(v, lane), UInt32(words[lane]))
                XCTAssertEqual(S.f32x4ExtractLane(v, lane), UInt32(words[lane]))
                var replaced = words
                replaced[lane] = x & 0xFFFF_FFFF
                XCTAssertEqual(S.i32x4ReplaceLane(v, lane, UInt32(truncatingIfNeeded: x)), Self.vector(replaced, 32))
                XCTAssertEqual(S.f32x4ReplaceLane(v, lane, UInt32(truncatingIfNeeded: x)), Self.vector(replaced, 32))
            }
            for lane in 0..<2 {
                XCTAssertEqual(S.i64x2ExtractLane(v, lane), lane == 0 ? v.low : v.high)
                XCTAssertEqual(S.f64x2ExtractLane(v, lane), lane == 0 ? v.low : v.high)
                let replaced = lane == 0 ? V128(low: x, high: v.high) : V128(low: v.low, high: x)
                XCTAssertEqual(S.i64x2ReplaceLane(v, lane, x), replaced)
                XCTAssertEqual(S.f64x2ReplaceLane(v, lane, x), replaced)
            }
            XCTAssertEqual(S.i8x16Splat(UInt32(truncatingIfNeeded: x)), Self.vector(Array(repeating: x & 0xFF, count: 16), 8))
            XCTAssertEqual(S.i16x8Splat(UInt32(truncatingIfNeeded: x)), Self.vector(Array(repeating: x & 0xFFFF, count: 8), 16))
            XCTAssertEqual(S.i32x4Splat(UInt32(truncatingIfNeeded: x)), Self.vector(Array(repeating: x & 0xFFFF_FFFF, count: 4), 32))
            XCTAssertEqual(S.f32x4Splat(UInt32(truncatingIfNeeded: x)), Self.vector(Array(repeating: x & 0xFFFF_FFFF, count: 4), 32))
            XCTAssertEqual(S.i64x2Splat(x), V128(low: x, high: x))
            XCTAssertEqual(S.f64x2Splat(x), V128(low: x, high: x))
        }
    }

    func testSwizzleAndShuffle() {
        var random = Random(state: 17)
        for _ in 0..<500 {
            let a = random.vector(), b = random.vector(), s = random.vector()
            let x = Self.lanes(a, 8), y = Self.lanes(b, 8), indices = Self.lanes(s, 8)
            let swizzled = indices.map { $0 < 16 ? x[Int($0)] : 0 }
            XCTAssertEqual(S.i8x16Swizzle(a, s), Self.vector(swizzled, 8))
            XCTAssertEqual(S.i8x16RelaxedSwizzle(a, s), Self.vector(swizzled, 8))
            let small = Self.vector(indices.map { $0 & 15 }, 8)
            XCTAssertEqual(S.i8x16Swizzle(a, small), Self.vector(indices.map { x[Int($0 & 15)] }, 8))
            let lanes = Self.vector(indices.map { $0 & 31 }, 8)
            let shuffled = indices.map { j -> UInt64 in let k = Int(j & 31); return k < 16 ? x[k] : y[k - 16] }
            XCTAssertEqual(S.i8x16Shuffle(a, b, lanes: lanes), Self.vector(shuffled, 8))
        }
    }

    func testMemoryHelpers() {
        var random = Random(state: 19)
        for _ in 0..<200 {
            let bits = random.next()
            let bytes = (0..<8).map { (bits >> UInt64(8 * $0)) & 0xFF }
            XCTAssertEqual(S.v128Load8x8S(bits), Self.vector(bytes.map { UInt64(bitPattern: Self.signed($0, 8)) }, 16))
            XCTAssertEqual(S.v128Load8x8U(bits), Self.vector(bytes, 16))
            let halves = (0..<4).map { (bits >> UInt64(16 * $0)) & 0xFFFF }
            XCTAssertEqual(S.v128Load16x4S(bits), Self.vector(halves.map { UInt64(bitPattern: Self.signed($0, 16)) }, 32))
            XCTAssertEqual(S.v128Load16x4U(bits), Self.vector(halves, 32))
            let words = [bits & 0xFFFF_FFFF, bits >> 32]
            XCTAssertEqual(S.v128Load32x2S(bits), Self.vector(words.map { UInt64(bitPattern: Self.signed($0, 32)) }, 64))
            XCTAssertEqual(S.v128Load32x2U(bits), Self.vector(words, 64))
            XCTAssertEqual(S.v128Load32Zero(UInt32(truncatingIfNeeded: bits)), V128(low: bits & 0xFFFF_FFFF, high: 0))
            XCTAssertEqual(S.v128Load64Zero(bits), V128(low: bits, high: 0))
        }
    }

    // MARK: Float lanes

    static let specialFloats: [UInt32] = [
        0, 0x8000_0000, 0x3F80_0000, 0xBF80_0000, 0x3F00_0000, 0xBF00_0000, 0x3FC0_0000, 0xBFC0_0000,
        0x4020_0000, 0xC020_0000, 0x3F40_0000, 0xBF40_0000, 0x0000_0001, 0x8000_0001, 0x007F_FFFF, 0x0080_0000,
        0x7F7F_FFFF, 0xFF7F_FFFF, 0x7F80_0000, 0xFF80_0000, 0x7FC0_0000, 0xFFC0_0000, 0x7FA0_0000, 0x7F80_0001,
        0xFFF0_1234, 0x4B00_0000, 0x4AFF_FFFF, 0xCAFF_FFFF, 0x4B00_0001, 0x4B80_0000, 0x4EFF_FFFF, 0x4F00_0000,
        0xCF00_0000, 0xCF00_0001, 0x4F7F_FFFF, 0x4F80_0000, 0x3EFF_FFFF, 0xBEFF_FFFF,
    ]
    static let specialDoubles: [UInt64] = [
        0, 0x8000_0000_0000_0000, 0x3FF0_0000_0000_0000, 0xBFF0_0000_0000_0000, 0x3FE0_0000_0000_0000,
        0xBFE0_0000_0000_0000, 0x3FF8_0000_0000_0000, 0xBFF8_0000_0000_0000, 0x4004_0000_0000_0000,
        0x3FE8_0000_0000_0000, 0xBFE8_0000_0000_0000, 1, 0x8000_0000_0000_0001, 0x000F_FFFF_FFFF_FFFF,
        0x7FEF_FFFF_FFFF_FFFF, 0xFFEF_FFFF_FFFF_FFFF, 0x7FF0_0000_0000_0000, 0xFFF0_0000_0000_0000,
        0x7FF8_0000_0000_0000, 0xFFF8_0000_0000_0000, 0x7FF4_0000_0000_0000, 0x7FF0_0000_0000_0001,
        0x4330_0000_0000_0000, 0x432F_FFFF_FFFF_FFFF, 0xC32F_FFFF_FFFF_FFFF, 0x4330_0000_0000_0001,
        0x41DF_FFFF_FFC0_0000, 0x41E0_0000_0000_0000, 0xC1E0_0000_0000_0000, 0xC1E0_0000_0020_0000,
        0x41EF_FFFF_FFE0_0000, 0x41F0_0000_0000_0000, 0x3FDF_FFFF_FFFF_FFFF,
    ]

    static func floats() -> [UInt32] {
        var random = Random(state: 23)
        var values = specialFloats
        for _ in 0..<3000 {
            let r = random.next()
            // Random bits, and random values near the rounding and range edges.
            values.append(r & 1 == 0 ? UInt32(truncatingIfNeeded: random.next())
                          : UInt32(truncatingIfNeeded: random.next() & 0x80FF_FFFF) | (UInt32(0x3E + (r >> 8) % 0x12) << 23))
        }
        return values
    }

    static func doubles() -> [UInt64] {
        var random = Random(state: 29)
        var values = specialDoubles
        for _ in 0..<3000 {
            let r = random.next()
            values.append(r & 1 == 0 ? random.next()
                          : (random.next() & 0x800F_FFFF_FFFF_FFFF) | (UInt64(0x3FC + (r >> 8) % 0x3A) << 52))
        }
        return values
    }

    /// Exact bits, NaN payloads included: the vector paths quiet the same operand as the scalar
    /// ones.
    func assertSameFloat32(_ actual: UInt32, _ expected: UInt32, _ message: @autoclosure () -> String,
                           file: StaticString = #filePath, line: UInt = #line) {
        if actual == expected { return }
        XCTFail("\(message()): 0x\(String(actual, radix: 16)) != 0x\(String(expected, radix: 16))", file: file, line: line)
    }

    func testF32x4AgainstTheScalarNumerics() {
        typealias N = WasmNumerics
        let values = Self.floats()
        let unary: [(String, (V128) -> V128, (Float) -> Float)] = [
            ("ceil", S.f32x4Ceil, N.f32Ceil), ("floor", S.f32x4Floor, N.f32Floor), ("trunc", S.f32x4Trunc, N.f32Trunc),
            ("nearest", S.f32x4Nearest, N.f32Nearest), ("sqrt", S.f32x4Sqrt, N.f32Sqrt), ("abs", S.f32x4Abs, N.f32Abs),
            ("neg", S.f32x4Neg, N.f32Neg),
        ]
        let binary: [(String, (V128, V128) -> V128, (Float, Float) -> Float)] = [
            ("add", S.f32x4Add, N.f32Add), ("sub", S.f32x4Sub, N.f32Sub), ("mul", S.f32x4Mul, N.f32Mul), ("div", S.f32x4Div, N.f32Div),
            ("min", S.f32x4Min, N.f32Min), ("max", S.f32x4Max, N.f32Max), ("relaxed_min", S.f32x4RelaxedMin, N.f32Min),
            ("relaxed_max", S.f32x4RelaxedMax, N.f32Max),
            ("pmin", S.f32x4Pmin, { $1 < $0 ? $1 : $0 }), ("pmax", S.f32x4Pmax, { $0 < $1 ? $1 : $0 }),
        ]
        let compares: [(String, (V128, V128) -> V128, (Float, Float) -> Bool)] = [
            ("eq", S.f32x4Eq, { $0 == $1 }), ("ne", S.f32x4Ne, { $0 != $1 }), ("lt", S.f32x4Lt, { $0 < $1 }),
            ("gt", S.f32x4Gt, { $0 > $1 }), ("le", S.f32x4Le, { $0 <= $1 }), ("ge", S.f32x4Ge, { $0 >= $1 }),
        ]
        var i = 0
        while i + 8 <= values.count {
            let xs = Array(values[i..<i + 4]).map(UInt64.init), ys = Array(values[i + 4..<i + 8]).map(UInt64.init)
            // Also pair each value with itself, ±0 and NaN neighbours in the next rounds.
            let a = Self.vector(xs, 32), b = Self.vector(ys, 32)
            for (name, op, reference) in unary {
                let r = Self.lanes(op(a), 32)
                for k in 0..<4 {
                    assertSameFloat32(UInt32(r[k]), reference(Float(bitPattern: UInt32(xs[k]))).bitPattern, "f32x4.\(name)(0x\(String(xs[k], radix: 16)))")
                }
            }
            for (name, op, reference) in binary {
                for (p, q) in [(a, b), (b, a), (a, a)] {
                    let r = Self.lanes(op(p, q), 32), x = Self.lanes(p, 32), y = Self.lanes(q, 32)
                    for k in 0..<4 {
                        let expected = reference(Float(bitPattern: UInt32(x[k])), Float(bitPattern: UInt32(y[k]))).bitPattern
                        assertSameFloat32(UInt32(r[k]), expected, "f32x4.\(name)(0x\(String(x[k], radix: 16)), 0x\(String(y[k], radix: 16)))")
                    }
                }
            }
            for (name, op, reference) in compares {
                let r = Self.lanes(op(a, b), 32)
                for k in 0..<4 {
                    let expected: UInt64 = reference(Float(bitPattern: UInt32(xs[k])), Float(bitPattern: UInt32(ys[k]))) ? 0xFFFF_FFFF : 0
                    XCTAssertEqual(r[k], expected, "f32x4.\(name)")
                }
            }
            // Conversions of the same lanes.
            let truncS = Self.lanes(S.i32x4TruncSatF32x4S(a), 32), truncU = Self.lanes(S.i32x4TruncSatF32x4U(a), 32)
            let relaxedS = Self.lanes(S.i32x4RelaxedTruncF32x4S(a), 32), relaxedU = Self.lanes(S.i32x4RelaxedTruncF32x4U(a), 32)
            let convertS = Self.lanes(S.f32x4ConvertI32x4S(a), 32), convertU = Self.lanes(S.f32x4ConvertI32x4U(a), 32)
            for k in 0..<4 {
                let f = Float(bitPattern: UInt32(xs[k]))
                XCTAssertEqual(truncS[k], UInt64(N.i32TruncSatF32S(f)))
                XCTAssertEqual(truncU[k], UInt64(N.i32TruncSatF32U(f)))
                XCTAssertEqual(relaxedS[k], UInt64(N.i32TruncSatF32S(f)))
                XCTAssertEqual(relaxedU[k], UInt64(N.i32TruncSatF32U(f)))
                XCTAssertEqual(convertS[k], UInt64(N.f32ConvertI32S(UInt32(xs[k])).bitPattern))
                XCTAssertEqual(convertU[k], UInt64(N.f32ConvertI32U(UInt32(xs[k])).bitPattern), "u32 0x\(String(xs[k], radix: 16))")
            }
            // Unfused multiply-add: exactly the two scalar operations.
            let c = Self.vector(Array(values[(i + 3) % values.count..<(i + 3) % values.count + 4].map(UInt64.init)), 32)
            let madd = Self.lanes(S.f32x4RelaxedMadd(a, b, c), 32), nmadd = Self.lanes(S.f32x4RelaxedNmadd(a, b, c), 32)
            let z = Self.lanes(c, 32)
            for k in 0..<4 {
                let x = Float(bitPattern: UInt32(xs[k])), y = Float(bitPattern: UInt32(ys[k])), w = Float(bitPattern: UInt32(z[k]))
                let product = x * y, negated = N.f32Neg(x) * y
                assertSameFloat32(UInt32(madd[k]), (product + w).bitPattern, "f32x4.relaxed_madd")
                assertSameFloat32(UInt32(nmadd[k]), (negated + w).bitPattern, "f32x4.relaxed_nmadd")
            }
            i += 4
        }
    }

    func testF64x2AgainstTheScalarNumerics() {
        typealias N = WasmNumerics
        let values = Self.doubles()
        let unary: [(String, (V128) -> V128, (Double) -> Double)] = [
            ("ceil", S.f64x2Ceil, N.f64Ceil), ("floor", S.f64x2Floor, N.f64Floor), ("trunc", S.f64x2Trunc, N.f64Trunc),
            ("nearest", S.f64x2Nearest, N.f64Nearest), ("sqrt", S.f64x2Sqrt, N.f64Sqrt), ("abs", S.f64x2Abs, N.f64Abs),
            ("neg", S.f64x2Neg, N.f64Neg),
        ]
        let binary: [(String, (V128, V128) -> V128, (Double, Double) -> Double)] = [
            ("add", S.f64x2Add, N.f64Add), ("sub", S.f64x2Sub, N.f64Sub), ("mul", S.f64x2Mul, N.f64Mul), ("div", S.f64x2Div, N.f64Div),
            ("min", S.f64x2Min, N.f64Min), ("max", S.f64x2Max, N.f64Max), ("relaxed_min", S.f64x2RelaxedMin, N.f64Min),
            ("relaxed_max", S.f64x2RelaxedMax, N.f64Max),
            ("pmin", S.f64x2Pmin, { $1 < $0 ? $1 : $0 }), ("pmax", S.f64x2Pmax, { $0 < $1 ? $1 : $0 }),
        ]
        let compares: [(String, (V128, V128) -> V128, (Double, Double) -> Bool)] = [
            ("eq", S.f64x2Eq, { $0 == $1 }), ("ne", S.f64x2Ne, { $0 != $1 }), ("lt", S.f64x2Lt, { $0 < $1 }),
            ("gt", S.f64x2Gt, { $0 > $1 }), ("le", S.f64x2Le, { $0 <= $1 }), ("ge", S.f64x2Ge, { $0 >= $1 }),
        ]
        var i = 0
        while i + 4 <= values.count {
            let a = V128(low: values[i], high: values[i + 1]), b = V128(low: values[i + 2], high: values[i + 3])
            for (name, op, reference) in unary {
                let r = op(a)
                XCTAssertEqual(r.low, reference(Double(bitPattern: a.low)).bitPattern, "f64x2.\(name)(0x\(String(a.low, radix: 16)))")
                XCTAssertEqual(r.high, reference(Double(bitPattern: a.high)).bitPattern, "f64x2.\(name)(0x\(String(a.high, radix: 16)))")
            }
            for (name, op, reference) in binary {
                for (p, q) in [(a, b), (b, a), (a, a)] {
                    let r = op(p, q)
                    XCTAssertEqual(r.low, reference(Double(bitPattern: p.low), Double(bitPattern: q.low)).bitPattern, "f64x2.\(name)")
                    XCTAssertEqual(r.high, reference(Double(bitPattern: p.high), Double(bitPattern: q.high)).bitPattern, "f64x2.\(name)")
                }
            }
            for (name, op, reference) in compares {
                let r = op(a, b)
                XCTAssertEqual(r.low, reference(Double(bitPattern: a.low), Double(bitPattern: b.low)) ? ~0 : 0, "f64x2.\(name)")
                XCTAssertEqual(r.high, reference(Double(bitPattern: a.high), Double(bitPattern: b.high)) ? ~0 : 0, "f64x2.\(name)")
            }
            let truncS = S.i32x4TruncSatF64x2SZero(a), truncU = S.i32x4TruncSatF64x2UZero(a)
            XCTAssertEqual(truncS, V128(low: UInt64(N.i32TruncSatF64S(Double(bitPattern: a.low)))
                                        | UInt64(N.i32TruncSatF64S(Double(bitPattern: a.high))) << 32, high: 0))
            XCTAssertEqual(truncU, V128(low: UInt64(N.i32TruncSatF64U(Double(bitPattern: a.low)))
                                        | UInt64(N.i32TruncSatF64U(Double(bitPattern: a.high))) << 32, high: 0))
            XCTAssertEqual(S.i32x4RelaxedTruncF64x2SZero(a), truncS)
            XCTAssertEqual(S.i32x4RelaxedTruncF64x2UZero(a), truncU)
            let demoted = S.f32x4DemoteF64x2Zero(a)
            XCTAssertEqual(demoted, V128(low: UInt64(N.f32DemoteF64(Double(bitPattern: a.low)).bitPattern)
                                         | UInt64(N.f32DemoteF64(Double(bitPattern: a.high)).bitPattern) << 32, high: 0))
            let promoted = S.f64x2PromoteLowF32x4(a)
            XCTAssertEqual(promoted.low, N.f64PromoteF32(Float(bitPattern: UInt32(truncatingIfNeeded: a.low))).bitPattern)
            XCTAssertEqual(promoted.high, N.f64PromoteF32(Float(bitPattern: UInt32(truncatingIfNeeded: a.low >> 32))).bitPattern)
            let convertS = S.f64x2ConvertLowI32x4S(a), convertU = S.f64x2ConvertLowI32x4U(a)
            XCTAssertEqual(convertS, V128(low: N.f64ConvertI32S(UInt32(truncatingIfNeeded: a.low)).bitPattern,
                                          high: N.f64ConvertI32S(UInt32(truncatingIfNeeded: a.low >> 32)).bitPattern))
            XCTAssertEqual(convertU, V128(low: N.f64ConvertI32U(UInt32(truncatingIfNeeded: a.low)).bitPattern,
                                          high: N.f64ConvertI32U(UInt32(truncatingIfNeeded: a.low >> 32)).bitPattern))
            let c = b
            let madd = S.f64x2RelaxedMadd(a, b, c), nmadd = S.f64x2RelaxedNmadd(a, b, c)
            XCTAssertEqual(madd.low, (Double(bitPattern: a.low) * Double(bitPattern: b.low) + Double(bitPattern: c.low)).bitPattern)
            XCTAssertEqual(nmadd.high, (N.f64Neg(Double(bitPattern: a.high)) * Double(bitPattern: b.high) + Double(bitPattern: c.high)).bitPattern)
            i += 2
        }
    }

    func testV128Representation() {
        let v = V128(bytes: Array(0..<16))
        XCTAssertEqual(v.low, 0x0706_0504_0302_0100)
        XCTAssertEqual(v.high, 0x0F0E_0D0C_0B0A_0908)
        XCTAssertEqual(v.bytes, Array(0..<16))
        XCTAssertEqual(v.description, "0x0f0e0d0c0b0a09080706050403020100")
        var w = V128.zero
        w.high = 5
        w.low = 7
        XCTAssertEqual(w, V128(low: 7, high: 5))
        XCTAssertEqual(MemoryLayout<V128>.size, 16)
        // An instruction stays within 32 bytes whether or not it can carry a SIMDInstruction.
        XCTAssertLessThanOrEqual(MemoryLayout<Instruction>.stride, 32)
        XCTAssertLessThanOrEqual(MemoryLayout<SIMDInstruction>.size, 25)
        // Lane views are bit casts in little-endian lane order.
        XCTAssertEqual(v.u8[15], 15)
        XCTAssertEqual(v.u16[1], 0x0302)
        XCTAssertEqual(v.u32[3], 0x0F0E_0D0C)
        // Reading and writing slots as the interpreter will: 8-byte aligned, unaligned loads.
        var slots: [UInt64] = [0, v.low, v.high, 0]
        slots.withUnsafeMutableBufferPointer { buffer in
            let raw = UnsafeMutableRawPointer(buffer.baseAddress! + 1)
            XCTAssertEqual(raw.loadUnaligned(as: V128.self), v)
            raw.storeBytes(of: V128(low: 1, high: 2), as: V128.self)
        }
        XCTAssertEqual(slots, [0, 1, 2, 0])
    }
}

extension TestRandom {
    mutating func vector() -> V128 { V128(low: next(), high: next()) }
}
