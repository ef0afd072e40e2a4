/// Float instructions of `WasmNumerics` (see Numerics.swift for the conventions).
/// Spec: https://webassembly.github.io/spec/core/exec/numerics.html#floating-point-operations
extension WasmNumerics {

    // MARK: f32 arithmetic (hardware IEEE; its NaN results already satisfy the spec)

    @inline(__always) static func f32Add(_ a: Float, _ b: Float) -> Float { a + b }
    @inline(__always) static func f32Sub(_ a: Float, _ b: Float) -> Float { a - b }
    @inline(__always) static func f32Mul(_ a: Float, _ b: Float) -> Float { a * b }
    @inline(__always) static func f32Div(_ a: Float, _ b: Float) -> Float { a / b }
    @inline(__always) static func f32Sqrt(_ a: Float) -> Float { a.squareRoot() }

    /// Not `Float.minimum`: that is IEEE minNum, which returns the number when the other operand
    /// is a quiet NaN, and it does not order -0 below +0. Wasm propagates NaN and has -0 < +0.
    @inline(__always) static func f32Min(_ a: Float, _ b: Float) -> Float {
        if a < b { return a }
        if b < a { return b }
        // Equal values have equal bits except for ±0, where the set sign bit (-0) must win.
        if a == b { return Float(bitPattern: a.bitPattern | b.bitPattern) }
        return a + b  // a NaN operand, quieted: canonical stays canonical
    }

    @inline(__always) static func f32Max(_ a: Float, _ b: Float) -> Float {
        if a > b { return a }
        if b > a { return b }
        if a == b { return Float(bitPattern: a.bitPattern & b.bitPattern) }
        return a + b
    }

    // MARK: f32 sign operations: bit operations that keep NaN payloads exactly

    @inline(__always) static func f32Neg(_ a: Float) -> Float {
        Float(bitPattern: a.bitPattern ^ 0x8000_0000)
    }
    @inline(__always) static func f32Abs(_ a: Float) -> Float {
        Float(bitPattern: a.bitPattern & 0x7FFF_FFFF)
    }
    @inline(__always) static func f32Copysign(_ a: Float, _ b: Float) -> Float {
        Float(bitPattern: (a.bitPattern & 0x7FFF_FFFF) | (b.bitPattern & 0x8000_0000))
    }

    // MARK: f32 rounding to integral values
    //
    // Below 2^23 a float has a fraction; adding and subtracting 2^23 rounds the magnitude to an
    // integer with the current (nearest-even) mode, and the sign is put back with a bit copy so
    // -0 and small negatives keep theirs. At or above 2^23, infinities included, the value is
    // already integral; a NaN must come out quieted.

    @inline(__always) private static func f32RoundMagnitude(_ magnitude: Float) -> Float {
        (magnitude + 0x1p23) - 0x1p23
    }

    @inline(__always) private static func f32WithSign(of x: Float, _ magnitude: Float) -> Float {
        Float(bitPattern: (magnitude.bitPattern & 0x7FFF_FFFF) | (x.bitPattern & 0x8000_0000))
    }

    private static func f32Integral(_ x: Float) -> Float { x.isNaN ? x + x : x }

    @inline(__always) static func f32Nearest(_ x: Float) -> Float {
        let a = x.magnitude
        guard a < 0x1p23 else { return f32Integral(x) }
        return f32WithSign(of: x, f32RoundMagnitude(a))
    }

    @inline(__always) static func f32Trunc(_ x: Float) -> Float {
        let a = x.magnitude
        guard a < 0x1p23 else { return f32Integral(x) }
        let r = f32RoundMagnitude(a)
        return f32WithSign(of: x, r > a ? r - 1 : r)
    }

    @inline(__always) static func f32Floor(_ x: Float) -> Float {
        let a = x.magnitude
        guard a < 0x1p23 else { return f32Integral(x) }
        let n = f32WithSign(of: x, f32RoundMagnitude(a))
        // n - 1 keeps the right sign: it is ≥ +0 for x ≥ 0 and negative for x < 0.
        return n > x ? n - 1 : n
    }

    @inline(__always) static func f32Ceil(_ x: Float) -> Float {
        let a = x.magnitude
        guard a < 0x1p23 else { return f32Integral(x) }
        let n = f32WithSign(of: x, f32RoundMagnitude(a))
        // -1 + 1 is +0, but ceil of (-1, -0.5] is -0: copy the sign back.
        return f32WithSign(of: x, n < x ? n + 1 : n)
    }

    // MARK: f32 comparisons (IEEE: unordered compares false, except `ne`)

    @inline(__always) static func f32Eq(_ a: Float, _ b: Float) -> Bool { a == b }
    @inline(__always) static func f32Ne(_ a: Float, _ b: Float) -> Bool { a != b }
    @inline(__always) static func f32Lt(_ a: Float, _ b: Float) -> Bool { a < b }
    @inline(__always) static func f32Gt(_ a: Float, _ b: Float) -> Bool { a > b }
    @inline(__always) static func f32Le(_ a: Float, _ b: Float) -> Bool { a <= b }
    @inline(__always) static func f32Ge(_ a: Float, _ b: Float) -> Bool { a >= b }

    // MARK: f64 arithmetic

    @inline(__always) static func f64Add(_ a: Double, _ b: Double) -> Double { a + b }
    @inline(__always) static func f64Sub(_ a: Double, _ b: Double) -> Double { a - b }
    @inline(__always) static func f64Mul(_ a: Double, _ b: Double) -> Double { a * b }
    @inline(__always) static func f64Div(_ a: Double, _ b: Double) -> Double { a / b }
    @inline(__always) static func f64Sqrt(_ a: Double) -> Double { a.squareRoot() }

    /// See `f32Min` for why this is not `Double.minimum`.
    @inline(__always) static func f64Min(_ a: Double, _ b: Double) -> Double {
        if a < b { return a }
        if b < a { return b }
        if a == b { return Double(bitPattern: a.bitPattern | b.bitPattern) }
        return a + b
    }

    @inline(__always) static func f64Max(_ a: Double, _ b: Double) -> Double {
        if a > b { return a }
        if b > a { return b }
        if a == b { return Double(bitPattern: a.bitPattern & b.bitPattern) }
        return a + b
    }

    // MARK: f64 sign operations

    @inline(__always) static func f64Neg(_ a: Double) -> Double {
        Double(bitPattern: a.bitPattern ^ 0x8000_0000_0000_0000)
    }
    @inline(__always) static func f64Abs(_ a: Double) -> Double {
        Double(bitPattern: a.bitPattern & 0x7FFF_FFFF_FFFF_FFFF)
    }
    @inline(__always) static func f64Copysign(_ a: Double, _ b: Double) -> Double {
        Double(bitPattern: (a.bitPattern & 0x7FFF_FFFF_FFFF_FFFF) | (b.bitPattern & 0x8000_0000_0000_0000))
    }

    // MARK: f64 rounding to integral values (as for f32, with 2^52)

    @inline(__always) private static func f64RoundMagnitude(_ magnitude: Double) -> Double {
        (magnitude + 0x1p52) - 0x1p52
    }

    @inline(__always) private static func f64WithSign(of x: Double, _ magnitude: Double) -> Double {
        Double(bitPattern: (magnitude.bitPattern & 0x7FFF_FFFF_FFFF_FFFF) | (x.bitPattern & 0x8000_0000_0000_0000))
    }

    private static func f64Integral(_ x: Double) -> Double { x.isNaN ? x + x : x }

    @inline(__always) static func f64Nearest(_ x: Double) -> Double {
        let a = x.magnitude
        guard a < 0x1p52 else { return f64Integral(x) }
        return f64WithSign(of: x, f64RoundMagnitude(a))
    }

    @inline(__always) static func f64Trunc(_ x: Double) -> Double {
        let a = x.magnitude
        guard a < 0x1p52 else { return f64Integral(x) }
        let r = f64RoundMagnitude(a)
        return f64WithSign(of: x, r > a ? r - 1 : r)
    }

    @inline(__always) static func f64Floor(_ x: Double) -> Double {
        let a = x.magnitude
        guard a < 0x1p52 else { return f64Integral(x) }
        let n = f64WithSign(of: x, f64RoundMagnitude(a))
        return n > x ? n - 1 : n
    }

    @inline(__always) static func f64Ceil(_ x: Double) -> Double {
        let a = x.magnitude
        guard a < 0x1p52 else { return f64Integral(x) }
        let n = f64WithSign(of: x, f64RoundMagnitude(a))
        return f64WithSign(of: x, n < x ? n + 1 : n)
    }

    // MARK: f64 comparisons

    @inline(__always) static func f64Eq(_ a: Double, _ b: Double) -> Bool { a == b }
    @inline(__always) static func f64Ne(_ a: Double, _ b: Double) -> Bool { a != b }
    @inline(__always) static func f64Lt(_ a: Double, _ b: Double) -> Bool { a < b }
    @inline(__always) static func f64Gt(_ a: Double, _ b: Double) -> Bool { a > b }
    @inline(__always) static func f64Le(_ a: Double, _ b: Double) -> Bool { a <= b }
    @inline(__always) static func f64Ge(_ a: Double, _ b: Double) -> Bool { a >= b }
}
