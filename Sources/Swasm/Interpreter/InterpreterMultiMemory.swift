// Loads and stores on memories other than memory 0 (multiple memories). The loop keeps only
// memory 0's base and size in locals; these look their memory up in the instance each time,
// out of line, reached through the `.simd` case (they trap only out of bounds, as SIMD's
// memory ops do), so the loop's own code stays exactly as it was.

extension Interpreter {
    /// `[loadMemory|d][address|offset32][wasmOpcode|memory]`
    @inline(never)
    static func loadOtherMemory(_ sp: UnsafeMutablePointer<UInt64>, _ pc: UnsafePointer<UInt64>,
                                _ instance: InstanceState) -> TrapReason? {
        let d = high(pc[0]), w = pc[1], w2 = pc[2]
        let memory = instance.memories[high(w2)]
        guard let op = LoadOp(rawValue: UInt8(truncatingIfNeeded: low(w2))),
              let ea = effectiveAddress(sp.u32(low(w)), highU32(w), UInt64(op.byteWidth), UInt64(memory.byteCount)) else {
            return .outOfBoundsMemoryAccess
        }
        sp.set(d, loadScalar(op, memory.base, ea))
        return nil
    }

    /// `[storeMemory|address][value|offset32][wasmOpcode|memory]`
    @inline(never)
    static func storeOtherMemory(_ sp: UnsafeMutablePointer<UInt64>, _ pc: UnsafePointer<UInt64>,
                                 _ instance: InstanceState) -> TrapReason? {
        let address = high(pc[0]), w = pc[1], w2 = pc[2]
        let memory = instance.memories[high(w2)]
        guard let op = StoreOp(rawValue: UInt8(truncatingIfNeeded: low(w2))),
              let ea = effectiveAddress(sp.u32(address), highU32(w), UInt64(op.byteWidth), UInt64(memory.byteCount)) else {
            return .outOfBoundsMemoryAccess
        }
        storeScalar(op, sp[low(w)], memory.base, ea)
        return nil
    }

    /// The value `op` loads from the checked address `ea` of the memory at `base`, extended to
    /// its slot.
    @inline(__always)
    static func loadScalar(_ op: LoadOp, _ base: UnsafeMutableRawPointer, _ ea: Int) -> UInt64 {
        let base = UnsafeRawPointer(base)
        switch op {
        case .i32Load, .f32Load: return UInt64(base.loadUnaligned(fromByteOffset: ea, as: UInt32.self))
        case .i64Load, .f64Load: return base.loadUnaligned(fromByteOffset: ea, as: UInt64.self)
        case .i32Load8S: return UInt64(UInt32(bitPattern: Int32(base.loadUnaligned(fromByteOffset: ea, as: Int8.self))))
        case .i32Load8U: return UInt64(base.loadUnaligned(fromByteOffset: ea, as: UInt8.self))
        case .i32Load16S: return UInt64(UInt32(bitPattern: Int32(base.loadUnaligned(fromByteOffset: ea, as: Int16.self))))
        case .i32Load16U: return UInt64(base.loadUnaligned(fromByteOffset: ea, as: UInt16.self))
        case .i64Load8S: return UInt64(bitPattern: Int64(base.loadUnaligned(fromByteOffset: ea, as: Int8.self)))
        case .i64Load8U: return UInt64(base.loadUnaligned(fromByteOffset: ea, as: UInt8.self))
        case .i64Load16S: return UInt64(bitPattern: Int64(base.loadUnaligned(fromByteOffset: ea, as: Int16.self)))
        case .i64Load16U: return UInt64(base.loadUnaligned(fromByteOffset: ea, as: UInt16.self))
        case .i64Load32S: return UInt64(bitPattern: Int64(base.loadUnaligned(fromByteOffset: ea, as: Int32.self)))
        case .i64Load32U: return UInt64(base.loadUnaligned(fromByteOffset: ea, as: UInt32.self))
        }
    }

    /// Stores the low `op.byteWidth` bytes of `value` at the checked address `ea`.
    @inline(__always)
    static func storeScalar(_ op: StoreOp, _ value: UInt64, _ base: UnsafeMutableRawPointer, _ ea: Int) {
        switch op.byteWidth {
        case 1: base.storeBytes(of: UInt8(truncatingIfNeeded: value), toByteOffset: ea, as: UInt8.self)
        case 2: base.storeBytes(of: UInt16(truncatingIfNeeded: value), toByteOffset: ea, as: UInt16.self)
        case 4: base.storeBytes(of: UInt32(truncatingIfNeeded: value), toByteOffset: ea, as: UInt32.self)
        default: base.storeBytes(of: value, toByteOffset: ea, as: UInt64.self)
        }
    }
}
