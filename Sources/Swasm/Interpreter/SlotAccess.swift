// Typed views of untyped 64-bit slots and of the IR's packed operand words, for the
// interpreter loop. Everything here inlines to a load, a store or a shift.

extension UnsafeMutablePointer where Pointee == UInt64 {
    @inline(__always) func u32(_ slot: Int) -> UInt32 { UInt32(truncatingIfNeeded: self[slot]) }
    @inline(__always) func u64(_ slot: Int) -> UInt64 { self[slot] }
    @inline(__always) func f32(_ slot: Int) -> Float { Float(bitPattern: UInt32(truncatingIfNeeded: self[slot])) }
    @inline(__always) func f64(_ slot: Int) -> Double { Double(bitPattern: self[slot]) }

    @inline(__always) func set(_ slot: Int, _ value: UInt32) { self[slot] = UInt64(value) }
    @inline(__always) func set(_ slot: Int, _ value: UInt64) { self[slot] = value }
    @inline(__always) func set(_ slot: Int, _ value: Float) { self[slot] = UInt64(value.bitPattern) }
    @inline(__always) func set(_ slot: Int, _ value: Double) { self[slot] = value.bitPattern }
    @inline(__always) func set(_ slot: Int, _ value: Bool) { self[slot] = value ? 1 : 0 }
}

/// The low 32-bit field of an operand word, as a slot index or count.
@inline(__always) func low(_ word: UInt64) -> Int { Int(truncatingIfNeeded: UInt32(truncatingIfNeeded: word)) }
/// The high 32-bit field of an operand word (or the header's operand A).
@inline(__always) func high(_ word: UInt64) -> Int { Int(truncatingIfNeeded: word &>> 32) }
/// The high field as a sign-extended branch offset or immediate.
@inline(__always) func highSigned(_ word: UInt64) -> Int { Int(Int32(truncatingIfNeeded: word &>> 32)) }
@inline(__always) func lowSigned(_ word: UInt64) -> Int { Int(Int32(truncatingIfNeeded: word)) }
@inline(__always) func highU32(_ word: UInt64) -> UInt32 { UInt32(truncatingIfNeeded: word &>> 32) }
/// The high field sign-extended to 64 bits: the immediate of an i64 immediate form.
@inline(__always) func highI64(_ word: UInt64) -> UInt64 { UInt64(bitPattern: Int64(Int32(truncatingIfNeeded: word &>> 32))) }

// MARK: - Operation shapes

typealias Slots = UnsafeMutablePointer<UInt64>

@inline(__always) func binary32(_ sp: Slots, _ d: Int, _ w: UInt64, _ f: (UInt32, UInt32) -> UInt32) {
    sp.set(d, f(sp.u32(low(w)), sp.u32(high(w))))
}
@inline(__always) func binary32Imm(_ sp: Slots, _ d: Int, _ w: UInt64, _ f: (UInt32, UInt32) -> UInt32) {
    sp.set(d, f(sp.u32(low(w)), highU32(w)))
}
@inline(__always) func compare32(_ sp: Slots, _ d: Int, _ w: UInt64, _ f: (UInt32, UInt32) -> Bool) {
    sp.set(d, f(sp.u32(low(w)), sp.u32(high(w))))
}
@inline(__always) func compare32Imm(_ sp: Slots, _ d: Int, _ w: UInt64, _ f: (UInt32, UInt32) -> Bool) {
    sp.set(d, f(sp.u32(low(w)), highU32(w)))
}
@inline(__always) func unary32(_ sp: Slots, _ d: Int, _ w: UInt64, _ f: (UInt32) -> UInt32) {
    sp.set(d, f(sp.u32(low(w))))
}
@inline(__always) func binary64(_ sp: Slots, _ d: Int, _ w: UInt64, _ f: (UInt64, UInt64) -> UInt64) {
    sp.set(d, f(sp.u64(low(w)), sp.u64(high(w))))
}
@inline(__always) func binary64Imm(_ sp: Slots, _ d: Int, _ w: UInt64, _ f: (UInt64, UInt64) -> UInt64) {
    sp.set(d, f(sp.u64(low(w)), highI64(w)))
}
@inline(__always) func compare64(_ sp: Slots, _ d: Int, _ w: UInt64, _ f: (UInt64, UInt64) -> Bool) {
    sp.set(d, f(sp.u64(low(w)), sp.u64(high(w))))
}
@inline(__always) func compare64Imm(_ sp: Slots, _ d: Int, _ w: UInt64, _ f: (UInt64, UInt64) -> Bool) {
    sp.set(d, f(sp.u64(low(w)), highI64(w)))
}
@inline(__always) func unary64(_ sp: Slots, _ d: Int, _ w: UInt64, _ f: (UInt64) -> UInt64) {
    sp.set(d, f(sp.u64(low(w))))
}
@inline(__always) func binaryF32(_ sp: Slots, _ d: Int, _ w: UInt64, _ f: (Float, Float) -> Float) {
    sp.set(d, f(sp.f32(low(w)), sp.f32(high(w))))
}
@inline(__always) func compareF32(_ sp: Slots, _ d: Int, _ w: UInt64, _ f: (Float, Float) -> Bool) {
    sp.set(d, f(sp.f32(low(w)), sp.f32(high(w))))
}
@inline(__always) func unaryF32(_ sp: Slots, _ d: Int, _ w: UInt64, _ f: (Float) -> Float) {
    sp.set(d, f(sp.f32(low(w))))
}
@inline(__always) func binaryF64(_ sp: Slots, _ d: Int, _ w: UInt64, _ f: (Double, Double) -> Double) {
    sp.set(d, f(sp.f64(low(w)), sp.f64(high(w))))
}
@inline(__always) func compareF64(_ sp: Slots, _ d: Int, _ w: UInt64, _ f: (Double, Double) -> Bool) {
    sp.set(d, f(sp.f64(low(w)), sp.f64(high(w))))
}
@inline(__always) func unaryF64(_ sp: Slots, _ d: Int, _ w: UInt64, _ f: (Double) -> Double) {
    sp.set(d, f(sp.f64(low(w))))
}

/// Branch distance of a fused compare-and-branch: the offset in the high field when taken,
/// otherwise the instruction's two words.
@inline(__always) func branchDistance(_ taken: Bool, _ w: UInt64) -> Int {
    taken ? highSigned(w) : 2
}

// MARK: - Linear memory

/// The effective address of an access of `width` bytes at `address + offset`, or nil when it
/// is out of bounds. The sum is 64-bit: a 32-bit address plus a 32-bit offset can exceed 2^32.
@inline(__always) func effectiveAddress(_ address: UInt32, _ offset: UInt32, _ width: UInt64, _ size: UInt64) -> Int? {
    let ea = UInt64(address) &+ UInt64(offset)
    return ea &+ width <= size ? Int(truncatingIfNeeded: ea) : nil
}

/// The effective address of an indexed load [op|d][x|y][offset32|shift]: x + (y << shift)
/// wraps at 32 bits as the `i32.shl`/`i32.add` it replaces did; the offset does not.
@inline(__always) func indexedAddress(_ sp: Slots, _ pc: UnsafePointer<UInt64>, _ width: UInt64, _ size: UInt64) -> Int? {
    let w = pc[1], w2 = pc[2]
    let address = sp.u32(low(w)) &+ (sp.u32(high(w)) &<< highU32(w2))
    return effectiveAddress(address, UInt32(truncatingIfNeeded: w2), width, size)
}

/// The effective address of an indexed store [op|x][y|value][offset32|shift].
@inline(__always) func indexedStoreAddress(_ sp: Slots, _ x: Int, _ pc: UnsafePointer<UInt64>, _ width: UInt64, _ size: UInt64) -> Int? {
    let w = pc[1], w2 = pc[2]
    let address = sp.u32(x) &+ (sp.u32(low(w)) &<< highU32(w2))
    return effectiveAddress(address, UInt32(truncatingIfNeeded: w2), width, size)
}

extension UnsafeMutableRawPointer {
    @inline(__always) func load<T: FixedWidthInteger>(at offset: Int, as type: T.Type) -> T {
        T(littleEndian: loadUnaligned(fromByteOffset: offset, as: T.self))
    }
    @inline(__always) func store<T: FixedWidthInteger>(_ value: T, at offset: Int) {
        storeBytes(of: value.littleEndian, toByteOffset: offset, as: T.self)
    }
}
