/// The register IR executed by the interpreter.
///
/// Code is a flat buffer of 64-bit words. Every instruction starts with a header word:
///
///     bits  0..15  opcode (`IROpcode.rawValue`)
///     bits 16..31  reserved (a memory index for multi-memory variants); `simd`: its `SIMDIROpcode`
///     bits 32..63  operand A (usually the destination slot)
///
/// followed by operand words. A word holding two 32-bit operands is written `[x|y]` below
/// (x in the low half). Slots are indices into the running frame: parameters and locals first,
/// then the operand stack; every value is one 64-bit slot, a `v128` two consecutive ones.
/// Branch offsets are signed word distances from the branch instruction's header word.
///
/// The numeric instructions without immediates come first, in `NumericOp` order, so the
/// translator maps a `NumericOp` to its register form by adding its dense index; their
/// immediate forms and the fused compare-and-branch forms follow the same order.
/// `IROpcode.layout` describes the operand words of each opcode for the disassembler; the
/// interpreter loop (Interpreter.swift) is the one place that gives them meaning.
enum IROpcode: UInt16, CaseIterable {
    // MARK: Numeric, register forms (NumericOp order). Unary/conversion: [op|d][s].
    // Binary/compare: [op|d][a|b].
    case i32Eqz = 0, i32Eq, i32Ne, i32LtS, i32LtU, i32GtS, i32GtU, i32LeS, i32LeU, i32GeS, i32GeU
    case i64Eqz, i64Eq, i64Ne, i64LtS, i64LtU, i64GtS, i64GtU, i64LeS, i64LeU, i64GeS, i64GeU
    case f32Eq, f32Ne, f32Lt, f32Gt, f32Le, f32Ge
    case f64Eq, f64Ne, f64Lt, f64Gt, f64Le, f64Ge
    case i32Clz, i32Ctz, i32Popcnt
    case i32Add, i32Sub, i32Mul, i32DivS, i32DivU, i32RemS, i32RemU
    case i32And, i32Or, i32Xor, i32Shl, i32ShrS, i32ShrU, i32Rotl, i32Rotr
    case i64Clz, i64Ctz, i64Popcnt
    case i64Add, i64Sub, i64Mul, i64DivS, i64DivU, i64RemS, i64RemU
    case i64And, i64Or, i64Xor, i64Shl, i64ShrS, i64ShrU, i64Rotl, i64Rotr
    case f32Abs, f32Neg, f32Ceil, f32Floor, f32Trunc, f32Nearest, f32Sqrt
    case f32Add, f32Sub, f32Mul, f32Div, f32Min, f32Max, f32Copysign
    case f64Abs, f64Neg, f64Ceil, f64Floor, f64Trunc, f64Nearest, f64Sqrt
    case f64Add, f64Sub, f64Mul, f64Div, f64Min, f64Max, f64Copysign
    case i32WrapI64, i32TruncF32S, i32TruncF32U, i32TruncF64S, i32TruncF64U
    case i64ExtendI32S, i64ExtendI32U, i64TruncF32S, i64TruncF32U, i64TruncF64S, i64TruncF64U
    case f32ConvertI32S, f32ConvertI32U, f32ConvertI64S, f32ConvertI64U, f32DemoteF64
    case f64ConvertI32S, f64ConvertI32U, f64ConvertI64S, f64ConvertI64U, f64PromoteF32
    case i32ReinterpretF32, i64ReinterpretF64, f32ReinterpretI32, f64ReinterpretI64
    case i32Extend8S, i32Extend16S, i64Extend8S, i64Extend16S, i64Extend32S
    case i32TruncSatF32S, i32TruncSatF32U, i32TruncSatF64S, i32TruncSatF64U
    case i64TruncSatF32S, i64TruncSatF32U, i64TruncSatF64S, i64TruncSatF64U

    // MARK: Immediate forms: [op|d][a|imm32]. i64 immediates are sign-extended.
    case i32EqImm, i32NeImm, i32LtSImm, i32LtUImm, i32GtSImm, i32GtUImm, i32LeSImm, i32LeUImm
    case i32GeSImm, i32GeUImm
    case i64EqImm, i64NeImm, i64LtSImm, i64LtUImm, i64GtSImm, i64GtUImm, i64LeSImm, i64LeUImm
    case i64GeSImm, i64GeUImm
    case i32AddImm, i32SubImm, i32MulImm, i32DivSImm, i32DivUImm, i32RemSImm, i32RemUImm
    case i32AndImm, i32OrImm, i32XorImm, i32ShlImm, i32ShrSImm, i32ShrUImm, i32RotlImm, i32RotrImm
    case i64AddImm, i64SubImm, i64MulImm, i64DivSImm, i64DivUImm, i64RemSImm, i64RemUImm
    case i64AndImm, i64OrImm, i64XorImm, i64ShlImm, i64ShrSImm, i64ShrUImm, i64RotlImm, i64RotrImm

    // MARK: Fused compare and branch: [op|a][b|offset] and [op|a][imm32|offset].
    case brIfI32Eq, brIfI32Ne, brIfI32LtS, brIfI32LtU, brIfI32GtS, brIfI32GtU, brIfI32LeS
    case brIfI32LeU, brIfI32GeS, brIfI32GeU
    case brIfI64Eq, brIfI64Ne, brIfI64LtS, brIfI64LtU, brIfI64GtS, brIfI64GtU, brIfI64LeS
    case brIfI64LeU, brIfI64GeS, brIfI64GeU
    case brIfI32EqImm, brIfI32NeImm, brIfI32LtSImm, brIfI32LtUImm, brIfI32GtSImm, brIfI32GtUImm
    case brIfI32LeSImm, brIfI32LeUImm, brIfI32GeSImm, brIfI32GeUImm
    case brIfI64EqImm, brIfI64NeImm, brIfI64LtSImm, brIfI64LtUImm, brIfI64GtSImm, brIfI64GtUImm
    case brIfI64LeSImm, brIfI64LeUImm, brIfI64GeSImm, brIfI64GeUImm

    // MARK: Control
    /// [op]
    case unreachable
    /// [op|offset]
    case br
    /// [op|cond][offset]: branch when the i32 in `cond` is non-zero / zero.
    case brIfNez, brIfEqz
    /// [op|cond][offset]: the same on an i64 (or a reference: null is 0).
    case brIfI64Nez, brIfI64Eqz
    /// [op|index][count] then count+1 words of offsets (the last is the default), each
    /// relative to the br_table header.
    case brTable
    /// [op]: results are already in slots 0...
    case `return`
    /// [op|s]: copies slot s to slot 0 and returns (the common one-result return).
    case returnValue
    /// [op|base][definedIndex]: calls a function defined in this module; its frame starts at
    /// slot `base`, where the arguments are and where the results will be.
    case call
    /// [op|base][functionIndex]: calls an imported function of the running instance.
    case callImport
    /// [op|base][typeIndex|table][indexSlot]
    case callIndirect
    /// [op|cost]: a hook at loop headers and function entries for fuel metering, which also
    /// checks for interruption (emitted only when the engine consumes fuel). At a function
    /// entry it follows `native`, at a loop header `loopEntry`, so machine code entered there
    /// runs it itself.
    case checkpoint

    // MARK: Data movement
    /// [op|d][s]
    case copy
    /// [op|d][imm64]
    case const
    /// [op|d][a|b][cond]: d = cond != 0 ? a : b
    case select
    /// [op|d][global]
    case globalGet
    /// [op|s][global]
    case globalSet

    // MARK: Memory (memory 0). Loads: [op|d][addr|offset32]; stores: [op|addr][value|offset32].
    case i32Load, i64Load, f32Load, f64Load, i32Load8S, i32Load8U, i32Load16S, i32Load16U
    case i64Load8S, i64Load8U, i64Load16S, i64Load16U, i64Load32S, i64Load32U
    case i32Store, i64Store, f32Store, f64Store, i32Store8, i32Store16, i64Store8, i64Store16
    case i64Store32
    /// [op|d][memory]
    case memorySize
    /// [op|d][delta|memory]
    case memoryGrow
    /// [op|d][value|n][memory]
    case memoryFill
    /// [op|d][s|n][dstMemory|srcMemory]
    case memoryCopy
    /// [op|d][s|n][data|memory]
    case memoryInit
    /// [op|data]
    case dataDrop

    // MARK: Tables and references
    /// [op|d][index|table]
    case tableGet
    /// [op|index][value|table]
    case tableSet
    /// [op|d][table]
    case tableSize
    /// [op|d][initial|delta][table]: d = old size or -1
    case tableGrow
    /// [op|i][value|n][table]
    case tableFill
    /// [op|d][s|n][dstTable|srcTable]
    case tableCopy
    /// [op|d][s|n][element|table]
    case tableInit
    /// [op|element]
    case elemDrop
    /// [op|d][functionIndex]
    case refFunc

    // MARK: Fused memory forms
    /// Stores of a constant: [op|addr][imm32|offset32]; the 64-bit form sign-extends imm32.
    case store8Imm, store16Imm, store32Imm, store64Imm
    /// Loads from `x + (y << shift)` computed by `i32.add` (and `i32.shl`), wrapping as Wasm
    /// does, plus the offset: [op|d][x|y][offset32|shift]. Same order as the plain loads.
    case i32LoadIndexed, i64LoadIndexed, f32LoadIndexed, f64LoadIndexed
    case i32Load8SIndexed, i32Load8UIndexed, i32Load16SIndexed, i32Load16UIndexed
    case i64Load8SIndexed, i64Load8UIndexed, i64Load16SIndexed, i64Load16UIndexed
    case i64Load32SIndexed, i64Load32UIndexed
    /// Stores to `x + (y << shift)` (wrapping) plus the offset: [op|x][y|value][offset32|shift].
    case i32StoreIndexed, i64StoreIndexed, f32StoreIndexed, f64StoreIndexed
    case i32Store8Indexed, i32Store16Indexed, i64Store8Indexed, i64Store16Indexed, i64Store32Indexed

    /// Stores of a constant to `x + (y << shift)`: [op|x][y|imm32][offset32|shift].
    case store8ImmIndexed, store16ImmIndexed, store32ImmIndexed, store64ImmIndexed
    /// [op|d][a|b][cond]: d = cond != 0 ? a : b, on a 64-bit condition (a fused `i64.eqz`).
    case select64

    // MARK: Float immediates
    /// [op|d][a|bits32]
    case f32AddImm, f32SubImm, f32MulImm, f32DivImm
    /// [op|d][a|0][bits64]
    case f64AddImm, f64SubImm, f64MulImm, f64DivImm

    // MARK: Float operations on a loaded operand
    /// d = a op load.f64(addr + offset), the load's trap first: [op|d][a|addr][offset32|0].
    /// A load feeding straight into arithmetic is the usual shape of array and struct code.
    case f64AddLoad, f64SubLoad, f64MulLoad, f64DivLoad
    /// mem[addr + offset] = a op b, the result of an op stored at once: [op|addr][a|b][offset32|0].
    case f64AddStore, f64SubStore, f64MulStore, f64DivStore
    /// mem[addr + offset] = a op mem[loadAddr + loadOffset] (load-op-store, as in `x[i] += y`):
    /// [op|addr][a|loadAddr][loadOffset32|offset32]. The load is checked before the store.
    case f64AddLoadStore, f64SubLoadStore, f64MulLoadStore, f64DivLoadStore

    // MARK: Chained products
    /// [op|d][a|b][c|0]: d = (a * b) * c, a product of three factors (vector and physics code).
    case f64MulMul

    // MARK: Consumers of an i32 comparison
    /// [op|d][x|y][a|b]: d = a < b ? x : y (unsigned, signed) and d = a == b ? x : y. The other
    /// comparisons swap a and b or x and y, so three opcodes cover every i32 comparison.
    case selectI32LtU, selectI32LtS, selectI32Eq
    /// [op|d][x|0][a|b]: d = x + (a < b ? 1 : 0) and d = x + (a <= b ? 1 : 0), unsigned: the
    /// branch-free `i += (a > b)` of merge loops (greater-than swaps a and b).
    case addI32LtU, addI32LeU

    // MARK: Tail calls and exceptions (InterpreterTailCalls.swift, InterpreterExceptions.swift)
    /// [op|base][definedIndex]: the callee replaces the running frame; the arguments at
    /// `base` move down to slot 0. With a `FunctionReferenceOp` in the header's bits 16..31
    /// it is one of the typed function reference instructions instead, which share this
    /// out-of-line case (InterpreterFunctionReferences.swift).
    case returnCall
    /// [op|base][functionIndex]: a tail call through the instance's imports.
    case returnCallImport
    /// [op|base][typeIndex|table][indexSlot]
    case returnCallIndirect
    /// [op|base][tagIndex]: throws a new exception of the tag with the values at `base`.
    case `throw`
    /// [op|s]: rethrows the exception slot s refers to (traps on null).
    case throwRef

    // MARK: SIMD (IROpcodeSIMD.swift)
    /// Every SIMD instruction: the header's bits 16..31 hold its `SIMDIROpcode`, which decides
    /// the operand words. A v128 occupies two consecutive slots; a slot operand names the
    /// lower one. One opcode, so one case in the interpreter's loop, which calls out of line
    /// (InterpreterSIMD.swift says why).
    case simd

    /// [op][code]: the first instruction of a function the native tier may compile
    /// (Native/). While `code` is 0 the interpreter counts the function's entries and loop
    /// iterations in its header's tier-up count and runs on; past
    /// `EngineConfiguration.nativeCodeThreshold` it has the function compiled (or queued for a
    /// background worker, see `Interpreter.tierUp`), and once `code` is set, entering it runs
    /// its machine code there.
    case native
    /// [op][code]: a loop header of such a function: counts an iteration, and once the function
    /// has machine code, continues the running call there (`code` enters the loop).
    case loopEntry
}

extension IROpcode {
    /// The operand words after the header, for the disassembler and the code walker.
    enum Layout {
        /// No operand words; the header's operand is named by `header`.
        case none
        /// One word: two 32-bit fields.
        case pair
        /// One word: a 64-bit immediate.
        case wide
        /// Two words of pairs.
        case twoPairs
        /// A branch table: [count] then count + 1 offsets.
        case table
        /// Decided by the `SIMDIROpcode` in the header (`SIMDIROpcode.wordCount`).
        case simd
    }

    var layout: Layout {
        switch self {
        case .unreachable, .br, .return, .returnValue, .checkpoint, .dataDrop, .elemDrop, .throwRef: return .none
        case .const, .native, .loopEntry: return .wide
        case .select, .select64, .callIndirect, .returnCallIndirect, .memoryFill, .memoryCopy, .memoryInit, .tableGrow, .tableFill,
             .tableCopy, .tableInit, .f64AddImm, .f64SubImm, .f64MulImm, .f64DivImm,
             .f64AddLoad, .f64SubLoad, .f64MulLoad, .f64DivLoad, .f64AddStore, .f64SubStore, .f64MulStore,
             .f64DivStore, .f64AddLoadStore, .f64SubLoadStore, .f64MulLoadStore, .f64DivLoadStore,
             .selectI32LtU, .selectI32LtS, .selectI32Eq, .addI32LtU, .addI32LeU, .f64MulMul:
            return .twoPairs
        case .brTable: return .table
        case .simd: return .simd
        default:
            if rawValue >= IROpcode.i32LoadIndexed.rawValue && rawValue <= IROpcode.store64ImmIndexed.rawValue {
                return .twoPairs
            }
            return .pair
        }
    }

    /// Number of words of a fixed-size instruction (header included); `brTable` adds its table.
    var fixedWordCount: Int {
        switch layout {
        case .none: return 1
        case .pair, .wide: return 2
        case .twoPairs: return 3
        case .table: return 2
        case .simd: return 1
        }
    }

    /// Maps a Wasm numeric op to its register form.
    @inline(__always) static func register(_ op: NumericOp) -> IROpcode {
        // Every NumericOp index has a register form (checked by the compiler tests).
        IROpcode(rawValue: UInt16(op.index)) ?? .unreachable
    }

    /// The first register-form numeric opcode of each immediate family, and the `NumericOp`
    /// it corresponds to, so that immediates follow `NumericOp` order.
    static func immediate(_ op: NumericOp) -> IROpcode? {
        let raw = op.rawValue
        switch raw {
        case NumericOp.i32Eq.rawValue...NumericOp.i32GeU.rawValue:
            return IROpcode(rawValue: IROpcode.i32EqImm.rawValue + UInt16(raw - NumericOp.i32Eq.rawValue))
        case NumericOp.i64Eq.rawValue...NumericOp.i64GeU.rawValue:
            return IROpcode(rawValue: IROpcode.i64EqImm.rawValue + UInt16(raw - NumericOp.i64Eq.rawValue))
        case NumericOp.i32Add.rawValue...NumericOp.i32Rotr.rawValue:
            return IROpcode(rawValue: IROpcode.i32AddImm.rawValue + UInt16(raw - NumericOp.i32Add.rawValue))
        case NumericOp.i64Add.rawValue...NumericOp.i64Rotr.rawValue:
            return IROpcode(rawValue: IROpcode.i64AddImm.rawValue + UInt16(raw - NumericOp.i64Add.rawValue))
        default:
            return nil
        }
    }

    /// The fused compare-and-branch form of an integer comparison (register or immediate).
    static func branch(on op: NumericOp, immediate: Bool) -> IROpcode? {
        let raw = op.rawValue
        let base: UInt16
        let offset: UInt8
        switch raw {
        case NumericOp.i32Eq.rawValue...NumericOp.i32GeU.rawValue:
            base = immediate ? IROpcode.brIfI32EqImm.rawValue : IROpcode.brIfI32Eq.rawValue
            offset = raw - NumericOp.i32Eq.rawValue
        case NumericOp.i64Eq.rawValue...NumericOp.i64GeU.rawValue:
            base = immediate ? IROpcode.brIfI64EqImm.rawValue : IROpcode.brIfI64Eq.rawValue
            offset = raw - NumericOp.i64Eq.rawValue
        default:
            return nil
        }
        return IROpcode(rawValue: base + UInt16(offset))
    }

    /// Float binary ops with an immediate right operand.
    static func floatImmediate(_ op: NumericOp) -> IROpcode? {
        switch op {
        case .f32Add: return .f32AddImm
        case .f32Sub: return .f32SubImm
        case .f32Mul: return .f32MulImm
        case .f32Div: return .f32DivImm
        case .f64Add: return .f64AddImm
        case .f64Sub: return .f64SubImm
        case .f64Mul: return .f64MulImm
        case .f64Div: return .f64DivImm
        default: return nil
        }
    }

    /// The f64 arithmetic whose right operand can be an `f64.load`, fused.
    static func floatLoadOperand(_ op: NumericOp) -> IROpcode? {
        switch op {
        case .f64Add: return .f64AddLoad
        case .f64Sub: return .f64SubLoad
        case .f64Mul: return .f64MulLoad
        case .f64Div: return .f64DivLoad
        default: return nil
        }
    }

    /// The form of an f64 register op (or its loaded-operand form) that stores its result.
    var storingResult: IROpcode? {
        switch self {
        case .f64Add: return .f64AddStore
        case .f64Sub: return .f64SubStore
        case .f64Mul: return .f64MulStore
        case .f64Div: return .f64DivStore
        case .f64AddLoad: return .f64AddLoadStore
        case .f64SubLoad: return .f64SubLoadStore
        case .f64MulLoad: return .f64MulLoadStore
        case .f64DivLoad: return .f64DivLoadStore
        default: return nil
        }
    }

    static func load(_ op: LoadOp, indexed: Bool) -> IROpcode {
        let base = indexed ? IROpcode.i32LoadIndexed.rawValue : IROpcode.i32Load.rawValue
        return IROpcode(rawValue: base + UInt16(op.rawValue - LoadOp.i32Load.rawValue)) ?? .unreachable
    }

    static func store(_ op: StoreOp, indexed: Bool) -> IROpcode {
        let base = indexed ? IROpcode.i32StoreIndexed.rawValue : IROpcode.i32Store.rawValue
        return IROpcode(rawValue: base + UInt16(op.rawValue - StoreOp.i32Store.rawValue)) ?? .unreachable
    }

    /// The store-immediate form for a store op (by access width).
    static func storeImmediate(_ op: StoreOp) -> IROpcode {
        switch op.byteWidth {
        case 1: return .store8Imm
        case 2: return .store16Imm
        case 4: return .store32Imm
        default: return .store64Imm
        }
    }

    static func storeImmediateIndexed(_ op: StoreOp) -> IROpcode {
        IROpcode(rawValue: storeImmediate(op).rawValue - IROpcode.store8Imm.rawValue + IROpcode.store8ImmIndexed.rawValue)
            ?? .unreachable
    }

    /// Text-format-like name for the disassembler.
    var name: String {
        if rawValue < UInt16(NumericOp.allCases.count),
           let op = NumericOp(rawValue: UInt8(rawValue) &+ NumericOp.indexRange.lowerBound) {
            return op.name
        }
        return "\(self)"
    }
}

/// Integer comparisons and their negations (exact for integers; never used for floats, where
/// NaN makes `!(a < b)` differ from `a >= b`).
extension NumericOp {
    var negatedComparison: NumericOp? {
        switch self {
        case .i32Eq: return .i32Ne
        case .i32Ne: return .i32Eq
        case .i32LtS: return .i32GeS
        case .i32LtU: return .i32GeU
        case .i32GtS: return .i32LeS
        case .i32GtU: return .i32LeU
        case .i32LeS: return .i32GtS
        case .i32LeU: return .i32GtU
        case .i32GeS: return .i32LtS
        case .i32GeU: return .i32LtU
        case .i64Eq: return .i64Ne
        case .i64Ne: return .i64Eq
        case .i64LtS: return .i64GeS
        case .i64LtU: return .i64GeU
        case .i64GtS: return .i64LeS
        case .i64GtU: return .i64LeU
        case .i64LeS: return .i64GtS
        case .i64LeU: return .i64GtU
        case .i64GeS: return .i64LtS
        case .i64GeU: return .i64LtU
        default: return nil
        }
    }

    /// The comparison with its operands swapped (`a < b` ⇔ `b > a`), so a constant on the
    /// left can become an immediate on the right.
    var swappedComparison: NumericOp? {
        switch self {
        case .i32Eq, .i32Ne, .i64Eq, .i64Ne: return self
        case .i32LtS: return .i32GtS
        case .i32LtU: return .i32GtU
        case .i32GtS: return .i32LtS
        case .i32GtU: return .i32LtU
        case .i32LeS: return .i32GeS
        case .i32LeU: return .i32GeU
        case .i32GeS: return .i32LeS
        case .i32GeU: return .i32LeU
        case .i64LtS: return .i64GtS
        case .i64LtU: return .i64GtU
        case .i64GtS: return .i64LtS
        case .i64GtU: return .i64LtU
        case .i64LeS: return .i64GeS
        case .i64LeU: return .i64GeU
        case .i64GeS: return .i64LeS
        case .i64GeU: return .i64LeU
        default: return nil
        }
    }

    /// Whether `a op b == b op a`.
    var isCommutative: Bool {
        switch self {
        case .i32Add, .i32Mul, .i32And, .i32Or, .i32Xor, .i64Add, .i64Mul, .i64And, .i64Or, .i64Xor,
             .i32Eq, .i32Ne, .i64Eq, .i64Ne:
            return true
        default:
            return false
        }
    }
}
