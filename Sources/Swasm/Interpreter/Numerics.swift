/// Exact semantics of every Wasm 2.0 scalar numeric instruction, for the interpreter's hot loop.
/// Spec: https://webassembly.github.io/spec/core/exec/numerics.html
///
/// Value shapes:
/// - Integers travel as raw bit patterns (`UInt32` for i32, `UInt64` for i64); signedness is an
///   interpretation chosen inside each operation, as in the spec.
/// - Floats travel as `Float`/`Double`. On x86-64 and arm64 they live in vector registers, and
///   moving them never alters a NaN payload, so `Float(bitPattern:)`/`.bitPattern` at the slot
///   boundary cost nothing and lose nothing.
/// - Comparisons return `Bool`; the interpreter widens to i32 (one `movzx`) or branches on it.
///
/// Trap convention (no `throws`, no `TrapReason` construction on the fast path):
/// - An operation that can trap returns an Optional; `nil` means "trap". The reason is recomputed
///   on the cold path from the same operands by `divisionTrap(divisor:)` (div/rem) or
///   `truncationTrap(_:)` (float → int truncation). For example:
///   `guard let q = WasmNumerics.i32DivS(a, b) else { trap(WasmNumerics.divisionTrap(divisor: b)) }`
/// - Optional integers come back in registers (`UInt32?` is one 64-bit register with the tag in
///   bit 32), so the check is one test and a branch. `TrapReason` itself is not returned on the
///   fast path because its `.host(String)` case makes it a non-trivial type.
///
/// NaN results: x86 SSE arithmetic returns a NaN operand (the first, if both are; LLVM may swap
/// commutative operands) with its quiet bit set, or the
/// default NaN 0xFFC00000 / 0xFFF8000000000000 (a canonical NaN with the sign bit set) when it
/// creates one. That is exactly the spec's `nans{z1, z2}` (canonical in → canonical out, else
/// arithmetic), so add/sub/mul/div/sqrt/promote/demote use the hardware. `neg`, `abs` and
/// `copysign` are pure bit operations and keep payloads untouched, as the spec requires.
///
/// Code quality (checked with `swiftc -O -emit-assembly`, Swift 6.3.1, x86-64 baseline without
/// SSE4.1/POPCNT/LZCNT, on non-inlined wrappers of add, neg, copysign, min, max, nearest, floor,
/// ceil, trunc, all eight trapping truncations, two saturating ones, div_s, div_u, rem_s, rotl,
/// shr_s, clz, popcnt, u64 → f32/f64, demote, eqz): straight-line SSE/integer code with no calls
/// at all (no Swift runtime, no libm) and no leftover Swift precondition traps (`ud2`):
/// - `f32Add` is one `addss`; `f32Neg` one `xorps`; `f32Copysign` two `andps` and an `orps`;
///   `i32Rotl` one `roll`; `i32DivS` two tests, then `idivl`.
/// - The stdlib's `rounded(.toNearestOrEven)`, `.up`, `.down`, `.towardZero` compile to *calls*
///   to libm `rintf`/`ceil`/`floor`/`trunc` (no `roundss` without SSE4.1), so ceil/floor/trunc/
///   nearest use the 2^23 (2^52) addition trick instead: a compare, two adds, a blend and a
///   copysign, all inline; the NaN/huge-value path is a separate branch.
/// - `f32Min`/`f32Max`: two `ucomiss` and branches in the common (ordered, unequal) case.
/// - Trapping truncations: Swift's `Int32(x)` preconditions are the very comparisons of the Wasm
///   range check when the bounds are written as the first out-of-range floats (for f32 → i32,
///   `x > -2147483904.0 && x < 2147483648.0`), so LLVM merges them: `i32TruncF32S` is
///   `cvttss2si`, two `ucomiss` and two `cmov`s, without a branch.
enum WasmNumerics {

    // MARK: Trap reasons (cold path)

    /// Why a division or remainder returned `nil`: a zero divisor, otherwise
    /// signed overflow (`INT_MIN / -1`, only possible for `div_s`).
    static func divisionTrap(divisor: UInt32) -> TrapReason {
        divisor == 0 ? .integerDivideByZero : .integerOverflow
    }

    static func divisionTrap(divisor: UInt64) -> TrapReason {
        divisor == 0 ? .integerDivideByZero : .integerOverflow
    }

    /// Why a trapping float → int truncation returned `nil`: NaN, otherwise out of range.
    static func truncationTrap(_ x: Float) -> TrapReason {
        x.isNaN ? .invalidConversionToInteger : .integerOverflow
    }

    static func truncationTrap(_ x: Double) -> TrapReason {
        x.isNaN ? .invalidConversionToInteger : .integerOverflow
    }

    // MARK: i32 arithmetic

    @inline(__always) static func i32Add(_ a: UInt32, _ b: UInt32) -> UInt32 { a &+ b }
    @inline(__always) static func i32Sub(_ a: UInt32, _ b: UInt32) -> UInt32 { a &- b }
    @inline(__always) static func i32Mul(_ a: UInt32, _ b: UInt32) -> UInt32 { a &* b }

    /// `nil`: trap, see `divisionTrap(divisor:)`.
    @inline(__always) static func i32DivS(_ a: UInt32, _ b: UInt32) -> UInt32? {
        let x = Int32(bitPattern: a), y = Int32(bitPattern: b)
        if y == 0 || (x == .min && y == -1) { return nil }
        return UInt32(bitPattern: x / y)
    }

    /// `nil`: divide by zero.
    @inline(__always) static func i32DivU(_ a: UInt32, _ b: UInt32) -> UInt32? {
        if b == 0 { return nil }
        return a / b
    }

    /// `nil`: divide by zero. `INT_MIN rem -1` is 0 (the spec does not trap there, while
    /// x86 `idiv` would fault), so a divisor of -1 never reaches the hardware.
    @inline(__always) static func i32RemS(_ a: UInt32, _ b: UInt32) -> UInt32? {
        let x = Int32(bitPattern: a), y = Int32(bitPattern: b)
        if y == 0 { return nil }
        if y == -1 { return 0 }
        return UInt32(bitPattern: x % y)
    }

    /// `nil`: divide by zero.
    @inline(__always) static func i32RemU(_ a: UInt32, _ b: UInt32) -> UInt32? {
        if b == 0 { return nil }
        return a % b
    }

    // MARK: i32 bitwise

    @inline(__always) static func i32And(_ a: UInt32, _ b: UInt32) -> UInt32 { a & b }
    @inline(__always) static func i32Or(_ a: UInt32, _ b: UInt32) -> UInt32 { a | b }
    @inline(__always) static func i32Xor(_ a: UInt32, _ b: UInt32) -> UInt32 { a ^ b }
    // The masking shifts (&<<, &>>) take the count modulo the width, exactly as Wasm does.
    @inline(__always) static func i32Shl(_ a: UInt32, _ b: UInt32) -> UInt32 { a &<< b }
    @inline(__always) static func i32ShrU(_ a: UInt32, _ b: UInt32) -> UInt32 { a &>> b }
    @inline(__always) static func i32ShrS(_ a: UInt32, _ b: UInt32) -> UInt32 {
        UInt32(bitPattern: Int32(bitPattern: a) &>> Int32(bitPattern: b))
    }
    @inline(__always) static func i32Rotl(_ a: UInt32, _ b: UInt32) -> UInt32 {
        (a &<< b) | (a &>> (32 &- b))
    }
    @inline(__always) static func i32Rotr(_ a: UInt32, _ b: UInt32) -> UInt32 {
        (a &>> b) | (a &<< (32 &- b))
    }
    @inline(__always) static func i32Clz(_ a: UInt32) -> UInt32 { UInt32(truncatingIfNeeded: a.leadingZeroBitCount) }
    @inline(__always) static func i32Ctz(_ a: UInt32) -> UInt32 { UInt32(truncatingIfNeeded: a.trailingZeroBitCount) }
    @inline(__always) static func i32Popcnt(_ a: UInt32) -> UInt32 { UInt32(truncatingIfNeeded: a.nonzeroBitCount) }

    @inline(__always) static func i32Extend8S(_ a: UInt32) -> UInt32 {
        UInt32(bitPattern: Int32(Int8(truncatingIfNeeded: a)))
    }
    @inline(__always) static func i32Extend16S(_ a: UInt32) -> UInt32 {
        UInt32(bitPattern: Int32(Int16(truncatingIfNeeded: a)))
    }

    // MARK: i32 tests and comparisons

    @inline(__always) static func i32Eqz(_ a: UInt32) -> Bool { a == 0 }
    @inline(__always) static func i32Eq(_ a: UInt32, _ b: UInt32) -> Bool { a == b }
    @inline(__always) static func i32Ne(_ a: UInt32, _ b: UInt32) -> Bool { a != b }
    @inline(__always) static func i32LtS(_ a: UInt32, _ b: UInt32) -> Bool { Int32(bitPattern: a) < Int32(bitPattern: b) }
    @inline(__always) static func i32LtU(_ a: UInt32, _ b: UInt32) -> Bool { a < b }
    @inline(__always) static func i32GtS(_ a: UInt32, _ b: UInt32) -> Bool { Int32(bitPattern: a) > Int32(bitPattern: b) }
    @inline(__always) static func i32GtU(_ a: UInt32, _ b: UInt32) -> Bool { a > b }
    @inline(__always) static func i32LeS(_ a: UInt32, _ b: UInt32) -> Bool { Int32(bitPattern: a) <= Int32(bitPattern: b) }
    @inline(__always) static func i32LeU(_ a: UInt32, _ b: UInt32) -> Bool { a <= b }
    @inline(__always) static func i32GeS(_ a: UInt32, _ b: UInt32) -> Bool { Int32(bitPattern: a) >= Int32(bitPattern: b) }
    @inline(__always) static func i32GeU(_ a: UInt32, _ b: UInt32) -> Bool { a >= b }

    // MARK: i64 arithmetic

    @inline(__always) static func i64Add(_ a: UInt64, _ b: UInt64) -> UInt64 { a &+ b }
    @inline(__always) static func i64Sub(_ a: UInt64, _ b: UInt64) -> UInt64 { a &- b }
    @inline(__always) static func i64Mul(_ a: UInt64, _ b: UInt64) -> UInt64 { a &* b }

    /// `nil`: trap, see `divisionTrap(divisor:)`.
    @inline(__always) static func i64DivS(_ a: UInt64, _ b: UInt64) -> UInt64? {
        let x = Int64(bitPattern: a), y = Int64(bitPattern: b)
        if y == 0 || (x == .min && y == -1) { return nil }
        return UInt64(bitPattern: x / y)
    }

    /// `nil`: divide by zero.
    @inline(__always) static func i64DivU(_ a: UInt64, _ b: UInt64) -> UInt64? {
        if b == 0 { return nil }
        return a / b
    }

    /// `nil`: divide by zero. `INT_MIN rem -1` is 0 without trapping (see `i32RemS`).
    @inline(__always) static func i64RemS(_ a: UInt64, _ b: UInt64) -> UInt64? {
        let x = Int64(bitPattern: a), y = Int64(bitPattern: b)
        if y == 0 { return nil }
        if y == -1 { return 0 }
        return UInt64(bitPattern: x % y)
    }

    /// `nil`: divide by zero.
    @inline(__always) static func i64RemU(_ a: UInt64, _ b: UInt64) -> UInt64? {
        if b == 0 { return nil }
        return a % b
    }

    // MARK: i64 bitwise

    @inline(__always) static func i64And(_ a: UInt64, _ b: UInt64) -> UInt64 { a & b }
    @inline(__always) static func i64Or(_ a: UInt64, _ b: UInt64) -> UInt64 { a | b }
    @inline(__always) static func i64Xor(_ a: UInt64, _ b: UInt64) -> UInt64 { a ^ b }
    @inline(__always) static func i64Shl(_ a: UInt64, _ b: UInt64) -> UInt64 { a &<< b }
    @inline(__always) static func i64ShrU(_ a: UInt64, _ b: UInt64) -> UInt64 { a &>> b }
    @inline(__always) static func i64ShrS(_ a: UInt64, _ b: UInt64) -> UInt64 {
        UInt64(bitPattern: Int64(bitPattern: a) &>> Int64(bitPattern: b))
    }
    @inline(__always) static func i64Rotl(_ a: UInt64, _ b: UInt64) -> UInt64 {
        (a &<< b) | (a &>> (64 &- b))
    }
    @inline(__always) static func i64Rotr(_ a: UInt64, _ b: UInt64) -> UInt64 {
        (a &>> b) | (a &<< (64 &- b))
    }
    @inline(__always) static func i64Clz(_ a: UInt64) -> UInt64 { UInt64(truncatingIfNeeded: a.leadingZeroBitCount) }
    @inline(__always) static func i64Ctz(_ a: UInt64) -> UInt64 { UInt64(truncatingIfNeeded: a.trailingZeroBitCount) }
    @inline(__always) static func i64Popcnt(_ a: UInt64) -> UInt64 { UInt64(truncatingIfNeeded: a.nonzeroBitCount) }

    @inline(__always) static func i64Extend8S(_ a: UInt64) -> UInt64 {
        UInt64(bitPattern: Int64(Int8(truncatingIfNeeded: a)))
    }
    @inline(__always) static func i64Extend16S(_ a: UInt64) -> UInt64 {
        UInt64(bitPattern: Int64(Int16(truncatingIfNeeded: a)))
    }
    @inline(__always) static func i64Extend32S(_ a: UInt64) -> UInt64 {
        UInt64(bitPattern: Int64(Int32(truncatingIfNeeded: a)))
    }

    // MARK: i64 tests and comparisons

    @inline(__always) static func i64Eqz(_ a: UInt64) -> Bool { a == 0 }
    @inline(__always) static func i64Eq(_ a: UInt64, _ b: UInt64) -> Bool { a == b }
    @inline(__always) static func i64Ne(_ a: UInt64, _ b: UInt64) -> Bool { a != b }
    @inline(__always) static func i64LtS(_ a: UInt64, _ b: UInt64) -> Bool { Int64(bitPattern: a) < Int64(bitPattern: b) }
    @inline(__always) static func i64LtU(_ a: UInt64, _ b: UInt64) -> Bool { a < b }
    @inline(__always) static func i64GtS(_ a: UInt64, _ b: UInt64) -> Bool { Int64(bitPattern: a) > Int64(bitPattern: b) }
    @inline(__always) static func i64GtU(_ a: UInt64, _ b: UInt64) -> Bool { a > b }
    @inline(__always) static func i64LeS(_ a: UInt64, _ b: UInt64) -> Bool { Int64(bitPattern: a) <= Int64(bitPattern: b) }
    @inline(__always) static func i64LeU(_ a: UInt64, _ b: UInt64) -> Bool { a <= b }
    @inline(__always) static func i64GeS(_ a: UInt64, _ b: UInt64) -> Bool { Int64(bitPattern: a) >= Int64(bitPattern: b) }
    @inline(__always) static func i64GeU(_ a: UInt64, _ b: UInt64) -> Bool { a >= b }
}
