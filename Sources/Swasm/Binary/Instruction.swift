/// The WebAssembly instruction set, defined once: `InstructionReader` decodes into these
/// values, `FunctionValidator` types them and the compiler translates them. See
/// https://webassembly.github.io/spec/core/syntax/instructions.html and
/// https://webassembly.github.io/spec/core/binary/instructions.html
///
/// Design:
/// - `Instruction` is a trivial (POD) enum: copying one is a memcpy, never a retain. The only
///   variable-length immediate, `br_table`'s target list, lives in the reader's reusable
///   buffer (`InstructionReader.brTableTargets`) and the instruction carries its range.
/// - The ~140 numeric instructions without immediates are one case, `.numeric(NumericOp)`.
///   `NumericOp`'s raw values are contiguous (`NumericOp.indexRange`), so the compiler can map
///   an op to an IR opcode with a table or an offset, and `NumericOp.signature` gives the
///   operand and result types from a handful of opcode ranges instead of a 140-way switch.
/// - Loads and stores are two cases keyed by `LoadOp`/`StoreOp`, which know their value type,
///   access width and natural alignment.
/// - Proposals' instructions decode into cases when enabled in `InstructionReader.Features`;
///   new proposals add cases here, next to their family.

/// The type of a structured instruction (`block`, `loop`, `if`).
public enum BlockType: Hashable, Sendable {
    /// `[] -> []`
    case empty
    /// `[] -> [t]`
    case value(ValueType)
    /// The function type at this index of the type section (multi-value: `[t1*] -> [t2*]`).
    case typeIndex(UInt32)
}

/// The immediate of a load or store.
public struct MemArg: Hashable, Sendable {
    /// Constant byte offset added to the dynamic address (u64 so memory64 needs no change).
    public var offset: UInt64
    /// Alignment hint as a power-of-two exponent (`align=2^alignLog2`).
    public var alignLog2: UInt32
    /// Memory index (multi-memory); 0 in Wasm 2.0.
    public var memory: UInt32

    /// A memarg with these fields.
    public init(offset: UInt64, alignLog2: UInt32, memory: UInt32 = 0) {
        self.offset = offset
        self.alignLog2 = alignLog2
        self.memory = memory
    }
}

/// `br_table`'s immediates. The targets are `InstructionReader.brTableTargets[targets]`;
/// they stay valid until the reader is discarded (the buffer only grows during one body).
public struct BrTable: Hashable, Sendable {
    /// Start of the target labels in the reader's `brTableTargets`.
    public var targetStart: UInt32
    /// Number of target labels (the default label excluded).
    public var targetCount: UInt32
    /// The label taken when the index is out of range.
    public var defaultTarget: UInt32

    /// A `br_table` immediate with these fields.
    public init(targetStart: UInt32, targetCount: UInt32, defaultTarget: UInt32) {
        self.targetStart = targetStart
        self.targetCount = targetCount
        self.defaultTarget = defaultTarget
    }

    /// Range of the targets in `InstructionReader.brTableTargets`.
    public var targets: Range<Int> {
        Int(targetStart)..<(Int(targetStart) + Int(targetCount))
    }
}

/// `try_table`'s catch clauses, kept like `br_table`'s targets in the reader's
/// `brTableTargets` buffer: three words per clause (kind, tag index, label).
public struct TryTable: Hashable, Sendable {
    /// The clause kinds, with their binary codes.
    public enum CatchKind: UInt32, Hashable, Sendable {
        /// `catch x l`: the tag's values; `catch_ref x l`: the values and the exnref.
        case `catch` = 0, catchRef = 1
        /// `catch_all l`: nothing; `catch_all_ref l`: the exnref.
        case catchAll = 2, catchAllRef = 3
    }
    /// One clause.
    public struct Catch: Hashable, Sendable {
        /// Which of the four clauses.
        public var kind: CatchKind
        /// The tag index (unused by the `catch_all` forms).
        public var tag: UInt32
        /// The label branched to, relative to the code around the `try_table`.
        public var label: UInt32
    }
    /// Start of the clauses' words in `InstructionReader.brTableTargets`.
    public var start: UInt32
    /// Number of clauses.
    public var count: UInt32

    /// The clauses, read from the reader's buffer (nil if the range is not in it).
    public func catches(in buffer: [UInt32]) -> [Catch]? {
        let first = Int(start), end = first + 3 * Int(count)
        guard end <= buffer.count else { return nil }
        var result: [Catch] = []
        result.reserveCapacity(Int(count))
        var i = first
        while i < end {
            guard let kind = CatchKind(rawValue: buffer[i]) else { return nil }
            result.append(Catch(kind: kind, tag: buffer[i + 1], label: buffer[i + 2]))
            i += 3
        }
        return result
    }
}

/// One decoded instruction with its immediates.
public enum Instruction: Hashable, Sendable {
    // MARK: Control
    /// `unreachable`: traps.
    case unreachable
    /// `nop`.
    case nop
    /// `block bt ... end`.
    case block(BlockType)
    /// `loop bt ... end`: branches to it go back to its start.
    case loop(BlockType)
    /// `if bt ... else ... end`.
    case `if`(BlockType)
    /// `else`: ends the `if` arm.
    case `else`
    /// `end` of a block, loop, if or the function.
    case end
    /// Label index (relative depth).
    case br(UInt32)
    /// `br_if l`: label index.
    case brIf(UInt32)
    /// `br_table l* l`: see `BrTable`.
    case brTable(BrTable)
    /// `return`.
    case `return`
    /// Function index.
    case call(UInt32)
    /// `call_indirect`: type index and table index.
    case callIndirect(typeIndex: UInt32, table: UInt32)
    /// Tail calls (decoded only with `InstructionReader.Features.tailCall`).
    case returnCall(UInt32)
    /// `return_call_indirect`: type index and table index (tail calls).
    case returnCallIndirect(typeIndex: UInt32, table: UInt32)

    // MARK: Exceptions (https://webassembly.github.io/spec/core/syntax/instructions.html#control-instructions)
    /// `throw x`: throws a new exception of tag x with the tag's parameters as its values.
    case `throw`(UInt32)
    /// `throw_ref`: rethrows the exception an `exnref` refers to (traps on null).
    case throwRef
    /// `try_table bt catch*`: a block whose exceptions the catch clauses (in the reader's
    /// `brTableTargets`, see `TryTable`) turn into branches.
    case tryTable(BlockType, TryTable)
    /// Legacy exception handling (still emitted by shipped toolchains): `try bt` opens a
    /// block whose `catch`/`catch_all` arms handle its exceptions (or `delegate` passes them on).
    case `try`(BlockType)
    /// Legacy `catch x`: the arm run for exceptions of tag x, with its values.
    case `catch`(UInt32)
    /// Legacy `catch_all`: the arm run for any exception.
    case catchAll
    /// Legacy `delegate l`: ends a `try` whose exceptions go to the handlers of label l.
    case delegate(UInt32)
    /// Legacy `rethrow l`: throws the exception caught by the catch arm at label l again.
    case rethrow(UInt32)

    // MARK: Reference
    /// `ref.null ht`.
    case refNull(HeapType)
    /// `ref.is_null`.
    case refIsNull
    /// Function index.
    case refFunc(UInt32)
    /// `call_ref x`: calls the function reference on the stack, of type `x`.
    case callRef(UInt32)
    /// `return_call_ref x`: the tail-call form of `call_ref`.
    case returnCallRef(UInt32)
    /// `ref.as_non_null`: traps on null, otherwise passes the reference on as non-nullable.
    case refAsNonNull
    /// `br_on_null l`: branches on null (dropping it), otherwise passes the reference on.
    case brOnNull(UInt32)
    /// `br_on_non_null l`: branches with a non-null reference, otherwise drops the null.
    case brOnNonNull(UInt32)

    // MARK: Parametric
    /// `drop`.
    case drop
    /// Untyped `select` (numeric and vector operands only).
    case select
    /// `select t*`. Wasm 2.0 allows exactly one type; `nil` records that the binary listed
    /// zero or several, which validation reports as "invalid result arity".
    case typedSelect(ValueType?)

    // MARK: Variable
    /// `local.get x`: local index.
    case localGet(UInt32)
    /// `local.set x`.
    case localSet(UInt32)
    /// `local.tee x`.
    case localTee(UInt32)
    /// `global.get x`: global index.
    case globalGet(UInt32)
    /// `global.set x`.
    case globalSet(UInt32)

    // MARK: Table
    /// `table.get x`: table index.
    case tableGet(UInt32)
    /// `table.set x`.
    case tableSet(UInt32)
    /// `table.size x`.
    case tableSize(UInt32)
    /// `table.grow x`.
    case tableGrow(UInt32)
    /// `table.fill x`.
    case tableFill(UInt32)
    /// `table.copy x y`: destination and source tables.
    case tableCopy(destination: UInt32, source: UInt32)
    /// `table.init x y`: element segment and table.
    case tableInit(element: UInt32, table: UInt32)
    /// `elem.drop x`: element segment index.
    case elemDrop(UInt32)

    // MARK: Memory
    /// Every scalar load.
    case load(LoadOp, MemArg)
    /// Every scalar store.
    case store(StoreOp, MemArg)
    /// Memory index.
    case memorySize(UInt32)
    /// `memory.grow`: memory index.
    case memoryGrow(UInt32)
    /// `memory.fill`: memory index.
    case memoryFill(UInt32)
    /// `memory.copy`: destination and source memories.
    case memoryCopy(destination: UInt32, source: UInt32)
    /// `memory.init`: data segment and memory.
    case memoryInit(data: UInt32, memory: UInt32)
    /// `data.drop`: data segment index.
    case dataDrop(UInt32)

    // MARK: Numeric
    /// `i32.const`.
    case i32Const(Int32)
    /// `i64.const`.
    case i64Const(Int64)
    /// Bit pattern, so NaN payloads survive.
    case f32Const(UInt32)
    /// `f64.const`: bit pattern.
    case f64Const(UInt64)
    /// Every numeric instruction without immediates.
    case numeric(NumericOp)

    // MARK: Vector
    /// A 128-bit SIMD instruction (`0xFD` prefix) with its immediates; see InstructionSIMD.swift.
    case simd(SIMDInstruction)

    // MARK: Atomic (threads)
    /// An atomic memory instruction (`0xFE` prefix); see InstructionAtomics.swift. `atomic.fence`
    /// has no memarg and carries a zero one.
    case atomic(AtomicOp, MemArg)

    // MARK: Garbage collection
    /// A GC instruction (`0xFB` prefix, and `ref.eq`); see InstructionGC.swift.
    case gc(GCInstruction)
}

// MARK: - Loads and stores

/// The load instructions; raw values are the binary opcodes (0x28...0x35).
public enum LoadOp: UInt8, CaseIterable, Hashable, Sendable {
    /// Full-width loads.
    case i32Load = 0x28, i64Load, f32Load, f64Load
    /// Narrow loads into i32.
    case i32Load8S, i32Load8U, i32Load16S, i32Load16U
    /// Narrow loads into i64.
    case i64Load8S, i64Load8U, i64Load16S, i64Load16U, i64Load32S, i64Load32U

    /// The type pushed.
    public var valueType: ValueType {
        switch self {
        case .i32Load, .i32Load8S, .i32Load8U, .i32Load16S, .i32Load16U: return .i32
        case .f32Load: return .f32
        case .f64Load: return .f64
        default: return .i64
        }
    }

    /// Bytes read from memory; also the natural alignment.
    public var byteWidth: Int { 1 << Int(naturalAlignmentLog2) }

    /// log2 of the access width: the largest valid `MemArg.alignLog2`.
    public var naturalAlignmentLog2: UInt32 {
        switch self {
        case .i32Load8S, .i32Load8U, .i64Load8S, .i64Load8U: return 0
        case .i32Load16S, .i32Load16U, .i64Load16S, .i64Load16U: return 1
        case .i32Load, .f32Load, .i64Load32S, .i64Load32U: return 2
        case .i64Load, .f64Load: return 3
        }
    }

    /// Whether a narrow load sign-extends.
    public var isSigned: Bool {
        switch self {
        case .i32Load8S, .i32Load16S, .i64Load8S, .i64Load16S, .i64Load32S: return true
        default: return false
        }
    }

    /// The text-format name, e.g. "i32.load8_u".
    public var name: String {
        switch self {
        case .i32Load: return "i32.load"
        case .i64Load: return "i64.load"
        case .f32Load: return "f32.load"
        case .f64Load: return "f64.load"
        case .i32Load8S: return "i32.load8_s"
        case .i32Load8U: return "i32.load8_u"
        case .i32Load16S: return "i32.load16_s"
        case .i32Load16U: return "i32.load16_u"
        case .i64Load8S: return "i64.load8_s"
        case .i64Load8U: return "i64.load8_u"
        case .i64Load16S: return "i64.load16_s"
        case .i64Load16U: return "i64.load16_u"
        case .i64Load32S: return "i64.load32_s"
        case .i64Load32U: return "i64.load32_u"
        }
    }
}

/// The store instructions; raw values are the binary opcodes (0x36...0x3E).
public enum StoreOp: UInt8, CaseIterable, Hashable, Sendable {
    /// Full-width stores.
    case i32Store = 0x36, i64Store, f32Store, f64Store
    /// Narrow stores.
    case i32Store8, i32Store16, i64Store8, i64Store16, i64Store32

    /// The type popped as the stored value.
    public var valueType: ValueType {
        switch self {
        case .i32Store, .i32Store8, .i32Store16: return .i32
        case .f32Store: return .f32
        case .f64Store: return .f64
        case .i64Store, .i64Store8, .i64Store16, .i64Store32: return .i64
        }
    }

    /// Bytes written to memory; also the natural alignment.
    public var byteWidth: Int { 1 << Int(naturalAlignmentLog2) }

    /// log2 of the access width: the largest valid `MemArg.alignLog2`.
    public var naturalAlignmentLog2: UInt32 {
        switch self {
        case .i32Store8, .i64Store8: return 0
        case .i32Store16, .i64Store16: return 1
        case .i32Store, .f32Store, .i64Store32: return 2
        case .i64Store, .f64Store: return 3
        }
    }

    /// The text-format name, e.g. "i32.store8".
    public var name: String {
        switch self {
        case .i32Store: return "i32.store"
        case .i64Store: return "i64.store"
        case .f32Store: return "f32.store"
        case .f64Store: return "f64.store"
        case .i32Store8: return "i32.store8"
        case .i32Store16: return "i32.store16"
        case .i64Store8: return "i64.store8"
        case .i64Store16: return "i64.store16"
        case .i64Store32: return "i64.store32"
        }
    }
}

// MARK: - Numeric instructions

/// Every numeric instruction without immediates: comparisons, arithmetic, conversions,
/// sign extension and saturating truncation.
///
/// Raw values are the one-byte opcodes (0x45...0xC4). The saturating truncations, whose
/// binary encoding is `0xFC 0x00...0x07`, continue the sequence at 0xC5...0xCC, so every op
/// has a dense index `rawValue - NumericOp.indexRange.lowerBound` for lookup tables.
public enum NumericOp: UInt8, CaseIterable, Hashable, Sendable {
    /// i32 comparisons
    case i32Eqz = 0x45, i32Eq, i32Ne, i32LtS, i32LtU, i32GtS, i32GtU, i32LeS, i32LeU, i32GeS, i32GeU
    /// i64 comparisons
    case i64Eqz = 0x50, i64Eq, i64Ne, i64LtS, i64LtU, i64GtS, i64GtU, i64LeS, i64LeU, i64GeS, i64GeU
    /// f32 comparisons.
    case f32Eq = 0x5B, f32Ne, f32Lt, f32Gt, f32Le, f32Ge
    /// f64 comparisons.
    case f64Eq = 0x61, f64Ne, f64Lt, f64Gt, f64Le, f64Ge
    /// i32 bit counts.
    case i32Clz = 0x67, i32Ctz, i32Popcnt
    /// i32 arithmetic.
    case i32Add = 0x6A, i32Sub, i32Mul, i32DivS, i32DivU, i32RemS, i32RemU
    /// i32 bitwise operations, shifts and rotations.
    case i32And, i32Or, i32Xor, i32Shl, i32ShrS, i32ShrU, i32Rotl, i32Rotr
    /// i64 bit counts.
    case i64Clz = 0x79, i64Ctz, i64Popcnt
    /// i64 arithmetic.
    case i64Add = 0x7C, i64Sub, i64Mul, i64DivS, i64DivU, i64RemS, i64RemU
    /// i64 bitwise operations, shifts and rotations.
    case i64And, i64Or, i64Xor, i64Shl, i64ShrS, i64ShrU, i64Rotl, i64Rotr
    /// f32 unary arithmetic.
    case f32Abs = 0x8B, f32Neg, f32Ceil, f32Floor, f32Trunc, f32Nearest, f32Sqrt
    /// f32 binary arithmetic.
    case f32Add = 0x92, f32Sub, f32Mul, f32Div, f32Min, f32Max, f32Copysign
    /// f64 unary arithmetic.
    case f64Abs = 0x99, f64Neg, f64Ceil, f64Floor, f64Trunc, f64Nearest, f64Sqrt
    /// f64 binary arithmetic.
    case f64Add = 0xA0, f64Sub, f64Mul, f64Div, f64Min, f64Max, f64Copysign
    /// Conversions: i64 to i32.
    case i32WrapI64 = 0xA7
    /// Trapping truncations to i32.
    case i32TruncF32S, i32TruncF32U, i32TruncF64S, i32TruncF64U
    /// i32 to i64 extensions.
    case i64ExtendI32S = 0xAC, i64ExtendI32U
    /// Trapping truncations to i64.
    case i64TruncF32S, i64TruncF32U, i64TruncF64S, i64TruncF64U
    /// Conversions to f32.
    case f32ConvertI32S = 0xB2, f32ConvertI32U, f32ConvertI64S, f32ConvertI64U, f32DemoteF64
    /// Conversions to f64.
    case f64ConvertI32S = 0xB7, f64ConvertI32U, f64ConvertI64S, f64ConvertI64U, f64PromoteF32
    /// Bit reinterpretations.
    case i32ReinterpretF32 = 0xBC, i64ReinterpretF64, f32ReinterpretI32, f64ReinterpretI64
    /// Sign extension
    case i32Extend8S = 0xC0, i32Extend16S, i64Extend8S, i64Extend16S, i64Extend32S
    /// Saturating truncations to i32 (binary: 0xFC 0x00...0x07).
    case i32TruncSatF32S = 0xC5, i32TruncSatF32U, i32TruncSatF64S, i32TruncSatF64U
    /// Saturating truncations to i64.
    case i64TruncSatF32S, i64TruncSatF32U, i64TruncSatF64S, i64TruncSatF64U

    /// The raw values in use; `rawValue - indexRange.lowerBound` is a dense index.
    public static let indexRange: ClosedRange<UInt8> = 0x45...0xCC

    /// Dense index in 0..<NumericOp.allCases.count.
    public var index: Int { Int(rawValue &- 0x45) }

    /// The op for a one-byte opcode (0x45...0xC4), or nil.
    @inline(__always)
    public static func fromOpcode(_ opcode: UInt8) -> NumericOp? {
        let i = Int(opcode) &- 0x45
        return i >= 0 && i < 0x80 ? byIndex[i] : nil
    }

    /// The op for a `0xFC`-prefixed sub-opcode (0...7: saturating truncation), or nil.
    public static func fromPrefixedOpcode(_ subOpcode: UInt32) -> NumericOp? {
        subOpcode <= 7 ? byIndex[0x80 + Int(subOpcode)] : nil
    }

    /// Every op by dense index (declaration order is raw-value order); a table lookup is
    /// cheaper than the 136-way `init(rawValue:)` in the reader's hot path.
    private static let byIndex: [NumericOp] = allCases

    /// The binary encoding: (prefix, opcode). `prefix` is nil for one-byte opcodes.
    public var encoding: (prefix: UInt8?, opcode: UInt32) {
        rawValue >= 0xC5 ? (0xFC, UInt32(rawValue - 0xC5)) : (nil, UInt32(rawValue))
    }

    /// The shape of an op's stack effect.
    public enum Shape: UInt8, Hashable, Sendable {
        /// `[t] -> [t]` (clz, abs, sqrt, extend8_s, ...)
        case unary
        /// `[t t] -> [t]`
        case binary
        /// `[t] -> [i32]` (eqz)
        case test
        /// `[t t] -> [i32]`
        case compare
        /// `[t1] -> [t2]`, t1 ≠ t2 (wrap, extend, trunc, convert, demote, promote, reinterpret)
        case conversion
    }

    /// Operand and result types of an op. `operandCount` is 2 for `binary`/`compare`, else 1,
    /// and both operands have type `operand`.
    public struct Signature: Hashable, Sendable {
        /// How the op uses the stack.
        public var shape: Shape
        /// The type of each operand.
        public var operand: ValueType
        /// The type of the result.
        public var result: ValueType
        /// How many operands the op pops.
        public var operandCount: Int { shape == .binary || shape == .compare ? 2 : 1 }
    }

    /// The op's type.
    @inline(__always)
    public var signature: Signature { NumericOp.signatures[index] }

    private static let signatures: [Signature] = allCases.map(\.computedSignature)

    /// The op's type, derived from the opcode ranges the binary format groups by type.
    private var computedSignature: Signature {
        let r = rawValue
        switch r {
        case 0x45: return Signature(shape: .test, operand: .i32, result: .i32)
        case 0x46...0x4F: return Signature(shape: .compare, operand: .i32, result: .i32)
        case 0x50: return Signature(shape: .test, operand: .i64, result: .i32)
        case 0x51...0x5A: return Signature(shape: .compare, operand: .i64, result: .i32)
        case 0x5B...0x60: return Signature(shape: .compare, operand: .f32, result: .i32)
        case 0x61...0x66: return Signature(shape: .compare, operand: .f64, result: .i32)
        case 0x67...0x69, 0xC0, 0xC1: return Signature(shape: .unary, operand: .i32, result: .i32)
        case 0x6A...0x78: return Signature(shape: .binary, operand: .i32, result: .i32)
        case 0x79...0x7B, 0xC2...0xC4: return Signature(shape: .unary, operand: .i64, result: .i64)
        case 0x7C...0x8A: return Signature(shape: .binary, operand: .i64, result: .i64)
        case 0x8B...0x91: return Signature(shape: .unary, operand: .f32, result: .f32)
        case 0x92...0x98: return Signature(shape: .binary, operand: .f32, result: .f32)
        case 0x99...0x9F: return Signature(shape: .unary, operand: .f64, result: .f64)
        case 0xA0...0xA6: return Signature(shape: .binary, operand: .f64, result: .f64)
        default: break
        }
        let from: ValueType, to: ValueType
        switch r {
        case 0xA7: (from, to) = (.i64, .i32)
        case 0xA8, 0xA9, 0xBC, 0xC5, 0xC6: (from, to) = (.f32, .i32)
        case 0xAA, 0xAB, 0xC7, 0xC8: (from, to) = (.f64, .i32)
        case 0xAC, 0xAD: (from, to) = (.i32, .i64)
        case 0xAE, 0xAF, 0xC9, 0xCA: (from, to) = (.f32, .i64)
        case 0xB0, 0xB1, 0xBD, 0xCB, 0xCC: (from, to) = (.f64, .i64)
        case 0xB2, 0xB3, 0xBE: (from, to) = (.i32, .f32)
        case 0xB4, 0xB5: (from, to) = (.i64, .f32)
        case 0xB6: (from, to) = (.f64, .f32)
        case 0xB7, 0xB8: (from, to) = (.i32, .f64)
        case 0xB9, 0xBA, 0xBF: (from, to) = (.i64, .f64)
        default: (from, to) = (.f32, .f64)  // 0xBB f64.promote_f32
        }
        return Signature(shape: .conversion, operand: from, result: to)
    }

    /// The text-format name, e.g. "i32.add".
    public var name: String { NumericOp.names[index] }

    /// Text-format names in raw-value order.
    static let names: [String] = [
        "i32.eqz", "i32.eq", "i32.ne", "i32.lt_s", "i32.lt_u", "i32.gt_s", "i32.gt_u",
        "i32.le_s", "i32.le_u", "i32.ge_s", "i32.ge_u",
        "i64.eqz", "i64.eq", "i64.ne", "i64.lt_s", "i64.lt_u", "i64.gt_s", "i64.gt_u",
        "i64.le_s", "i64.le_u", "i64.ge_s", "i64.ge_u",
        "f32.eq", "f32.ne", "f32.lt", "f32.gt", "f32.le", "f32.ge",
        "f64.eq", "f64.ne", "f64.lt", "f64.gt", "f64.le", "f64.ge",
        "i32.clz", "i32.ctz", "i32.popcnt",
        "i32.add", "i32.sub", "i32.mul", "i32.div_s", "i32.div_u", "i32.rem_s", "i32.rem_u",
        "i32.and", "i32.or", "i32.xor", "i32.shl", "i32.shr_s", "i32.shr_u", "i32.rotl", "i32.rotr",
        "i64.clz", "i64.ctz", "i64.popcnt",
        "i64.add", "i64.sub", "i64.mul", "i64.div_s", "i64.div_u", "i64.rem_s", "i64.rem_u",
        "i64.and", "i64.or", "i64.xor", "i64.shl", "i64.shr_s", "i64.shr_u", "i64.rotl", "i64.rotr",
        "f32.abs", "f32.neg", "f32.ceil", "f32.floor", "f32.trunc", "f32.nearest", "f32.sqrt",
        "f32.add", "f32.sub", "f32.mul", "f32.div", "f32.min", "f32.max", "f32.copysign",
        "f64.abs", "f64.neg", "f64.ceil", "f64.floor", "f64.trunc", "f64.nearest", "f64.sqrt",
        "f64.add", "f64.sub", "f64.mul", "f64.div", "f64.min", "f64.max", "f64.copysign",
        "i32.wrap_i64", "i32.trunc_f32_s", "i32.trunc_f32_u", "i32.trunc_f64_s", "i32.trunc_f64_u",
        "i64.extend_i32_s", "i64.extend_i32_u",
        "i64.trunc_f32_s", "i64.trunc_f32_u", "i64.trunc_f64_s", "i64.trunc_f64_u",
        "f32.convert_i32_s", "f32.convert_i32_u", "f32.convert_i64_s", "f32.convert_i64_u",
        "f32.demote_f64",
        "f64.convert_i32_s", "f64.convert_i32_u", "f64.convert_i64_s", "f64.convert_i64_u",
        "f64.promote_f32",
        "i32.reinterpret_f32", "i64.reinterpret_f64", "f32.reinterpret_i32", "f64.reinterpret_i64",
        "i32.extend8_s", "i32.extend16_s", "i64.extend8_s", "i64.extend16_s", "i64.extend32_s",
        "i32.trunc_sat_f32_s", "i32.trunc_sat_f32_u", "i32.trunc_sat_f64_s", "i32.trunc_sat_f64_u",
        "i64.trunc_sat_f32_s", "i64.trunc_sat_f32_u", "i64.trunc_sat_f64_s", "i64.trunc_sat_f64_u",
    ]
}

// MARK: - Names

extension Instruction {
    /// The text-format mnemonic (without immediates), for disassembly and messages.
    public var name: String {
        switch self {
        case .unreachable: return "unreachable"
        case .nop: return "nop"
        case .block: return "block"
        case .loop: return "loop"
        case .if: return "if"
        case .else: return "else"
        case .end: return "end"
        case .br: return "br"
        case .brIf: return "br_if"
        case .brTable: return "br_table"
        case .return: return "return"
        case .call: return "call"
        case .callIndirect: return "call_indirect"
        case .returnCall: return "return_call"
        case .returnCallIndirect: return "return_call_indirect"
        case .throw: return "throw"
        case .throwRef: return "throw_ref"
        case .tryTable: return "try_table"
        case .try: return "try"
        case .catch: return "catch"
        case .catchAll: return "catch_all"
        case .delegate: return "delegate"
        case .rethrow: return "rethrow"
        case .refNull: return "ref.null"
        case .refIsNull: return "ref.is_null"
        case .refFunc: return "ref.func"
        case .callRef: return "call_ref"
        case .returnCallRef: return "return_call_ref"
        case .refAsNonNull: return "ref.as_non_null"
        case .brOnNull: return "br_on_null"
        case .brOnNonNull: return "br_on_non_null"
        case .drop: return "drop"
        case .select, .typedSelect: return "select"
        case .localGet: return "local.get"
        case .localSet: return "local.set"
        case .localTee: return "local.tee"
        case .globalGet: return "global.get"
        case .globalSet: return "global.set"
        case .tableGet: return "table.get"
        case .tableSet: return "table.set"
        case .tableSize: return "table.size"
        case .tableGrow: return "table.grow"
        case .tableFill: return "table.fill"
        case .tableCopy: return "table.copy"
        case .tableInit: return "table.init"
        case .elemDrop: return "elem.drop"
        case .load(let op, _): return op.name
        case .store(let op, _): return op.name
        case .memorySize: return "memory.size"
        case .memoryGrow: return "memory.grow"
        case .memoryFill: return "memory.fill"
        case .memoryCopy: return "memory.copy"
        case .memoryInit: return "memory.init"
        case .dataDrop: return "data.drop"
        case .i32Const: return "i32.const"
        case .i64Const: return "i64.const"
        case .f32Const: return "f32.const"
        case .f64Const: return "f64.const"
        case .numeric(let op): return op.name
        case .simd(let instruction): return instruction.op.name
        case .atomic(let op, _): return op.name
        case .gc(let instruction): return instruction.name
        }
    }
}
