// 64-bit memories and tables (memory64, table64) at run time. Like the accesses to memories
// other than 0, everything on a 64-bit memory runs out of line through the loop's `.simd`
// case, so the loop's code for memory 0 as a 32-bit memory, the hot path of every existing
// program, stays exactly as it was. The `.simd` case can only report an out-of-bounds memory
// access, which is the only trap of these instructions; the table64 instructions that trap
// instead narrow their i64 operands (`narrowIndex`) and reuse the 32-bit table instructions.

/// What a `memoryAccess` instruction does, in the high field of its third word.
enum MemoryAccessSelector {
    /// A scalar load (`LoadOp` in bits 0..15, its width's log2 in bits 16..23), a scalar
    /// store (`StoreOp`, likewise), or a SIMD memory op (`SIMDOp.index` in bits 0..15, its
    /// lane in bits 16..23).
    enum Kind: Int {
        case load = 0, store, simd
    }

    private static let address64Bit = 1 << 24
    private static let kindShift = 25

    /// A SIMD op's selector; `lane` is its lane immediate.
    static func simd(_ op: SIMDOp, lane: UInt8, address64: Bool) -> Int {
        op.index | Int(lane) << 16 | (address64 ? address64Bit : 0) | Kind.simd.rawValue << kindShift
    }

    /// A scalar load's or store's selector: the opcode, and its access width's log2 where a
    /// SIMD op has its lane.
    static func scalar(_ kind: Kind, opcode: UInt8, widthLog2: UInt32, address64: Bool) -> Int {
        Int(opcode) | Int(widthLog2) << 16 | (address64 ? address64Bit : 0) | kind.rawValue << kindShift
    }

    @inline(__always) static func width(_ selector: Int) -> UInt64 { 1 &<< UInt64((selector &>> 16) & 0xFF) }

    @inline(__always) static func kind(_ selector: Int) -> Kind? { Kind(rawValue: selector >> kindShift) }
    @inline(__always) static func isAddress64(_ selector: Int) -> Bool { selector & address64Bit != 0 }
    /// The op and lane, as `.memory`'s selector has them.
    @inline(__always) static func opAndLane(_ selector: Int) -> Int { selector & 0xFF_FFFF }
}

/// The start of the `width` bytes at `address + offset` in a memory of `size` bytes, or nil
/// when any of them is out of bounds. The sum of two u64 can wrap: that is out of bounds too,
/// never a wrapped address.
@inline(__always) func effectiveAddress64(_ address: UInt64, _ offset: UInt64, _ width: UInt64, _ size: UInt64) -> Int? {
    let (ea, overflow) = address.addingReportingOverflow(offset)
    guard !overflow, ea <= size, width <= size &- ea else { return nil }
    return Int(truncatingIfNeeded: ea)
}

/// Whether `start + count` (no wrapping) is at most `size`: the bounds rule of the bulk
/// instructions.
@inline(__always) func rangeFits(_ start: UInt64, _ count: UInt64, _ size: UInt64) -> Bool {
    start <= size && count <= size &- start
}

extension Interpreter {
    /// `memoryAccess` [simd op|d][addr|value][memory|selector][offset64]; false when out of
    /// bounds.
    @inline(never)
    static func accessMemory(_ sp: Slots, _ pc: UnsafePointer<UInt64>, _ instance: Unmanaged<InstanceState>) -> Bool {
        let d = high(pc[0]), w = pc[1], w2 = pc[2]
        let (base, byteCount) = instance._withUnsafeGuaranteedRef { state in
            Unmanaged.passUnretained(state.memories[low(w2)])._withUnsafeGuaranteedRef { ($0.base, $0.byteCount) }
        }
        let selector = high(w2)
        let address = MemoryAccessSelector.isAddress64(selector) ? sp.u64(low(w)) : UInt64(sp.u32(low(w)))
        let size = UInt64(byteCount), offset = pc[3]
        let op = selector & 0xFFFF
        switch MemoryAccessSelector.kind(selector) {
        case .load:
            guard let load = LoadOp(rawValue: UInt8(truncatingIfNeeded: op)),
                  let ea = effectiveAddress64(address, offset, MemoryAccessSelector.width(selector), size) else { return false }
            sp.set(d, loadScalar(load, base, ea))
        case .store:
            guard let store = StoreOp(rawValue: UInt8(truncatingIfNeeded: op)),
                  let ea = effectiveAddress64(address, offset, MemoryAccessSelector.width(selector), size) else { return false }
            storeScalar(store, sp[high(w)], base, ea)
        case .simd:
            guard op < SIMDOp.count else { return false }
            let width = UInt64(1) << SIMDOp.byIndex(op).info.accessLog2
            guard let ea = effectiveAddress64(address, offset, width, size) else { return false }
            accessSIMDMemory(sp, d, vector: high(w), selector: MemoryAccessSelector.opAndLane(selector), base, ea)
        case nil:
            return false
        }
        return true
    }

    /// `memorySize64` [simd op|d][memory].
    @inline(never)
    static func memorySize64(_ sp: Slots, _ pc: UnsafePointer<UInt64>, _ instance: InstanceState) {
        sp.set(high(pc[0]), instance.memories[low(pc[1])].pageCount)
    }

    /// `memoryGrow64` [simd op|d][delta|memory]: the old page count, or -1 as an i64. The
    /// loop's cached base and size are memory 0's as a 32-bit memory, which this cannot be.
    @inline(never)
    static func memoryGrow64(_ sp: Slots, _ pc: UnsafePointer<UInt64>, _ instance: InstanceState) {
        let w = pc[1]
        let old = instance.memories[high(w)].grow(byPages: sp.u64(low(w)))
        sp.set(high(pc[0]), UInt64(bitPattern: old))
    }

    /// `memoryFill64` [simd op|d][value|n][memory].
    @inline(never)
    static func memoryFill64(_ sp: Slots, _ pc: UnsafePointer<UInt64>, _ instance: InstanceState) -> Bool {
        let w = pc[1]
        let memory = low(pc[2])
        let d = sp.u64(high(pc[0])), n = sp.u64(high(w))
        guard rangeFits(d, n, UInt64(instance.memories[memory].byteCount)) else { return false }
        return memoryFill(instance, memory: memory, d, UInt8(truncatingIfNeeded: sp[low(w)]), n) == nil
    }

    /// `memoryCopy64` [simd op|d][s|n][destination|source][flags]: a copy that involves a
    /// 64-bit memory; each operand is an i64 or an i32 as its flag says.
    @inline(never)
    static func memoryCopy64(_ sp: Slots, _ pc: UnsafePointer<UInt64>, _ instance: InstanceState) -> Bool {
        let w = pc[1], memories = pc[2], flags = pc[3]
        func operand(_ slot: Int, _ bit: UInt64) -> UInt64 { flags & bit != 0 ? sp.u64(slot) : UInt64(sp.u32(slot)) }
        let d = operand(high(pc[0]), 1), s = operand(low(w), 2), n = operand(high(w), 4)
        let destination = UInt64(instance.memories[low(memories)].byteCount)
        let source = UInt64(instance.memories[high(memories)].byteCount)
        guard rangeFits(d, n, destination), rangeFits(s, n, source) else { return false }
        return memoryCopy(instance, memories, d, s, n) == nil
    }

    /// `memoryInit64` [simd op|d][s|n][data|memory]: d is an i64, s and n are i32.
    @inline(never)
    static func memoryInit64(_ sp: Slots, _ pc: UnsafePointer<UInt64>, _ instance: InstanceState) -> Bool {
        let w = pc[1], w2 = pc[2]
        let d = sp.u64(high(pc[0])), s = UInt64(sp.u32(low(w))), n = UInt64(sp.u32(high(w)))
        guard rangeFits(d, n, UInt64(instance.memories[high(w2)].byteCount)) else { return false }
        return memoryInit(instance, data: low(w2), memory: high(w2), d, s, n) == nil
    }

    /// `narrowIndex` [simd op|d][s]. Tables of 2^32 - 2 elements at most (see
    /// `TableInstance.elementLimit`) keep a saturated index, or a sum with one, out of bounds.
    @inline(__always)
    static func narrowIndex(_ sp: Slots, _ pc: UnsafePointer<UInt64>) {
        sp.set(high(pc[0]), Swift.min(sp.u64(low(pc[1])), UInt64(UInt32.max)))
    }

    /// `tableGrow64` [simd op|d][value|delta][table]: the old size, or -1 as an i64.
    @inline(never)
    static func tableGrow64(_ sp: Slots, _ pc: UnsafePointer<UInt64>, _ instance: InstanceState) {
        let w = pc[1]
        let old = instance.tables[low(pc[2])].grow(by: sp.u64(high(w)), fill: sp[low(w)])
        sp.set(high(pc[0]), UInt64(bitPattern: old))
    }
}
