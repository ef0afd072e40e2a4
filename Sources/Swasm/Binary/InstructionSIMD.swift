/// The 128-bit SIMD instructions (fixed-width SIMD, Wasm 2.0, and relaxed SIMD, Wasm 3.0),
/// defined once: `SIMDOp.info` gives each op's text name, immediates and stack shape, and the
/// reader, the validator and the compiler all read it from there.
/// See https://webassembly.github.io/spec/core/binary/instructions.html#vector-instructions
///
/// Design:
/// - Every SIMD instruction is the `0xFD` prefix, a u32 sub-opcode, then immediates decided by
///   the op alone. `SIMDOp`'s raw value is that sub-opcode (0...0x113); the 20 unassigned
///   opcodes below 0x100 make it sparse, so `SIMDOp.index` is a separate dense index
///   (0..<SIMDOp.count, declaration order = opcode order) for lookup tables such as a map to IR
///   opcodes.
/// - `SIMDInstruction` carries the op with its immediates. It is a trivial enum, so
///   `Instruction.simd(_)` keeps `Instruction` at its size (25 bytes) and copying it free.
/// - `V128` is the value representation shared with the runtime: two 64-bit words, low then
///   high, lanes little-endian, exactly the two IR slots a `v128` occupies.

/// A 128-bit vector value. Lane `i` of an `NxM` shape occupies bits `i*M ..< (i+1)*M` of the
/// 128-bit little-endian integer `high:low`, so byte `i` of linear memory is lane `i` of
/// `i8x16` after a `v128.load`.
public struct V128: Hashable, Sendable, CustomStringConvertible {
    /// The two words as one vector value: lane operations then stay in vector registers
    /// (a struct of two `UInt64` fields is split into scalars by the optimizer and rebuilt
    /// around every vector operation; measured in SIMDOps.swift).
    var words: SIMD2<UInt64>

    /// Bits 0...63 (lanes 0...7 of i8x16, 0...1 of i32x4, lane 0 of i64x2).
    public var low: UInt64 {
        @inline(__always) get { words[0] }
        @inline(__always) set { words[0] = newValue }
    }
    /// Bits 64...127.
    public var high: UInt64 {
        @inline(__always) get { words[1] }
        @inline(__always) set { words[1] = newValue }
    }

    /// The vector with these words.
    @inline(__always)
    public init(low: UInt64, high: UInt64) {
        words = SIMD2(low, high)
    }

    @inline(__always)
    init(words: SIMD2<UInt64>) { self.words = words }

    /// All bits zero.
    public static let zero = V128(low: 0, high: 0)

    /// The vector whose byte `i` (i8x16 lane `i`) is `bytes[i]`; missing bytes are zero.
    public init<C: Collection>(bytes: C) where C.Element == UInt8 {
        var low: UInt64 = 0, high: UInt64 = 0
        for (i, byte) in bytes.prefix(16).enumerated() {
            if i < 8 { low |= UInt64(byte) << (8 * i) } else { high |= UInt64(byte) << (8 * (i - 8)) }
        }
        self.init(low: low, high: high)
    }

    /// The 16 bytes in memory order (i8x16 lanes 0...15).
    public var bytes: [UInt8] {
        (0..<16).map { i in UInt8(truncatingIfNeeded: (i < 8 ? low >> (8 * i) : high >> (8 * (i - 8)))) }
    }

    /// `0x` then the 32 hex digits of `high:low` (lane 0 last).
    public var description: String {
        func hex16(_ v: UInt64) -> String {
            let s = String(v, radix: 16)
            return String(repeating: "0", count: 16 - s.count) + s
        }
        return "0x" + hex16(high) + hex16(low)
    }
}

/// A SIMD instruction with its immediates.
public enum SIMDInstruction: Hashable, Sendable {
    /// An op without immediates (shapes `.unary`, `.binary`, `.ternary`, `.test`, `.shift`,
    /// `.splat`).
    case plain(SIMDOp)
    /// `extract_lane` / `replace_lane`: the lane index (validated against `info.laneCount`).
    case lane(SIMDOp, UInt8)
    /// `v128.load*` and `v128.store`.
    case memory(SIMDOp, MemArg)
    /// `v128.load*_lane` / `v128.store*_lane`: a memarg then a lane index.
    case memoryLane(SIMDOp, lane: UInt8, MemArg)
    /// `v128.const`.
    case v128Const(V128)
    /// `i8x16.shuffle`: the 16 lane indices, byte `i` selecting result lane `i` from the
    /// 32 bytes of both operands (first operand 0...15, second 16...31; validated < 32).
    case shuffle(V128)

    /// The op, whatever its immediates.
    @inline(__always)
    public var op: SIMDOp {
        switch self {
        case .plain(let op), .lane(let op, _), .memory(let op, _), .memoryLane(let op, _, _): return op
        case .v128Const: return .v128Const
        case .shuffle: return .i8x16Shuffle
        }
    }
}

/// Every SIMD op; the raw value is the binary sub-opcode after the `0xFD` prefix.
public enum SIMDOp: UInt16, CaseIterable, Hashable, Sendable {
    /// `v128.load` and the extending loads (memarg).
    case v128Load = 0x00, v128Load8x8S, v128Load8x8U, v128Load16x4S, v128Load16x4U
    /// Extending loads of two i32 lanes (memarg).
    case v128Load32x2S, v128Load32x2U
    /// Loads of one lane splatted to all (memarg).
    case v128Load8Splat, v128Load16Splat, v128Load32Splat, v128Load64Splat
    /// `v128.store` (memarg), `v128.const` (16 bytes), `i8x16.shuffle` (16 lane indices),
    /// `i8x16.swizzle`.
    case v128Store = 0x0B, v128Const, i8x16Shuffle, i8x16Swizzle
    /// Splats of a scalar to every lane.
    case i8x16Splat = 0x0F, i16x8Splat, i32x4Splat, i64x2Splat, f32x4Splat, f64x2Splat
    /// i8x16 lane access (lane index).
    case i8x16ExtractLaneS = 0x15, i8x16ExtractLaneU, i8x16ReplaceLane
    /// i16x8 lane access (lane index).
    case i16x8ExtractLaneS, i16x8ExtractLaneU, i16x8ReplaceLane
    /// i32x4 and i64x2 lane access (lane index).
    case i32x4ExtractLane, i32x4ReplaceLane, i64x2ExtractLane, i64x2ReplaceLane
    /// f32x4 and f64x2 lane access (lane index).
    case f32x4ExtractLane, f32x4ReplaceLane, f64x2ExtractLane, f64x2ReplaceLane
    /// i8x16 comparisons.
    case i8x16Eq = 0x23, i8x16Ne, i8x16LtS, i8x16LtU, i8x16GtS, i8x16GtU
    /// i8x16 comparisons, continued.
    case i8x16LeS, i8x16LeU, i8x16GeS, i8x16GeU
    /// i16x8 comparisons.
    case i16x8Eq = 0x2D, i16x8Ne, i16x8LtS, i16x8LtU, i16x8GtS, i16x8GtU
    /// i16x8 comparisons, continued.
    case i16x8LeS, i16x8LeU, i16x8GeS, i16x8GeU
    /// i32x4 comparisons.
    case i32x4Eq = 0x37, i32x4Ne, i32x4LtS, i32x4LtU, i32x4GtS, i32x4GtU
    /// i32x4 comparisons, continued.
    case i32x4LeS, i32x4LeU, i32x4GeS, i32x4GeU
    /// f32x4 comparisons.
    case f32x4Eq = 0x41, f32x4Ne, f32x4Lt, f32x4Gt, f32x4Le, f32x4Ge
    /// f64x2 comparisons.
    case f64x2Eq = 0x47, f64x2Ne, f64x2Lt, f64x2Gt, f64x2Le, f64x2Ge
    /// Bitwise operations and `v128.any_true`.
    case v128Not = 0x4D, v128And, v128AndNot, v128Or, v128Xor, v128Bitselect, v128AnyTrue
    /// Loads of one lane (memarg, lane index).
    case v128Load8Lane = 0x54, v128Load16Lane, v128Load32Lane, v128Load64Lane
    /// Stores of one lane (memarg, lane index).
    case v128Store8Lane, v128Store16Lane, v128Store32Lane, v128Store64Lane
    /// Loads of one scalar into lane 0, the other lanes zero (memarg).
    case v128Load32Zero = 0x5C, v128Load64Zero
    /// Float width changes of the low lanes.
    case f32x4DemoteF64x2Zero = 0x5E, f64x2PromoteLowF32x4
    /// i8x16 unary ops and reductions.
    case i8x16Abs = 0x60, i8x16Neg, i8x16Popcnt, i8x16AllTrue, i8x16Bitmask
    /// Saturating narrowing of two i16x8 into i8x16.
    case i8x16NarrowI16x8S, i8x16NarrowI16x8U
    /// f32x4 roundings (interleaved with i8x16 in the opcode space).
    case f32x4Ceil = 0x67, f32x4Floor, f32x4Trunc, f32x4Nearest
    /// i8x16 shifts and additions.
    case i8x16Shl = 0x6B, i8x16ShrS, i8x16ShrU, i8x16Add, i8x16AddSatS, i8x16AddSatU
    /// i8x16 subtractions.
    case i8x16Sub, i8x16SubSatS, i8x16SubSatU
    /// f64x2 roundings.
    case f64x2Ceil = 0x74, f64x2Floor
    /// i8x16 minimum and maximum.
    case i8x16MinS = 0x76, i8x16MinU, i8x16MaxS, i8x16MaxU
    /// `f64x2.trunc` and the i8x16 rounding average.
    case f64x2Trunc = 0x7A, i8x16AvgrU
    /// Pairwise extending additions into i16x8.
    case i16x8ExtaddPairwiseI8x16S = 0x7C, i16x8ExtaddPairwiseI8x16U
    /// Pairwise extending additions into i32x4.
    case i32x4ExtaddPairwiseI16x8S, i32x4ExtaddPairwiseI16x8U
    /// i16x8 unary ops, Q15 multiply and reductions.
    case i16x8Abs = 0x80, i16x8Neg, i16x8Q15mulrSatS, i16x8AllTrue, i16x8Bitmask
    /// Saturating narrowing of two i32x4 into i16x8.
    case i16x8NarrowI32x4S, i16x8NarrowI32x4U
    /// Extensions of the low or high i8 lanes into i16x8.
    case i16x8ExtendLowI8x16S = 0x87, i16x8ExtendHighI8x16S, i16x8ExtendLowI8x16U, i16x8ExtendHighI8x16U
    /// i16x8 shifts and additions.
    case i16x8Shl = 0x8B, i16x8ShrS, i16x8ShrU, i16x8Add, i16x8AddSatS, i16x8AddSatU
    /// i16x8 subtractions.
    case i16x8Sub, i16x8SubSatS, i16x8SubSatU
    /// `f64x2.nearest`, i16x8 multiply, minimum and maximum.
    case f64x2Nearest = 0x94, i16x8Mul, i16x8MinS, i16x8MinU, i16x8MaxS, i16x8MaxU
    /// The i16x8 rounding average.
    case i16x8AvgrU = 0x9B
    /// Extending multiplies of the low or high i8 lanes.
    case i16x8ExtmulLowI8x16S = 0x9C, i16x8ExtmulHighI8x16S, i16x8ExtmulLowI8x16U, i16x8ExtmulHighI8x16U
    /// i32x4 unary ops.
    case i32x4Abs = 0xA0, i32x4Neg
    /// i32x4 reductions.
    case i32x4AllTrue = 0xA3, i32x4Bitmask
    /// Extensions of the low or high i16 lanes into i32x4.
    case i32x4ExtendLowI16x8S = 0xA7, i32x4ExtendHighI16x8S, i32x4ExtendLowI16x8U, i32x4ExtendHighI16x8U
    /// i32x4 shifts and addition.
    case i32x4Shl = 0xAB, i32x4ShrS, i32x4ShrU, i32x4Add
    /// i32x4 subtraction.
    case i32x4Sub = 0xB1
    /// i32x4 multiply, minimum, maximum and the i16x8 dot product.
    case i32x4Mul = 0xB5, i32x4MinS, i32x4MinU, i32x4MaxS, i32x4MaxU, i32x4DotI16x8S
    /// Extending multiplies of the low or high i16 lanes.
    case i32x4ExtmulLowI16x8S = 0xBC, i32x4ExtmulHighI16x8S, i32x4ExtmulLowI16x8U, i32x4ExtmulHighI16x8U
    /// i64x2 unary ops.
    case i64x2Abs = 0xC0, i64x2Neg
    /// i64x2 reductions.
    case i64x2AllTrue = 0xC3, i64x2Bitmask
    /// Extensions of the low or high i32 lanes into i64x2.
    case i64x2ExtendLowI32x4S = 0xC7, i64x2ExtendHighI32x4S, i64x2ExtendLowI32x4U, i64x2ExtendHighI32x4U
    /// i64x2 shifts and addition.
    case i64x2Shl = 0xCB, i64x2ShrS, i64x2ShrU, i64x2Add
    /// i64x2 subtraction.
    case i64x2Sub = 0xD1
    /// i64x2 multiply and comparisons (signed only).
    case i64x2Mul = 0xD5, i64x2Eq, i64x2Ne, i64x2LtS, i64x2GtS, i64x2LeS, i64x2GeS
    /// Extending multiplies of the low or high i32 lanes.
    case i64x2ExtmulLowI32x4S = 0xDC, i64x2ExtmulHighI32x4S, i64x2ExtmulLowI32x4U, i64x2ExtmulHighI32x4U
    /// f32x4 sign operations.
    case f32x4Abs = 0xE0, f32x4Neg
    /// f32x4 arithmetic.
    case f32x4Sqrt = 0xE3, f32x4Add, f32x4Sub, f32x4Mul, f32x4Div, f32x4Min, f32x4Max, f32x4Pmin, f32x4Pmax
    /// f64x2 sign operations.
    case f64x2Abs = 0xEC, f64x2Neg
    /// f64x2 arithmetic.
    case f64x2Sqrt = 0xEF, f64x2Add, f64x2Sub, f64x2Mul, f64x2Div, f64x2Min, f64x2Max, f64x2Pmin, f64x2Pmax
    /// Conversions between i32x4 and f32x4.
    case i32x4TruncSatF32x4S = 0xF8, i32x4TruncSatF32x4U, f32x4ConvertI32x4S, f32x4ConvertI32x4U
    /// Conversions between i32x4 and the two f64x2 lanes.
    case i32x4TruncSatF64x2SZero, i32x4TruncSatF64x2UZero, f64x2ConvertLowI32x4S, f64x2ConvertLowI32x4U
    /// Relaxed SIMD (Wasm 3.0): swizzle.
    case i8x16RelaxedSwizzle = 0x100
    /// Relaxed truncations of f32x4.
    case i32x4RelaxedTruncF32x4S, i32x4RelaxedTruncF32x4U
    /// Relaxed truncations of f64x2.
    case i32x4RelaxedTruncF64x2SZero, i32x4RelaxedTruncF64x2UZero
    /// Relaxed multiply-adds.
    case f32x4RelaxedMadd, f32x4RelaxedNmadd, f64x2RelaxedMadd, f64x2RelaxedNmadd
    /// Relaxed lane selects.
    case i8x16RelaxedLaneselect, i16x8RelaxedLaneselect, i32x4RelaxedLaneselect, i64x2RelaxedLaneselect
    /// Relaxed minimum and maximum.
    case f32x4RelaxedMin, f32x4RelaxedMax, f64x2RelaxedMin, f64x2RelaxedMax
    /// Relaxed Q15 multiply and dot products.
    case i16x8RelaxedQ15mulrS, i16x8RelaxedDotI8x16I7x16S, i32x4RelaxedDotI8x16I7x16AddS

    /// Number of ops: the dense indices are `0..<count`.
    public static let count = allCases.count

    /// One past the largest sub-opcode.
    static let opcodeLimit = 0x114

    /// Dense index in `0..<SIMDOp.count` (opcode order).
    @inline(__always)
    public var index: Int { Int(SIMDOp.indexByOpcode[Int(rawValue)]) }

    /// The op with dense index `index`.
    @inline(__always)
    public static func byIndex(_ index: Int) -> SIMDOp { ops[index] }

    /// The op for a sub-opcode after `0xFD`, or nil for an unassigned one.
    @inline(__always)
    public static func fromOpcode(_ subOpcode: UInt32) -> SIMDOp? {
        guard subOpcode < UInt32(opcodeLimit) else { return nil }
        let index = indexByOpcode[Int(subOpcode)]
        return index == unassigned ? nil : ops[Int(index)]
    }

    /// Whether the op belongs to relaxed SIMD (`0xFD 0x100...`).
    public var isRelaxed: Bool { rawValue >= 0x100 }

    private static let ops: [SIMDOp] = allCases
    private static let unassigned = UInt16.max
    private static let indexByOpcode: [UInt16] = {
        var table = [UInt16](repeating: unassigned, count: opcodeLimit)
        for (i, op) in allCases.enumerated() { table[Int(op.rawValue)] = UInt16(i) }
        return table
    }()

    // MARK: The table

    /// How an op uses the stacks, which also decides its immediates.
    public enum Shape: UInt8, Hashable, Sendable {
        /// memarg; `[addr] -> [v128]`.
        case load
        /// memarg; `[addr v128] -> []`.
        case store
        /// memarg, lane; `[addr v128] -> [v128]`.
        case loadLane
        /// memarg, lane; `[addr v128] -> []`.
        case storeLane
        /// 16 bytes; `[] -> [v128]`.
        case constant
        /// 16 lane indices; `[v128 v128] -> [v128]`.
        case shuffle
        /// `[t] -> [v128]`, t = `info.scalar`.
        case splat
        /// lane; `[v128] -> [t]`.
        case extractLane
        /// lane; `[v128 t] -> [v128]`.
        case replaceLane
        /// `[v128] -> [v128]`.
        case unary
        /// `[v128 v128] -> [v128]`.
        case binary
        /// `[v128 v128 v128] -> [v128]`.
        case ternary
        /// `[v128] -> [i32]` (any_true, all_true, bitmask).
        case test
        /// `[v128 i32] -> [v128]`.
        case shift
    }

    /// What the reader, validator and compiler need to know about one op.
    public struct Info: Hashable, Sendable {
        /// The sub-opcode after `0xFD`.
        public let opcode: UInt16
        /// The text-format name, e.g. "i8x16.add_sat_s".
        public let name: String
        /// The stack effect and immediates.
        public let shape: Shape
        /// Memory shapes: log2 of the bytes accessed, which is the natural alignment (the
        /// largest valid `MemArg.alignLog2`); for `loadLane`/`storeLane` also the lane width.
        public let accessLog2: UInt32
        /// Shapes with a lane immediate: the lane count (16, 8, 4, 2) that bounds it.
        public let laneCount: UInt8
        /// `splat`, `extractLane`, `replaceLane`: the scalar type.
        public let scalar: ValueType?

        /// Whether a memarg immediate follows the opcode.
        public var hasMemArg: Bool { shape.rawValue <= Shape.storeLane.rawValue }
        /// Whether a lane index immediate follows (after the memarg, if any).
        public var hasLane: Bool {
            shape == .loadLane || shape == .storeLane || shape == .extractLane || shape == .replaceLane
        }
    }

    /// The op's entry of the table.
    @inline(__always)
    public var info: Info { SIMDOp.infos[index] }

    /// The text-format name.
    public var name: String { info.name }

    /// The table in dense-index order (a test asserts `SIMDOp.tableIsConsistent`).
    static let infos: [Info] = rows.map { row in
        let (opcode, name, shape, access) = row
        var laneCount: UInt8 = 0
        var scalar: ValueType?
        switch shape {
        case .loadLane, .storeLane:
            laneCount = UInt8(16 >> access)
        case .splat, .extractLane, .replaceLane:
            // The lane shape is the name's prefix: i8x16, i16x8, i32x4, i64x2, f32x4, f64x2.
            switch name.prefix(5) {
            case "i8x16": (laneCount, scalar) = (16, .i32)
            case "i16x8": (laneCount, scalar) = (8, .i32)
            case "i32x4": (laneCount, scalar) = (4, .i32)
            case "i64x2": (laneCount, scalar) = (2, .i64)
            case "f32x4": (laneCount, scalar) = (4, .f32)
            default: (laneCount, scalar) = (2, .f64)
            }
        default:
            break
        }
        return Info(opcode: opcode, name: name, shape: shape, accessLog2: access,
                    laneCount: laneCount, scalar: scalar)
    }

    /// Whether every row's opcode is its op's raw value (the table and the enum agree).
    static var tableIsConsistent: Bool {
        infos.count == allCases.count
            && zip(infos, allCases).allSatisfy { $0.opcode == $1.rawValue }
    }

    /// One row per op, in opcode order: sub-opcode, name, shape, access width (memory shapes).
    private static let rows: [(UInt16, String, Shape, UInt32)] = [
        (0x00, "v128.load", .load, 4),
        (0x01, "v128.load8x8_s", .load, 3), (0x02, "v128.load8x8_u", .load, 3),
        (0x03, "v128.load16x4_s", .load, 3), (0x04, "v128.load16x4_u", .load, 3),
        (0x05, "v128.load32x2_s", .load, 3), (0x06, "v128.load32x2_u", .load, 3),
        (0x07, "v128.load8_splat", .load, 0), (0x08, "v128.load16_splat", .load, 1),
        (0x09, "v128.load32_splat", .load, 2), (0x0A, "v128.load64_splat", .load, 3),
        (0x0B, "v128.store", .store, 4),
        (0x0C, "v128.const", .constant, 0),
        (0x0D, "i8x16.shuffle", .shuffle, 0),
        (0x0E, "i8x16.swizzle", .binary, 0),
        (0x0F, "i8x16.splat", .splat, 0), (0x10, "i16x8.splat", .splat, 0),
        (0x11, "i32x4.splat", .splat, 0), (0x12, "i64x2.splat", .splat, 0),
        (0x13, "f32x4.splat", .splat, 0), (0x14, "f64x2.splat", .splat, 0),
        (0x15, "i8x16.extract_lane_s", .extractLane, 0), (0x16, "i8x16.extract_lane_u", .extractLane, 0),
        (0x17, "i8x16.replace_lane", .replaceLane, 0),
        (0x18, "i16x8.extract_lane_s", .extractLane, 0), (0x19, "i16x8.extract_lane_u", .extractLane, 0),
        (0x1A, "i16x8.replace_lane", .replaceLane, 0),
        (0x1B, "i32x4.extract_lane", .extractLane, 0), (0x1C, "i32x4.replace_lane", .replaceLane, 0),
        (0x1D, "i64x2.extract_lane", .extractLane, 0), (0x1E, "i64x2.replace_lane", .replaceLane, 0),
        (0x1F, "f32x4.extract_lane", .extractLane, 0), (0x20, "f32x4.replace_lane", .replaceLane, 0),
        (0x21, "f64x2.extract_lane", .extractLane, 0), (0x22, "f64x2.replace_lane", .replaceLane, 0),
        (0x23, "i8x16.eq", .binary, 0), (0x24, "i8x16.ne", .binary, 0),
        (0x25, "i8x16.lt_s", .binary, 0), (0x26, "i8x16.lt_u", .binary, 0),
        (0x27, "i8x16.gt_s", .binary, 0), (0x28, "i8x16.gt_u", .binary, 0),
        (0x29, "i8x16.le_s", .binary, 0), (0x2A, "i8x16.le_u", .binary, 0),
        (0x2B, "i8x16.ge_s", .binary, 0), (0x2C, "i8x16.ge_u", .binary, 0),
        (0x2D, "i16x8.eq", .binary, 0), (0x2E, "i16x8.ne", .binary, 0),
        (0x2F, "i16x8.lt_s", .binary, 0), (0x30, "i16x8.lt_u", .binary, 0),
        (0x31, "i16x8.gt_s", .binary, 0), (0x32, "i16x8.gt_u", .binary, 0),
        (0x33, "i16x8.le_s", .binary, 0), (0x34, "i16x8.le_u", .binary, 0),
        (0x35, "i16x8.ge_s", .binary, 0), (0x36, "i16x8.ge_u", .binary, 0),
        (0x37, "i32x4.eq", .binary, 0), (0x38, "i32x4.ne", .binary, 0),
        (0x39, "i32x4.lt_s", .binary, 0), (0x3A, "i32x4.lt_u", .binary, 0),
        (0x3B, "i32x4.gt_s", .binary, 0), (0x3C, "i32x4.gt_u", .binary, 0),
        (0x3D, "i32x4.le_s", .binary, 0), (0x3E, "i32x4.le_u", .binary, 0),
        (0x3F, "i32x4.ge_s", .binary, 0), (0x40, "i32x4.ge_u", .binary, 0),
        (0x41, "f32x4.eq", .binary, 0), (0x42, "f32x4.ne", .binary, 0), (0x43, "f32x4.lt", .binary, 0),
        (0x44, "f32x4.gt", .binary, 0), (0x45, "f32x4.le", .binary, 0), (0x46, "f32x4.ge", .binary, 0),
        (0x47, "f64x2.eq", .binary, 0), (0x48, "f64x2.ne", .binary, 0), (0x49, "f64x2.lt", .binary, 0),
        (0x4A, "f64x2.gt", .binary, 0), (0x4B, "f64x2.le", .binary, 0), (0x4C, "f64x2.ge", .binary, 0),
        (0x4D, "v128.not", .unary, 0), (0x4E, "v128.and", .binary, 0), (0x4F, "v128.andnot", .binary, 0),
        (0x50, "v128.or", .binary, 0), (0x51, "v128.xor", .binary, 0),
        (0x52, "v128.bitselect", .ternary, 0), (0x53, "v128.any_true", .test, 0),
        (0x54, "v128.load8_lane", .loadLane, 0), (0x55, "v128.load16_lane", .loadLane, 1),
        (0x56, "v128.load32_lane", .loadLane, 2), (0x57, "v128.load64_lane", .loadLane, 3),
        (0x58, "v128.store8_lane", .storeLane, 0), (0x59, "v128.store16_lane", .storeLane, 1),
        (0x5A, "v128.store32_lane", .storeLane, 2), (0x5B, "v128.store64_lane", .storeLane, 3),
        (0x5C, "v128.load32_zero", .load, 2), (0x5D, "v128.load64_zero", .load, 3),
        (0x5E, "f32x4.demote_f64x2_zero", .unary, 0), (0x5F, "f64x2.promote_low_f32x4", .unary, 0),
        (0x60, "i8x16.abs", .unary, 0), (0x61, "i8x16.neg", .unary, 0), (0x62, "i8x16.popcnt", .unary, 0),
        (0x63, "i8x16.all_true", .test, 0), (0x64, "i8x16.bitmask", .test, 0),
        (0x65, "i8x16.narrow_i16x8_s", .binary, 0), (0x66, "i8x16.narrow_i16x8_u", .binary, 0),
        (0x67, "f32x4.ceil", .unary, 0), (0x68, "f32x4.floor", .unary, 0),
        (0x69, "f32x4.trunc", .unary, 0), (0x6A, "f32x4.nearest", .unary, 0),
        (0x6B, "i8x16.shl", .shift, 0), (0x6C, "i8x16.shr_s", .shift, 0), (0x6D, "i8x16.shr_u", .shift, 0),
        (0x6E, "i8x16.add", .binary, 0), (0x6F, "i8x16.add_sat_s", .binary, 0),
        (0x70, "i8x16.add_sat_u", .binary, 0), (0x71, "i8x16.sub", .binary, 0),
        (0x72, "i8x16.sub_sat_s", .binary, 0), (0x73, "i8x16.sub_sat_u", .binary, 0),
        (0x74, "f64x2.ceil", .unary, 0), (0x75, "f64x2.floor", .unary, 0),
        (0x76, "i8x16.min_s", .binary, 0), (0x77, "i8x16.min_u", .binary, 0),
        (0x78, "i8x16.max_s", .binary, 0), (0x79, "i8x16.max_u", .binary, 0),
        (0x7A, "f64x2.trunc", .unary, 0), (0x7B, "i8x16.avgr_u", .binary, 0),
        (0x7C, "i16x8.extadd_pairwise_i8x16_s", .unary, 0), (0x7D, "i16x8.extadd_pairwise_i8x16_u", .unary, 0),
        (0x7E, "i32x4.extadd_pairwise_i16x8_s", .unary, 0), (0x7F, "i32x4.extadd_pairwise_i16x8_u", .unary, 0),
        (0x80, "i16x8.abs", .unary, 0), (0x81, "i16x8.neg", .unary, 0),
        (0x82, "i16x8.q15mulr_sat_s", .binary, 0),
        (0x83, "i16x8.all_true", .test, 0), (0x84, "i16x8.bitmask", .test, 0),
        (0x85, "i16x8.narrow_i32x4_s", .binary, 0), (0x86, "i16x8.narrow_i32x4_u", .binary, 0),
        (0x87, "i16x8.extend_low_i8x16_s", .unary, 0), (0x88, "i16x8.extend_high_i8x16_s", .unary, 0),
        (0x89, "i16x8.extend_low_i8x16_u", .unary, 0), (0x8A, "i16x8.extend_high_i8x16_u", .unary, 0),
        (0x8B, "i16x8.shl", .shift, 0), (0x8C, "i16x8.shr_s", .shift, 0), (0x8D, "i16x8.shr_u", .shift, 0),
        (0x8E, "i16x8.add", .binary, 0), (0x8F, "i16x8.add_sat_s", .binary, 0),
        (0x90, "i16x8.add_sat_u", .binary, 0), (0x91, "i16x8.sub", .binary, 0),
        (0x92, "i16x8.sub_sat_s", .binary, 0), (0x93, "i16x8.sub_sat_u", .binary, 0),
        (0x94, "f64x2.nearest", .unary, 0), (0x95, "i16x8.mul", .binary, 0),
        (0x96, "i16x8.min_s", .binary, 0), (0x97, "i16x8.min_u", .binary, 0),
        (0x98, "i16x8.max_s", .binary, 0), (0x99, "i16x8.max_u", .binary, 0),
        (0x9B, "i16x8.avgr_u", .binary, 0),
        (0x9C, "i16x8.extmul_low_i8x16_s", .binary, 0), (0x9D, "i16x8.extmul_high_i8x16_s", .binary, 0),
        (0x9E, "i16x8.extmul_low_i8x16_u", .binary, 0), (0x9F, "i16x8.extmul_high_i8x16_u", .binary, 0),
        (0xA0, "i32x4.abs", .unary, 0), (0xA1, "i32x4.neg", .unary, 0),
        (0xA3, "i32x4.all_true", .test, 0), (0xA4, "i32x4.bitmask", .test, 0),
        (0xA7, "i32x4.extend_low_i16x8_s", .unary, 0), (0xA8, "i32x4.extend_high_i16x8_s", .unary, 0),
        (0xA9, "i32x4.extend_low_i16x8_u", .unary, 0), (0xAA, "i32x4.extend_high_i16x8_u", .unary, 0),
        (0xAB, "i32x4.shl", .shift, 0), (0xAC, "i32x4.shr_s", .shift, 0), (0xAD, "i32x4.shr_u", .shift, 0),
        (0xAE, "i32x4.add", .binary, 0), (0xB1, "i32x4.sub", .binary, 0), (0xB5, "i32x4.mul", .binary, 0),
        (0xB6, "i32x4.min_s", .binary, 0), (0xB7, "i32x4.min_u", .binary, 0),
        (0xB8, "i32x4.max_s", .binary, 0), (0xB9, "i32x4.max_u", .binary, 0),
        (0xBA, "i32x4.dot_i16x8_s", .binary, 0),
        (0xBC, "i32x4.extmul_low_i16x8_s", .binary, 0), (0xBD, "i32x4.extmul_high_i16x8_s", .binary, 0),
        (0xBE, "i32x4.extmul_low_i16x8_u", .binary, 0), (0xBF, "i32x4.extmul_high_i16x8_u", .binary, 0),
        (0xC0, "i64x2.abs", .unary, 0), (0xC1, "i64x2.neg", .unary, 0),
        (0xC3, "i64x2.all_true", .test, 0), (0xC4, "i64x2.bitmask", .test, 0),
        (0xC7, "i64x2.extend_low_i32x4_s", .unary, 0), (0xC8, "i64x2.extend_high_i32x4_s", .unary, 0),
        (0xC9, "i64x2.extend_low_i32x4_u", .unary, 0), (0xCA, "i64x2.extend_high_i32x4_u", .unary, 0),
        (0xCB, "i64x2.shl", .shift, 0), (0xCC, "i64x2.shr_s", .shift, 0), (0xCD, "i64x2.shr_u", .shift, 0),
        (0xCE, "i64x2.add", .binary, 0), (0xD1, "i64x2.sub", .binary, 0), (0xD5, "i64x2.mul", .binary, 0),
        (0xD6, "i64x2.eq", .binary, 0), (0xD7, "i64x2.ne", .binary, 0),
        (0xD8, "i64x2.lt_s", .binary, 0), (0xD9, "i64x2.gt_s", .binary, 0),
        (0xDA, "i64x2.le_s", .binary, 0), (0xDB, "i64x2.ge_s", .binary, 0),
        (0xDC, "i64x2.extmul_low_i32x4_s", .binary, 0), (0xDD, "i64x2.extmul_high_i32x4_s", .binary, 0),
        (0xDE, "i64x2.extmul_low_i32x4_u", .binary, 0), (0xDF, "i64x2.extmul_high_i32x4_u", .binary, 0),
        (0xE0, "f32x4.abs", .unary, 0), (0xE1, "f32x4.neg", .unary, 0), (0xE3, "f32x4.sqrt", .unary, 0),
        (0xE4, "f32x4.add", .binary, 0), (0xE5, "f32x4.sub", .binary, 0),
        (0xE6, "f32x4.mul", .binary, 0), (0xE7, "f32x4.div", .binary, 0),
        (0xE8, "f32x4.min", .binary, 0), (0xE9, "f32x4.max", .binary, 0),
        (0xEA, "f32x4.pmin", .binary, 0), (0xEB, "f32x4.pmax", .binary, 0),
        (0xEC, "f64x2.abs", .unary, 0), (0xED, "f64x2.neg", .unary, 0), (0xEF, "f64x2.sqrt", .unary, 0),
        (0xF0, "f64x2.add", .binary, 0), (0xF1, "f64x2.sub", .binary, 0),
        (0xF2, "f64x2.mul", .binary, 0), (0xF3, "f64x2.div", .binary, 0),
        (0xF4, "f64x2.min", .binary, 0), (0xF5, "f64x2.max", .binary, 0),
        (0xF6, "f64x2.pmin", .binary, 0), (0xF7, "f64x2.pmax", .binary, 0),
        (0xF8, "i32x4.trunc_sat_f32x4_s", .unary, 0), (0xF9, "i32x4.trunc_sat_f32x4_u", .unary, 0),
        (0xFA, "f32x4.convert_i32x4_s", .unary, 0), (0xFB, "f32x4.convert_i32x4_u", .unary, 0),
        (0xFC, "i32x4.trunc_sat_f64x2_s_zero", .unary, 0), (0xFD, "i32x4.trunc_sat_f64x2_u_zero", .unary, 0),
        (0xFE, "f64x2.convert_low_i32x4_s", .unary, 0), (0xFF, "f64x2.convert_low_i32x4_u", .unary, 0),
        (0x100, "i8x16.relaxed_swizzle", .binary, 0),
        (0x101, "i32x4.relaxed_trunc_f32x4_s", .unary, 0), (0x102, "i32x4.relaxed_trunc_f32x4_u", .unary, 0),
        (0x103, "i32x4.relaxed_trunc_f64x2_s_zero", .unary, 0),
        (0x104, "i32x4.relaxed_trunc_f64x2_u_zero", .unary, 0),
        (0x105, "f32x4.relaxed_madd", .ternary, 0), (0x106, "f32x4.relaxed_nmadd", .ternary, 0),
        (0x107, "f64x2.relaxed_madd", .ternary, 0), (0x108, "f64x2.relaxed_nmadd", .ternary, 0),
        (0x109, "i8x16.relaxed_laneselect", .ternary, 0), (0x10A, "i16x8.relaxed_laneselect", .ternary, 0),
        (0x10B, "i32x4.relaxed_laneselect", .ternary, 0), (0x10C, "i64x2.relaxed_laneselect", .ternary, 0),
        (0x10D, "f32x4.relaxed_min", .binary, 0), (0x10E, "f32x4.relaxed_max", .binary, 0),
        (0x10F, "f64x2.relaxed_min", .binary, 0), (0x110, "f64x2.relaxed_max", .binary, 0),
        (0x111, "i16x8.relaxed_q15mulr_s", .binary, 0),
        (0x112, "i16x8.relaxed_dot_i8x16_i7x16_s", .binary, 0),
        (0x113, "i32x4.relaxed_dot_i8x16_i7x16_add_s", .ternary, 0),
    ]
}
