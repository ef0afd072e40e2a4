/// Execution of the SIMD instructions (`IROpcode.simd`, see IROpcodeSIMD.swift): slot access
/// for `v128` values and the handlers, which the interpreter's loop calls from its one case
/// for `.simd`. The lane semantics are `SIMDOps`; here each op only finds its operands.
///
/// Why out of line: measured with callgrind on the bench-c programs, every case added to the
/// loop's switch changes the register allocation and layout of the whole loop (27 SIMD cases
/// cost 2-10% more instructions on the scalar programs, a loop-head reload of `pc` among
/// them); one case with a call costs within ±1%. A run of SIMD instructions then costs one
/// call: `executeSIMD` goes on while the next instruction is `.simd` too.
///
/// A `v128` lives in two 8-byte-aligned slots, while `V128` is 16-byte aligned: slots are read
/// with `loadUnaligned` and written with `storeBytes` (one `movups` each).
///
/// Checked in the release build with `objdump -d` (Swift 6.3.1, x86-64, SSE2 baseline): a
/// direct case of `executeSIMD` such as `i32x4.add` is two `movdqu` loads, `paddd` and one
/// `movdqu` store (`addps`/`mulpd` for the float ones; `i32x4.mul` is two `pmuludq` and
/// shuffles, SSE2 has no `pmulld`). `executeLanes` is one jump table over the ops with vector
/// code in its cases (`pcmpgtd`, `packuswb`, `pmullw`, `cmpltps`, ...); its remaining calls are
/// libm `sqrtf`/`sqrt` for negative or NaN lanes, the float → int saturating conversions, and
/// the i8 → i16 widenings, which stay calls to a specialised `SIMD8(truncatingIfNeeded:)`.
extension UnsafeMutablePointer where Pointee == UInt64 {
    @inline(__always) func v128(_ slot: Int) -> V128 {
        UnsafeRawPointer(self + slot).loadUnaligned(as: V128.self)
    }
    @inline(__always) func set(_ slot: Int, _ value: V128) {
        UnsafeMutableRawPointer(self + slot).storeBytes(of: value, as: V128.self)
    }
}

/// A binary lane op [simd op|d][a|b].
@inline(__always) func binaryV128(_ sp: Slots, _ d: Int, _ w: UInt64, _ f: (V128, V128) -> V128) {
    sp.set(d, f(sp.v128(low(w)), sp.v128(high(w))))
}

extension Interpreter {
    /// Runs the `.simd` instruction at `pc` and the `.simd` instructions right after it (vector
    /// code comes in runs: loads, lane operations, stores), so that a run leaves the loop once;
    /// returns the first other instruction, or nil for an out-of-bounds memory access.
    @inline(never)
    static func executeSIMD(_ sp: Slots, _ pc: UnsafePointer<UInt64>, _ memBase: UnsafeMutableRawPointer,
                            _ memSize: UInt64, _ instance: Unmanaged<InstanceState>) -> UnsafePointer<UInt64>? {
        var pc = pc
        repeat {
            guard let next = executeSIMDInstruction(sp, pc, memBase, memSize, instance) else { return nil }
            pc = next
        } while UInt16(truncatingIfNeeded: pc.pointee) == IROpcode.simd.rawValue
        return pc
    }

    /// Runs only the `.simd` instruction at `pc` (for the native tier, which steps through
    /// runs itself); returns nil for a trap, as `executeSIMD` does.
    @inline(never)
    static func executeOneSIMD(_ sp: Slots, _ pc: UnsafePointer<UInt64>, _ memBase: UnsafeMutableRawPointer,
                               _ memSize: UInt64, _ instance: Unmanaged<InstanceState>) -> UnsafePointer<UInt64>? {
        executeSIMDInstruction(sp, pc, memBase, memSize, instance)
    }

    /// Runs the `.simd` instruction at `pc`; returns the next instruction, or nil for an
    /// out-of-bounds memory access.
    @inline(__always)
    static func executeSIMDInstruction(_ sp: Slots, _ pc: UnsafePointer<UInt64>, _ memBase: UnsafeMutableRawPointer,
                                       _ memSize: UInt64, _ instance: Unmanaged<InstanceState>) -> UnsafePointer<UInt64>? {
        let w0 = pc.pointee
        let a = high(w0)
        guard let op = SIMDIROpcode(header: w0) else { return pc + 1 }
        switch op {
        case .copy128: sp.set(a, sp.v128(low(pc[1]))); return pc + 2
        case .v128Const: sp.set(a, V128(low: pc[1], high: pc[2])); return pc + 3
        case .select128:
            let w = pc[1]
            sp.set(a, sp.v128(sp.u32(low(pc[2])) != 0 ? low(w) : high(w)))
            return pc + 3
        case .v128Load:
            let w = pc[1]
            guard let ea = effectiveAddress(sp.u32(low(w)), highU32(w), 16, memSize) else { return nil }
            sp.set(a, memBase.loadUnaligned(fromByteOffset: ea, as: V128.self))
            return pc + 2
        case .loadMemory:
            return loadOtherMemory(sp, pc, instance.takeUnretainedValue()) == nil ? pc + 3 : nil
        case .storeMemory:
            return storeOtherMemory(sp, pc, instance.takeUnretainedValue()) == nil ? pc + 3 : nil
        case .atomic:
            return executeAtomic(sp, pc, instance.takeUnretainedValue()) ? pc + 4 : nil
        case .gcStructGet, .gcStructSet, .gcArrayGet, .gcArraySet, .gcArrayLen, .gcRefI31, .gcI31Get, .gcRefTest, .gcRefCast,
             .gcStructNew, .gcStructNewDefault, .gcArrayNew, .gcArrayNewDefault, .gcArrayNewFixed, .refAsNonNull:
            return executeGCAccess(op, sp, pc, instance)
        case .prepareCallRef:
            return prepareCallRef(sp, pc, instance)
        case .copySlots:
            let w = pc[1]
            // `update` copies overlapping runs correctly.
            (sp + a).update(from: sp + low(w), count: high(w))
            return pc + 2
        case .v128Store:
            let w = pc[1]
            guard let ea = effectiveAddress(sp.u32(a), highU32(w), 16, memSize) else { return nil }
            memBase.storeBytes(of: sp.v128(low(w)), toByteOffset: ea, as: V128.self)
            return pc + 2
        case .i8x16Add: binaryV128(sp, a, pc[1], SIMDOps.i8x16Add); return pc + 2
        case .i16x8Add: binaryV128(sp, a, pc[1], SIMDOps.i16x8Add); return pc + 2
        case .i32x4Add: binaryV128(sp, a, pc[1], SIMDOps.i32x4Add); return pc + 2
        case .i32x4Sub: binaryV128(sp, a, pc[1], SIMDOps.i32x4Sub); return pc + 2
        case .i32x4Mul: binaryV128(sp, a, pc[1], SIMDOps.i32x4Mul); return pc + 2
        case .i64x2Add: binaryV128(sp, a, pc[1], SIMDOps.i64x2Add); return pc + 2
        case .f32x4Add: binaryV128(sp, a, pc[1], SIMDOps.f32x4Add); return pc + 2
        case .f32x4Sub: binaryV128(sp, a, pc[1], SIMDOps.f32x4Sub); return pc + 2
        case .f32x4Mul: binaryV128(sp, a, pc[1], SIMDOps.f32x4Mul); return pc + 2
        case .f32x4Div: binaryV128(sp, a, pc[1], SIMDOps.f32x4Div); return pc + 2
        case .f64x2Add: binaryV128(sp, a, pc[1], SIMDOps.f64x2Add); return pc + 2
        case .f64x2Sub: binaryV128(sp, a, pc[1], SIMDOps.f64x2Sub); return pc + 2
        case .f64x2Mul: binaryV128(sp, a, pc[1], SIMDOps.f64x2Mul); return pc + 2
        case .f64x2Div: binaryV128(sp, a, pc[1], SIMDOps.f64x2Div); return pc + 2
        case .v128And: binaryV128(sp, a, pc[1], SIMDOps.v128And); return pc + 2
        case .v128Or: binaryV128(sp, a, pc[1], SIMDOps.v128Or); return pc + 2
        case .v128Xor: binaryV128(sp, a, pc[1], SIMDOps.v128Xor); return pc + 2
        case .globalGet128:
            globalGet128(sp, pc, instance)
            return pc + 2
        case .globalSet128:
            globalSet128(sp, pc, instance)
            return pc + 2
        case .lanes:
            executeLanes(sp, pc)
            return pc + 3
        case .memory:
            return executeMemory(sp, pc, memBase, memSize) ? pc + 3 : nil
        case .i8x16Shuffle:
            executeShuffle(sp, pc)
            return pc + 4
        case .memoryAccess: return accessMemory(sp, pc, instance) ? pc + 4 : nil
        case .memorySize64: memorySize64(sp, pc, instance.takeUnretainedValue()); return pc + 2
        case .memoryGrow64: memoryGrow64(sp, pc, instance.takeUnretainedValue()); return pc + 2
        case .memoryFill64: return memoryFill64(sp, pc, instance.takeUnretainedValue()) ? pc + 3 : nil
        case .memoryCopy64: return memoryCopy64(sp, pc, instance.takeUnretainedValue()) ? pc + 4 : nil
        case .memoryInit64: return memoryInit64(sp, pc, instance.takeUnretainedValue()) ? pc + 3 : nil
        case .narrowIndex: narrowIndex(sp, pc); return pc + 2
        case .tableGrow64: tableGrow64(sp, pc, instance.takeUnretainedValue()); return pc + 3
        }
    }

    /// `.lanes` [simd op|d][a|b][c|op16 lane8]: every operand is read before the result is
    /// written, so the result may overwrite an operand's slots.
    @inline(never)
    static func executeLanes(_ sp: Slots, _ pc: UnsafePointer<UInt64>) {
        let d = high(pc[0])
        let w = pc[1], w2 = pc[2]
        let a = low(w), b = high(w), c = low(w2)
        let selector = high(w2)
        let lane = selector &>> 16
        switch SIMDOp.byIndex(selector & 0xFFFF) {
        case .i8x16Swizzle: sp.set(d, SIMDOps.i8x16Swizzle(sp.v128(a), sp.v128(b)))
        case .i8x16Splat: sp.set(d, SIMDOps.i8x16Splat(sp.u32(a)))
        case .i16x8Splat: sp.set(d, SIMDOps.i16x8Splat(sp.u32(a)))
        case .i32x4Splat: sp.set(d, SIMDOps.i32x4Splat(sp.u32(a)))
        case .i64x2Splat: sp.set(d, SIMDOps.i64x2Splat(sp.u64(a)))
        case .f32x4Splat: sp.set(d, SIMDOps.f32x4Splat(sp.u32(a)))
        case .f64x2Splat: sp.set(d, SIMDOps.f64x2Splat(sp.u64(a)))
        case .i8x16ExtractLaneS: sp.set(d, SIMDOps.i8x16ExtractLaneS(sp.v128(a), lane))
        case .i8x16ExtractLaneU: sp.set(d, SIMDOps.i8x16ExtractLaneU(sp.v128(a), lane))
        case .i8x16ReplaceLane: sp.set(d, SIMDOps.i8x16ReplaceLane(sp.v128(a), lane, sp.u32(b)))
        case .i16x8ExtractLaneS: sp.set(d, SIMDOps.i16x8ExtractLaneS(sp.v128(a), lane))
        case .i16x8ExtractLaneU: sp.set(d, SIMDOps.i16x8ExtractLaneU(sp.v128(a), lane))
        case .i16x8ReplaceLane: sp.set(d, SIMDOps.i16x8ReplaceLane(sp.v128(a), lane, sp.u32(b)))
        case .i32x4ExtractLane: sp.set(d, SIMDOps.i32x4ExtractLane(sp.v128(a), lane))
        case .i32x4ReplaceLane: sp.set(d, SIMDOps.i32x4ReplaceLane(sp.v128(a), lane, sp.u32(b)))
        case .i64x2ExtractLane: sp.set(d, SIMDOps.i64x2ExtractLane(sp.v128(a), lane))
        case .i64x2ReplaceLane: sp.set(d, SIMDOps.i64x2ReplaceLane(sp.v128(a), lane, sp.u64(b)))
        case .f32x4ExtractLane: sp.set(d, SIMDOps.f32x4ExtractLane(sp.v128(a), lane))
        case .f32x4ReplaceLane: sp.set(d, SIMDOps.f32x4ReplaceLane(sp.v128(a), lane, sp.u32(b)))
        case .f64x2ExtractLane: sp.set(d, SIMDOps.f64x2ExtractLane(sp.v128(a), lane))
        case .f64x2ReplaceLane: sp.set(d, SIMDOps.f64x2ReplaceLane(sp.v128(a), lane, sp.u64(b)))
        case .i8x16Eq: sp.set(d, SIMDOps.i8x16Eq(sp.v128(a), sp.v128(b)))
        case .i8x16Ne: sp.set(d, SIMDOps.i8x16Ne(sp.v128(a), sp.v128(b)))
        case .i8x16LtS: sp.set(d, SIMDOps.i8x16LtS(sp.v128(a), sp.v128(b)))
        case .i8x16LtU: sp.set(d, SIMDOps.i8x16LtU(sp.v128(a), sp.v128(b)))
        case .i8x16GtS: sp.set(d, SIMDOps.i8x16GtS(sp.v128(a), sp.v128(b)))
        case .i8x16GtU: sp.set(d, SIMDOps.i8x16GtU(sp.v128(a), sp.v128(b)))
        case .i8x16LeS: sp.set(d, SIMDOps.i8x16LeS(sp.v128(a), sp.v128(b)))
        case .i8x16LeU: sp.set(d, SIMDOps.i8x16LeU(sp.v128(a), sp.v128(b)))
        case .i8x16GeS: sp.set(d, SIMDOps.i8x16GeS(sp.v128(a), sp.v128(b)))
        case .i8x16GeU: sp.set(d, SIMDOps.i8x16GeU(sp.v128(a), sp.v128(b)))
        case .i16x8Eq: sp.set(d, SIMDOps.i16x8Eq(sp.v128(a), sp.v128(b)))
        case .i16x8Ne: sp.set(d, SIMDOps.i16x8Ne(sp.v128(a), sp.v128(b)))
        case .i16x8LtS: sp.set(d, SIMDOps.i16x8LtS(sp.v128(a), sp.v128(b)))
        case .i16x8LtU: sp.set(d, SIMDOps.i16x8LtU(sp.v128(a), sp.v128(b)))
        case .i16x8GtS: sp.set(d, SIMDOps.i16x8GtS(sp.v128(a), sp.v128(b)))
        case .i16x8GtU: sp.set(d, SIMDOps.i16x8GtU(sp.v128(a), sp.v128(b)))
        case .i16x8LeS: sp.set(d, SIMDOps.i16x8LeS(sp.v128(a), sp.v128(b)))
        case .i16x8LeU: sp.set(d, SIMDOps.i16x8LeU(sp.v128(a), sp.v128(b)))
        case .i16x8GeS: sp.set(d, SIMDOps.i16x8GeS(sp.v128(a), sp.v128(b)))
        case .i16x8GeU: sp.set(d, SIMDOps.i16x8GeU(sp.v128(a), sp.v128(b)))
        case .i32x4Eq: sp.set(d, SIMDOps.i32x4Eq(sp.v128(a), sp.v128(b)))
        case .i32x4Ne: sp.set(d, SIMDOps.i32x4Ne(sp.v128(a), sp.v128(b)))
        case .i32x4LtS: sp.set(d, SIMDOps.i32x4LtS(sp.v128(a), sp.v128(b)))
        case .i32x4LtU: sp.set(d, SIMDOps.i32x4LtU(sp.v128(a), sp.v128(b)))
        case .i32x4GtS: sp.set(d, SIMDOps.i32x4GtS(sp.v128(a), sp.v128(b)))
        case .i32x4GtU: sp.set(d, SIMDOps.i32x4GtU(sp.v128(a), sp.v128(b)))
        case .i32x4LeS: sp.set(d, SIMDOps.i32x4LeS(sp.v128(a), sp.v128(b)))
        case .i32x4LeU: sp.set(d, SIMDOps.i32x4LeU(sp.v128(a), sp.v128(b)))
        case .i32x4GeS: sp.set(d, SIMDOps.i32x4GeS(sp.v128(a), sp.v128(b)))
        case .i32x4GeU: sp.set(d, SIMDOps.i32x4GeU(sp.v128(a), sp.v128(b)))
        case .f32x4Eq: sp.set(d, SIMDOps.f32x4Eq(sp.v128(a), sp.v128(b)))
        case .f32x4Ne: sp.set(d, SIMDOps.f32x4Ne(sp.v128(a), sp.v128(b)))
        case .f32x4Lt: sp.set(d, SIMDOps.f32x4Lt(sp.v128(a), sp.v128(b)))
        case .f32x4Gt: sp.set(d, SIMDOps.f32x4Gt(sp.v128(a), sp.v128(b)))
        case .f32x4Le: sp.set(d, SIMDOps.f32x4Le(sp.v128(a), sp.v128(b)))
        case .f32x4Ge: sp.set(d, SIMDOps.f32x4Ge(sp.v128(a), sp.v128(b)))
        case .f64x2Eq: sp.set(d, SIMDOps.f64x2Eq(sp.v128(a), sp.v128(b)))
        case .f64x2Ne: sp.set(d, SIMDOps.f64x2Ne(sp.v128(a), sp.v128(b)))
        case .f64x2Lt: sp.set(d, SIMDOps.f64x2Lt(sp.v128(a), sp.v128(b)))
        case .f64x2Gt: sp.set(d, SIMDOps.f64x2Gt(sp.v128(a), sp.v128(b)))
        case .f64x2Le: sp.set(d, SIMDOps.f64x2Le(sp.v128(a), sp.v128(b)))
        case .f64x2Ge: sp.set(d, SIMDOps.f64x2Ge(sp.v128(a), sp.v128(b)))
        case .v128Not: sp.set(d, SIMDOps.v128Not(sp.v128(a)))
        case .v128AndNot: sp.set(d, SIMDOps.v128AndNot(sp.v128(a), sp.v128(b)))
        case .v128Bitselect: sp.set(d, SIMDOps.v128Bitselect(sp.v128(a), sp.v128(b), sp.v128(c)))
        case .v128AnyTrue: sp.set(d, SIMDOps.v128AnyTrue(sp.v128(a)))
        case .f32x4DemoteF64x2Zero: sp.set(d, SIMDOps.f32x4DemoteF64x2Zero(sp.v128(a)))
        case .f64x2PromoteLowF32x4: sp.set(d, SIMDOps.f64x2PromoteLowF32x4(sp.v128(a)))
        case .i8x16Abs: sp.set(d, SIMDOps.i8x16Abs(sp.v128(a)))
        case .i8x16Neg: sp.set(d, SIMDOps.i8x16Neg(sp.v128(a)))
        case .i8x16Popcnt: sp.set(d, SIMDOps.i8x16Popcnt(sp.v128(a)))
        case .i8x16AllTrue: sp.set(d, SIMDOps.i8x16AllTrue(sp.v128(a)))
        case .i8x16Bitmask: sp.set(d, SIMDOps.i8x16Bitmask(sp.v128(a)))
        case .i8x16NarrowI16x8S: sp.set(d, SIMDOps.i8x16NarrowI16x8S(sp.v128(a), sp.v128(b)))
        case .i8x16NarrowI16x8U: sp.set(d, SIMDOps.i8x16NarrowI16x8U(sp.v128(a), sp.v128(b)))
        case .f32x4Ceil: sp.set(d, SIMDOps.f32x4Ceil(sp.v128(a)))
        case .f32x4Floor: sp.set(d, SIMDOps.f32x4Floor(sp.v128(a)))
        case .f32x4Trunc: sp.set(d, SIMDOps.f32x4Trunc(sp.v128(a)))
        case .f32x4Nearest: sp.set(d, SIMDOps.f32x4Nearest(sp.v128(a)))
        case .i8x16Shl: sp.set(d, SIMDOps.i8x16Shl(sp.v128(a), sp.u32(b)))
        case .i8x16ShrS: sp.set(d, SIMDOps.i8x16ShrS(sp.v128(a), sp.u32(b)))
        case .i8x16ShrU: sp.set(d, SIMDOps.i8x16ShrU(sp.v128(a), sp.u32(b)))
        case .i8x16AddSatS: sp.set(d, SIMDOps.i8x16AddSatS(sp.v128(a), sp.v128(b)))
        case .i8x16AddSatU: sp.set(d, SIMDOps.i8x16AddSatU(sp.v128(a), sp.v128(b)))
        case .i8x16Sub: sp.set(d, SIMDOps.i8x16Sub(sp.v128(a), sp.v128(b)))
        case .i8x16SubSatS: sp.set(d, SIMDOps.i8x16SubSatS(sp.v128(a), sp.v128(b)))
        case .i8x16SubSatU: sp.set(d, SIMDOps.i8x16SubSatU(sp.v128(a), sp.v128(b)))
        case .f64x2Ceil: sp.set(d, SIMDOps.f64x2Ceil(sp.v128(a)))
        case .f64x2Floor: sp.set(d, SIMDOps.f64x2Floor(sp.v128(a)))
        case .i8x16MinS: sp.set(d, SIMDOps.i8x16MinS(sp.v128(a), sp.v128(b)))
        case .i8x16MinU: sp.set(d, SIMDOps.i8x16MinU(sp.v128(a), sp.v128(b)))
        case .i8x16MaxS: sp.set(d, SIMDOps.i8x16MaxS(sp.v128(a), sp.v128(b)))
        case .i8x16MaxU: sp.set(d, SIMDOps.i8x16MaxU(sp.v128(a), sp.v128(b)))
        case .f64x2Trunc: sp.set(d, SIMDOps.f64x2Trunc(sp.v128(a)))
        case .i8x16AvgrU: sp.set(d, SIMDOps.i8x16AvgrU(sp.v128(a), sp.v128(b)))
        case .i16x8ExtaddPairwiseI8x16S: sp.set(d, SIMDOps.i16x8ExtaddPairwiseI8x16S(sp.v128(a)))
        case .i16x8ExtaddPairwiseI8x16U: sp.set(d, SIMDOps.i16x8ExtaddPairwiseI8x16U(sp.v128(a)))
        case .i32x4ExtaddPairwiseI16x8S: sp.set(d, SIMDOps.i32x4ExtaddPairwiseI16x8S(sp.v128(a)))
        case .i32x4ExtaddPairwiseI16x8U: sp.set(d, SIMDOps.i32x4ExtaddPairwiseI16x8U(sp.v128(a)))
        case .i16x8Abs: sp.set(d, SIMDOps.i16x8Abs(sp.v128(a)))
        case .i16x8Neg: sp.set(d, SIMDOps.i16x8Neg(sp.v128(a)))
        case .i16x8Q15mulrSatS: sp.set(d, SIMDOps.i16x8Q15mulrSatS(sp.v128(a), sp.v128(b)))
        case .i16x8AllTrue: sp.set(d, SIMDOps.i16x8AllTrue(sp.v128(a)))
        case .i16x8Bitmask: sp.set(d, SIMDOps.i16x8Bitmask(sp.v128(a)))
        case .i16x8NarrowI32x4S: sp.set(d, SIMDOps.i16x8NarrowI32x4S(sp.v128(a), sp.v128(b)))
        case .i16x8NarrowI32x4U: sp.set(d, SIMDOps.i16x8NarrowI32x4U(sp.v128(a), sp.v128(b)))
        case .i16x8ExtendLowI8x16S: sp.set(d, SIMDOps.i16x8ExtendLowI8x16S(sp.v128(a)))
        case .i16x8ExtendHighI8x16S: sp.set(d, SIMDOps.i16x8ExtendHighI8x16S(sp.v128(a)))
        case .i16x8ExtendLowI8x16U: sp.set(d, SIMDOps.i16x8ExtendLowI8x16U(sp.v128(a)))
        case .i16x8ExtendHighI8x16U: sp.set(d, SIMDOps.i16x8ExtendHighI8x16U(sp.v128(a)))
        case .i16x8Shl: sp.set(d, SIMDOps.i16x8Shl(sp.v128(a), sp.u32(b)))
        case .i16x8ShrS: sp.set(d, SIMDOps.i16x8ShrS(sp.v128(a), sp.u32(b)))
        case .i16x8ShrU: sp.set(d, SIMDOps.i16x8ShrU(sp.v128(a), sp.u32(b)))
        case .i16x8AddSatS: sp.set(d, SIMDOps.i16x8AddSatS(sp.v128(a), sp.v128(b)))
        case .i16x8AddSatU: sp.set(d, SIMDOps.i16x8AddSatU(sp.v128(a), sp.v128(b)))
        case .i16x8Sub: sp.set(d, SIMDOps.i16x8Sub(sp.v128(a), sp.v128(b)))
        case .i16x8SubSatS: sp.set(d, SIMDOps.i16x8SubSatS(sp.v128(a), sp.v128(b)))
        case .i16x8SubSatU: sp.set(d, SIMDOps.i16x8SubSatU(sp.v128(a), sp.v128(b)))
        case .f64x2Nearest: sp.set(d, SIMDOps.f64x2Nearest(sp.v128(a)))
        case .i16x8Mul: sp.set(d, SIMDOps.i16x8Mul(sp.v128(a), sp.v128(b)))
        case .i16x8MinS: sp.set(d, SIMDOps.i16x8MinS(sp.v128(a), sp.v128(b)))
        case .i16x8MinU: sp.set(d, SIMDOps.i16x8MinU(sp.v128(a), sp.v128(b)))
        case .i16x8MaxS: sp.set(d, SIMDOps.i16x8MaxS(sp.v128(a), sp.v128(b)))
        case .i16x8MaxU: sp.set(d, SIMDOps.i16x8MaxU(sp.v128(a), sp.v128(b)))
        case .i16x8AvgrU: sp.set(d, SIMDOps.i16x8AvgrU(sp.v128(a), sp.v128(b)))
        case .i16x8ExtmulLowI8x16S: sp.set(d, SIMDOps.i16x8ExtmulLowI8x16S(sp.v128(a), sp.v128(b)))
        case .i16x8ExtmulHighI8x16S: sp.set(d, SIMDOps.i16x8ExtmulHighI8x16S(sp.v128(a), sp.v128(b)))
        case .i16x8ExtmulLowI8x16U: sp.set(d, SIMDOps.i16x8ExtmulLowI8x16U(sp.v128(a), sp.v128(b)))
        case .i16x8ExtmulHighI8x16U: sp.set(d, SIMDOps.i16x8ExtmulHighI8x16U(sp.v128(a), sp.v128(b)))
        case .i32x4Abs: sp.set(d, SIMDOps.i32x4Abs(sp.v128(a)))
        case .i32x4Neg: sp.set(d, SIMDOps.i32x4Neg(sp.v128(a)))
        case .i32x4AllTrue: sp.set(d, SIMDOps.i32x4AllTrue(sp.v128(a)))
        case .i32x4Bitmask: sp.set(d, SIMDOps.i32x4Bitmask(sp.v128(a)))
        case .i32x4ExtendLowI16x8S: sp.set(d, SIMDOps.i32x4ExtendLowI16x8S(sp.v128(a)))
        case .i32x4ExtendHighI16x8S: sp.set(d, SIMDOps.i32x4ExtendHighI16x8S(sp.v128(a)))
        case .i32x4ExtendLowI16x8U: sp.set(d, SIMDOps.i32x4ExtendLowI16x8U(sp.v128(a)))
        case .i32x4ExtendHighI16x8U: sp.set(d, SIMDOps.i32x4ExtendHighI16x8U(sp.v128(a)))
        case .i32x4Shl: sp.set(d, SIMDOps.i32x4Shl(sp.v128(a), sp.u32(b)))
        case .i32x4ShrS: sp.set(d, SIMDOps.i32x4ShrS(sp.v128(a), sp.u32(b)))
        case .i32x4ShrU: sp.set(d, SIMDOps.i32x4ShrU(sp.v128(a), sp.u32(b)))
        case .i32x4MinS: sp.set(d, SIMDOps.i32x4MinS(sp.v128(a), sp.v128(b)))
        case .i32x4MinU: sp.set(d, SIMDOps.i32x4MinU(sp.v128(a), sp.v128(b)))
        case .i32x4MaxS: sp.set(d, SIMDOps.i32x4MaxS(sp.v128(a), sp.v128(b)))
        case .i32x4MaxU: sp.set(d, SIMDOps.i32x4MaxU(sp.v128(a), sp.v128(b)))
        case .i32x4DotI16x8S: sp.set(d, SIMDOps.i32x4DotI16x8S(sp.v128(a), sp.v128(b)))
        case .i32x4ExtmulLowI16x8S: sp.set(d, SIMDOps.i32x4ExtmulLowI16x8S(sp.v128(a), sp.v128(b)))
        case .i32x4ExtmulHighI16x8S: sp.set(d, SIMDOps.i32x4ExtmulHighI16x8S(sp.v128(a), sp.v128(b)))
        case .i32x4ExtmulLowI16x8U: sp.set(d, SIMDOps.i32x4ExtmulLowI16x8U(sp.v128(a), sp.v128(b)))
        case .i32x4ExtmulHighI16x8U: sp.set(d, SIMDOps.i32x4ExtmulHighI16x8U(sp.v128(a), sp.v128(b)))
        case .i64x2Abs: sp.set(d, SIMDOps.i64x2Abs(sp.v128(a)))
        case .i64x2Neg: sp.set(d, SIMDOps.i64x2Neg(sp.v128(a)))
        case .i64x2AllTrue: sp.set(d, SIMDOps.i64x2AllTrue(sp.v128(a)))
        case .i64x2Bitmask: sp.set(d, SIMDOps.i64x2Bitmask(sp.v128(a)))
        case .i64x2ExtendLowI32x4S: sp.set(d, SIMDOps.i64x2ExtendLowI32x4S(sp.v128(a)))
        case .i64x2ExtendHighI32x4S: sp.set(d, SIMDOps.i64x2ExtendHighI32x4S(sp.v128(a)))
        case .i64x2ExtendLowI32x4U: sp.set(d, SIMDOps.i64x2ExtendLowI32x4U(sp.v128(a)))
        case .i64x2ExtendHighI32x4U: sp.set(d, SIMDOps.i64x2ExtendHighI32x4U(sp.v128(a)))
        case .i64x2Shl: sp.set(d, SIMDOps.i64x2Shl(sp.v128(a), sp.u32(b)))
        case .i64x2ShrS: sp.set(d, SIMDOps.i64x2ShrS(sp.v128(a), sp.u32(b)))
        case .i64x2ShrU: sp.set(d, SIMDOps.i64x2ShrU(sp.v128(a), sp.u32(b)))
        case .i64x2Sub: sp.set(d, SIMDOps.i64x2Sub(sp.v128(a), sp.v128(b)))
        case .i64x2Mul: sp.set(d, SIMDOps.i64x2Mul(sp.v128(a), sp.v128(b)))
        case .i64x2Eq: sp.set(d, SIMDOps.i64x2Eq(sp.v128(a), sp.v128(b)))
        case .i64x2Ne: sp.set(d, SIMDOps.i64x2Ne(sp.v128(a), sp.v128(b)))
        case .i64x2LtS: sp.set(d, SIMDOps.i64x2LtS(sp.v128(a), sp.v128(b)))
        case .i64x2GtS: sp.set(d, SIMDOps.i64x2GtS(sp.v128(a), sp.v128(b)))
        case .i64x2LeS: sp.set(d, SIMDOps.i64x2LeS(sp.v128(a), sp.v128(b)))
        case .i64x2GeS: sp.set(d, SIMDOps.i64x2GeS(sp.v128(a), sp.v128(b)))
        case .i64x2ExtmulLowI32x4S: sp.set(d, SIMDOps.i64x2ExtmulLowI32x4S(sp.v128(a), sp.v128(b)))
        case .i64x2ExtmulHighI32x4S: sp.set(d, SIMDOps.i64x2ExtmulHighI32x4S(sp.v128(a), sp.v128(b)))
        case .i64x2ExtmulLowI32x4U: sp.set(d, SIMDOps.i64x2ExtmulLowI32x4U(sp.v128(a), sp.v128(b)))
        case .i64x2ExtmulHighI32x4U: sp.set(d, SIMDOps.i64x2ExtmulHighI32x4U(sp.v128(a), sp.v128(b)))
        case .f32x4Abs: sp.set(d, SIMDOps.f32x4Abs(sp.v128(a)))
        case .f32x4Neg: sp.set(d, SIMDOps.f32x4Neg(sp.v128(a)))
        case .f32x4Sqrt: sp.set(d, SIMDOps.f32x4Sqrt(sp.v128(a)))
        case .f32x4Min: sp.set(d, SIMDOps.f32x4Min(sp.v128(a), sp.v128(b)))
        case .f32x4Max: sp.set(d, SIMDOps.f32x4Max(sp.v128(a), sp.v128(b)))
        case .f32x4Pmin: sp.set(d, SIMDOps.f32x4Pmin(sp.v128(a), sp.v128(b)))
        case .f32x4Pmax: sp.set(d, SIMDOps.f32x4Pmax(sp.v128(a), sp.v128(b)))
        case .f64x2Abs: sp.set(d, SIMDOps.f64x2Abs(sp.v128(a)))
        case .f64x2Neg: sp.set(d, SIMDOps.f64x2Neg(sp.v128(a)))
        case .f64x2Sqrt: sp.set(d, SIMDOps.f64x2Sqrt(sp.v128(a)))
        case .f64x2Min: sp.set(d, SIMDOps.f64x2Min(sp.v128(a), sp.v128(b)))
        case .f64x2Max: sp.set(d, SIMDOps.f64x2Max(sp.v128(a), sp.v128(b)))
        case .f64x2Pmin: sp.set(d, SIMDOps.f64x2Pmin(sp.v128(a), sp.v128(b)))
        case .f64x2Pmax: sp.set(d, SIMDOps.f64x2Pmax(sp.v128(a), sp.v128(b)))
        case .i32x4TruncSatF32x4S: sp.set(d, SIMDOps.i32x4TruncSatF32x4S(sp.v128(a)))
        case .i32x4TruncSatF32x4U: sp.set(d, SIMDOps.i32x4TruncSatF32x4U(sp.v128(a)))
        case .f32x4ConvertI32x4S: sp.set(d, SIMDOps.f32x4ConvertI32x4S(sp.v128(a)))
        case .f32x4ConvertI32x4U: sp.set(d, SIMDOps.f32x4ConvertI32x4U(sp.v128(a)))
        case .i32x4TruncSatF64x2SZero: sp.set(d, SIMDOps.i32x4TruncSatF64x2SZero(sp.v128(a)))
        case .i32x4TruncSatF64x2UZero: sp.set(d, SIMDOps.i32x4TruncSatF64x2UZero(sp.v128(a)))
        case .f64x2ConvertLowI32x4S: sp.set(d, SIMDOps.f64x2ConvertLowI32x4S(sp.v128(a)))
        case .f64x2ConvertLowI32x4U: sp.set(d, SIMDOps.f64x2ConvertLowI32x4U(sp.v128(a)))
        case .i8x16RelaxedSwizzle: sp.set(d, SIMDOps.i8x16RelaxedSwizzle(sp.v128(a), sp.v128(b)))
        case .i32x4RelaxedTruncF32x4S: sp.set(d, SIMDOps.i32x4RelaxedTruncF32x4S(sp.v128(a)))
        case .i32x4RelaxedTruncF32x4U: sp.set(d, SIMDOps.i32x4RelaxedTruncF32x4U(sp.v128(a)))
        case .i32x4RelaxedTruncF64x2SZero: sp.set(d, SIMDOps.i32x4RelaxedTruncF64x2SZero(sp.v128(a)))
        case .i32x4RelaxedTruncF64x2UZero: sp.set(d, SIMDOps.i32x4RelaxedTruncF64x2UZero(sp.v128(a)))
        case .f32x4RelaxedMadd: sp.set(d, SIMDOps.f32x4RelaxedMadd(sp.v128(a), sp.v128(b), sp.v128(c)))
        case .f32x4RelaxedNmadd: sp.set(d, SIMDOps.f32x4RelaxedNmadd(sp.v128(a), sp.v128(b), sp.v128(c)))
        case .f64x2RelaxedMadd: sp.set(d, SIMDOps.f64x2RelaxedMadd(sp.v128(a), sp.v128(b), sp.v128(c)))
        case .f64x2RelaxedNmadd: sp.set(d, SIMDOps.f64x2RelaxedNmadd(sp.v128(a), sp.v128(b), sp.v128(c)))
        case .i8x16RelaxedLaneselect: sp.set(d, SIMDOps.i8x16RelaxedLaneselect(sp.v128(a), sp.v128(b), sp.v128(c)))
        case .i16x8RelaxedLaneselect: sp.set(d, SIMDOps.i16x8RelaxedLaneselect(sp.v128(a), sp.v128(b), sp.v128(c)))
        case .i32x4RelaxedLaneselect: sp.set(d, SIMDOps.i32x4RelaxedLaneselect(sp.v128(a), sp.v128(b), sp.v128(c)))
        case .i64x2RelaxedLaneselect: sp.set(d, SIMDOps.i64x2RelaxedLaneselect(sp.v128(a), sp.v128(b), sp.v128(c)))
        case .f32x4RelaxedMin: sp.set(d, SIMDOps.f32x4RelaxedMin(sp.v128(a), sp.v128(b)))
        case .f32x4RelaxedMax: sp.set(d, SIMDOps.f32x4RelaxedMax(sp.v128(a), sp.v128(b)))
        case .f64x2RelaxedMin: sp.set(d, SIMDOps.f64x2RelaxedMin(sp.v128(a), sp.v128(b)))
        case .f64x2RelaxedMax: sp.set(d, SIMDOps.f64x2RelaxedMax(sp.v128(a), sp.v128(b)))
        case .i16x8RelaxedQ15mulrS: sp.set(d, SIMDOps.i16x8RelaxedQ15mulrS(sp.v128(a), sp.v128(b)))
        case .i16x8RelaxedDotI8x16I7x16S: sp.set(d, SIMDOps.i16x8RelaxedDotI8x16I7x16S(sp.v128(a), sp.v128(b)))
        case .i32x4RelaxedDotI8x16I7x16AddS: sp.set(d, SIMDOps.i32x4RelaxedDotI8x16I7x16AddS(sp.v128(a), sp.v128(b), sp.v128(c)))
        default:
            // Memory ops, constants, shuffles and the direct ops have IR opcodes of their own.
            break
        }
    }

    /// `.memory` [simd op|d][addr|v][offset32|op16 lane8]: false when the access is out of
    /// bounds (nothing is written then).
    @inline(never)
    static func executeMemory(_ sp: Slots, _ pc: UnsafePointer<UInt64>, _ memBase: UnsafeMutableRawPointer,
                                  _ memSize: UInt64) -> Bool {
        let d = high(pc[0])
        let w = pc[1], w2 = pc[2]
        let selector = high(w2)
        let width = UInt64(1) << SIMDOp.byIndex(selector & 0xFFFF).info.accessLog2
        guard let ea = effectiveAddress(sp.u32(low(w)), UInt32(truncatingIfNeeded: w2), width, memSize) else {
            return false
        }
        accessSIMDMemory(sp, d, vector: high(w), selector: selector, memBase, ea)
        return true
    }

    /// The SIMD memory op `selector` ([op16 lane8]) at the checked address `ea` of the memory
    /// at `memBase`: result (loads) in `d`, vector operand (lanes, stores) in `vector`. Shared
    /// by memory 0's `.memory` and the other memories' `.memoryAccess`.
    @inline(__always)
    static func accessSIMDMemory(_ sp: Slots, _ d: Int, vector: Int, selector: Int,
                                 _ memBase: UnsafeMutableRawPointer, _ ea: Int) {
        let lane = selector &>> 16
        let op = SIMDOp.byIndex(selector & 0xFFFF)
        switch op {
        case .v128Load: sp.set(d, memBase.loadUnaligned(fromByteOffset: ea, as: V128.self))
        case .v128Store: memBase.storeBytes(of: sp.v128(vector), toByteOffset: ea, as: V128.self)
        case .v128Load8x8S: sp.set(d, SIMDOps.v128Load8x8S(memBase.load(at: ea, as: UInt64.self)))
        case .v128Load8x8U: sp.set(d, SIMDOps.v128Load8x8U(memBase.load(at: ea, as: UInt64.self)))
        case .v128Load16x4S: sp.set(d, SIMDOps.v128Load16x4S(memBase.load(at: ea, as: UInt64.self)))
        case .v128Load16x4U: sp.set(d, SIMDOps.v128Load16x4U(memBase.load(at: ea, as: UInt64.self)))
        case .v128Load32x2S: sp.set(d, SIMDOps.v128Load32x2S(memBase.load(at: ea, as: UInt64.self)))
        case .v128Load32x2U: sp.set(d, SIMDOps.v128Load32x2U(memBase.load(at: ea, as: UInt64.self)))
        case .v128Load8Splat: sp.set(d, SIMDOps.i8x16Splat(UInt32(memBase.load(at: ea, as: UInt8.self))))
        case .v128Load16Splat: sp.set(d, SIMDOps.i16x8Splat(UInt32(memBase.load(at: ea, as: UInt16.self))))
        case .v128Load32Splat: sp.set(d, SIMDOps.i32x4Splat(UInt32(memBase.load(at: ea, as: UInt32.self))))
        case .v128Load64Splat: sp.set(d, SIMDOps.i64x2Splat(memBase.load(at: ea, as: UInt64.self)))
        case .v128Load8Lane: sp.set(d, SIMDOps.i8x16ReplaceLane(sp.v128(vector), lane, UInt32(memBase.load(at: ea, as: UInt8.self))))
        case .v128Load16Lane: sp.set(d, SIMDOps.i16x8ReplaceLane(sp.v128(vector), lane, UInt32(memBase.load(at: ea, as: UInt16.self))))
        case .v128Load32Lane: sp.set(d, SIMDOps.i32x4ReplaceLane(sp.v128(vector), lane, UInt32(memBase.load(at: ea, as: UInt32.self))))
        case .v128Load64Lane: sp.set(d, SIMDOps.i64x2ReplaceLane(sp.v128(vector), lane, memBase.load(at: ea, as: UInt64.self)))
        case .v128Store8Lane: memBase.store(UInt8(truncatingIfNeeded: SIMDOps.i8x16ExtractLaneU(sp.v128(vector), lane)), at: ea)
        case .v128Store16Lane: memBase.store(UInt16(truncatingIfNeeded: SIMDOps.i16x8ExtractLaneU(sp.v128(vector), lane)), at: ea)
        case .v128Store32Lane: memBase.store(UInt32(truncatingIfNeeded: SIMDOps.i32x4ExtractLane(sp.v128(vector), lane)), at: ea)
        case .v128Store64Lane: memBase.store(UInt64(truncatingIfNeeded: SIMDOps.i64x2ExtractLane(sp.v128(vector), lane)), at: ea)
        case .v128Load32Zero: sp.set(d, SIMDOps.v128Load32Zero(memBase.load(at: ea, as: UInt32.self)))
        case .v128Load64Zero: sp.set(d, SIMDOps.v128Load64Zero(memBase.load(at: ea, as: UInt64.self)))
        default:
            break
        }
    }

    /// `i8x16.shuffle` [simd op|d][a|b][lanes low][lanes high].
    @inline(never)
    static func executeShuffle(_ sp: Slots, _ pc: UnsafePointer<UInt64>) {
        let w = pc[1]
        sp.set(high(pc[0]), SIMDOps.i8x16Shuffle(sp.v128(low(w)), sp.v128(high(w)), lanes: V128(low: pc[2], high: pc[3])))
    }

    /// `global.get` of a v128 global [simd op|d][global].
    @inline(never)
    static func globalGet128(_ sp: Slots, _ pc: UnsafePointer<UInt64>, _ instance: Unmanaged<InstanceState>) {
        let global = instance._withUnsafeGuaranteedRef { $0.globals[low(pc[1])] }
        sp.set(high(pc[0]), V128(low: global.value, high: global.high))
    }

    /// `global.set` of a v128 global [simd op|s][global].
    @inline(never)
    static func globalSet128(_ sp: Slots, _ pc: UnsafePointer<UInt64>, _ instance: Unmanaged<InstanceState>) {
        let value = sp.v128(high(pc[0]))
        let global = instance._withUnsafeGuaranteedRef { $0.globals[low(pc[1])] }
        global.value = value.low
        global.high = value.high
    }
}
