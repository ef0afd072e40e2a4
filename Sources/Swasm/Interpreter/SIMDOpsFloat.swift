/// Float lanes, conversions and relaxed SIMD of `SIMDOps` (see SIMDOps.swift for the
/// conventions and the code-quality notes).
///
/// NaN rules are those of the scalar instructions, lane by lane: `+ - * /` and sqrt use the
/// hardware, whose NaN results are the spec's `nans{z1, z2}` (see Numerics.swift); `abs`/`neg`
/// are bit operations that keep payloads; min/max propagate a NaN operand (quieted) and order
/// -0 below +0; pmin/pmax are the spec's plain selects `b < a ? b : a` / `a < b ? b : a`, which
/// return an operand's bits unchanged, NaNs included.
extension SIMDOps {

    // MARK: f32x4

    @inline(__always) static func f32x4Add(_ a: V128, _ b: V128) -> V128 { V128(a.f32 + b.f32) }
    @inline(__always) static func f32x4Sub(_ a: V128, _ b: V128) -> V128 { V128(a.f32 - b.f32) }
    @inline(__always) static func f32x4Mul(_ a: V128, _ b: V128) -> V128 { V128(a.f32 * b.f32) }
    @inline(__always) static func f32x4Div(_ a: V128, _ b: V128) -> V128 { V128(a.f32 / b.f32) }
    @inline(__always) static func f32x4Abs(_ a: V128) -> V128 { v128And(a, V128(repeating: 0x7FFF_FFFF_7FFF_FFFF)) }
    @inline(__always) static func f32x4Neg(_ a: V128) -> V128 { v128Xor(a, V128(repeating: 0x8000_0000_8000_0000)) }
    @inline(__always) static func f32x4Sqrt(_ a: V128) -> V128 {
        let x = a.f32
        return V128(SIMD4<Float>(WasmNumerics.f32Sqrt(x[0]), WasmNumerics.f32Sqrt(x[1]),
                                 WasmNumerics.f32Sqrt(x[2]), WasmNumerics.f32Sqrt(x[3])))
    }

    /// Wasm `min` on each lane: the lesser when ordered and different; for equal lanes the OR
    /// of the bits (-0 wins over +0); a NaN lane gives the NaN quieted (`a + b`). Written with
    /// lane masks so that it is branch-free compares and blends.
    @inline(__always) static func f32x4Min(_ a: V128, _ b: V128) -> V128 {
        let x = a.f32, y = b.f32
        let lt = lanes(x .< y), gt = lanes(y .< x), eq = lanes(x .== y)
        let xi = a.u32, yi = b.u32, nan = V128(x + y).u32
        return V128((xi & lt) | (yi & gt) | ((xi | yi) & eq) | (nan & ~(lt | gt | eq)))
    }
    @inline(__always) static func f32x4Max(_ a: V128, _ b: V128) -> V128 {
        let x = a.f32, y = b.f32
        let gt = lanes(x .> y), lt = lanes(y .> x), eq = lanes(x .== y)
        let xi = a.u32, yi = b.u32, nan = V128(x + y).u32
        return V128((xi & gt) | (yi & lt) | ((xi & yi) & eq) | (nan & ~(lt | gt | eq)))
    }
    /// `b < a ? b : a`, lane by lane: exactly x86 `minps b, a`, NaN and ±0 cases included.
    @inline(__always) static func f32x4Pmin(_ a: V128, _ b: V128) -> V128 {
        let x = a.f32, y = b.f32
        var r = SIMD4<Float>()
        for i in 0..<4 { r[i] = y[i] < x[i] ? y[i] : x[i] }
        return V128(r)
    }
    /// `a < b ? b : a`: x86 `maxps b, a`.
    @inline(__always) static func f32x4Pmax(_ a: V128, _ b: V128) -> V128 {
        let x = a.f32, y = b.f32
        var r = SIMD4<Float>()
        for i in 0..<4 { r[i] = x[i] < y[i] ? y[i] : x[i] }
        return V128(r)
    }

    // Roundings: the 2^23 trick of `WasmNumerics.f32Nearest` and friends on all lanes at once
    // (SSE2 has no `roundps`): below 2^23, `(|x| + 2^23) - 2^23` is |x| rounded to nearest-even;
    // the other lanes (large, infinite, NaN) are already integral and become `x + 0`, which
    // keeps them and quiets a NaN.

    /// The sign bits of `x`, |x| rounded to nearest-even (meaningful in `small` lanes), and the
    /// mask of the lanes below 2^23 in magnitude.
    @inline(__always) private static func f32Rounding(_ a: V128)
        -> (sign: SIMD4<UInt32>, magnitude: SIMD4<Float>, nearest: SIMD4<Float>, small: SIMD4<UInt32>) {
        let sign = a.u32 & 0x8000_0000
        let magnitude = V128(a.u32 & 0x7FFF_FFFF).f32
        let small = lanes(magnitude .< SIMD4<Float>(repeating: 0x1p23))
        return (sign, magnitude, (magnitude + 0x1p23) - 0x1p23, small)
    }
    /// `rounded` bits in the small lanes, `x + 0` elsewhere.
    @inline(__always) private static func f32Blend(_ rounded: SIMD4<UInt32>, _ a: V128, _ small: SIMD4<UInt32>) -> V128 {
        let other = V128(a.f32 + SIMD4<Float>()).u32
        return V128((rounded & small) | (other & ~small))
    }
    @inline(__always) static func f32x4Nearest(_ a: V128) -> V128 {
        let r = f32Rounding(a)
        return f32Blend(V128(r.nearest).u32 | r.sign, a, r.small)
    }
    @inline(__always) static func f32x4Trunc(_ a: V128) -> V128 {
        let r = f32Rounding(a)
        let truncated = r.nearest - SIMD4<Float>().replacing(with: 1, where: r.nearest .> r.magnitude)
        return f32Blend(V128(truncated).u32 | r.sign, a, r.small)
    }
    @inline(__always) static func f32x4Floor(_ a: V128) -> V128 {
        let r = f32Rounding(a)
        let n = V128(V128(r.nearest).u32 | r.sign).f32
        // n - 1 keeps the right sign: it is ≥ +0 for x ≥ 0 and negative for x < 0.
        let floor = n - SIMD4<Float>().replacing(with: 1, where: n .> a.f32)
        return f32Blend(V128(floor).u32, a, r.small)
    }
    @inline(__always) static func f32x4Ceil(_ a: V128) -> V128 {
        let r = f32Rounding(a)
        let n = V128(V128(r.nearest).u32 | r.sign).f32
        let ceil = n + SIMD4<Float>().replacing(with: 1, where: n .< a.f32)
        // -1 + 1 is +0, but the ceiling of (-1, -0.5] is -0: put the sign back.
        return f32Blend((V128(ceil).u32 & 0x7FFF_FFFF) | r.sign, a, r.small)
    }

    @inline(__always) static func f32x4Eq(_ a: V128, _ b: V128) -> V128 { V128(lanes(a.f32 .== b.f32)) }
    @inline(__always) static func f32x4Ne(_ a: V128, _ b: V128) -> V128 { V128(lanes(a.f32 .!= b.f32)) }
    @inline(__always) static func f32x4Lt(_ a: V128, _ b: V128) -> V128 { V128(lanes(a.f32 .< b.f32)) }
    @inline(__always) static func f32x4Gt(_ a: V128, _ b: V128) -> V128 { V128(lanes(a.f32 .> b.f32)) }
    @inline(__always) static func f32x4Le(_ a: V128, _ b: V128) -> V128 { V128(lanes(a.f32 .<= b.f32)) }
    @inline(__always) static func f32x4Ge(_ a: V128, _ b: V128) -> V128 { V128(lanes(a.f32 .>= b.f32)) }

    /// A float compare as all-ones/zero u32 lanes.
    @inline(__always) private static func lanes(_ m: SIMDMask<SIMD4<Int32>>) -> SIMD4<UInt32> {
        SIMD4<UInt32>().replacing(with: ~0, where: m)
    }

    // MARK: f64x2

    @inline(__always) static func f64x2Add(_ a: V128, _ b: V128) -> V128 { V128(a.f64 + b.f64) }
    @inline(__always) static func f64x2Sub(_ a: V128, _ b: V128) -> V128 { V128(a.f64 - b.f64) }
    @inline(__always) static func f64x2Mul(_ a: V128, _ b: V128) -> V128 { V128(a.f64 * b.f64) }
    @inline(__always) static func f64x2Div(_ a: V128, _ b: V128) -> V128 { V128(a.f64 / b.f64) }
    @inline(__always) static func f64x2Abs(_ a: V128) -> V128 { v128And(a, V128(repeating: 0x7FFF_FFFF_FFFF_FFFF)) }
    @inline(__always) static func f64x2Neg(_ a: V128) -> V128 { v128Xor(a, V128(repeating: 0x8000_0000_0000_0000)) }
    @inline(__always) static func f64x2Sqrt(_ a: V128) -> V128 {
        V128(low: WasmNumerics.f64Sqrt(Double(bitPattern: a.low)).bitPattern,
             high: WasmNumerics.f64Sqrt(Double(bitPattern: a.high)).bitPattern)
    }

    @inline(__always) static func f64x2Min(_ a: V128, _ b: V128) -> V128 {
        let x = a.f64, y = b.f64
        let lt = lanes(x .< y), gt = lanes(y .< x), eq = lanes(x .== y)
        let xi = a.u64, yi = b.u64, nan = V128(x + y).u64
        return V128((xi & lt) | (yi & gt) | ((xi | yi) & eq) | (nan & ~(lt | gt | eq)))
    }
    @inline(__always) static func f64x2Max(_ a: V128, _ b: V128) -> V128 {
        let x = a.f64, y = b.f64
        let gt = lanes(x .> y), lt = lanes(y .> x), eq = lanes(x .== y)
        let xi = a.u64, yi = b.u64, nan = V128(x + y).u64
        return V128((xi & gt) | (yi & lt) | ((xi & yi) & eq) | (nan & ~(lt | gt | eq)))
    }
    @inline(__always) static func f64x2Pmin(_ a: V128, _ b: V128) -> V128 {
        let x = a.f64, y = b.f64
        var r = SIMD2<Double>()
        for i in 0..<2 { r[i] = y[i] < x[i] ? y[i] : x[i] }
        return V128(r)
    }
    @inline(__always) static func f64x2Pmax(_ a: V128, _ b: V128) -> V128 {
        let x = a.f64, y = b.f64
        var r = SIMD2<Double>()
        for i in 0..<2 { r[i] = x[i] < y[i] ? y[i] : x[i] }
        return V128(r)
    }

    // Roundings as for f32x4, with 2^52.

    @inline(__always) private static func f64Rounding(_ a: V128)
        -> (sign: SIMD2<UInt64>, magnitude: SIMD2<Double>, nearest: SIMD2<Double>, small: SIMD2<UInt64>) {
        let sign = a.u64 & 0x8000_0000_0000_0000
        let magnitude = V128(a.u64 & 0x7FFF_FFFF_FFFF_FFFF).f64
        let small = lanes(magnitude .< SIMD2<Double>(repeating: 0x1p52))
        return (sign, magnitude, (magnitude + 0x1p52) - 0x1p52, small)
    }
    @inline(__always) private static func f64Blend(_ rounded: SIMD2<UInt64>, _ a: V128, _ small: SIMD2<UInt64>) -> V128 {
        let other = V128(a.f64 + SIMD2<Double>()).u64
        return V128((rounded & small) | (other & ~small))
    }
    @inline(__always) static func f64x2Nearest(_ a: V128) -> V128 {
        let r = f64Rounding(a)
        return f64Blend(V128(r.nearest).u64 | r.sign, a, r.small)
    }
    @inline(__always) static func f64x2Trunc(_ a: V128) -> V128 {
        let r = f64Rounding(a)
        let truncated = r.nearest - SIMD2<Double>().replacing(with: 1, where: r.nearest .> r.magnitude)
        return f64Blend(V128(truncated).u64 | r.sign, a, r.small)
    }
    @inline(__always) static func f64x2Floor(_ a: V128) -> V128 {
        let r = f64Rounding(a)
        let n = V128(V128(r.nearest).u64 | r.sign).f64
        let floor = n - SIMD2<Double>().replacing(with: 1, where: n .> a.f64)
        return f64Blend(V128(floor).u64, a, r.small)
    }
    @inline(__always) static func f64x2Ceil(_ a: V128) -> V128 {
        let r = f64Rounding(a)
        let n = V128(V128(r.nearest).u64 | r.sign).f64
        let ceil = n + SIMD2<Double>().replacing(with: 1, where: n .< a.f64)
        return f64Blend((V128(ceil).u64 & 0x7FFF_FFFF_FFFF_FFFF) | r.sign, a, r.small)
    }

    @inline(__always) static func f64x2Eq(_ a: V128, _ b: V128) -> V128 { V128(lanes(a.f64 .== b.f64)) }
    @inline(__always) static func f64x2Ne(_ a: V128, _ b: V128) -> V128 { V128(lanes(a.f64 .!= b.f64)) }
    @inline(__always) static func f64x2Lt(_ a: V128, _ b: V128) -> V128 { V128(lanes(a.f64 .< b.f64)) }
    @inline(__always) static func f64x2Gt(_ a: V128, _ b: V128) -> V128 { V128(lanes(a.f64 .> b.f64)) }
    @inline(__always) static func f64x2Le(_ a: V128, _ b: V128) -> V128 { V128(lanes(a.f64 .<= b.f64)) }
    @inline(__always) static func f64x2Ge(_ a: V128, _ b: V128) -> V128 { V128(lanes(a.f64 .>= b.f64)) }

    @inline(__always) private static func lanes(_ m: SIMDMask<SIMD2<Int64>>) -> SIMD2<UInt64> {
        SIMD2<UInt64>().replacing(with: ~0, where: m)
    }

    // MARK: Conversions

    @inline(__always) private static func i32Lanes(_ a: V128, _ f: (Float) -> UInt32) -> V128 {
        let x = a.f32
        return V128(SIMD4<UInt32>(f(x[0]), f(x[1]), f(x[2]), f(x[3])))
    }
    @inline(__always) static func i32x4TruncSatF32x4S(_ a: V128) -> V128 { i32Lanes(a, WasmNumerics.i32TruncSatF32S) }
    @inline(__always) static func i32x4TruncSatF32x4U(_ a: V128) -> V128 { i32Lanes(a, WasmNumerics.i32TruncSatF32U) }
    /// The two f64 lanes truncated into i32 lanes 0 and 1; lanes 2 and 3 are zero.
    @inline(__always) static func i32x4TruncSatF64x2SZero(_ a: V128) -> V128 {
        V128(low: UInt64(WasmNumerics.i32TruncSatF64S(Double(bitPattern: a.low)))
                | UInt64(WasmNumerics.i32TruncSatF64S(Double(bitPattern: a.high))) << 32, high: 0)
    }
    @inline(__always) static func i32x4TruncSatF64x2UZero(_ a: V128) -> V128 {
        V128(low: UInt64(WasmNumerics.i32TruncSatF64U(Double(bitPattern: a.low)))
                | UInt64(WasmNumerics.i32TruncSatF64U(Double(bitPattern: a.high))) << 32, high: 0)
    }
    @inline(__always) static func f32x4ConvertI32x4S(_ a: V128) -> V128 { V128(SIMD4<Float>(a.i32)) }
    @inline(__always) static func f32x4ConvertI32x4U(_ a: V128) -> V128 {
        let x = a.u32
        return V128(SIMD4<Float>(Float(x[0]), Float(x[1]), Float(x[2]), Float(x[3])))
    }
    /// i32 lanes 0 and 1 converted to the two f64 lanes (exact).
    @inline(__always) static func f64x2ConvertLowI32x4S(_ a: V128) -> V128 {
        V128(low: Double(Int32(truncatingIfNeeded: a.low)).bitPattern,
             high: Double(Int32(truncatingIfNeeded: a.low >> 32)).bitPattern)
    }
    @inline(__always) static func f64x2ConvertLowI32x4U(_ a: V128) -> V128 {
        V128(low: Double(UInt32(truncatingIfNeeded: a.low)).bitPattern,
             high: Double(UInt32(truncatingIfNeeded: a.low >> 32)).bitPattern)
    }
    /// The two f64 lanes rounded to f32 lanes 0 and 1; lanes 2 and 3 are +0.
    @inline(__always) static func f32x4DemoteF64x2Zero(_ a: V128) -> V128 {
        let low = WasmNumerics.f32DemoteF64(Double(bitPattern: a.low)).bitPattern
        let high = WasmNumerics.f32DemoteF64(Double(bitPattern: a.high)).bitPattern
        return V128(low: UInt64(low) | UInt64(high) << 32, high: 0)
    }
    /// f32 lanes 0 and 1 widened to the two f64 lanes.
    @inline(__always) static func f64x2PromoteLowF32x4(_ a: V128) -> V128 {
        V128(low: WasmNumerics.f64PromoteF32(Float(bitPattern: UInt32(truncatingIfNeeded: a.low))).bitPattern,
             high: WasmNumerics.f64PromoteF32(Float(bitPattern: UInt32(truncatingIfNeeded: a.low >> 32))).bitPattern)
    }

    // MARK: Relaxed SIMD: the deterministic profile
    //
    // Every relaxed op is given the result the spec's deterministic profile prescribes
    // (https://webassembly.github.io/spec/core/exec/numerics.html#relaxed-operations: each
    // choice parameter is 0), which is also one of the results the spec tests accept: the
    // non-relaxed op where one exists, an unfused multiply-add, a signed dot product.

    @inline(__always) static func i8x16RelaxedSwizzle(_ a: V128, _ s: V128) -> V128 { i8x16Swizzle(a, s) }
    @inline(__always) static func i32x4RelaxedTruncF32x4S(_ a: V128) -> V128 { i32x4TruncSatF32x4S(a) }
    @inline(__always) static func i32x4RelaxedTruncF32x4U(_ a: V128) -> V128 { i32x4TruncSatF32x4U(a) }
    @inline(__always) static func i32x4RelaxedTruncF64x2SZero(_ a: V128) -> V128 { i32x4TruncSatF64x2SZero(a) }
    @inline(__always) static func i32x4RelaxedTruncF64x2UZero(_ a: V128) -> V128 { i32x4TruncSatF64x2UZero(a) }
    /// `a * b + c` with two roundings (Swift never contracts a separate `*` and `+` into FMA).
    @inline(__always) static func f32x4RelaxedMadd(_ a: V128, _ b: V128, _ c: V128) -> V128 { V128(a.f32 * b.f32 + c.f32) }
    /// `-a * b + c` with two roundings.
    @inline(__always) static func f32x4RelaxedNmadd(_ a: V128, _ b: V128, _ c: V128) -> V128 {
        V128(f32x4Neg(a).f32 * b.f32 + c.f32)
    }
    @inline(__always) static func f64x2RelaxedMadd(_ a: V128, _ b: V128, _ c: V128) -> V128 { V128(a.f64 * b.f64 + c.f64) }
    @inline(__always) static func f64x2RelaxedNmadd(_ a: V128, _ b: V128, _ c: V128) -> V128 {
        V128(f64x2Neg(a).f64 * b.f64 + c.f64)
    }
    /// Lane select is bit select in the deterministic profile (for every lane width).
    @inline(__always) static func i8x16RelaxedLaneselect(_ a: V128, _ b: V128, _ m: V128) -> V128 { v128Bitselect(a, b, m) }
    @inline(__always) static func i16x8RelaxedLaneselect(_ a: V128, _ b: V128, _ m: V128) -> V128 { v128Bitselect(a, b, m) }
    @inline(__always) static func i32x4RelaxedLaneselect(_ a: V128, _ b: V128, _ m: V128) -> V128 { v128Bitselect(a, b, m) }
    @inline(__always) static func i64x2RelaxedLaneselect(_ a: V128, _ b: V128, _ m: V128) -> V128 { v128Bitselect(a, b, m) }
    @inline(__always) static func f32x4RelaxedMin(_ a: V128, _ b: V128) -> V128 { f32x4Min(a, b) }
    @inline(__always) static func f32x4RelaxedMax(_ a: V128, _ b: V128) -> V128 { f32x4Max(a, b) }
    @inline(__always) static func f64x2RelaxedMin(_ a: V128, _ b: V128) -> V128 { f64x2Min(a, b) }
    @inline(__always) static func f64x2RelaxedMax(_ a: V128, _ b: V128) -> V128 { f64x2Max(a, b) }
    @inline(__always) static func i16x8RelaxedQ15mulrS(_ a: V128, _ b: V128) -> V128 { i16x8Q15mulrSatS(a, b) }

    /// Signed i8 × signed i8 products, adjacent pairs added into i16 lanes with wrapping (only
    /// four -128s overflow: 32768 wraps to -32768, one of the allowed results).
    @inline(__always) static func i16x8RelaxedDotI8x16I7x16S(_ a: V128, _ b: V128) -> V128 {
        let x = a.i8, y = b.i8
        let even = SIMD8<Int16>(truncatingIfNeeded: x.evenHalf) &* SIMD8<Int16>(truncatingIfNeeded: y.evenHalf)
        let odd = SIMD8<Int16>(truncatingIfNeeded: x.oddHalf) &* SIMD8<Int16>(truncatingIfNeeded: y.oddHalf)
        return V128(even &+ odd)
    }
    /// The i16 dot product above, its adjacent lanes added into i32 lanes, plus `c`.
    @inline(__always) static func i32x4RelaxedDotI8x16I7x16AddS(_ a: V128, _ b: V128, _ c: V128) -> V128 {
        i32x4Add(i32x4ExtaddPairwiseI16x8S(i16x8RelaxedDotI8x16I7x16S(a, b)), c)
    }
}
