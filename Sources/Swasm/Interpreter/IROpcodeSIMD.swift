/// The SIMD instructions of the IR: `IROpcode.simd` with a `SIMDIROpcode` in the header's bits
/// 16..31 (`[simd op|d]` below stands for that header with destination or operand `d`).
///
/// A few Wasm ops have a `SIMDIROpcode` of their own, and so a case of their own in
/// `Interpreter.executeSIMD`: `v128.load`, `v128.store` and the common lane arithmetic. Such an
/// opcode (the range `v128Load...v128Xor`) is named after its `SIMDOp` case, and that name is
/// the only link between the two: adding a direct op is adding the case here and in the
/// handler. Every other op is `.lanes` (or `.memory`) with its `SIMDOp.index` in the
/// instruction, decoded by `executeLanes` (or `executeMemory`).
enum SIMDIROpcode: UInt16, CaseIterable {
    /// [simd op|d][s]: copies a v128.
    case copy128 = 1
    /// [simd op|d][low64][high64]
    case v128Const
    /// [simd op|d][a|b][cond]: d = cond != 0 ? a : b, on v128 values.
    case select128
    /// [simd op|d][global] and [simd op|s][global].
    case globalGet128, globalSet128
    /// `v128.load` [simd op|d][addr|offset32] and `v128.store` [simd op|addr][value|offset32].
    case v128Load, v128Store
    /// The common lane operations, binary: [simd op|d][a|b].
    case i8x16Add, i16x8Add, i32x4Add, i32x4Sub, i32x4Mul, i64x2Add
    case f32x4Add, f32x4Sub, f32x4Mul, f32x4Div, f64x2Add, f64x2Sub, f64x2Mul, f64x2Div
    case v128And, v128Or, v128Xor
    /// Every other SIMD op without memory access: [simd op|d][a|b][c|op16 lane8], `op16` the
    /// `SIMDOp.index`, a/b/c its operand slots in stack order (a v128 or scalar each).
    case lanes
    /// The other SIMD memory ops: [simd op|d][addr|v][offset32|op16 lane8] (stores: d unused).
    case memory
    /// [simd op|d][a|b][lanes low64][lanes high64]
    case i8x16Shuffle
    /// Scalar loads and stores on a memory other than memory 0 (multiple memories), which
    /// share SIMD's out-of-line case so that the loop's code stays as it was
    /// (InterpreterMultiMemory.swift): [simd op|d][addr|offset32][wasmOpcode|memory] and
    /// [simd op|addr][value|offset32][wasmOpcode|memory].
    case loadMemory, storeMemory
    /// 64-bit memories and tables (memory64, table64; InterpreterMemory64.swift), out of line
    /// here too. `memoryAccess` is any load or store on a 64-bit memory, and a SIMD one on a
    /// memory other than 0: [simd op|d][addr|value][memory|selector][offset64].
    case memoryAccess
    /// [simd op|d][memory] and [simd op|d][delta|memory]: page counts as i64.
    case memorySize64, memoryGrow64
    /// [simd op|d][value|n][memory] and [simd op|d][s|n][data|memory].
    case memoryFill64, memoryInit64
    /// [simd op|d][s|n][destination|source][flags]: bits 0, 1, 2 mark d, s, n as i64.
    case memoryCopy64
    /// [simd op|d][s]: the i64 in s as a u32, saturating, so that the 32-bit table
    /// instructions see an out-of-range index as out of bounds.
    case narrowIndex
    /// [simd op|d][value|delta][table]: `table.grow` on a 64-bit table.
    case tableGrow64
    /// Every atomic instruction (threads), also out of line (InterpreterAtomics.swift):
    /// [simd op|d][address|a][b|atomicOp8 memory24][offset64].
    case atomic
    /// The GC accessors (InterpreterGCAccess.swift), on this path so that they run without
    /// leaving the loop; the rest of GC runs as `returnCall` forms (InterpreterGC.swift).
    /// Field offsets and storage are the static type's:
    ///   gcStructGet [simd op|d][ref|offset][storage|signed]
    ///   gcStructSet [simd op|ref][value|offset][storage|0]
    ///   gcArrayGet  [simd op|d][ref|index][storage|signed]
    ///   gcArraySet  [simd op|ref][index|value][storage|0]
    ///   gcArrayLen  [simd op|d][ref|0]
    ///   gcRefI31    [simd op|d][value|0]
    ///   gcI31Get    [simd op|d][ref|signed]
    ///   gcRefTest, gcRefCast [simd op|d][ref|target][typeIndex|0] (target: `GCCastTarget`)
    case gcStructGet, gcStructSet, gcArrayGet, gcArraySet, gcArrayLen, gcRefI31, gcI31Get, gcRefTest, gcRefCast
    /// Allocation, with the end of the slots live across it (locals and operands, those it
    /// consumes included) for the collector it may run:
    ///   gcStructNew        [simd op|d][type|base][liveEnd|0]      fields in slots base...
    ///   gcStructNewDefault [simd op|d][type|0][liveEnd|0]
    ///   gcArrayNew         [simd op|d][type|value][length|liveEnd]
    ///   gcArrayNewDefault  [simd op|d][type|length][liveEnd|0]
    ///   gcArrayNewFixed    [simd op|d][type|base][count|liveEnd]
    case gcStructNew, gcStructNewDefault, gcArrayNew, gcArrayNewDefault, gcArrayNewFixed
    /// [simd op|s][0]: `ref.as_non_null`, trapping on null.
    case refAsNonNull
    /// [simd op|d][s|count]: copies slots s..<s+count to d..<d+count, d <= s (an ascending
    /// copy moves overlapping runs down correctly). A branch that carries many values moves
    /// them with this one instruction, so that its size does not grow with their number. Out
    /// of line here because it is rare: a case of its own in the interpreter's loop would cost
    /// the hot cases (fib interpreted: +0.7 % instructions).
    case copySlots
    /// [simd op|calleeSlot][typeIndex|0], always followed by [callImport|base][scratch|0]:
    /// `call_ref` points the instance's scratch function entry at its callee (trapping on
    /// null), and the `callImport` calls that like any import (InterpreterFunctionReferences.swift).
    case prepareCallRef

    /// Words of the instruction, header included.
    var wordCount: Int {
        switch self {
        case .v128Const, .select128, .lanes, .memory, .loadMemory, .storeMemory: return 3
        case .memoryFill64, .memoryInit64, .tableGrow64: return 3
        case .i8x16Shuffle, .memoryAccess, .memoryCopy64, .atomic: return 4
        case .gcStructGet, .gcStructSet, .gcArrayGet, .gcArraySet, .gcRefTest, .gcRefCast: return 3
        case .gcStructNew, .gcStructNewDefault, .gcArrayNew, .gcArrayNewDefault, .gcArrayNewFixed: return 3
        default: return 2
        }
    }

    /// The IR opcodes with a Wasm op of the same name.
    static let directRange = SIMDIROpcode.v128Load.rawValue...SIMDIROpcode.v128Xor.rawValue

    /// `SIMDOp.index` → the op's own IR opcode, or nil.
    private static let directByIndex: [SIMDIROpcode?] = {
        var table = [SIMDIROpcode?](repeating: nil, count: SIMDOp.count)
        let byName = Dictionary(uniqueKeysWithValues: SIMDOp.allCases.map { ("\($0)", $0) })
        for raw in directRange {
            if let ir = SIMDIROpcode(rawValue: raw), let op = byName["\(ir)"] { table[op.index] = ir }
        }
        return table
    }()

    /// IR opcode → its `SIMDOp`.
    private static let simdOpByDirect: [SIMDOp?] = {
        var table = [SIMDOp?](repeating: nil, count: directRange.count)
        for op in SIMDOp.allCases {
            if let ir = directByIndex[op.index] { table[Int(ir.rawValue - directRange.lowerBound)] = op }
        }
        return table
    }()

    /// The op's own IR opcode, when it has one.
    static func direct(_ op: SIMDOp) -> SIMDIROpcode? { directByIndex[op.index] }

    /// For a direct opcode, the Wasm op it executes.
    var directOp: SIMDOp? {
        guard SIMDIROpcode.directRange.contains(rawValue) else { return nil }
        return SIMDIROpcode.simdOpByDirect[Int(rawValue - SIMDIROpcode.directRange.lowerBound)]
    }

    /// The name the disassembler shows: the Wasm op's for a direct opcode.
    var name: String { directOp?.name ?? "\(self)" }

    /// The opcode in the header word of a `.simd` instruction, if valid. (`init(rawValue:)`
    /// stays a call in the release build; the cases are numbered from 1 without gaps, so the
    /// case index is the raw value - 1.)
    @inline(__always)
    init?(header w0: UInt64) {
        let index = UInt16(truncatingIfNeeded: w0 &>> 16) &- 1
        guard index < SIMDIROpcode.prepareCallRef.rawValue else { return nil }
        self = unsafeBitCast(UInt8(truncatingIfNeeded: index), to: SIMDIROpcode.self)
    }

    /// The full form of a cast or allocation (`Interpreter.runGC`), for what its fast path
    /// leaves to it.
    var gcOperation: GCIROp? {
        switch self {
        case .gcRefTest: return .refTest
        case .gcRefCast: return .refCast
        case .gcStructNew: return .structNew
        case .gcStructNewDefault: return .structNewDefault
        case .gcArrayNew: return .arrayNew
        case .gcArrayNewDefault: return .arrayNewDefault
        case .gcArrayNewFixed: return .arrayNewFixed
        default: return nil
        }
    }

    /// The last operand word of `.lanes` and `.memory`: the op and its lane immediate.
    static func selector(_ op: SIMDOp, lane: UInt8 = 0) -> Int { op.index | Int(lane) << 16 }
}
