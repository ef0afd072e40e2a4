/// Conversion instructions of `WasmNumerics` (see Numerics.swift for the conventions).
/// Spec: https://webassembly.github.io/spec/core/exec/numerics.html#conversions
extension WasmNumerics {

    // MARK: Integer width changes

    @inline(__always) static func i32WrapI64(_ a: UInt64) -> UInt32 { UInt32(truncatingIfNeeded: a) }
    @inline(__always) static func i64ExtendI32S(_ a: UInt32) -> UInt64 {
        UInt64(bitPattern: Int64(Int32(bitPattern: a)))
    }
    @inline(__always) static func i64ExtendI32U(_ a: UInt32) -> UInt64 { UInt64(a) }

    // MARK: Trapping truncation (`nil`: trap, see `truncationTrap(_:)`)
    //
    // Wasm truncates toward zero and then range-checks, so the valid inputs form an open
    // interval (lower - 1, upper + 1) on the exact value. Each bound below is the nearest
    // representable float on or beyond that edge, written exactly as the Swift stdlib writes its
    // own conversion preconditions, so LLVM merges the two checks (NaN fails both compares).

    @inline(__always) static func i32TruncF32S(_ x: Float) -> UInt32? {
        guard x > -2147483904.0 && x < 2147483648.0 else { return nil }
        return UInt32(bitPattern: Int32(x))
    }
    @inline(__always) static func i32TruncF32U(_ x: Float) -> UInt32? {
        guard x > -1.0 && x < 4294967296.0 else { return nil }
        return UInt32(x)
    }
    @inline(__always) static func i32TruncF64S(_ x: Double) -> UInt32? {
        guard x > -2147483649.0 && x < 2147483648.0 else { return nil }
        return UInt32(bitPattern: Int32(x))
    }
    @inline(__always) static func i32TruncF64U(_ x: Double) -> UInt32? {
        guard x > -1.0 && x < 4294967296.0 else { return nil }
        return UInt32(x)
    }
    @inline(__always) static func i64TruncF32S(_ x: Float) -> UInt64? {
        guard x > -9223373136366403584.0 && x < 9223372036854775808.0 else { return nil }
        return UInt64(bitPattern: Int64(x))
    }
    @inline(__always) static func i64TruncF32U(_ x: Float) -> UInt64? {
        guard x > -1.0 && x < 18446744073709551616.0 else { return nil }
        return UInt64(x)
    }
    @inline(__always) static func i64TruncF64S(_ x: Double) -> UInt64? {
        guard x > -9223372036854777856.0 && x < 9223372036854775808.0 else { return nil }
        return UInt64(bitPattern: Int64(x))
    }
    @inline(__always) static func i64TruncF64U(_ x: Double) -> UInt64? {
        guard x > -1.0 && x < 18446744073709551616.0 else { return nil }
        return UInt64(x)
    }

    // MARK: Saturating truncation (never traps: NaN → 0, out of range → nearest bound)

    @inline(__always) static func i32TruncSatF32S(_ x: Float) -> UInt32 {
        if x > -2147483904.0 && x < 2147483648.0 { return UInt32(bitPattern: Int32(x)) }
        return x.isNaN ? 0 : x < 0 ? UInt32(bitPattern: Int32.min) : UInt32(bitPattern: Int32.max)
    }
    @inline(__always) static func i32TruncSatF32U(_ x: Float) -> UInt32 {
        if x > -1.0 && x < 4294967296.0 { return UInt32(x) }
        return x > 0 ? UInt32.max : 0
    }
    @inline(__always) static func i32TruncSatF64S(_ x: Double) -> UInt32 {
        if x > -2147483649.0 && x < 2147483648.0 { return UInt32(bitPattern: Int32(x)) }
        return x.isNaN ? 0 : x < 0 ? UInt32(bitPattern: Int32.min) : UInt32(bitPattern: Int32.max)
    }
    @inline(__always) static func i32TruncSatF64U(_ x: Double) -> UInt32 {
        if x > -1.0 && x < 4294967296.0 { return UInt32(x) }
        return x > 0 ? UInt32.max : 0
    }
    @inline(__always) static func i64TruncSatF32S(_ x: Float) -> UInt64 {
        if x > -9223373136366403584.0 && x < 9223372036854775808.0 { return UInt64(bitPattern: Int64(x)) }
        return x.isNaN ? 0 : x < 0 ? UInt64(bitPattern: Int64.min) : UInt64(bitPattern: Int64.max)
    }
    @inline(__always) static func i64TruncSatF32U(_ x: Float) -> UInt64 {
        if x > -1.0 && x < 18446744073709551616.0 { return UInt64(x) }
        return x > 0 ? UInt64.max : 0
    }
    @inline(__always) static func i64TruncSatF64S(_ x: Double) -> UInt64 {
        if x > -9223372036854777856.0 && x < 9223372036854775808.0 { return UInt64(bitPattern: Int64(x)) }
        return x.isNaN ? 0 : x < 0 ? UInt64(bitPattern: Int64.min) : UInt64(bitPattern: Int64.max)
    }
    @inline(__always) static func i64TruncSatF64U(_ x: Double) -> UInt64 {
        if x > -1.0 && x < 18446744073709551616.0 { return UInt64(x) }
        return x > 0 ? UInt64.max : 0
    }

    // MARK: Integer → float (correctly rounded, nearest-even)
    //
    // LLVM lowers UInt64 → Float without a double-rounding detour through Double: values with
    // the top bit set are halved with the lost bit kept as a sticky bit, converted, doubled.

    @inline(__always) static func f32ConvertI32S(_ a: UInt32) -> Float { Float(Int32(bitPattern: a)) }
    @inline(__always) static func f32ConvertI32U(_ a: UInt32) -> Float { Float(a) }
    @inline(__always) static func f32ConvertI64S(_ a: UInt64) -> Float { Float(Int64(bitPattern: a)) }
    @inline(__always) static func f32ConvertI64U(_ a: UInt64) -> Float { Float(a) }
    @inline(__always) static func f64ConvertI32S(_ a: UInt32) -> Double { Double(Int32(bitPattern: a)) }
    @inline(__always) static func f64ConvertI32U(_ a: UInt32) -> Double { Double(a) }
    @inline(__always) static func f64ConvertI64S(_ a: UInt64) -> Double { Double(Int64(bitPattern: a)) }
    @inline(__always) static func f64ConvertI64U(_ a: UInt64) -> Double { Double(a) }

    // MARK: Float width changes
    //
    // `cvtss2sd`/`cvtsd2ss` quiet a NaN and keep the top of its payload, which is what the spec
    // asks: canonical in → canonical out, any other NaN → an arithmetic NaN.

    @inline(__always) static func f64PromoteF32(_ a: Float) -> Double { Double(a) }
    @inline(__always) static func f32DemoteF64(_ a: Double) -> Float { Float(a) }

    // MARK: Reinterpretation (bit casts)

    @inline(__always) static func i32ReinterpretF32(_ a: Float) -> UInt32 { a.bitPattern }
    @inline(__always) static func i64ReinterpretF64(_ a: Double) -> UInt64 { a.bitPattern }
    @inline(__always) static func f32ReinterpretI32(_ a: UInt32) -> Float { Float(bitPattern: a) }
    @inline(__always) static func f64ReinterpretI64(_ a: UInt64) -> Double { Double(bitPattern: a) }
}
