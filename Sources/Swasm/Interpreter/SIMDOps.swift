/// Exact semantics of every 128-bit SIMD lane operation, for the interpreter's hot loop: a pure
/// library like `WasmNumerics` (internal `@inline(__always)` static functions, no allocation,
/// no `throws`, no traps). Spec: https://webassembly.github.io/spec/core/exec/instructions.html#vector-instructions
///
/// Values:
/// - A `v128` is a `V128` (low and high 64-bit words, little-endian lanes), the two IR slots of
///   the value, low slot first. Operations view it as a Swift SIMD vector of the lane shape
///   with a bit cast (`V128.u8`, `.i16`, `.f32`, ...; `V128(_:)` back), which costs nothing.
///   `V128` is 16-byte aligned and slots only 8: read and write a value in slots with
///   `UnsafeRawPointer(slots + i).loadUnaligned(as: V128.self)` and
///   `UnsafeMutableRawPointer(slots + i).storeBytes(of: v, as: V128.self)` (one `movdqu`
///   each); `load(as:)` would trap on a misaligned slot.
/// - Scalars at the boundary (splat operands, extracted lanes, shift counts) are raw bits as
///   in `WasmNumerics`: `UInt32` for i32 and f32, `UInt64` for i64 and f64. Lane indices are
///   `Int` immediates the validator bounded; they are masked anyway, so a bad one cannot trap.
/// - Boolean results (`any_true`, `all_true`) are `Bool`; the interpreter widens to i32.
///
/// Where Swift SIMD types compile to vector instructions, and where they do not. Checked with
/// `swiftc -O -wmo -emit-assembly` (Swift 6.3.1, x86-64 baseline = SSE2 only: no `pshufb`,
/// `pminsb`, `pmulld`, `roundps`, `pcmpgtq`) on a non-inlined wrapper of every function of
/// this file and SIMDOpsFloat.swift that loads its operands from slot memory with
/// `loadUnaligned(as: V128.self)` and stores the result, as the interpreter does:
/// - One instruction: `&+`/`&-` on lanes (`paddb`...`paddq`), i16 `&*` (`pmullw`), bitwise ops
///   (`andps`...), float `+ - * /` (`addps`/`addpd`...), compares written as
///   `SIMD*().replacing(with: -1, where: x .== y)` (`pcmpeqb`, `pcmpgtw`, `cmpltps`...),
///   lane shifts by a scalar (`psllw`, `psrad`...), per-lane `Swift.min`/`max` where SSE2 has
///   the instruction (`pminub`, `pmaxsw`), per-lane clamps that LLVM matches (`paddsw`,
///   `psubusb`, `packsswb`, `packuswb`), the `sum < a` test for unsigned saturation (`paddusb`),
///   `(a | b) - ((a ^ b) >> 1)` for `avgr_u` (`pavgb`/`pavgw`), the widened dot product
///   (`pmaddwd`), pmin/pmax as per-lane `b < a ? b : a` (`minps b, a`, exactly Wasm's pmin),
///   i32 → f32 (`cvtdq2ps`).
/// - A short branch-free vector sequence: unsigned compares (sign-flip `pxor` + `pcmpgtd`),
///   i8/i32 min/max and i64 compares (compare and blend), i8 shifts (16-bit shift and mask),
///   i8 signed saturation (the overflow rule in lane arithmetic: a clamp of the widened sum
///   stays a 16-iteration scalar loop for i8), extends and extending multiplies (unpack, shift,
///   multiply), i32 `&*` (two `pmuludq`), u32 → f32, Q15 multiply (`pmullw`/`pmulhw`), f32/f64
///   min/max (three compares and blends), the f32/f64 roundings (the 2^23 trick of
///   `WasmNumerics` on all lanes with masks).
/// - Scalar code, on purpose: i64 multiply (two `imul`), popcnt, bitmask, all_true and
///   any_true (SWAR on the 64-bit words), swizzle and shuffle (no `pshufb` before SSSE3:
///   branch-free byte extraction from the words).
/// - Scalar code, not by choice: sqrt and the saturating float → int conversions, lane by lane
///   with `WasmNumerics` (`sqrtss` with a call to libm `sqrtf` for negative and NaN inputs, as
///   the stdlib's `squareRoot()` compiles; `cvttss2si` with range checks and branches).
///   Swift exposes no unchecked vector float → int conversion or vector square root:
///   `SIMD4<Int32>(_:rounding:)` and `SIMD4<Float>.squareRoot()` become generic calls.
/// - Avoided, because they compile to lane-by-lane code through the stack or to calls into
///   unspecialised generics: `SIMD.replacing(with:where:)` with a vector replacement,
///   `pointwiseMin/Max`, `SIMD*(clamping:)`, `.<` against a scalar, `? -1 : 0` selects in a
///   lane loop, and a `V128` made of two `UInt64` fields (the optimizer splits it and rebuilds
///   the vector around every operation: 30% more instructions over all ops, so `V128` stores
///   one `SIMD2<UInt64>`).
enum SIMDOps {}

// MARK: - Lane views

extension V128 {
    @inline(__always) init(_ v: SIMD16<UInt8>) { self = unsafeBitCast(v, to: V128.self) }
    @inline(__always) init(_ v: SIMD16<Int8>) { self = unsafeBitCast(v, to: V128.self) }
    @inline(__always) init(_ v: SIMD8<UInt16>) { self = unsafeBitCast(v, to: V128.self) }
    @inline(__always) init(_ v: SIMD8<Int16>) { self = unsafeBitCast(v, to: V128.self) }
    @inline(__always) init(_ v: SIMD4<UInt32>) { self = unsafeBitCast(v, to: V128.self) }
    @inline(__always) init(_ v: SIMD4<Int32>) { self = unsafeBitCast(v, to: V128.self) }
    @inline(__always) init(_ v: SIMD2<UInt64>) { self = unsafeBitCast(v, to: V128.self) }
    @inline(__always) init(_ v: SIMD4<Float>) { self = unsafeBitCast(v, to: V128.self) }
    @inline(__always) init(_ v: SIMD2<Double>) { self = unsafeBitCast(v, to: V128.self) }

    @inline(__always) var u8: SIMD16<UInt8> { unsafeBitCast(self, to: SIMD16<UInt8>.self) }
    @inline(__always) var i8: SIMD16<Int8> { unsafeBitCast(self, to: SIMD16<Int8>.self) }
    @inline(__always) var u16: SIMD8<UInt16> { unsafeBitCast(self, to: SIMD8<UInt16>.self) }
    @inline(__always) var i16: SIMD8<Int16> { unsafeBitCast(self, to: SIMD8<Int16>.self) }
    @inline(__always) var u32: SIMD4<UInt32> { unsafeBitCast(self, to: SIMD4<UInt32>.self) }
    @inline(__always) var i32: SIMD4<Int32> { unsafeBitCast(self, to: SIMD4<Int32>.self) }
    @inline(__always) var u64: SIMD2<UInt64> { unsafeBitCast(self, to: SIMD2<UInt64>.self) }
    @inline(__always) var f32: SIMD4<Float> { unsafeBitCast(self, to: SIMD4<Float>.self) }
    @inline(__always) var f64: SIMD2<Double> { unsafeBitCast(self, to: SIMD2<Double>.self) }

    /// The same 64-bit value in both words.
    @inline(__always) init(repeating word: UInt64) { self.init(low: word, high: word) }
}

extension SIMDOps {

    // MARK: Constants, splats, lanes

    @inline(__always) static func i8x16Splat(_ x: UInt32) -> V128 {
        V128(repeating: UInt64(UInt8(truncatingIfNeeded: x)) &* 0x0101_0101_0101_0101)
    }
    @inline(__always) static func i16x8Splat(_ x: UInt32) -> V128 {
        V128(repeating: UInt64(UInt16(truncatingIfNeeded: x)) &* 0x0001_0001_0001_0001)
    }
    @inline(__always) static func i32x4Splat(_ x: UInt32) -> V128 {
        V128(repeating: UInt64(x) &* 0x0000_0001_0000_0001)
    }
    @inline(__always) static func i64x2Splat(_ x: UInt64) -> V128 { V128(repeating: x) }
    /// f32 lanes are bit patterns: a splat copies the NaN payload exactly.
    @inline(__always) static func f32x4Splat(_ bits: UInt32) -> V128 { i32x4Splat(bits) }
    @inline(__always) static func f64x2Splat(_ bits: UInt64) -> V128 { V128(repeating: bits) }

    /// The 64-bit word holding lane `lane` of a shape with `perWord` lanes per word, and the
    /// lane's bit offset in it.
    @inline(__always) private static func word(_ v: V128, lane: Int, perWord: Int) -> (UInt64, UInt64) {
        let l = lane & (2 * perWord - 1)
        let shift = UInt64((l & (perWord - 1)) * (64 / perWord))
        return (l < perWord ? v.low : v.high, shift)
    }

    @inline(__always) static func i8x16ExtractLaneS(_ v: V128, _ lane: Int) -> UInt32 {
        let (w, shift) = word(v, lane: lane, perWord: 8)
        return UInt32(bitPattern: Int32(Int8(truncatingIfNeeded: w &>> shift)))
    }
    @inline(__always) static func i8x16ExtractLaneU(_ v: V128, _ lane: Int) -> UInt32 {
        let (w, shift) = word(v, lane: lane, perWord: 8)
        return UInt32(UInt8(truncatingIfNeeded: w &>> shift))
    }
    @inline(__always) static func i16x8ExtractLaneS(_ v: V128, _ lane: Int) -> UInt32 {
        let (w, shift) = word(v, lane: lane, perWord: 4)
        return UInt32(bitPattern: Int32(Int16(truncatingIfNeeded: w &>> shift)))
    }
    @inline(__always) static func i16x8ExtractLaneU(_ v: V128, _ lane: Int) -> UInt32 {
        let (w, shift) = word(v, lane: lane, perWord: 4)
        return UInt32(UInt16(truncatingIfNeeded: w &>> shift))
    }
    @inline(__always) static func i32x4ExtractLane(_ v: V128, _ lane: Int) -> UInt32 {
        let (w, shift) = word(v, lane: lane, perWord: 2)
        return UInt32(truncatingIfNeeded: w &>> shift)
    }
    @inline(__always) static func i64x2ExtractLane(_ v: V128, _ lane: Int) -> UInt64 {
        lane & 1 == 0 ? v.low : v.high
    }
    @inline(__always) static func f32x4ExtractLane(_ v: V128, _ lane: Int) -> UInt32 { i32x4ExtractLane(v, lane) }
    @inline(__always) static func f64x2ExtractLane(_ v: V128, _ lane: Int) -> UInt64 { i64x2ExtractLane(v, lane) }

    /// Replaces the `bits`-wide lane `lane` (of `perWord` per word) with the low bits of `x`.
    @inline(__always) private static func replace(_ v: V128, lane: Int, perWord: Int, _ x: UInt64) -> V128 {
        let l = lane & (2 * perWord - 1)
        let width = 64 / perWord
        let shift = UInt64((l & (perWord - 1)) * width)
        let mask: UInt64 = width == 64 ? ~0 : ((1 &<< UInt64(width)) &- 1) &<< shift
        let bits = (x &<< shift) & mask
        var r = v
        if l < perWord { r.low = (r.low & ~mask) | bits } else { r.high = (r.high & ~mask) | bits }
        return r
    }

    @inline(__always) static func i8x16ReplaceLane(_ v: V128, _ lane: Int, _ x: UInt32) -> V128 {
        replace(v, lane: lane, perWord: 8, UInt64(x))
    }
    @inline(__always) static func i16x8ReplaceLane(_ v: V128, _ lane: Int, _ x: UInt32) -> V128 {
        replace(v, lane: lane, perWord: 4, UInt64(x))
    }
    @inline(__always) static func i32x4ReplaceLane(_ v: V128, _ lane: Int, _ x: UInt32) -> V128 {
        replace(v, lane: lane, perWord: 2, UInt64(x))
    }
    @inline(__always) static func i64x2ReplaceLane(_ v: V128, _ lane: Int, _ x: UInt64) -> V128 {
        lane & 1 == 0 ? V128(low: x, high: v.high) : V128(low: v.low, high: x)
    }
    @inline(__always) static func f32x4ReplaceLane(_ v: V128, _ lane: Int, _ bits: UInt32) -> V128 {
        i32x4ReplaceLane(v, lane, bits)
    }
    @inline(__always) static func f64x2ReplaceLane(_ v: V128, _ lane: Int, _ bits: UInt64) -> V128 {
        i64x2ReplaceLane(v, lane, bits)
    }

    /// Byte `index & 15` of `v`, read from its words with shifts (SSE2 has no byte shuffle
    /// with a variable index; this is branch-free scalar code).
    @inline(__always) private static func byte(_ v: V128, _ index: UInt64) -> UInt64 {
        ((index & 8 == 0 ? v.low : v.high) &>> ((index & 7) &* 8)) & 0xFF
    }

    /// `i8x16.swizzle`: lane `i` is `a[s[i]]`, or 0 when the index is 16 or more.
    @inline(__always) static func i8x16Swizzle(_ a: V128, _ s: V128) -> V128 {
        var low: UInt64 = 0, high: UInt64 = 0
        for i in 0..<8 {
            let shift = UInt64(i &* 8)
            let j = (s.low &>> shift) & 0xFF, k = (s.high &>> shift) & 0xFF
            low |= (j < 16 ? byte(a, j) : 0) &<< shift
            high |= (k < 16 ? byte(a, k) : 0) &<< shift
        }
        return V128(low: low, high: high)
    }

    /// `i8x16.shuffle`: lane `i` is byte `lanes[i]` of the 32 bytes `a` then `b` (the validator
    /// guaranteed every index < 32; bit 4 picks the operand, so a bad index cannot trap).
    @inline(__always) static func i8x16Shuffle(_ a: V128, _ b: V128, lanes: V128) -> V128 {
        var low: UInt64 = 0, high: UInt64 = 0
        for i in 0..<8 {
            let shift = UInt64(i &* 8)
            let j = (lanes.low &>> shift) & 0xFF, k = (lanes.high &>> shift) & 0xFF
            low |= byte(j & 16 == 0 ? a : b, j) &<< shift
            high |= byte(k & 16 == 0 ? a : b, k) &<< shift
        }
        return V128(low: low, high: high)
    }

    // MARK: Memory helpers (the interpreter does the access and its bounds check)

    /// `v128.load8x8_s`: the 8 bytes loaded (little-endian in `bits`) sign-extended to i16x8.
    @inline(__always) static func v128Load8x8S(_ bits: UInt64) -> V128 { i16x8ExtendLowI8x16S(V128(low: bits, high: 0)) }
    @inline(__always) static func v128Load8x8U(_ bits: UInt64) -> V128 { i16x8ExtendLowI8x16U(V128(low: bits, high: 0)) }
    @inline(__always) static func v128Load16x4S(_ bits: UInt64) -> V128 { i32x4ExtendLowI16x8S(V128(low: bits, high: 0)) }
    @inline(__always) static func v128Load16x4U(_ bits: UInt64) -> V128 { i32x4ExtendLowI16x8U(V128(low: bits, high: 0)) }
    @inline(__always) static func v128Load32x2S(_ bits: UInt64) -> V128 {
        V128(low: UInt64(bitPattern: Int64(Int32(truncatingIfNeeded: bits))),
             high: UInt64(bitPattern: Int64(Int32(truncatingIfNeeded: bits >> 32))))
    }
    @inline(__always) static func v128Load32x2U(_ bits: UInt64) -> V128 {
        V128(low: bits & 0xFFFF_FFFF, high: bits >> 32)
    }
    @inline(__always) static func v128Load32Zero(_ bits: UInt32) -> V128 { V128(low: UInt64(bits), high: 0) }
    @inline(__always) static func v128Load64Zero(_ bits: UInt64) -> V128 { V128(low: bits, high: 0) }
    // load*_splat: i8x16Splat(UInt32(byte)) ... i64x2Splat; load*_lane: *ReplaceLane;
    // store*_lane: *ExtractLane (the U variants for the narrow ones).

    // MARK: Bitwise

    @inline(__always) static func v128Not(_ a: V128) -> V128 { V128(words: ~a.words) }
    @inline(__always) static func v128And(_ a: V128, _ b: V128) -> V128 { V128(words: a.words & b.words) }
    @inline(__always) static func v128AndNot(_ a: V128, _ b: V128) -> V128 { V128(words: a.words & ~b.words) }
    @inline(__always) static func v128Or(_ a: V128, _ b: V128) -> V128 { V128(words: a.words | b.words) }
    @inline(__always) static func v128Xor(_ a: V128, _ b: V128) -> V128 { V128(words: a.words ^ b.words) }
    /// Bits of `a` where `mask` is 1, of `b` where it is 0.
    @inline(__always) static func v128Bitselect(_ a: V128, _ b: V128, _ mask: V128) -> V128 {
        V128(words: (a.words & mask.words) | (b.words & ~mask.words))
    }
    @inline(__always) static func v128AnyTrue(_ a: V128) -> Bool { (a.low | a.high) != 0 }

    // MARK: all_true and bitmask (SWAR on the words)

    /// Whether no `width`-bit lane of `w` is zero: the classic "has a zero lane" test, exact
    /// for the question asked (a borrow can only propagate out of a lane that is zero).
    @inline(__always) private static func noZeroLane(_ v: V128, ones: UInt64, highs: UInt64) -> Bool {
        (((v.low &- ones) & ~v.low) | ((v.high &- ones) & ~v.high)) & highs == 0
    }
    @inline(__always) static func i8x16AllTrue(_ a: V128) -> Bool {
        noZeroLane(a, ones: 0x0101_0101_0101_0101, highs: 0x8080_8080_8080_8080)
    }
    @inline(__always) static func i16x8AllTrue(_ a: V128) -> Bool {
        noZeroLane(a, ones: 0x0001_0001_0001_0001, highs: 0x8000_8000_8000_8000)
    }
    @inline(__always) static func i32x4AllTrue(_ a: V128) -> Bool {
        noZeroLane(a, ones: 0x0000_0001_0000_0001, highs: 0x8000_0000_8000_0000)
    }
    @inline(__always) static func i64x2AllTrue(_ a: V128) -> Bool { a.low != 0 && a.high != 0 }

    /// The top bits of the 8 bytes of `w` as an 8-bit number (byte `k`'s bit at bit `k`): one
    /// multiply gathers them, since every partial product lands on a distinct bit.
    @inline(__always) private static func byteSignBits(_ w: UInt64) -> UInt64 {
        (((w >> 7) & 0x0101_0101_0101_0101) &* 0x0102_0408_1020_4080) >> 56
    }
    @inline(__always) static func i8x16Bitmask(_ a: V128) -> UInt32 {
        UInt32(truncatingIfNeeded: byteSignBits(a.low) | byteSignBits(a.high) << 8)
    }
    @inline(__always) private static func halfSignBits(_ w: UInt64) -> UInt64 {
        (w >> 15 & 1) | (w >> 30 & 2) | (w >> 45 & 4) | (w >> 60 & 8)
    }
    @inline(__always) static func i16x8Bitmask(_ a: V128) -> UInt32 {
        UInt32(truncatingIfNeeded: halfSignBits(a.low) | halfSignBits(a.high) << 4)
    }
    @inline(__always) static func i32x4Bitmask(_ a: V128) -> UInt32 {
        UInt32(truncatingIfNeeded: (a.low >> 31 & 1) | (a.low >> 62 & 2) | (a.high >> 29 & 4) | (a.high >> 60 & 8))
    }
    @inline(__always) static func i64x2Bitmask(_ a: V128) -> UInt32 {
        UInt32(truncatingIfNeeded: (a.low >> 63) | (a.high >> 63) << 1)
    }

    // MARK: Comparisons (all-ones lanes for true)

    @inline(__always) static func i8x16Eq(_ a: V128, _ b: V128) -> V128 {
        let x = a.u8, y = b.u8
        return V128(SIMD16<Int8>().replacing(with: -1, where: x .== y))
    }
    @inline(__always) static func i8x16Ne(_ a: V128, _ b: V128) -> V128 { v128Not(i8x16Eq(a, b)) }
    @inline(__always) static func i8x16LtS(_ a: V128, _ b: V128) -> V128 {
        let x = a.i8, y = b.i8
        return V128(SIMD16<Int8>().replacing(with: -1, where: x .< y))
    }
    @inline(__always) static func i8x16LtU(_ a: V128, _ b: V128) -> V128 {
        let x = a.u8, y = b.u8
        return V128(SIMD16<Int8>().replacing(with: -1, where: x .< y))
    }
    @inline(__always) static func i8x16GtS(_ a: V128, _ b: V128) -> V128 { i8x16LtS(b, a) }
    @inline(__always) static func i8x16GtU(_ a: V128, _ b: V128) -> V128 { i8x16LtU(b, a) }
    @inline(__always) static func i8x16LeS(_ a: V128, _ b: V128) -> V128 { v128Not(i8x16LtS(b, a)) }
    @inline(__always) static func i8x16LeU(_ a: V128, _ b: V128) -> V128 { v128Not(i8x16LtU(b, a)) }
    @inline(__always) static func i8x16GeS(_ a: V128, _ b: V128) -> V128 { v128Not(i8x16LtS(a, b)) }
    @inline(__always) static func i8x16GeU(_ a: V128, _ b: V128) -> V128 { v128Not(i8x16LtU(a, b)) }

    @inline(__always) static func i16x8Eq(_ a: V128, _ b: V128) -> V128 {
        let x = a.u16, y = b.u16
        return V128(SIMD8<Int16>().replacing(with: -1, where: x .== y))
    }
    @inline(__always) static func i16x8Ne(_ a: V128, _ b: V128) -> V128 { v128Not(i16x8Eq(a, b)) }
    @inline(__always) static func i16x8LtS(_ a: V128, _ b: V128) -> V128 {
        let x = a.i16, y = b.i16
        return V128(SIMD8<Int16>().replacing(with: -1, where: x .< y))
    }
    @inline(__always) static func i16x8LtU(_ a: V128, _ b: V128) -> V128 {
        let x = a.u16, y = b.u16
        return V128(SIMD8<Int16>().replacing(with: -1, where: x .< y))
    }
    @inline(__always) static func i16x8GtS(_ a: V128, _ b: V128) -> V128 { i16x8LtS(b, a) }
    @inline(__always) static func i16x8GtU(_ a: V128, _ b: V128) -> V128 { i16x8LtU(b, a) }
    @inline(__always) static func i16x8LeS(_ a: V128, _ b: V128) -> V128 { v128Not(i16x8LtS(b, a)) }
    @inline(__always) static func i16x8LeU(_ a: V128, _ b: V128) -> V128 { v128Not(i16x8LtU(b, a)) }
    @inline(__always) static func i16x8GeS(_ a: V128, _ b: V128) -> V128 { v128Not(i16x8LtS(a, b)) }
    @inline(__always) static func i16x8GeU(_ a: V128, _ b: V128) -> V128 { v128Not(i16x8LtU(a, b)) }

    @inline(__always) static func i32x4Eq(_ a: V128, _ b: V128) -> V128 {
        let x = a.u32, y = b.u32
        return V128(SIMD4<Int32>().replacing(with: -1, where: x .== y))
    }
    @inline(__always) static func i32x4Ne(_ a: V128, _ b: V128) -> V128 { v128Not(i32x4Eq(a, b)) }
    @inline(__always) static func i32x4LtS(_ a: V128, _ b: V128) -> V128 {
        let x = a.i32, y = b.i32
        return V128(SIMD4<Int32>().replacing(with: -1, where: x .< y))
    }
    @inline(__always) static func i32x4LtU(_ a: V128, _ b: V128) -> V128 {
        let x = a.u32, y = b.u32
        return V128(SIMD4<Int32>().replacing(with: -1, where: x .< y))
    }
    @inline(__always) static func i32x4GtS(_ a: V128, _ b: V128) -> V128 { i32x4LtS(b, a) }
    @inline(__always) static func i32x4GtU(_ a: V128, _ b: V128) -> V128 { i32x4LtU(b, a) }
    @inline(__always) static func i32x4LeS(_ a: V128, _ b: V128) -> V128 { v128Not(i32x4LtS(b, a)) }
    @inline(__always) static func i32x4LeU(_ a: V128, _ b: V128) -> V128 { v128Not(i32x4LtU(b, a)) }
    @inline(__always) static func i32x4GeS(_ a: V128, _ b: V128) -> V128 { v128Not(i32x4LtS(a, b)) }
    @inline(__always) static func i32x4GeU(_ a: V128, _ b: V128) -> V128 { v128Not(i32x4LtU(a, b)) }

    @inline(__always) private static func mask(_ c: Bool) -> UInt64 { c ? ~0 : 0 }
    @inline(__always) static func i64x2Eq(_ a: V128, _ b: V128) -> V128 {
        V128(low: mask(a.low == b.low), high: mask(a.high == b.high))
    }
    @inline(__always) static func i64x2Ne(_ a: V128, _ b: V128) -> V128 {
        V128(low: mask(a.low != b.low), high: mask(a.high != b.high))
    }
    @inline(__always) static func i64x2LtS(_ a: V128, _ b: V128) -> V128 {
        V128(low: mask(Int64(bitPattern: a.low) < Int64(bitPattern: b.low)),
             high: mask(Int64(bitPattern: a.high) < Int64(bitPattern: b.high)))
    }
    @inline(__always) static func i64x2GtS(_ a: V128, _ b: V128) -> V128 { i64x2LtS(b, a) }
    @inline(__always) static func i64x2LeS(_ a: V128, _ b: V128) -> V128 { v128Not(i64x2LtS(b, a)) }
    @inline(__always) static func i64x2GeS(_ a: V128, _ b: V128) -> V128 { v128Not(i64x2LtS(a, b)) }

    // MARK: Integer arithmetic (wrapping)

    @inline(__always) static func i8x16Add(_ a: V128, _ b: V128) -> V128 { V128(a.u8 &+ b.u8) }
    @inline(__always) static func i8x16Sub(_ a: V128, _ b: V128) -> V128 { V128(a.u8 &- b.u8) }
    @inline(__always) static func i8x16Neg(_ a: V128) -> V128 { V128(SIMD16<UInt8>() &- a.u8) }
    /// |-128| wraps to -128, as in the spec.
    @inline(__always) static func i8x16Abs(_ a: V128) -> V128 {
        let x = a.i8, sign = x &>> 7
        return V128((x ^ sign) &- sign)
    }
    @inline(__always) static func i16x8Add(_ a: V128, _ b: V128) -> V128 { V128(a.u16 &+ b.u16) }
    @inline(__always) static func i16x8Sub(_ a: V128, _ b: V128) -> V128 { V128(a.u16 &- b.u16) }
    @inline(__always) static func i16x8Mul(_ a: V128, _ b: V128) -> V128 { V128(a.u16 &* b.u16) }
    @inline(__always) static func i16x8Neg(_ a: V128) -> V128 { V128(SIMD8<UInt16>() &- a.u16) }
    @inline(__always) static func i16x8Abs(_ a: V128) -> V128 {
        let x = a.i16, sign = x &>> 15
        return V128((x ^ sign) &- sign)
    }
    @inline(__always) static func i32x4Add(_ a: V128, _ b: V128) -> V128 { V128(a.u32 &+ b.u32) }
    @inline(__always) static func i32x4Sub(_ a: V128, _ b: V128) -> V128 { V128(a.u32 &- b.u32) }
    @inline(__always) static func i32x4Mul(_ a: V128, _ b: V128) -> V128 { V128(a.u32 &* b.u32) }
    @inline(__always) static func i32x4Neg(_ a: V128) -> V128 { V128(SIMD4<UInt32>() &- a.u32) }
    @inline(__always) static func i32x4Abs(_ a: V128) -> V128 {
        let x = a.i32, sign = x &>> 31
        return V128((x ^ sign) &- sign)
    }
    @inline(__always) static func i64x2Add(_ a: V128, _ b: V128) -> V128 { V128(words: a.words &+ b.words) }
    @inline(__always) static func i64x2Sub(_ a: V128, _ b: V128) -> V128 { V128(words: a.words &- b.words) }
    @inline(__always) static func i64x2Mul(_ a: V128, _ b: V128) -> V128 { V128(low: a.low &* b.low, high: a.high &* b.high) }
    @inline(__always) static func i64x2Neg(_ a: V128) -> V128 { V128(words: SIMD2<UInt64>() &- a.words) }
    @inline(__always) private static func abs64(_ x: UInt64) -> UInt64 {
        let sign = UInt64(bitPattern: Int64(bitPattern: x) &>> 63)
        return (x ^ sign) &- sign
    }
    @inline(__always) static func i64x2Abs(_ a: V128) -> V128 { V128(low: abs64(a.low), high: abs64(a.high)) }

    // MARK: Saturating arithmetic

    /// Signed saturation from the overflow rule: the sum overflowed when it has the opposite
    /// sign of both operands, and then saturates toward the sign of `a` (plain lane
    /// arithmetic: a per-lane clamp of the widened sum stays a scalar loop for i8).
    @inline(__always) static func i8x16AddSatS(_ a: V128, _ b: V128) -> V128 {
        let x = a.i8, y = b.i8, sum = x &+ y
        let overflow = ((x ^ sum) & (y ^ sum)) &>> 7
        return V128((sum & ~overflow) | (((x &>> 7) ^ 0x7F) & overflow))
    }
    /// Unsigned: the wrapped sum is below an operand exactly when it overflowed.
    @inline(__always) static func i8x16AddSatU(_ a: V128, _ b: V128) -> V128 {
        let x = a.u8, sum = x &+ b.u8
        return V128(sum.replacing(with: .max, where: sum .< x))
    }
    /// The difference overflowed when `a` and `b` differ in sign and the result's sign is not
    /// `a`'s.
    @inline(__always) static func i8x16SubSatS(_ a: V128, _ b: V128) -> V128 {
        let x = a.i8, y = b.i8, difference = x &- y
        let overflow = ((x ^ y) & (x ^ difference)) &>> 7
        return V128((difference & ~overflow) | (((x &>> 7) ^ 0x7F) & overflow))
    }
    @inline(__always) static func i8x16SubSatU(_ a: V128, _ b: V128) -> V128 {
        let x = a.u8, y = b.u8
        var r = SIMD16<UInt8>()
        for i in 0..<16 { r[i] = Swift.max(x[i], y[i]) &- y[i] }
        return V128(r)
    }
    @inline(__always) static func i16x8AddSatS(_ a: V128, _ b: V128) -> V128 {
        let x = a.i16, y = b.i16
        var r = SIMD8<Int16>()
        for i in 0..<8 { r[i] = Int16(truncatingIfNeeded: Swift.min(Swift.max(Int32(x[i]) &+ Int32(y[i]), -0x8000), 0x7FFF)) }
        return V128(r)
    }
    @inline(__always) static func i16x8AddSatU(_ a: V128, _ b: V128) -> V128 {
        let x = a.u16, sum = x &+ b.u16
        return V128(sum.replacing(with: .max, where: sum .< x))
    }
    @inline(__always) static func i16x8SubSatS(_ a: V128, _ b: V128) -> V128 {
        let x = a.i16, y = b.i16
        var r = SIMD8<Int16>()
        for i in 0..<8 { r[i] = Int16(truncatingIfNeeded: Swift.min(Swift.max(Int32(x[i]) &- Int32(y[i]), -0x8000), 0x7FFF)) }
        return V128(r)
    }
    @inline(__always) static func i16x8SubSatU(_ a: V128, _ b: V128) -> V128 {
        let x = a.u16, y = b.u16
        var r = SIMD8<UInt16>()
        for i in 0..<8 { r[i] = Swift.max(x[i], y[i]) &- y[i] }
        return V128(r)
    }

    // MARK: Min, max, average

    @inline(__always) static func i8x16MinS(_ a: V128, _ b: V128) -> V128 {
        let x = a.i8, y = b.i8
        var r = SIMD16<Int8>()
        for i in 0..<16 { r[i] = Swift.min(x[i], y[i]) }
        return V128(r)
    }
    @inline(__always) static func i8x16MinU(_ a: V128, _ b: V128) -> V128 {
        let x = a.u8, y = b.u8
        var r = SIMD16<UInt8>()
        for i in 0..<16 { r[i] = Swift.min(x[i], y[i]) }
        return V128(r)
    }
    @inline(__always) static func i8x16MaxS(_ a: V128, _ b: V128) -> V128 {
        let x = a.i8, y = b.i8
        var r = SIMD16<Int8>()
        for i in 0..<16 { r[i] = Swift.max(x[i], y[i]) }
        return V128(r)
    }
    @inline(__always) static func i8x16MaxU(_ a: V128, _ b: V128) -> V128 {
        let x = a.u8, y = b.u8
        var r = SIMD16<UInt8>()
        for i in 0..<16 { r[i] = Swift.max(x[i], y[i]) }
        return V128(r)
    }
    @inline(__always) static func i16x8MinS(_ a: V128, _ b: V128) -> V128 {
        let x = a.i16, y = b.i16
        var r = SIMD8<Int16>()
        for i in 0..<8 { r[i] = Swift.min(x[i], y[i]) }
        return V128(r)
    }
    @inline(__always) static func i16x8MinU(_ a: V128, _ b: V128) -> V128 {
        let x = a.u16, y = b.u16
        var r = SIMD8<UInt16>()
        for i in 0..<8 { r[i] = Swift.min(x[i], y[i]) }
        return V128(r)
    }
    @inline(__always) static func i16x8MaxS(_ a: V128, _ b: V128) -> V128 {
        let x = a.i16, y = b.i16
        var r = SIMD8<Int16>()
        for i in 0..<8 { r[i] = Swift.max(x[i], y[i]) }
        return V128(r)
    }
    @inline(__always) static func i16x8MaxU(_ a: V128, _ b: V128) -> V128 {
        let x = a.u16, y = b.u16
        var r = SIMD8<UInt16>()
        for i in 0..<8 { r[i] = Swift.max(x[i], y[i]) }
        return V128(r)
    }
    @inline(__always) static func i32x4MinS(_ a: V128, _ b: V128) -> V128 {
        let x = a.i32, y = b.i32
        var r = SIMD4<Int32>()
        for i in 0..<4 { r[i] = Swift.min(x[i], y[i]) }
        return V128(r)
    }
    @inline(__always) static func i32x4MinU(_ a: V128, _ b: V128) -> V128 {
        let x = a.u32, y = b.u32
        var r = SIMD4<UInt32>()
        for i in 0..<4 { r[i] = Swift.min(x[i], y[i]) }
        return V128(r)
    }
    @inline(__always) static func i32x4MaxS(_ a: V128, _ b: V128) -> V128 {
        let x = a.i32, y = b.i32
        var r = SIMD4<Int32>()
        for i in 0..<4 { r[i] = Swift.max(x[i], y[i]) }
        return V128(r)
    }
    @inline(__always) static func i32x4MaxU(_ a: V128, _ b: V128) -> V128 {
        let x = a.u32, y = b.u32
        var r = SIMD4<UInt32>()
        for i in 0..<4 { r[i] = Swift.max(x[i], y[i]) }
        return V128(r)
    }
    /// Rounding average `(a + b + 1) / 2` without widening: `(a | b) - ((a ^ b) >> 1)`.
    @inline(__always) static func i8x16AvgrU(_ a: V128, _ b: V128) -> V128 {
        let x = a.u8, y = b.u8
        return V128((x | y) &- ((x ^ y) &>> 1))
    }
    @inline(__always) static func i16x8AvgrU(_ a: V128, _ b: V128) -> V128 {
        let x = a.u16, y = b.u16
        return V128((x | y) &- ((x ^ y) &>> 1))
    }

    // MARK: Popcount, Q15 multiply

    @inline(__always) private static func bytePopcounts(_ w: UInt64) -> UInt64 {
        let pairs = w &- ((w >> 1) & 0x5555_5555_5555_5555)
        let nibbles = (pairs & 0x3333_3333_3333_3333) &+ ((pairs >> 2) & 0x3333_3333_3333_3333)
        return (nibbles &+ (nibbles >> 4)) & 0x0F0F_0F0F_0F0F_0F0F
    }
    @inline(__always) static func i8x16Popcnt(_ a: V128) -> V128 {
        V128(low: bytePopcounts(a.low), high: bytePopcounts(a.high))
    }

    /// `(a * b + 2^14) >> 15`, saturated: only -32768 * -32768 overflows (to 32768).
    @inline(__always) static func i16x8Q15mulrSatS(_ a: V128, _ b: V128) -> V128 {
        let x = a.i16, y = b.i16
        var r = SIMD8<Int16>()
        for i in 0..<8 {
            let product = (Int32(x[i]) &* Int32(y[i]) &+ 0x4000) &>> 15
            r[i] = Int16(truncatingIfNeeded: Swift.min(product, 0x7FFF))
        }
        return V128(r)
    }

    // MARK: Shifts (the count is taken modulo the lane width)

    @inline(__always) static func i8x16Shl(_ a: V128, _ n: UInt32) -> V128 { V128(a.u8 &<< UInt8(truncatingIfNeeded: n & 7)) }
    @inline(__always) static func i8x16ShrS(_ a: V128, _ n: UInt32) -> V128 { V128(a.i8 &>> Int8(truncatingIfNeeded: n & 7)) }
    @inline(__always) static func i8x16ShrU(_ a: V128, _ n: UInt32) -> V128 { V128(a.u8 &>> UInt8(truncatingIfNeeded: n & 7)) }
    @inline(__always) static func i16x8Shl(_ a: V128, _ n: UInt32) -> V128 { V128(a.u16 &<< UInt16(truncatingIfNeeded: n & 15)) }
    @inline(__always) static func i16x8ShrS(_ a: V128, _ n: UInt32) -> V128 { V128(a.i16 &>> Int16(truncatingIfNeeded: n & 15)) }
    @inline(__always) static func i16x8ShrU(_ a: V128, _ n: UInt32) -> V128 { V128(a.u16 &>> UInt16(truncatingIfNeeded: n & 15)) }
    @inline(__always) static func i32x4Shl(_ a: V128, _ n: UInt32) -> V128 { V128(a.u32 &<< (n & 31)) }
    @inline(__always) static func i32x4ShrS(_ a: V128, _ n: UInt32) -> V128 { V128(a.i32 &>> Int32(bitPattern: n & 31)) }
    @inline(__always) static func i32x4ShrU(_ a: V128, _ n: UInt32) -> V128 { V128(a.u32 &>> (n & 31)) }
    @inline(__always) static func i64x2Shl(_ a: V128, _ n: UInt32) -> V128 {
        let s = UInt64(n & 63)
        return V128(low: a.low &<< s, high: a.high &<< s)
    }
    @inline(__always) static func i64x2ShrS(_ a: V128, _ n: UInt32) -> V128 {
        let s = Int64(n & 63)
        return V128(low: UInt64(bitPattern: Int64(bitPattern: a.low) &>> s),
                    high: UInt64(bitPattern: Int64(bitPattern: a.high) &>> s))
    }
    @inline(__always) static func i64x2ShrU(_ a: V128, _ n: UInt32) -> V128 {
        let s = UInt64(n & 63)
        return V128(low: a.low &>> s, high: a.high &>> s)
    }

    // MARK: Narrowing (saturating) and extension

    @inline(__always) static func i8x16NarrowI16x8S(_ a: V128, _ b: V128) -> V128 {
        let x = a.i16, y = b.i16
        var r = SIMD16<Int8>()
        for i in 0..<8 {
            r[i] = Int8(truncatingIfNeeded: Swift.min(Swift.max(x[i], -0x80), 0x7F))
            r[i + 8] = Int8(truncatingIfNeeded: Swift.min(Swift.max(y[i], -0x80), 0x7F))
        }
        return V128(r)
    }
    @inline(__always) static func i8x16NarrowI16x8U(_ a: V128, _ b: V128) -> V128 {
        let x = a.i16, y = b.i16
        var r = SIMD16<UInt8>()
        for i in 0..<8 {
            r[i] = UInt8(truncatingIfNeeded: Swift.min(Swift.max(x[i], 0), 0xFF))
            r[i + 8] = UInt8(truncatingIfNeeded: Swift.min(Swift.max(y[i], 0), 0xFF))
        }
        return V128(r)
    }
    @inline(__always) static func i16x8NarrowI32x4S(_ a: V128, _ b: V128) -> V128 {
        let x = a.i32, y = b.i32
        var r = SIMD8<Int16>()
        for i in 0..<4 {
            r[i] = Int16(truncatingIfNeeded: Swift.min(Swift.max(x[i], -0x8000), 0x7FFF))
            r[i + 4] = Int16(truncatingIfNeeded: Swift.min(Swift.max(y[i], -0x8000), 0x7FFF))
        }
        return V128(r)
    }
    @inline(__always) static func i16x8NarrowI32x4U(_ a: V128, _ b: V128) -> V128 {
        let x = a.i32, y = b.i32
        var r = SIMD8<UInt16>()
        for i in 0..<4 {
            r[i] = UInt16(truncatingIfNeeded: Swift.min(Swift.max(x[i], 0), 0xFFFF))
            r[i + 4] = UInt16(truncatingIfNeeded: Swift.min(Swift.max(y[i], 0), 0xFFFF))
        }
        return V128(r)
    }

    @inline(__always) static func i16x8ExtendLowI8x16S(_ a: V128) -> V128 { V128(SIMD8<Int16>(truncatingIfNeeded: a.i8.lowHalf)) }
    @inline(__always) static func i16x8ExtendHighI8x16S(_ a: V128) -> V128 { V128(SIMD8<Int16>(truncatingIfNeeded: a.i8.highHalf)) }
    @inline(__always) static func i16x8ExtendLowI8x16U(_ a: V128) -> V128 { V128(SIMD8<UInt16>(truncatingIfNeeded: a.u8.lowHalf)) }
    @inline(__always) static func i16x8ExtendHighI8x16U(_ a: V128) -> V128 { V128(SIMD8<UInt16>(truncatingIfNeeded: a.u8.highHalf)) }
    @inline(__always) static func i32x4ExtendLowI16x8S(_ a: V128) -> V128 { V128(SIMD4<Int32>(truncatingIfNeeded: a.i16.lowHalf)) }
    @inline(__always) static func i32x4ExtendHighI16x8S(_ a: V128) -> V128 { V128(SIMD4<Int32>(truncatingIfNeeded: a.i16.highHalf)) }
    @inline(__always) static func i32x4ExtendLowI16x8U(_ a: V128) -> V128 { V128(SIMD4<UInt32>(truncatingIfNeeded: a.u16.lowHalf)) }
    @inline(__always) static func i32x4ExtendHighI16x8U(_ a: V128) -> V128 { V128(SIMD4<UInt32>(truncatingIfNeeded: a.u16.highHalf)) }
    @inline(__always) private static func extendS(_ w: UInt64) -> UInt64 { UInt64(bitPattern: Int64(Int32(truncatingIfNeeded: w))) }
    @inline(__always) static func i64x2ExtendLowI32x4S(_ a: V128) -> V128 { V128(low: extendS(a.low), high: extendS(a.low >> 32)) }
    @inline(__always) static func i64x2ExtendHighI32x4S(_ a: V128) -> V128 { V128(low: extendS(a.high), high: extendS(a.high >> 32)) }
    @inline(__always) static func i64x2ExtendLowI32x4U(_ a: V128) -> V128 { V128(low: a.low & 0xFFFF_FFFF, high: a.low >> 32) }
    @inline(__always) static func i64x2ExtendHighI32x4U(_ a: V128) -> V128 { V128(low: a.high & 0xFFFF_FFFF, high: a.high >> 32) }

    // MARK: Extending multiplies, pairwise additions, dot product

    @inline(__always) static func i16x8ExtmulLowI8x16S(_ a: V128, _ b: V128) -> V128 {
        V128(SIMD8<Int16>(truncatingIfNeeded: a.i8.lowHalf) &* SIMD8<Int16>(truncatingIfNeeded: b.i8.lowHalf))
    }
    @inline(__always) static func i16x8ExtmulHighI8x16S(_ a: V128, _ b: V128) -> V128 {
        V128(SIMD8<Int16>(truncatingIfNeeded: a.i8.highHalf) &* SIMD8<Int16>(truncatingIfNeeded: b.i8.highHalf))
    }
    @inline(__always) static func i16x8ExtmulLowI8x16U(_ a: V128, _ b: V128) -> V128 {
        V128(SIMD8<UInt16>(truncatingIfNeeded: a.u8.lowHalf) &* SIMD8<UInt16>(truncatingIfNeeded: b.u8.lowHalf))
    }
    @inline(__always) static func i16x8ExtmulHighI8x16U(_ a: V128, _ b: V128) -> V128 {
        V128(SIMD8<UInt16>(truncatingIfNeeded: a.u8.highHalf) &* SIMD8<UInt16>(truncatingIfNeeded: b.u8.highHalf))
    }
    @inline(__always) static func i32x4ExtmulLowI16x8S(_ a: V128, _ b: V128) -> V128 {
        V128(SIMD4<Int32>(truncatingIfNeeded: a.i16.lowHalf) &* SIMD4<Int32>(truncatingIfNeeded: b.i16.lowHalf))
    }
    @inline(__always) static func i32x4ExtmulHighI16x8S(_ a: V128, _ b: V128) -> V128 {
        V128(SIMD4<Int32>(truncatingIfNeeded: a.i16.highHalf) &* SIMD4<Int32>(truncatingIfNeeded: b.i16.highHalf))
    }
    @inline(__always) static func i32x4ExtmulLowI16x8U(_ a: V128, _ b: V128) -> V128 {
        V128(SIMD4<UInt32>(truncatingIfNeeded: a.u16.lowHalf) &* SIMD4<UInt32>(truncatingIfNeeded: b.u16.lowHalf))
    }
    @inline(__always) static func i32x4ExtmulHighI16x8U(_ a: V128, _ b: V128) -> V128 {
        V128(SIMD4<UInt32>(truncatingIfNeeded: a.u16.highHalf) &* SIMD4<UInt32>(truncatingIfNeeded: b.u16.highHalf))
    }
    @inline(__always) private static func mulS(_ a: UInt64, _ b: UInt64) -> UInt64 {
        UInt64(bitPattern: Int64(Int32(truncatingIfNeeded: a)) &* Int64(Int32(truncatingIfNeeded: b)))
    }
    @inline(__always) private static func mulU(_ a: UInt64, _ b: UInt64) -> UInt64 {
        (a & 0xFFFF_FFFF) &* (b & 0xFFFF_FFFF)
    }
    @inline(__always) static func i64x2ExtmulLowI32x4S(_ a: V128, _ b: V128) -> V128 {
        V128(low: mulS(a.low, b.low), high: mulS(a.low >> 32, b.low >> 32))
    }
    @inline(__always) static func i64x2ExtmulHighI32x4S(_ a: V128, _ b: V128) -> V128 {
        V128(low: mulS(a.high, b.high), high: mulS(a.high >> 32, b.high >> 32))
    }
    @inline(__always) static func i64x2ExtmulLowI32x4U(_ a: V128, _ b: V128) -> V128 {
        V128(low: mulU(a.low, b.low), high: mulU(a.low >> 32, b.low >> 32))
    }
    @inline(__always) static func i64x2ExtmulHighI32x4U(_ a: V128, _ b: V128) -> V128 {
        V128(low: mulU(a.high, b.high), high: mulU(a.high >> 32, b.high >> 32))
    }

    @inline(__always) static func i16x8ExtaddPairwiseI8x16S(_ a: V128) -> V128 {
        let x = a.i8
        return V128(SIMD8<Int16>(truncatingIfNeeded: x.evenHalf) &+ SIMD8<Int16>(truncatingIfNeeded: x.oddHalf))
    }
    @inline(__always) static func i16x8ExtaddPairwiseI8x16U(_ a: V128) -> V128 {
        let x = a.u8
        return V128(SIMD8<UInt16>(truncatingIfNeeded: x.evenHalf) &+ SIMD8<UInt16>(truncatingIfNeeded: x.oddHalf))
    }
    @inline(__always) static func i32x4ExtaddPairwiseI16x8S(_ a: V128) -> V128 {
        let x = a.i16
        return V128(SIMD4<Int32>(truncatingIfNeeded: x.evenHalf) &+ SIMD4<Int32>(truncatingIfNeeded: x.oddHalf))
    }
    @inline(__always) static func i32x4ExtaddPairwiseI16x8U(_ a: V128) -> V128 {
        let x = a.u16
        return V128(SIMD4<UInt32>(truncatingIfNeeded: x.evenHalf) &+ SIMD4<UInt32>(truncatingIfNeeded: x.oddHalf))
    }

    /// Products of signed i16 pairs, adjacent pairs summed (wrapping: only
    /// -32768 * -32768 * 2 overflows, to -2^31, as the spec's modular addition gives).
    @inline(__always) static func i32x4DotI16x8S(_ a: V128, _ b: V128) -> V128 {
        let x = a.i16, y = b.i16
        let even = SIMD4<Int32>(truncatingIfNeeded: x.evenHalf) &* SIMD4<Int32>(truncatingIfNeeded: y.evenHalf)
        let odd = SIMD4<Int32>(truncatingIfNeeded: x.oddHalf) &* SIMD4<Int32>(truncatingIfNeeded: y.oddHalf)
        return V128(even &+ odd)
    }
}
