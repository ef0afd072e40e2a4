/// An x86-64 machine-code writer with the instruction forms the native tier needs: 32- and
/// 64-bit integer moves and arithmetic on registers and `[base + index*scale + disp]`
/// operands, condition codes, rel32 jumps with labels patched once bound, and the scalar SSE2
/// forms of Wasm's f32/f64 arithmetic. Encodings follow the Intel SDM, volume 2.
struct X64Assembler {
    enum Reg: UInt8 {
        case rax = 0, rcx, rdx, rbx, rsp, rbp, rsi, rdi, r8, r9, r10, r11, r12, r13, r14, r15
        var low3: UInt8 { rawValue & 7 }
        var extended: Bool { rawValue >= 8 }
    }

    /// An XMM register, 0...15.
    struct XMM { let number: UInt8 }
    static let xmm0 = XMM(number: 0)
    static let xmm1 = XMM(number: 1)

    /// A memory operand `[base + index << scale + disp]`.
    struct Mem {
        var base: Reg
        var index: Reg? = nil
        var scale: UInt8 = 0
        var disp: Int32 = 0
    }

    enum Condition: UInt8 {
        case o = 0, no, b, ae, e, ne, be, a, s, ns, p, np, l, ge, le, g
        var negated: Condition { Condition(rawValue: rawValue ^ 1)! }
    }

    /// Integer ALU operations: the /digit of the immediate forms; the r, r/m opcode is
    /// `digit << 3 | 3`.
    enum ALU: UInt8 { case add = 0, or = 1, and = 4, sub = 5, xor = 6, cmp = 7 }
    enum Shift: UInt8 { case rol = 0, ror = 1, shl = 4, shr = 5, sar = 7 }

    /// A jump target; its position is known once bound.
    struct Label { let id: Int }

    /// The code written so far.
    private(set) var bytes: CodeBuffer
    private var labelPositions: [Int] = []
    /// rel32 fields to patch: (field position, label).
    private var fixups: [(at: Int, label: Int)] = []

    var position: Int { bytes.count }

    init() { bytes = CodeBuffer() }

    /// An assembler in this one's state (labels, fixups, bytes written) with a buffer of its
    /// own: the buffer is a class, which copying the struct would share.
    func copy() -> X64Assembler {
        var other = self
        other.bytes = CodeBuffer(copying: bytes)
        return other
    }

    // MARK: Labels

    mutating func newLabel() -> Label {
        labelPositions.append(-1)
        return Label(id: labelPositions.count - 1)
    }

    mutating func bind(_ label: Label) { labelPositions[label.id] = bytes.count }
    /// Binds `label` to an earlier position.
    mutating func bind(_ label: Label, at position: Int) { labelPositions[label.id] = position }

    func isBound(_ label: Label) -> Bool { labelPositions[label.id] >= 0 }

    /// Writes every pending rel32 field; false when a label was never bound.
    mutating func resolveLabels() -> Bool {
        for fixup in fixups {
            let target = labelPositions[fixup.label]
            guard target >= 0 else { return false }
            patch32(at: fixup.at, Int32(truncatingIfNeeded: target - (fixup.at + 4)))
        }
        fixups.removeAll()
        return true
    }

    func positionOf(_ label: Label) -> Int { labelPositions[label.id] }

    mutating func patch64(at position: Int, _ value: UInt64) {
        for i in 0..<8 { bytes[position + i] = UInt8(truncatingIfNeeded: value >> (8 * UInt64(i))) }
    }

    mutating func patch32(at position: Int, _ value: Int32) {
        let v = UInt32(bitPattern: value)
        for i in 0..<4 { bytes[position + i] = UInt8(truncatingIfNeeded: v >> (8 * UInt32(i))) }
    }

    // MARK: Raw emission

    mutating func byte(_ b: UInt8) { bytes.append(b) }
    mutating func imm32(_ v: Int32) {
        let u = UInt32(bitPattern: v)
        bytes.append(UInt8(truncatingIfNeeded: u)); bytes.append(UInt8(truncatingIfNeeded: u >> 8))
        bytes.append(UInt8(truncatingIfNeeded: u >> 16)); bytes.append(UInt8(truncatingIfNeeded: u >> 24))
    }
    mutating func imm64(_ v: UInt64) {
        for i in 0..<8 { bytes.append(UInt8(truncatingIfNeeded: v >> (8 * UInt64(i)))) }
    }

    /// REX prefix for a reg field `r` and an r/m operand, written when needed (or forced, for
    /// byte registers beyond al...bl).
    private mutating func rex(w: Bool, r: UInt8, x: Bool, b: Bool, force: Bool = false) {
        let value: UInt8 = 0x40 | (w ? 8 : 0) | (r >= 8 ? 4 : 0) | (x ? 2 : 0) | (b ? 1 : 0)
        if value != 0x40 || force { bytes.append(value) }
    }

    /// ModRM (+ SIB + displacement) for reg field `reg` and memory operand `m`.
    private mutating func modrm(reg: UInt8, _ m: Mem) {
        let r = (reg & 7) << 3
        let needsSIB = m.index != nil || m.base.low3 == 4
        let mod: UInt8
        if m.disp == 0 && m.base.low3 != 5 { mod = 0 }
        else if m.disp >= -128 && m.disp <= 127 { mod = 1 }
        else { mod = 2 }
        if needsSIB {
            bytes.append(mod << 6 | r | 4)
            let index = m.index?.low3 ?? 4
            bytes.append((m.scale & 3) << 6 | index << 3 | m.base.low3)
        } else {
            bytes.append(mod << 6 | r | m.base.low3)
        }
        if mod == 1 { bytes.append(UInt8(bitPattern: Int8(m.disp))) }
        else if mod == 2 { imm32(m.disp) }
    }

    /// prefix, REX, opcode bytes, ModRM for `reg` and memory `m`.
    private mutating func op(_ prefix: UInt8?, w: Bool, _ opcode: UInt16, reg: UInt8, _ m: Mem, forceREX: Bool = false) {
        if let prefix { bytes.append(prefix) }
        rex(w: w, r: reg, x: m.index?.extended ?? false, b: m.base.extended, force: forceREX)
        opcodeBytes(opcode)
        modrm(reg: reg, m)
    }

    /// A one-byte opcode, or 0x0F and a second byte (written 0x0FXX).
    @inline(__always) private mutating func opcodeBytes(_ opcode: UInt16) {
        if opcode > 0xFF { bytes.append(0x0F) }
        bytes.append(UInt8(truncatingIfNeeded: opcode))
    }

    /// prefix, REX, opcode bytes, register-direct ModRM (`reg`, `rm`).
    private mutating func op(_ prefix: UInt8?, w: Bool, _ opcode: UInt16, reg: UInt8, rm: UInt8, forceREX: Bool = false) {
        if let prefix { bytes.append(prefix) }
        rex(w: w, r: reg, x: false, b: rm >= 8, force: forceREX)
        opcodeBytes(opcode)
        bytes.append(0xC0 | (reg & 7) << 3 | (rm & 7))
    }

    // MARK: Moves

    /// `mov r, [m]` (64-bit when `w`, else 32-bit, zero-extending).
    mutating func load(_ r: Reg, _ m: Mem, w: Bool = true) { op(nil, w: w, 0x8B, reg: r.rawValue, m) }
    mutating func store(_ m: Mem, _ r: Reg, w: Bool = true) { op(nil, w: w, 0x89, reg: r.rawValue, m) }
    mutating func store8(_ m: Mem, _ r: Reg) { op(nil, w: false, 0x88, reg: r.rawValue, m, forceREX: r.rawValue >= 4) }
    mutating func store16(_ m: Mem, _ r: Reg) { op(0x66, w: false, 0x89, reg: r.rawValue, m) }
    mutating func mov(_ d: Reg, _ s: Reg, w: Bool = true) { op(nil, w: w, 0x89, reg: s.rawValue, rm: d.rawValue) }

    /// `mov r, imm` in the shortest form that yields the 64-bit value.
    mutating func movImm(_ r: Reg, _ value: UInt64) {
        if value <= UInt64(UInt32.max) {
            rex(w: false, r: 0, x: false, b: r.extended)
            bytes.append(0xB8 | r.low3); imm32(Int32(bitPattern: UInt32(value)))
        } else if Int64(bitPattern: value) >= Int64(Int32.min) && Int64(bitPattern: value) < 0 {
            op(nil, w: true, 0xC7, reg: 0, rm: r.rawValue); imm32(Int32(truncatingIfNeeded: Int64(bitPattern: value)))
        } else {
            rex(w: true, r: 0, x: false, b: r.extended)
            bytes.append(0xB8 | r.low3); imm64(value)
        }
    }

    /// `mov r, imm64` in its ten-byte form, whose immediate ends the instruction (to patch).
    mutating func movImm64(_ r: Reg, _ value: UInt64) {
        rex(w: true, r: 0, x: false, b: r.extended)
        bytes.append(0xB8 | r.low3); imm64(value)
    }

    /// `rep stosq`: stores rax to rcx quadwords at rdi.
    mutating func repStosq() { byte(0xF3); byte(0x48); byte(0xAB) }
    /// `rep movsq`: copies rcx quadwords from [rsi] to [rdi], ascending.
    mutating func repMovsq() { byte(0xF3); byte(0x48); byte(0xA5) }

    /// `mov [m], imm32` storing 4 bytes, or 8 sign-extended when `w`.
    mutating func storeImm(_ m: Mem, _ value: Int32, w: Bool) { op(nil, w: w, 0xC7, reg: 0, m); imm32(value) }
    mutating func storeImm8(_ m: Mem, _ value: UInt8) { op(nil, w: false, 0xC6, reg: 0, m); byte(value) }
    mutating func storeImm16(_ m: Mem, _ value: UInt16) {
        op(0x66, w: false, 0xC7, reg: 0, m); byte(UInt8(truncatingIfNeeded: value)); byte(UInt8(truncatingIfNeeded: value >> 8))
    }

    /// Loads of narrow values: zero- or sign-extended to 32 (or 64 with `w`) bits.
    mutating func loadZX8(_ r: Reg, _ m: Mem) { op(nil, w: false, 0x0FB6, reg: r.rawValue, m) }
    mutating func loadZX16(_ r: Reg, _ m: Mem) { op(nil, w: false, 0x0FB7, reg: r.rawValue, m) }
    mutating func loadSX8(_ r: Reg, _ m: Mem, w: Bool) { op(nil, w: w, 0x0FBE, reg: r.rawValue, m) }
    mutating func loadSX16(_ r: Reg, _ m: Mem, w: Bool) { op(nil, w: w, 0x0FBF, reg: r.rawValue, m) }
    mutating func loadSX32(_ r: Reg, _ m: Mem) { op(nil, w: true, 0x63, reg: r.rawValue, m) }
    mutating func movzx8(_ d: Reg, _ s: Reg) { op(nil, w: false, 0x0FB6, reg: d.rawValue, rm: s.rawValue, forceREX: s.rawValue >= 4) }
    mutating func movsx8(_ d: Reg, _ s: Reg, w: Bool) { op(nil, w: w, 0x0FBE, reg: d.rawValue, rm: s.rawValue, forceREX: s.rawValue >= 4) }
    mutating func movsx16(_ d: Reg, _ s: Reg, w: Bool) { op(nil, w: w, 0x0FBF, reg: d.rawValue, rm: s.rawValue) }
    mutating func movsxd(_ d: Reg, _ s: Reg) { op(nil, w: true, 0x63, reg: d.rawValue, rm: s.rawValue) }

    mutating func lea(_ r: Reg, _ m: Mem) { op(nil, w: true, 0x8D, reg: r.rawValue, m) }

    // MARK: Arithmetic

    mutating func alu(_ o: ALU, _ d: Reg, _ s: Reg, w: Bool) { op(nil, w: w, UInt16(o.rawValue << 3 | 3), reg: d.rawValue, rm: s.rawValue) }
    mutating func alu(_ o: ALU, _ d: Reg, _ m: Mem, w: Bool) { op(nil, w: w, UInt16(o.rawValue << 3 | 3), reg: d.rawValue, m) }
    /// `op [m], s`: the memory operand is the destination.
    mutating func alu(_ o: ALU, _ m: Mem, _ s: Reg, w: Bool) { op(nil, w: w, UInt16(o.rawValue << 3 | 1), reg: s.rawValue, m) }
    mutating func alu(_ o: ALU, _ d: Reg, imm: Int32, w: Bool) {
        if imm >= -128 && imm <= 127 {
            op(nil, w: w, 0x83, reg: o.rawValue, rm: d.rawValue); byte(UInt8(bitPattern: Int8(imm)))
        } else {
            op(nil, w: w, 0x81, reg: o.rawValue, rm: d.rawValue); imm32(imm)
        }
    }
    mutating func alu(_ o: ALU, _ m: Mem, imm: Int32, w: Bool) {
        if imm >= -128 && imm <= 127 {
            op(nil, w: w, 0x83, reg: o.rawValue, m); byte(UInt8(bitPattern: Int8(imm)))
        } else {
            op(nil, w: w, 0x81, reg: o.rawValue, m); imm32(imm)
        }
    }
    mutating func test(_ a: Reg, _ b: Reg, w: Bool) { op(nil, w: w, 0x85, reg: b.rawValue, rm: a.rawValue) }
    mutating func imul(_ d: Reg, _ m: Mem, w: Bool) { op(nil, w: w, 0x0FAF, reg: d.rawValue, m) }
    mutating func imul(_ d: Reg, _ s: Reg, w: Bool) { op(nil, w: w, 0x0FAF, reg: d.rawValue, rm: s.rawValue) }
    mutating func imul(_ d: Reg, _ s: Reg, imm: Int32, w: Bool) { op(nil, w: w, 0x69, reg: d.rawValue, rm: s.rawValue); imm32(imm) }
    /// `div`/`idiv` of rdx:rax (edx:eax) by `s`.
    mutating func div(_ s: Reg, signed: Bool, w: Bool) { op(nil, w: w, 0xF7, reg: signed ? 7 : 6, rm: s.rawValue) }
    /// Sign-extends eax into edx (cdq) or rax into rdx (cqo).
    mutating func signExtendAccumulator(w: Bool) { if w { byte(0x48) }; byte(0x99) }
    mutating func shift(_ s: Shift, _ r: Reg, w: Bool) { op(nil, w: w, 0xD3, reg: s.rawValue, rm: r.rawValue) }
    mutating func shift(_ s: Shift, _ r: Reg, imm: UInt8, w: Bool) { op(nil, w: w, 0xC1, reg: s.rawValue, rm: r.rawValue); byte(imm) }
    mutating func neg(_ r: Reg, w: Bool) { op(nil, w: w, 0xF7, reg: 3, rm: r.rawValue) }
    /// `btr`/`btc` with an immediate bit: clears or flips one bit.
    mutating func bitClear(_ r: Reg, _ bit: UInt8, w: Bool) { op(nil, w: w, 0x0FBA, reg: 6, rm: r.rawValue); byte(bit) }
    mutating func bitFlip(_ r: Reg, _ bit: UInt8, w: Bool) { op(nil, w: w, 0x0FBA, reg: 7, rm: r.rawValue); byte(bit) }
    mutating func bsr(_ d: Reg, _ s: Reg, w: Bool) { op(nil, w: w, 0x0FBD, reg: d.rawValue, rm: s.rawValue) }
    mutating func bsf(_ d: Reg, _ s: Reg, w: Bool) { op(nil, w: w, 0x0FBC, reg: d.rawValue, rm: s.rawValue) }

    mutating func setcc(_ c: Condition, _ r: Reg) { op(nil, w: false, 0x0F90 | UInt16(c.rawValue), reg: 0, rm: r.rawValue, forceREX: r.rawValue >= 4) }
    mutating func cmov(_ c: Condition, _ d: Reg, _ s: Reg, w: Bool) { op(nil, w: w, 0x0F40 | UInt16(c.rawValue), reg: d.rawValue, rm: s.rawValue) }

    // MARK: Control

    mutating func jmp(_ label: Label) {
        byte(0xE9); fixups.append((bytes.count, label.id)); imm32(0)
    }
    mutating func jcc(_ c: Condition, _ label: Label) {
        byte(0x0F); byte(0x80 | c.rawValue); fixups.append((bytes.count, label.id)); imm32(0)
    }
    mutating func call(_ label: Label) {
        byte(0xE8); fixups.append((bytes.count, label.id)); imm32(0)
    }
    mutating func call(_ r: Reg) { op(nil, w: false, 0xFF, reg: 2, rm: r.rawValue) }
    mutating func jmp(_ r: Reg) { op(nil, w: false, 0xFF, reg: 4, rm: r.rawValue) }
    mutating func ret() { byte(0xC3) }
    mutating func push(_ r: Reg) { if r.extended { byte(0x41) }; byte(0x50 | r.low3) }
    mutating func pop(_ r: Reg) { if r.extended { byte(0x41) }; byte(0x58 | r.low3) }

    /// `lea r, [rip + label]`.
    mutating func leaRIP(_ r: Reg, _ label: Label) {
        rex(w: true, r: r.rawValue, x: false, b: false)
        byte(0x8D); byte(0x05 | r.low3 << 3)
        fixups.append((bytes.count, label.id)); imm32(0)
    }

    // MARK: SSE2 scalar

    enum FloatOp: UInt8 { case sqrt = 0x51, add = 0x58, mul = 0x59, sub = 0x5C, min = 0x5D, div = 0x5E, max = 0x5F }

    /// movsd/movss xmm, [m] (`double` selects sd).
    mutating func loadFloat(_ x: XMM, _ m: Mem, double: Bool) { op(double ? 0xF2 : 0xF3, w: false, 0x0F10, reg: x.number, m) }
    mutating func storeFloat(_ m: Mem, _ x: XMM, double: Bool) { op(double ? 0xF2 : 0xF3, w: false, 0x0F11, reg: x.number, m) }
    mutating func floatOp(_ o: FloatOp, _ x: XMM, _ m: Mem, double: Bool) { op(double ? 0xF2 : 0xF3, w: false, (0x0F00 | UInt16(o.rawValue)), reg: x.number, m) }
    mutating func floatOp(_ o: FloatOp, _ x: XMM, _ y: XMM, double: Bool) { op(double ? 0xF2 : 0xF3, w: false, (0x0F00 | UInt16(o.rawValue)), reg: x.number, rm: y.number) }
    /// ucomisd/ucomiss x, [m].
    mutating func ucomis(_ x: XMM, _ m: Mem, double: Bool) { op(double ? 0x66 : nil, w: false, 0x0F2E, reg: x.number, m) }
    /// cvtsi2sd/cvtsi2ss x, r/m (a 64-bit source with `w`).
    mutating func convertIntToFloat(_ x: XMM, _ m: Mem, w: Bool, double: Bool) { op(double ? 0xF2 : 0xF3, w: w, 0x0F2A, reg: x.number, m) }
    mutating func convertIntToFloat(_ x: XMM, _ r: Reg, w: Bool, double: Bool) { op(double ? 0xF2 : 0xF3, w: w, 0x0F2A, reg: x.number, rm: r.rawValue) }
    /// cvtss2sd (`toDouble`) or cvtsd2ss of [m].
    mutating func convertFloat(_ x: XMM, _ m: Mem, toDouble: Bool) { op(toDouble ? 0xF3 : 0xF2, w: false, 0x0F5A, reg: x.number, m) }
    /// movq/movd xmm ← gpr and gpr ← xmm.
    mutating func movToXMM(_ x: XMM, _ r: Reg, w: Bool) { op(0x66, w: w, 0x0F6E, reg: x.number, rm: r.rawValue) }
    mutating func movFromXMM(_ r: Reg, _ x: XMM, w: Bool) { op(0x66, w: w, 0x0F7E, reg: x.number, rm: r.rawValue) }
    /// ucomisd/ucomiss x, y.
    mutating func ucomis(_ x: XMM, _ y: XMM, double: Bool) { op(double ? 0x66 : nil, w: false, 0x0F2E, reg: x.number, rm: y.number) }
    /// movaps x, y: copies a whole register.
    mutating func movaps(_ x: XMM, _ y: XMM) { op(nil, w: false, 0x0F28, reg: x.number, rm: y.number) }
    mutating func xorps(_ x: XMM, _ y: XMM) { op(nil, w: false, 0x0F57, reg: x.number, rm: y.number) }
    mutating func andps(_ x: XMM, _ y: XMM) { op(nil, w: false, 0x0F54, reg: x.number, rm: y.number) }
    mutating func orps(_ x: XMM, _ y: XMM) { op(nil, w: false, 0x0F56, reg: x.number, rm: y.number) }
    /// cvtss2sd (`toDouble`) or cvtsd2ss x, y.
    mutating func convertFloat(_ x: XMM, _ y: XMM, toDouble: Bool) { op(toDouble ? 0xF3 : 0xF2, w: false, 0x0F5A, reg: x.number, rm: y.number) }
    /// cvttss2si/cvttsd2si r, x: truncation toward zero (64-bit result with `w`); out of range
    /// and NaN give the "integer indefinite" value, the lowest signed integer.
    mutating func truncateFloat(_ r: Reg, _ x: XMM, w: Bool, double: Bool) { op(double ? 0xF2 : 0xF3, w: w, 0x0F2C, reg: r.rawValue, rm: x.number) }

    // MARK: SSE4.1 and POPCNT (used only when CPUID reports them, see `NativeTier`)

    /// roundss/roundsd x, y, mode (0 nearest-even, 1 down, 2 up, 3 toward zero; +8 suppresses
    /// the inexact exception).
    mutating func round(_ x: XMM, _ y: XMM, mode: UInt8, double: Bool) {
        byte(0x66)
        rex(w: false, r: x.number, x: false, b: y.number >= 8)
        byte(0x0F); byte(0x3A); byte(double ? 0x0B : 0x0A)
        byte(0xC0 | (x.number & 7) << 3 | (y.number & 7))
        byte(mode)
    }
    mutating func popcnt(_ d: Reg, _ s: Reg, w: Bool) { op(0xF3, w: w, 0x0FB8, reg: d.rawValue, rm: s.rawValue) }
    /// `cpuid`: leaf eax (subleaf ecx) into eax, ebx, ecx, edx.
    mutating func cpuid() { byte(0x0F); byte(0xA2) }

    // MARK: Packed SSE...SSE4.1 (the vector templates, used only when CPUID reports them)

    /// A packed instruction: mandatory prefix (66, F2, F3 or none), the escape 0F, an optional
    /// second escape byte (38 or 3A) and the opcode. The ModRM reg field is the first operand
    /// of the Intel syntax, except for the forms noted as storing.
    struct VectorOp {
        let prefix: UInt8?
        let escape: UInt8?
        let code: UInt8
        init(_ prefix: UInt8?, _ escape: UInt8?, _ code: UInt8) { self.prefix = prefix; self.escape = escape; self.code = code }

        // Moves (movdqu loads and stores need no alignment; the other m128 forms would).
        static let movdquLoad = VectorOp(0xF3, nil, 0x6F), movdquStore = VectorOp(0xF3, nil, 0x7F)
        /// movq xmm, xmm/m64 (zeroing bits 64...127), movq m64, xmm.
        static let movqLoad = VectorOp(0xF3, nil, 0x7E), movqStore = VectorOp(0x66, nil, 0xD6)
        /// movd/movq xmm, r/m32 (r/m64 with REX.W): zero-extends.
        static let movdToXMM = VectorOp(0x66, nil, 0x6E)
        static let movdqa = VectorOp(0x66, nil, 0x6F)
        // Integer lanes.
        static let paddb = VectorOp(0x66, nil, 0xFC), paddw = VectorOp(0x66, nil, 0xFD)
        static let paddd = VectorOp(0x66, nil, 0xFE), paddq = VectorOp(0x66, nil, 0xD4)
        static let psubb = VectorOp(0x66, nil, 0xF8), psubw = VectorOp(0x66, nil, 0xF9)
        static let psubd = VectorOp(0x66, nil, 0xFA), psubq = VectorOp(0x66, nil, 0xFB)
        static let paddsb = VectorOp(0x66, nil, 0xEC), paddsw = VectorOp(0x66, nil, 0xED)
        static let paddusb = VectorOp(0x66, nil, 0xDC), paddusw = VectorOp(0x66, nil, 0xDD)
        static let psubsb = VectorOp(0x66, nil, 0xE8), psubsw = VectorOp(0x66, nil, 0xE9)
        static let psubusb = VectorOp(0x66, nil, 0xD8), psubusw = VectorOp(0x66, nil, 0xD9)
        static let pmullw = VectorOp(0x66, nil, 0xD5), pmulld = VectorOp(0x66, 0x38, 0x40)
        static let pmuludq = VectorOp(0x66, nil, 0xF4), pmuldq = VectorOp(0x66, 0x38, 0x28)
        static let pmaddwd = VectorOp(0x66, nil, 0xF5), pmaddubsw = VectorOp(0x66, 0x38, 0x04)
        static let pmulhrsw = VectorOp(0x66, 0x38, 0x0B)
        static let pand = VectorOp(0x66, nil, 0xDB), pandn = VectorOp(0x66, nil, 0xDF)
        static let por = VectorOp(0x66, nil, 0xEB), pxor = VectorOp(0x66, nil, 0xEF)
        static let pcmpeqb = VectorOp(0x66, nil, 0x74), pcmpeqw = VectorOp(0x66, nil, 0x75)
        static let pcmpeqd = VectorOp(0x66, nil, 0x76), pcmpeqq = VectorOp(0x66, 0x38, 0x29)
        static let pcmpgtb = VectorOp(0x66, nil, 0x64), pcmpgtw = VectorOp(0x66, nil, 0x65)
        static let pcmpgtd = VectorOp(0x66, nil, 0x66), pcmpgtq = VectorOp(0x66, 0x38, 0x37)  // SSE4.2
        static let pminsb = VectorOp(0x66, 0x38, 0x38), pminsw = VectorOp(0x66, nil, 0xEA), pminsd = VectorOp(0x66, 0x38, 0x39)
        static let pminub = VectorOp(0x66, nil, 0xDA), pminuw = VectorOp(0x66, 0x38, 0x3A), pminud = VectorOp(0x66, 0x38, 0x3B)
        static let pmaxsb = VectorOp(0x66, 0x38, 0x3C), pmaxsw = VectorOp(0x66, nil, 0xEE), pmaxsd = VectorOp(0x66, 0x38, 0x3D)
        static let pmaxub = VectorOp(0x66, nil, 0xDE), pmaxuw = VectorOp(0x66, 0x38, 0x3E), pmaxud = VectorOp(0x66, 0x38, 0x3F)
        static let pavgb = VectorOp(0x66, nil, 0xE0), pavgw = VectorOp(0x66, nil, 0xE3)
        static let pabsb = VectorOp(0x66, 0x38, 0x1C), pabsw = VectorOp(0x66, 0x38, 0x1D), pabsd = VectorOp(0x66, 0x38, 0x1E)
        static let packsswb = VectorOp(0x66, nil, 0x63), packuswb = VectorOp(0x66, nil, 0x67)
        static let packssdw = VectorOp(0x66, nil, 0x6B), packusdw = VectorOp(0x66, 0x38, 0x2B)
        static let punpcklqdq = VectorOp(0x66, nil, 0x6C)
        static let punpcklbw = VectorOp(0x66, nil, 0x60), punpckhbw = VectorOp(0x66, nil, 0x68)
        static let pshufb = VectorOp(0x66, 0x38, 0x00)
        /// pshufd/pshuflw with an imm8 lane order.
        static let pshufd = VectorOp(0x66, nil, 0x70), pshuflw = VectorOp(0xF2, nil, 0x70)
        static let pmovsxbw = VectorOp(0x66, 0x38, 0x20), pmovsxwd = VectorOp(0x66, 0x38, 0x23), pmovsxdq = VectorOp(0x66, 0x38, 0x25)
        static let pmovzxbw = VectorOp(0x66, 0x38, 0x30), pmovzxwd = VectorOp(0x66, 0x38, 0x33), pmovzxdq = VectorOp(0x66, 0x38, 0x35)
        /// Shifts by the count in the low 64 bits of an xmm register.
        static let psllw = VectorOp(0x66, nil, 0xF1), pslld = VectorOp(0x66, nil, 0xF2), psllq = VectorOp(0x66, nil, 0xF3)
        static let psrlw = VectorOp(0x66, nil, 0xD1), psrld = VectorOp(0x66, nil, 0xD2), psrlq = VectorOp(0x66, nil, 0xD3)
        static let psraw = VectorOp(0x66, nil, 0xE1), psrad = VectorOp(0x66, nil, 0xE2)
        static let ptest = VectorOp(0x66, 0x38, 0x17)
        /// pmovmskb/movmskps/movmskpd r32, xmm (reg: the general register).
        static let pmovmskb = VectorOp(0x66, nil, 0xD7), movmskps = VectorOp(nil, nil, 0x50), movmskpd = VectorOp(0x66, nil, 0x50)
        /// pinsrb/pinsrd(q with REX.W) xmm, r/m, imm8; pinsrw likewise.
        static let pinsrb = VectorOp(0x66, 0x3A, 0x20), pinsrw = VectorOp(0x66, nil, 0xC4), pinsrd = VectorOp(0x66, 0x3A, 0x22)
        // Float lanes.
        static let addps = VectorOp(nil, nil, 0x58), addpd = VectorOp(0x66, nil, 0x58)
        static let subps = VectorOp(nil, nil, 0x5C), subpd = VectorOp(0x66, nil, 0x5C)
        static let mulps = VectorOp(nil, nil, 0x59), mulpd = VectorOp(0x66, nil, 0x59)
        static let divps = VectorOp(nil, nil, 0x5E), divpd = VectorOp(0x66, nil, 0x5E)
        static let minps = VectorOp(nil, nil, 0x5D), minpd = VectorOp(0x66, nil, 0x5D)
        static let maxps = VectorOp(nil, nil, 0x5F), maxpd = VectorOp(0x66, nil, 0x5F)
        static let sqrtps = VectorOp(nil, nil, 0x51), sqrtpd = VectorOp(0x66, nil, 0x51)
        static let andps = VectorOp(nil, nil, 0x54), andnps = VectorOp(nil, nil, 0x55)
        static let orps = VectorOp(nil, nil, 0x56)
        /// cmpps/cmppd with an imm8 predicate (0 eq, 1 lt, 2 le, 3 unord, 4 neq, 7 ord).
        static let cmpps = VectorOp(nil, nil, 0xC2), cmppd = VectorOp(0x66, nil, 0xC2)
        /// roundps/roundpd with an imm8 mode (as `round`).
        static let roundps = VectorOp(0x66, 0x3A, 0x08), roundpd = VectorOp(0x66, 0x3A, 0x09)
        static let cvtdq2ps = VectorOp(nil, nil, 0x5B), cvttps2dq = VectorOp(0xF3, nil, 0x5B)
        static let cvtdq2pd = VectorOp(0xF3, nil, 0xE6), cvttpd2dq = VectorOp(0x66, nil, 0xE6)
        static let cvtps2pd = VectorOp(nil, nil, 0x5A), cvtpd2ps = VectorOp(0x66, nil, 0x5A)
    }

    /// A packed instruction on `reg` (ModRM reg field) and the register `rm`, then `imm`.
    mutating func vector(_ o: VectorOp, reg: UInt8, rm: UInt8, w: Bool = false, imm: UInt8? = nil) {
        if let p = o.prefix { bytes.append(p) }
        rex(w: w, r: reg, x: false, b: rm >= 8)
        bytes.append(0x0F)
        if let e = o.escape { bytes.append(e) }
        bytes.append(o.code)
        bytes.append(0xC0 | (reg & 7) << 3 | (rm & 7))
        if let imm { bytes.append(imm) }
    }

    /// The same with a memory operand.
    mutating func vector(_ o: VectorOp, reg: UInt8, _ m: Mem, w: Bool = false, imm: UInt8? = nil) {
        if let p = o.prefix { bytes.append(p) }
        rex(w: w, r: reg, x: m.index?.extended ?? false, b: m.base.extended)
        bytes.append(0x0F)
        if let e = o.escape { bytes.append(e) }
        bytes.append(o.code)
        modrm(reg: reg, m)
        if let imm { bytes.append(imm) }
    }

    mutating func vector(_ o: VectorOp, _ x: XMM, _ y: XMM, imm: UInt8? = nil) { vector(o, reg: x.number, rm: y.number, imm: imm) }
    mutating func vector(_ o: VectorOp, _ x: XMM, _ m: Mem, imm: UInt8? = nil) { vector(o, reg: x.number, m, imm: imm) }
    /// movdqu x, [m] and movdqu [m], x.
    mutating func movdqu(_ x: XMM, _ m: Mem) { vector(.movdquLoad, x, m) }
    mutating func movdqu(_ m: Mem, _ x: XMM) { vector(.movdquStore, reg: x.number, m) }
    /// Shifts of every lane by an immediate: `digit` 6 left, 2 logical right, 4 arithmetic
    /// right (3 and 7: the whole register right or left by bytes, with `lanes` 0x73);
    /// `lanes` 0x71 (words), 0x72 (dwords), 0x73 (qwords).
    mutating func vectorShift(_ lanes: UInt8, digit: UInt8, _ x: XMM, _ count: UInt8) {
        bytes.append(0x66)
        rex(w: false, r: 0, x: false, b: x.number >= 8)
        bytes.append(0x0F); bytes.append(lanes)
        bytes.append(0xC0 | digit << 3 | (x.number & 7))
        bytes.append(count)
    }
}

/// A growable byte buffer without Swift array checks: the assembler appends a byte at a time.
final class CodeBuffer {
    // One assembler owns each buffer and nothing else reaches it while it writes: dynamic
    // exclusivity checks on these fields cost a tenth of a large program's run when it
    // compiles many functions.
    @exclusivity(unchecked) private(set) var base: UnsafeMutablePointer<UInt8>
    @exclusivity(unchecked) private(set) var count = 0
    @exclusivity(unchecked) private var capacity = 1024

    init() { base = .allocate(capacity: capacity) }
    init(copying other: CodeBuffer) {
        capacity = Swift.max(other.capacity, 1)
        base = .allocate(capacity: capacity)
        base.initialize(from: other.base, count: other.count)
        count = other.count
    }
    deinit { base.deallocate() }

    @inline(__always) func append(_ byte: UInt8) {
        if count == capacity { grow() }
        base[count] = byte
        count += 1
    }

    subscript(position: Int) -> UInt8 {
        get { base[position] }
        set { base[position] = newValue }
    }

    var contents: UnsafeRawBufferPointer { UnsafeRawBufferPointer(start: base, count: count) }

    private func grow() {
        let larger = UnsafeMutablePointer<UInt8>.allocate(capacity: capacity * 2)
        larger.initialize(from: base, count: count)
        base.deallocate()
        base = larger
        capacity *= 2
    }
}
