/// The native tier's templates for SIMD instructions: SSE2...SSE4.1 code on the v128 slots of
/// the frame, used when CPUID reports SSSE3 and SSE4.1 (`NativeTier.hasVectorTemplates`; the
/// signed i64x2 comparisons need SSE4.2's `pcmpgtq` as well). An instruction without a template
/// (or any on a CPU without those features) goes on calling the interpreter's out-of-line
/// executor, as every SIMD instruction did before.
///
/// Slots and registers: a v128 is two consecutive 8-byte slots, low word first, read and
/// written with `movdqu` (slots are only 8-byte aligned, and the legacy encodings of the other
/// packed instructions fault on an m128 operand that is not 16-byte aligned, so every 128-bit
/// operand goes through a register; m64 and smaller operands, as `pmovsxbw` and `pinsrb` read,
/// need no alignment). A slot a template reads or writes as half of a v128 is never pinned
/// (`vectorSlots`, gathered by the survey pass), so its frame cell is always current; scalar
/// operands and results (splat sources, shift counts, lanes, addresses) go through the
/// register-aware helpers like any scalar instruction's. The templates use xmm0, xmm1, xmm10
/// and xmm11, which hold nothing between instructions (pinned floats live in xmm2...xmm9), and
/// rax, rcx, rdx.
///
/// Results are the interpreter's (SIMDOps.swift) bit for bit, with one freedom the spec
/// gives: a lane where both operands of an arithmetic op (or min/max) are NaN may keep either
/// one's payload, as the interpreter's own `+` may after LLVM commutes it.
extension NativeCompiler {
    static let x0 = A.xmm0, x1 = A.xmm1, x2 = A.XMM(number: 10), x3 = A.XMM(number: 11)

    /// Notes that slots `s` and `s + 1` hold a v128 the template reads or writes in memory: the
    /// survey keeps them out of registers; a compilation that finds one pinned anyway gives up.
    mutating func markVector(_ s: Int) {
        for slot in [s, s + 1] where slot >= 0 {
            if counting {
                if slot < vectorSlots.count { vectorSlots[slot] = true }
            } else if pin(of: slot) != nil || doublePin(of: slot) != nil {
                vectorConflict = true
            }
        }
    }

    /// movdqu x, v128 in slots s, s+1.
    mutating func vload(_ x: A.XMM, _ s: Int) {
        markVector(s)
        a.movdqu(x, memorySlot(s))
    }

    /// movdqu v128 in slots d, d+1, x.
    mutating func vstore(_ d: Int, _ x: A.XMM) {
        markVector(d)
        a.movdqu(memorySlot(d), x)
    }

    /// The 8 bytes at byte `offset` of the v128 in slots s, s+1, as an m64 (or smaller) operand.
    mutating func vectorBytes(_ s: Int, offset: Int = 0) -> Mem {
        markVector(s)
        return Mem(base: .rbx, disp: Int32(truncatingIfNeeded: s &* 8 &+ offset))
    }

    /// Every bit of `x` set.
    mutating func allOnes(_ x: A.XMM) { a.vector(.pcmpeqd, x, x) }

    /// `x` = the 32-bit `value` in every dword lane (through rax).
    mutating func splat32(_ x: A.XMM, _ value: UInt32) {
        a.movImm(.rax, UInt64(value))
        a.vector(.movdToXMM, reg: x.number, rm: A.Reg.rax.rawValue)
        a.vector(.pshufd, x, x, imm: 0)
    }

    /// `x` = the 64-bit `value` in both qword lanes (through rax).
    mutating func splat64(_ x: A.XMM, _ value: UInt64) {
        a.movImm(.rax, value)
        a.vector(.movdToXMM, reg: x.number, rm: A.Reg.rax.rawValue, w: true)
        a.vector(.punpcklqdq, x, x)
    }

    /// `x` = the 128-bit constant `low`, `high` (through rax).
    mutating func constant(_ x: A.XMM, low: UInt64, high: UInt64) {
        if low == 0 && high == 0 { a.vector(.pxor, x, x); return }
        if low == ~0 && high == ~0 { allOnes(x); return }
        if low == high { splat64(x, low); return }
        a.movImm(.rax, low)
        a.vector(.movdToXMM, reg: x.number, rm: A.Reg.rax.rawValue, w: true)
        a.movImm(.rax, high)
        a.vector(.pinsrd, reg: x.number, rm: A.Reg.rax.rawValue, w: true, imm: 1)
    }

    /// The template of the `.simd` instruction `op` at `pc`; false (nothing emitted) when it
    /// has none and goes out of line.
    mutating func emitVector(_ op: SIMDIROpcode, at pc: Int, _ d: Int, _ w1: UInt64, _ w2: UInt64) -> Bool {
        guard NativeTier.hasVectorTemplates else { return false }
        let x0 = Self.x0, x1 = Self.x1
        let lo = Self.lo(w1), hi = Self.hi(w1)
        switch op {
        case .copy128:
            if d != lo {
                vload(x0, lo)
                vstore(d, x0)
            }
        case .v128Const:
            constant(x0, low: w1, high: w2)
            vstore(d, x0)
        case .select128:
            // d = cond != 0 ? a : b: the address of the operand chosen without a branch.
            a.lea(.rax, vectorBytes(lo))
            a.lea(.rdx, vectorBytes(hi))
            cmpSlot(Self.lo(w2), imm: 0, w: false)
            a.cmov(.e, .rax, .rdx, w: true)
            a.movdqu(x0, Mem(base: .rax))
            vstore(d, x0)
        case .v128Load:
            loadSlot(.rax, lo, w: false)
            let m = checkedAddress(offset: UInt32(truncatingIfNeeded: hi), width: 16)
            a.movdqu(x0, m)
            vstore(d, x0)
        case .v128Store:
            loadSlot(.rax, d, w: false)
            let m = checkedAddress(offset: UInt32(truncatingIfNeeded: hi), width: 16)
            vload(x0, lo)
            a.movdqu(m, x0)
        case .i8x16Add: binary(.paddb, d, lo, hi)
        case .i16x8Add: binary(.paddw, d, lo, hi)
        case .i32x4Add: binary(.paddd, d, lo, hi)
        case .i32x4Sub: binary(.psubd, d, lo, hi)
        case .i32x4Mul: binary(.pmulld, d, lo, hi)
        case .i64x2Add: binary(.paddq, d, lo, hi)
        case .f32x4Add: binary(.addps, d, lo, hi)
        case .f32x4Sub: binary(.subps, d, lo, hi)
        case .f32x4Mul: binary(.mulps, d, lo, hi)
        case .f32x4Div: binary(.divps, d, lo, hi)
        case .f64x2Add: binary(.addpd, d, lo, hi)
        case .f64x2Sub: binary(.subpd, d, lo, hi)
        case .f64x2Mul: binary(.mulpd, d, lo, hi)
        case .f64x2Div: binary(.divpd, d, lo, hi)
        case .v128And: binary(.pand, d, lo, hi)
        case .v128Or: binary(.por, d, lo, hi)
        case .v128Xor: binary(.pxor, d, lo, hi)
        case .lanes:
            return emitLanes(d, lo, hi, Self.lo(w2), selector: Self.hi(w2))
        case .memory:
            return emitVectorMemory(d, address: lo, vector: hi, offset: UInt32(truncatingIfNeeded: w2),
                                    selector: Self.hi(w2))
        case .i8x16Shuffle:
            emitShuffle(d, lo, hi, low: w2, high: words[pc + 3])
        default:
            return false
        }
        return true
    }

    /// d = a `op` b (or b `op` a with `swap`), complemented with `not`.
    mutating func binary(_ op: A.VectorOp, _ d: Int, _ a1: Int, _ b1: Int, swap: Bool = false, not: Bool = false,
                         imm: UInt8? = nil) {
        vload(Self.x0, swap ? b1 : a1)
        vload(Self.x1, swap ? a1 : b1)
        a.vector(op, Self.x0, Self.x1, imm: imm)
        if not {
            allOnes(Self.x1)
            a.vector(.pxor, Self.x0, Self.x1)
        }
        vstore(d, Self.x0)
    }

    /// d = op(a), a unary op in place.
    mutating func unary(_ op: A.VectorOp, _ d: Int, _ a1: Int, imm: UInt8? = nil) {
        vload(Self.x0, a1)
        a.vector(op, Self.x0, Self.x0, imm: imm)
        vstore(d, Self.x0)
    }

    /// d = op(m64 at byte `offset` of a): the extends and the low-lane conversions.
    mutating func fromHalf(_ op: A.VectorOp, _ d: Int, _ a1: Int, high: Bool) {
        a.vector(op, Self.x0, vectorBytes(a1, offset: high ? 8 : 0))
        vstore(d, Self.x0)
    }

    /// An unsigned comparison from a min or max: `a == max(a, b)` is a ≥ b, `a == min(a, b)`
    /// a ≤ b; `not` gives the strict opposite.
    mutating func unsignedCompare(_ minMax: A.VectorOp, _ eq: A.VectorOp, _ d: Int, _ a1: Int, _ b1: Int, not: Bool) {
        vload(Self.x0, a1)
        vload(Self.x1, b1)
        a.vector(minMax, Self.x1, Self.x0)
        a.vector(eq, Self.x0, Self.x1)
        if not {
            allOnes(Self.x1)
            a.vector(.pxor, Self.x0, Self.x1)
        }
        vstore(d, Self.x0)
    }

    /// Wasm's f32x4/f64x2 min (`max` false) or max: ordered lanes from two x86 min (max)
    /// operations in both orders, ORed (min) or ANDed (max), which picks the lesser (greater)
    /// of unequal lanes and makes -0 < +0 for equal ones; NaN lanes (`cmpunord`) get `a + b`,
    /// which quiets the NaN, as the interpreter's do.
    mutating func floatMinMax(max: Bool, double: Bool, _ d: Int, _ a1: Int, _ b1: Int) {
        let x0 = Self.x0, x1 = Self.x1, x2 = Self.x2, x3 = Self.x3
        let pick: A.VectorOp = max ? (double ? .maxpd : .maxps) : (double ? .minpd : .minps)
        vload(x0, a1)
        vload(x1, b1)
        a.movaps(x2, x0)
        a.vector(pick, x2, x1)                            // a < b ? a : b (max: a > b ? a : b)
        a.movaps(x3, x1)
        a.vector(pick, x3, x0)                            // b < a ? b : a
        a.vector(max ? .andps : .orps, x2, x3)
        a.movaps(x3, x0)
        a.vector(double ? .cmppd : .cmpps, x3, x1, imm: 3)  // unordered lanes
        a.vector(double ? .addpd : .addps, x0, x1)
        a.vector(.andps, x0, x3)
        a.vector(.andnps, x3, x2)
        a.vector(.orps, x0, x3)
        vstore(d, x0)
    }

    /// d = v with the lanes shifted by the scalar count in slot `count`, taken modulo the
    /// lane width (x86 would clear lanes shifted by the width or more).
    mutating func shift(_ op: A.VectorOp, width: Int32, _ d: Int, _ v: Int, count: Int) {
        loadSlot(.rcx, count, w: false)
        a.alu(.and, .rcx, imm: width - 1, w: false)
        a.vector(.movdToXMM, reg: Self.x1.number, rm: A.Reg.rcx.rawValue)
        vload(Self.x0, v)
        a.vector(op, Self.x0, Self.x1)
        vstore(d, Self.x0)
    }

    /// An i32 result 0 or 1 from the flags (after `xor eax, eax` and the test): `cc` true.
    mutating func testResult(_ d: Int, _ cc: A.Condition) {
        a.setcc(cc, .rax)
        storeResult(d, .rax)
    }

    /// `.lanes` [simd op|d][a|b][c|op16 lane8]; false for the ops left out of line.
    mutating func emitLanes(_ d: Int, _ a1: Int, _ b: Int, _ c: Int, selector: Int) -> Bool {
        let index = selector & 0xFFFF
        guard index < SIMDOp.count else { return false }
        let op = SIMDOp.byIndex(index)
        let lane = (selector >> 16) & 0xFF
        let x0 = Self.x0, x1 = Self.x1, x2 = Self.x2
        switch op {
        // Splats: the scalar's bits into lane 0, then copied to every lane.
        case .i8x16Splat:
            loadRaw(.rax, a1, w: false)
            a.vector(.movdToXMM, reg: x0.number, rm: A.Reg.rax.rawValue)
            a.vector(.pxor, x1, x1)
            a.vector(.pshufb, x0, x1)
            vstore(d, x0)
        case .i16x8Splat:
            loadRaw(.rax, a1, w: false)
            a.vector(.movdToXMM, reg: x0.number, rm: A.Reg.rax.rawValue)
            a.vector(.pshuflw, x0, x0, imm: 0)
            a.vector(.pshufd, x0, x0, imm: 0)
            vstore(d, x0)
        case .i32x4Splat, .f32x4Splat:
            loadRaw(.rax, a1, w: false)
            a.vector(.movdToXMM, reg: x0.number, rm: A.Reg.rax.rawValue)
            a.vector(.pshufd, x0, x0, imm: 0)
            vstore(d, x0)
        case .i64x2Splat, .f64x2Splat:
            loadRaw(.rax, a1, w: true)
            a.vector(.movdToXMM, reg: x0.number, rm: A.Reg.rax.rawValue, w: true)
            a.vector(.punpcklqdq, x0, x0)
            vstore(d, x0)

        // Lanes: read from the slots' bytes; replaced with pinsr*.
        case .i8x16ExtractLaneS, .i8x16ExtractLaneU, .i16x8ExtractLaneS, .i16x8ExtractLaneU,
             .i32x4ExtractLane, .f32x4ExtractLane, .i64x2ExtractLane, .f64x2ExtractLane:
            let width = op == .i8x16ExtractLaneS || op == .i8x16ExtractLaneU ? 1
                : op == .i16x8ExtractLaneS || op == .i16x8ExtractLaneU ? 2
                : op == .i32x4ExtractLane || op == .f32x4ExtractLane ? 4 : 8
            let m = vectorBytes(a1, offset: (lane & (16 / width - 1)) * width)
            switch op {
            case .i8x16ExtractLaneS: a.loadSX8(.rdx, m, w: false)
            case .i8x16ExtractLaneU: a.loadZX8(.rdx, m)
            case .i16x8ExtractLaneS: a.loadSX16(.rdx, m, w: false)
            case .i16x8ExtractLaneU: a.loadZX16(.rdx, m)
            default: a.load(.rdx, m, w: width == 8)
            }
            storeRaw(d, .rdx)
            cached = (d, .rdx)
        case .i8x16ReplaceLane, .i16x8ReplaceLane, .i32x4ReplaceLane, .f32x4ReplaceLane,
             .i64x2ReplaceLane, .f64x2ReplaceLane:
            let wide = op == .i64x2ReplaceLane || op == .f64x2ReplaceLane
            loadRaw(.rdx, b, w: wide)
            vload(x0, a1)
            let insert: A.VectorOp = op == .i8x16ReplaceLane ? .pinsrb : op == .i16x8ReplaceLane ? .pinsrw : .pinsrd
            let lanes = op == .i8x16ReplaceLane ? 16 : op == .i16x8ReplaceLane ? 8 : wide ? 2 : 4
            a.vector(insert, reg: x0.number, rm: A.Reg.rdx.rawValue, w: wide, imm: UInt8(lane & (lanes - 1)))
            vstore(d, x0)

        // Integer arithmetic.
        case .i8x16Sub: binary(.psubb, d, a1, b)
        case .i16x8Sub: binary(.psubw, d, a1, b)
        case .i64x2Sub: binary(.psubq, d, a1, b)
        case .i8x16AddSatS: binary(.paddsb, d, a1, b)
        case .i8x16AddSatU: binary(.paddusb, d, a1, b)
        case .i8x16SubSatS: binary(.psubsb, d, a1, b)
        case .i8x16SubSatU: binary(.psubusb, d, a1, b)
        case .i16x8AddSatS: binary(.paddsw, d, a1, b)
        case .i16x8AddSatU: binary(.paddusw, d, a1, b)
        case .i16x8SubSatS: binary(.psubsw, d, a1, b)
        case .i16x8SubSatU: binary(.psubusw, d, a1, b)
        case .i16x8Mul: binary(.pmullw, d, a1, b)
        case .i8x16MinS: binary(.pminsb, d, a1, b)
        case .i8x16MinU: binary(.pminub, d, a1, b)
        case .i8x16MaxS: binary(.pmaxsb, d, a1, b)
        case .i8x16MaxU: binary(.pmaxub, d, a1, b)
        case .i16x8MinS: binary(.pminsw, d, a1, b)
        case .i16x8MinU: binary(.pminuw, d, a1, b)
        case .i16x8MaxS: binary(.pmaxsw, d, a1, b)
        case .i16x8MaxU: binary(.pmaxuw, d, a1, b)
        case .i32x4MinS: binary(.pminsd, d, a1, b)
        case .i32x4MinU: binary(.pminud, d, a1, b)
        case .i32x4MaxS: binary(.pmaxsd, d, a1, b)
        case .i32x4MaxU: binary(.pmaxud, d, a1, b)
        case .i8x16AvgrU: binary(.pavgb, d, a1, b)
        case .i16x8AvgrU: binary(.pavgw, d, a1, b)
        // pmaddwd: the only overflow (four -32768) wraps to -2^31, as Wasm's sum does.
        case .i32x4DotI16x8S: binary(.pmaddwd, d, a1, b)
        case .i8x16Neg, .i16x8Neg, .i32x4Neg, .i64x2Neg:
            let sub: A.VectorOp = op == .i8x16Neg ? .psubb : op == .i16x8Neg ? .psubw : op == .i32x4Neg ? .psubd : .psubq
            vload(x1, a1)
            a.vector(.pxor, x0, x0)
            a.vector(sub, x0, x1)
            vstore(d, x0)
        case .i64x2Mul:
            // lo(a)·lo(b) + ((hi(a)·lo(b) + lo(a)·hi(b)) << 32), modulo 2^64, from pmuludq.
            let x3 = Self.x3
            vload(x0, a1)
            vload(x1, b)
            a.movaps(x2, x0)
            a.vectorShift(0x73, digit: 2, x2, 32)
            a.vector(.pmuludq, x2, x1)
            a.movaps(x3, x1)
            a.vectorShift(0x73, digit: 2, x3, 32)
            a.vector(.pmuludq, x3, x0)
            a.vector(.paddq, x2, x3)
            a.vectorShift(0x73, digit: 6, x2, 32)
            a.vector(.pmuludq, x0, x1)
            a.vector(.paddq, x0, x2)
            vstore(d, x0)
        case .i64x2Abs:
            // (x ^ s) - s with s each lane's sign (its high dword's, spread).
            vload(x0, a1)
            a.vector(.pshufd, x1, x0, imm: 0xF5)
            a.vectorShift(0x72, digit: 4, x1, 31)
            a.vector(.pxor, x0, x1)
            a.vector(.psubq, x0, x1)
            vstore(d, x0)
        case .i8x16Popcnt:
            // The count of each nibble from a 16-byte table (pshufb), low plus high.
            let x3 = Self.x3
            vload(x0, a1)
            splat32(x3, 0x0F0F_0F0F)
            a.movaps(x1, x0)
            a.vectorShift(0x71, digit: 2, x1, 4)
            a.vector(.pand, x1, x3)
            a.vector(.pand, x0, x3)
            constant(x2, low: 0x0302_0201_0201_0100, high: 0x0403_0302_0302_0201)
            a.movaps(x3, x2)
            a.vector(.pshufb, x2, x0)
            a.vector(.pshufb, x3, x1)
            a.vector(.paddb, x2, x3)
            vstore(d, x2)
        case .i8x16Abs: unary(.pabsb, d, a1)
        case .i16x8Abs: unary(.pabsw, d, a1)
        case .i32x4Abs: unary(.pabsd, d, a1)
        case .i16x8Q15mulrSatS, .i16x8RelaxedQ15mulrS:
            // pmulhrsw rounds as Wasm does; its one overflow (-32768 × -32768) gives 0x8000,
            // which no other product gives: flip those lanes to 0x7FFF.
            vload(x0, a1)
            vload(x1, b)
            a.vector(.pmulhrsw, x0, x1)
            allOnes(x1)
            a.vectorShift(0x71, digit: 6, x1, 15)
            a.vector(.pcmpeqw, x1, x0)
            a.vector(.pxor, x0, x1)
            vstore(d, x0)

        // Extends, extending multiplies and pairwise additions.
        case .i16x8ExtendLowI8x16S: fromHalf(.pmovsxbw, d, a1, high: false)
        case .i16x8ExtendHighI8x16S: fromHalf(.pmovsxbw, d, a1, high: true)
        case .i16x8ExtendLowI8x16U: fromHalf(.pmovzxbw, d, a1, high: false)
        case .i16x8ExtendHighI8x16U: fromHalf(.pmovzxbw, d, a1, high: true)
        case .i32x4ExtendLowI16x8S: fromHalf(.pmovsxwd, d, a1, high: false)
        case .i32x4ExtendHighI16x8S: fromHalf(.pmovsxwd, d, a1, high: true)
        case .i32x4ExtendLowI16x8U: fromHalf(.pmovzxwd, d, a1, high: false)
        case .i32x4ExtendHighI16x8U: fromHalf(.pmovzxwd, d, a1, high: true)
        case .i64x2ExtendLowI32x4S: fromHalf(.pmovsxdq, d, a1, high: false)
        case .i64x2ExtendHighI32x4S: fromHalf(.pmovsxdq, d, a1, high: true)
        case .i64x2ExtendLowI32x4U: fromHalf(.pmovzxdq, d, a1, high: false)
        case .i64x2ExtendHighI32x4U: fromHalf(.pmovzxdq, d, a1, high: true)
        case .i16x8ExtmulLowI8x16S, .i16x8ExtmulHighI8x16S, .i16x8ExtmulLowI8x16U, .i16x8ExtmulHighI8x16U,
             .i32x4ExtmulLowI16x8S, .i32x4ExtmulHighI16x8S, .i32x4ExtmulLowI16x8U, .i32x4ExtmulHighI16x8U,
             .i64x2ExtmulLowI32x4S, .i64x2ExtmulHighI32x4S, .i64x2ExtmulLowI32x4U, .i64x2ExtmulHighI32x4U:
            // Both operands' halves extended, then multiplied in the wide lanes (the products
            // fit: pmullw/pmulld keep their low bits, pmuldq/pmuludq take the low dwords).
            let extend: A.VectorOp, multiply: A.VectorOp
            switch op {
            case .i16x8ExtmulLowI8x16S, .i16x8ExtmulHighI8x16S: (extend, multiply) = (.pmovsxbw, .pmullw)
            case .i16x8ExtmulLowI8x16U, .i16x8ExtmulHighI8x16U: (extend, multiply) = (.pmovzxbw, .pmullw)
            case .i32x4ExtmulLowI16x8S, .i32x4ExtmulHighI16x8S: (extend, multiply) = (.pmovsxwd, .pmulld)
            case .i32x4ExtmulLowI16x8U, .i32x4ExtmulHighI16x8U: (extend, multiply) = (.pmovzxwd, .pmulld)
            case .i64x2ExtmulLowI32x4S, .i64x2ExtmulHighI32x4S: (extend, multiply) = (.pmovsxdq, .pmuldq)
            default: (extend, multiply) = (.pmovzxdq, .pmuludq)
            }
            let high = Self.highExtmuls.contains(op)
            a.vector(extend, x0, vectorBytes(a1, offset: high ? 8 : 0))
            a.vector(extend, x1, vectorBytes(b, offset: high ? 8 : 0))
            a.vector(multiply, x0, x1)
            vstore(d, x0)
        case .i16x8ExtaddPairwiseI8x16S, .i16x8ExtaddPairwiseI8x16U:
            // pmaddubsw multiplies unsigned bytes of its first operand by signed bytes of its
            // second: ones times the signed lanes, or the unsigned lanes times ones (no pair
            // sum saturates).
            allOnes(x1)
            a.vector(.pabsb, x1, x1)
            if op == .i16x8ExtaddPairwiseI8x16S {
                vload(x0, a1)
                a.vector(.pmaddubsw, x1, x0)
                vstore(d, x1)
            } else {
                vload(x0, a1)
                a.vector(.pmaddubsw, x0, x1)
                vstore(d, x0)
            }
        case .i32x4ExtaddPairwiseI16x8S:
            vload(x0, a1)
            allOnes(x1)
            a.vectorShift(0x71, digit: 2, x1, 15)          // 1 in each word
            a.vector(.pmaddwd, x0, x1)
            vstore(d, x0)
        case .i32x4ExtaddPairwiseI16x8U:
            // Biased to signed (x - 32768), summed by pmaddwd, and the 2 × 32768 added back.
            vload(x0, a1)
            allOnes(x1)
            a.vectorShift(0x71, digit: 6, x1, 15)          // 0x8000
            a.vector(.pxor, x0, x1)
            a.vectorShift(0x71, digit: 2, x1, 15)          // 1
            a.vector(.pmaddwd, x0, x1)
            a.vectorShift(0x72, digit: 6, x1, 16)          // 0x10000 in each dword
            a.vector(.paddd, x0, x1)
            vstore(d, x0)

        // Narrowing: the pack instructions saturate as Wasm does (signed inputs).
        case .i8x16NarrowI16x8S: binary(.packsswb, d, a1, b)
        case .i8x16NarrowI16x8U: binary(.packuswb, d, a1, b)
        case .i16x8NarrowI32x4S: binary(.packssdw, d, a1, b)
        case .i16x8NarrowI32x4U: binary(.packusdw, d, a1, b)

        // Shifts (x86 has no byte shifts and no 64-bit arithmetic shift: those four below).
        case .i16x8Shl: shift(.psllw, width: 16, d, a1, count: b)
        case .i16x8ShrS: shift(.psraw, width: 16, d, a1, count: b)
        case .i16x8ShrU: shift(.psrlw, width: 16, d, a1, count: b)
        case .i32x4Shl: shift(.pslld, width: 32, d, a1, count: b)
        case .i32x4ShrS: shift(.psrad, width: 32, d, a1, count: b)
        case .i32x4ShrU: shift(.psrld, width: 32, d, a1, count: b)
        case .i64x2Shl: shift(.psllq, width: 64, d, a1, count: b)
        case .i64x2ShrU: shift(.psrlq, width: 64, d, a1, count: b)
        case .i8x16Shl, .i8x16ShrU:
            // A 16-bit shift, then the bits that crossed into a neighbouring byte cleared
            // (the mask 0xFF << n or 0xFF >> n in every byte).
            loadSlot(.rcx, b, w: false)
            a.alu(.and, .rcx, imm: 7, w: false)
            a.vector(.movdToXMM, reg: x1.number, rm: A.Reg.rcx.rawValue)
            a.movImm(.rax, 0xFF)
            a.shift(op == .i8x16Shl ? .shl : .shr, .rax, w: false)
            a.movzx8(.rax, .rax)
            a.imul(.rax, .rax, imm: 0x0101_0101, w: false)
            a.vector(.movdToXMM, reg: x2.number, rm: A.Reg.rax.rawValue)
            a.vector(.pshufd, x2, x2, imm: 0)
            vload(x0, a1)
            a.vector(op == .i8x16Shl ? .psllw : .psrlw, x0, x1)
            a.vector(.pand, x0, x2)
            vstore(d, x0)
        case .i8x16ShrS:
            // Each byte doubled into a word (b << 8 | b), shifted right arithmetically by
            // n + 8, and packed back (the results fit a byte).
            loadSlot(.rcx, b, w: false)
            a.alu(.and, .rcx, imm: 7, w: false)
            a.alu(.add, .rcx, imm: 8, w: false)
            a.vector(.movdToXMM, reg: x1.number, rm: A.Reg.rcx.rawValue)
            vload(x0, a1)
            a.movaps(x2, x0)
            a.vector(.punpcklbw, x0, x0)
            a.vector(.punpckhbw, x2, x2)
            a.vector(.psraw, x0, x1)
            a.vector(.psraw, x2, x1)
            a.vector(.packsswb, x0, x2)
            vstore(d, x0)
        case .i64x2ShrS:
            // A logical shift, then the sign extended from bit 63 - n: (t ^ m) - m with m the
            // sign bit shifted alike.
            loadSlot(.rcx, b, w: false)
            a.alu(.and, .rcx, imm: 63, w: false)
            a.vector(.movdToXMM, reg: x1.number, rm: A.Reg.rcx.rawValue)
            vload(x0, a1)
            a.vector(.psrlq, x0, x1)
            allOnes(x2)
            a.vectorShift(0x73, digit: 6, x2, 63)
            a.vector(.psrlq, x2, x1)
            a.vector(.pxor, x0, x2)
            a.vector(.psubq, x0, x2)
            vstore(d, x0)

        // Integer comparisons: signed from pcmpgt, unsigned from min/max and pcmpeq.
        case .i8x16Eq: binary(.pcmpeqb, d, a1, b)
        case .i16x8Eq: binary(.pcmpeqw, d, a1, b)
        case .i32x4Eq: binary(.pcmpeqd, d, a1, b)
        case .i64x2Eq: binary(.pcmpeqq, d, a1, b)
        case .i8x16Ne: binary(.pcmpeqb, d, a1, b, not: true)
        case .i16x8Ne: binary(.pcmpeqw, d, a1, b, not: true)
        case .i32x4Ne: binary(.pcmpeqd, d, a1, b, not: true)
        case .i64x2Ne: binary(.pcmpeqq, d, a1, b, not: true)
        case .i8x16GtS: binary(.pcmpgtb, d, a1, b)
        case .i16x8GtS: binary(.pcmpgtw, d, a1, b)
        case .i32x4GtS: binary(.pcmpgtd, d, a1, b)
        case .i8x16LtS: binary(.pcmpgtb, d, a1, b, swap: true)
        case .i16x8LtS: binary(.pcmpgtw, d, a1, b, swap: true)
        case .i32x4LtS: binary(.pcmpgtd, d, a1, b, swap: true)
        case .i8x16LeS: binary(.pcmpgtb, d, a1, b, not: true)
        case .i16x8LeS: binary(.pcmpgtw, d, a1, b, not: true)
        case .i32x4LeS: binary(.pcmpgtd, d, a1, b, not: true)
        case .i8x16GeS: binary(.pcmpgtb, d, a1, b, swap: true, not: true)
        case .i16x8GeS: binary(.pcmpgtw, d, a1, b, swap: true, not: true)
        case .i32x4GeS: binary(.pcmpgtd, d, a1, b, swap: true, not: true)
        case .i64x2GtS, .i64x2LtS, .i64x2LeS, .i64x2GeS:
            guard NativeTier.hasSSE42 else { return false }
            binary(.pcmpgtq, d, a1, b, swap: op == .i64x2LtS || op == .i64x2GeS,
                   not: op == .i64x2LeS || op == .i64x2GeS)
        case .i8x16GeU: unsignedCompare(.pmaxub, .pcmpeqb, d, a1, b, not: false)
        case .i8x16LtU: unsignedCompare(.pmaxub, .pcmpeqb, d, a1, b, not: true)
        case .i8x16LeU: unsignedCompare(.pminub, .pcmpeqb, d, a1, b, not: false)
        case .i8x16GtU: unsignedCompare(.pminub, .pcmpeqb, d, a1, b, not: true)
        case .i16x8GeU: unsignedCompare(.pmaxuw, .pcmpeqw, d, a1, b, not: false)
        case .i16x8LtU: unsignedCompare(.pmaxuw, .pcmpeqw, d, a1, b, not: true)
        case .i16x8LeU: unsignedCompare(.pminuw, .pcmpeqw, d, a1, b, not: false)
        case .i16x8GtU: unsignedCompare(.pminuw, .pcmpeqw, d, a1, b, not: true)
        case .i32x4GeU: unsignedCompare(.pmaxud, .pcmpeqd, d, a1, b, not: false)
        case .i32x4LtU: unsignedCompare(.pmaxud, .pcmpeqd, d, a1, b, not: true)
        case .i32x4LeU: unsignedCompare(.pminud, .pcmpeqd, d, a1, b, not: false)
        case .i32x4GtU: unsignedCompare(.pminud, .pcmpeqd, d, a1, b, not: true)

        // Float comparisons: cmpps/cmppd (neq is unordered-or-unequal, Wasm's ne).
        case .f32x4Eq: binary(.cmpps, d, a1, b, imm: 0)
        case .f32x4Ne: binary(.cmpps, d, a1, b, imm: 4)
        case .f32x4Lt: binary(.cmpps, d, a1, b, imm: 1)
        case .f32x4Le: binary(.cmpps, d, a1, b, imm: 2)
        case .f32x4Gt: binary(.cmpps, d, a1, b, swap: true, imm: 1)
        case .f32x4Ge: binary(.cmpps, d, a1, b, swap: true, imm: 2)
        case .f64x2Eq: binary(.cmppd, d, a1, b, imm: 0)
        case .f64x2Ne: binary(.cmppd, d, a1, b, imm: 4)
        case .f64x2Lt: binary(.cmppd, d, a1, b, imm: 1)
        case .f64x2Le: binary(.cmppd, d, a1, b, imm: 2)
        case .f64x2Gt: binary(.cmppd, d, a1, b, swap: true, imm: 1)
        case .f64x2Ge: binary(.cmppd, d, a1, b, swap: true, imm: 2)

        // Bitwise.
        case .v128Not:
            vload(x0, a1)
            allOnes(x1)
            a.vector(.pxor, x0, x1)
            vstore(d, x0)
        case .v128AndNot:
            // a & ~b: pandn complements its first operand.
            binary(.pandn, d, a1, b, swap: true)
        case .v128Bitselect, .i8x16RelaxedLaneselect, .i16x8RelaxedLaneselect, .i32x4RelaxedLaneselect,
             .i64x2RelaxedLaneselect:
            // (a & c) | (b & ~c); the relaxed lane selects are bit selects in the
            // deterministic profile, as in the interpreter.
            vload(x0, a1)
            vload(x1, b)
            vload(x2, c)
            a.vector(.pand, x0, x2)
            a.vector(.pandn, x2, x1)
            a.vector(.por, x0, x2)
            vstore(d, x0)
        case .v128AnyTrue:
            vload(x0, a1)
            a.alu(.xor, .rax, .rax, w: false)
            a.vector(.ptest, x0, x0)
            testResult(d, .ne)
        case .i8x16AllTrue, .i16x8AllTrue, .i32x4AllTrue, .i64x2AllTrue:
            // No lane equal to zero.
            let eq: A.VectorOp = op == .i8x16AllTrue ? .pcmpeqb : op == .i16x8AllTrue ? .pcmpeqw
                : op == .i32x4AllTrue ? .pcmpeqd : .pcmpeqq
            vload(x0, a1)
            a.vector(.pxor, x1, x1)
            a.vector(eq, x1, x0)
            a.alu(.xor, .rax, .rax, w: false)
            a.vector(.ptest, x1, x1)
            testResult(d, .e)
        case .i8x16Bitmask, .i16x8Bitmask, .i32x4Bitmask, .i64x2Bitmask:
            vload(x0, a1)
            switch op {
            case .i8x16Bitmask:
                a.vector(.pmovmskb, reg: A.Reg.rax.rawValue, rm: x0.number)
            case .i16x8Bitmask:
                // Signed saturation keeps each word's sign in its byte.
                a.vector(.packsswb, x0, x0)
                a.vector(.pmovmskb, reg: A.Reg.rax.rawValue, rm: x0.number)
                a.movzx8(.rax, .rax)
            case .i32x4Bitmask:
                a.vector(.movmskps, reg: A.Reg.rax.rawValue, rm: x0.number)
            default:
                a.vector(.movmskpd, reg: A.Reg.rax.rawValue, rm: x0.number)
            }
            storeResult(d, .rax)

        // Swizzle: indices of 16 and more (saturated to 0x80 and up by an unsigned add of
        // 0x70) select zero in pshufb; 0...15 keep their low four bits.
        case .i8x16Swizzle, .i8x16RelaxedSwizzle:
            vload(x0, a1)
            vload(x1, b)
            splat32(x2, 0x7070_7070)
            a.vector(.paddusb, x1, x2)
            a.vector(.pshufb, x0, x1)
            vstore(d, x0)

        // Float lanes.
        case .f32x4Abs, .f64x2Abs:
            vload(x0, a1)
            allOnes(x1)
            a.vectorShift(op == .f32x4Abs ? 0x72 : 0x73, digit: 2, x1, 1)
            a.vector(.pand, x0, x1)
            vstore(d, x0)
        case .f32x4Neg, .f64x2Neg:
            vload(x0, a1)
            allOnes(x1)
            a.vectorShift(op == .f32x4Neg ? 0x72 : 0x73, digit: 6, x1, op == .f32x4Neg ? 31 : 63)
            a.vector(.pxor, x0, x1)
            vstore(d, x0)
        case .f32x4Sqrt: unary(.sqrtps, d, a1)
        case .f64x2Sqrt: unary(.sqrtpd, d, a1)
        case .f32x4Ceil: unary(.roundps, d, a1, imm: 2 | 8)
        case .f32x4Floor: unary(.roundps, d, a1, imm: 1 | 8)
        case .f32x4Trunc: unary(.roundps, d, a1, imm: 3 | 8)
        case .f32x4Nearest: unary(.roundps, d, a1, imm: 0 | 8)
        case .f64x2Ceil: unary(.roundpd, d, a1, imm: 2 | 8)
        case .f64x2Floor: unary(.roundpd, d, a1, imm: 1 | 8)
        case .f64x2Trunc: unary(.roundpd, d, a1, imm: 3 | 8)
        case .f64x2Nearest: unary(.roundpd, d, a1, imm: 0 | 8)
        case .f32x4Min, .f32x4RelaxedMin: floatMinMax(max: false, double: false, d, a1, b)
        case .f32x4Max, .f32x4RelaxedMax: floatMinMax(max: true, double: false, d, a1, b)
        case .f64x2Min, .f64x2RelaxedMin: floatMinMax(max: false, double: true, d, a1, b)
        case .f64x2Max, .f64x2RelaxedMax: floatMinMax(max: true, double: true, d, a1, b)
        // pmin is b < a ? b : a, exactly `minps b, a`; pmax a < b ? b : a, `maxps b, a`.
        case .f32x4Pmin: binary(.minps, d, a1, b, swap: true)
        case .f32x4Pmax: binary(.maxps, d, a1, b, swap: true)
        case .f64x2Pmin: binary(.minpd, d, a1, b, swap: true)
        case .f64x2Pmax: binary(.maxpd, d, a1, b, swap: true)

        // Conversions.
        case .f32x4ConvertI32x4S: unary(.cvtdq2ps, d, a1)
        case .f64x2ConvertLowI32x4S: fromHalf(.cvtdq2pd, d, a1, high: false)
        case .f64x2PromoteLowF32x4: fromHalf(.cvtps2pd, d, a1, high: false)
        case .f32x4DemoteF64x2Zero: unary(.cvtpd2ps, d, a1)
        case .f64x2ConvertLowI32x4U:
            // 2^52 + x exactly (x in the low bits of the double), minus 2^52.
            splat64(x1, 0x4330_0000_0000_0000)
            a.vector(.pmovzxdq, x0, vectorBytes(a1))
            a.vector(.por, x0, x1)
            a.vector(.subpd, x0, x1)
            vstore(d, x0)
        case .i32x4TruncSatF32x4S, .i32x4RelaxedTruncF32x4S:
            // NaN lanes cleared to +0; cvttps2dq gives 0x80000000 out of range, which lanes at
            // or above 2^31 flip to 0x7FFFFFFF.
            vload(x0, a1)
            a.movaps(x1, x0)
            a.vector(.cmpps, x1, x1, imm: 0)
            a.vector(.andps, x0, x1)
            splat32(x1, 0x4F00_0000)  // 2^31
            a.vector(.cmpps, x1, x0, imm: 2)
            a.vector(.cvttps2dq, x0, x0)
            a.vector(.pxor, x0, x1)
            vstore(d, x0)
        case .i32x4TruncSatF64x2SZero, .i32x4RelaxedTruncF64x2SZero:
            // NaN lanes cleared, the rest clamped above at 2^31 - 1 (below, cvttpd2dq's
            // 0x80000000 is the saturated value); the upper lanes come out zero.
            vload(x0, a1)
            a.movaps(x1, x0)
            a.vector(.cmppd, x1, x1, imm: 0)
            a.vector(.andps, x0, x1)
            splat64(x1, 0x41DF_FFFF_FFC0_0000)  // 2147483647.0
            a.vector(.minpd, x0, x1)
            a.vector(.cvttpd2dq, x0, x0)
            vstore(d, x0)
        default:
            // The unsigned float → int and u32 → f32 conversions, relaxed multiply-adds and
            // dot products.
            return false
        }
        return true
    }

    static let loadExtends: [SIMDOp: A.VectorOp] = [
        .v128Load8x8S: .pmovsxbw, .v128Load8x8U: .pmovzxbw, .v128Load16x4S: .pmovsxwd,
        .v128Load16x4U: .pmovzxwd, .v128Load32x2S: .pmovsxdq, .v128Load32x2U: .pmovzxdq]

    /// The extending multiplies of the high halves.
    static let highExtmuls: Set<SIMDOp> = [.i16x8ExtmulHighI8x16S, .i16x8ExtmulHighI8x16U, .i32x4ExtmulHighI16x8S,
                                           .i32x4ExtmulHighI16x8U, .i64x2ExtmulHighI32x4S, .i64x2ExtmulHighI32x4U]

    /// `.memory` [simd op|d][addr|v][offset32|op16 lane8] on memory 0, bounds-checked as the
    /// scalar accesses are; false for an op left out of line.
    mutating func emitVectorMemory(_ d: Int, address: Int, vector v: Int, offset: UInt32, selector: Int) -> Bool {
        let index = selector & 0xFFFF
        guard index < SIMDOp.count else { return false }
        let op = SIMDOp.byIndex(index)
        let lane = (selector >> 16) & 0xFF
        let x0 = Self.x0, x1 = Self.x1
        switch op {
        case .v128Load8x8S, .v128Load8x8U, .v128Load16x4S, .v128Load16x4U, .v128Load32x2S, .v128Load32x2U,
             .v128Load8Splat, .v128Load16Splat, .v128Load32Splat, .v128Load64Splat, .v128Load32Zero, .v128Load64Zero,
             .v128Load8Lane, .v128Load16Lane, .v128Load32Lane, .v128Load64Lane,
             .v128Store8Lane, .v128Store16Lane, .v128Store32Lane, .v128Store64Lane:
            break
        default:
            return false
        }
        loadSlot(.rax, address, w: false)
        let m = checkedAddress(offset: offset, width: 1 << Int(op.info.accessLog2))
        switch op {
        case .v128Load8x8S, .v128Load8x8U, .v128Load16x4S, .v128Load16x4U, .v128Load32x2S, .v128Load32x2U:
            a.vector(Self.loadExtends[op]!, x0, m)
        case .v128Load8Splat:
            a.loadZX8(.rdx, m)
            a.vector(.movdToXMM, reg: x0.number, rm: A.Reg.rdx.rawValue)
            a.vector(.pxor, x1, x1)
            a.vector(.pshufb, x0, x1)
        case .v128Load16Splat:
            a.loadZX16(.rdx, m)
            a.vector(.movdToXMM, reg: x0.number, rm: A.Reg.rdx.rawValue)
            a.vector(.pshuflw, x0, x0, imm: 0)
            a.vector(.pshufd, x0, x0, imm: 0)
        case .v128Load32Splat:
            a.vector(.movdToXMM, x0, m)
            a.vector(.pshufd, x0, x0, imm: 0)
        case .v128Load64Splat:
            a.vector(.movqLoad, x0, m)
            a.vector(.punpcklqdq, x0, x0)
        case .v128Load32Zero:
            a.vector(.movdToXMM, x0, m)
        case .v128Load64Zero:
            a.vector(.movqLoad, x0, m)
        case .v128Load8Lane, .v128Load16Lane, .v128Load32Lane, .v128Load64Lane:
            vload(x0, v)
            let insert: A.VectorOp = op == .v128Load8Lane ? .pinsrb : op == .v128Load16Lane ? .pinsrw : .pinsrd
            let lanes = op == .v128Load8Lane ? 16 : op == .v128Load16Lane ? 8 : op == .v128Load32Lane ? 4 : 2
            a.vector(insert, reg: x0.number, m, w: op == .v128Load64Lane, imm: UInt8(lane & (lanes - 1)))
        default:
            // Stores of one lane: the lane's bytes from the slots, stored as a scalar.
            let width = 1 << Int(op.info.accessLog2)
            let bytes = vectorBytes(v, offset: (lane & (16 / width - 1)) * width)
            switch width {
            case 1: a.loadZX8(.rdx, bytes); a.store8(m, .rdx)
            case 2: a.loadZX16(.rdx, bytes); a.store16(m, .rdx)
            case 4: a.load(.rdx, bytes, w: false); a.store(m, .rdx, w: false)
            default: a.load(.rdx, bytes, w: true); a.store(m, .rdx, w: true)
            }
            return true
        }
        vstore(d, x0)
        return true
    }

    /// `i8x16.shuffle` [simd op|d][a|b][lanes low][lanes high]: pshufb of each operand with a
    /// mask that keeps its own lanes (index bit 4 picks the operand) and zeroes the other's
    /// (0x80), ORed; one pshufb when every lane comes from one operand.
    mutating func emitShuffle(_ d: Int, _ a1: Int, _ b: Int, low: UInt64, high: UInt64) {
        let x0 = Self.x0, x1 = Self.x1, x2 = Self.x2
        var first: (UInt64, UInt64) = (0, 0), second: (UInt64, UInt64) = (0, 0)
        var usesFirst = false, usesSecond = false
        for i in 0..<16 {
            let word = i < 8 ? low : high
            let shift = UInt64((i & 7) * 8)
            let j = (word >> shift) & 0x1F
            let own = j & 15, none: UInt64 = 0x80
            let f = (j < 16 ? own : none) << shift, s = (j < 16 ? none : own) << shift
            if i < 8 { first.0 |= f; second.0 |= s } else { first.1 |= f; second.1 |= s }
            if j < 16 { usesFirst = true } else { usesSecond = true }
        }
        if usesFirst {
            vload(x0, a1)
            constant(x2, low: first.0, high: first.1)
            a.vector(.pshufb, x0, x2)
        }
        if usesSecond {
            vload(x1, b)
            constant(x2, low: second.0, high: second.1)
            a.vector(.pshufb, x1, x2)
            if usesFirst { a.vector(.por, x0, x1) } else { a.movaps(x0, x1) }
        }
        vstore(d, x0)
    }
}
