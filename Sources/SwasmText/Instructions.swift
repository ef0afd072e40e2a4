/// The one table of instructions: mnemonic → opcode and the shape of its immediates. The
/// instruction parser reads immediates by `ImmediateKind` and writes the opcode from here;
/// nothing else in this target knows an opcode number.
///
/// Opcodes: https://webassembly.github.io/spec/core/binary/instructions.html

/// How an instruction's immediates are written in text and encoded in binary.
enum ImmediateKind: Equatable {
    case none
    /// `block`/`loop`: label, block type; body up to `end`.
    case block
    /// `if`: label, block type; `then`/`else` arms.
    case ifBlock
    /// `try_table`: label, block type, catch clauses.
    case tryTable
    /// Legacy exception handling `try` (catch/catch_all/delegate).
    case legacyTry
    /// A label index (`br`, `br_if`, `br_on_null`, `rethrow`, `delegate`).
    case label
    /// `br_table l* l`.
    case labelTable
    case function
    /// `call_indirect tableidx? typeuse`.
    case callIndirect
    /// A type index (`call_ref`, `struct.new`, `array.get`, ...).
    case type
    /// A type index then a field index (`struct.get`).
    case typeField
    /// A type index then a data index (`array.new_data`).
    case typeData
    /// A type index then an element index (`array.new_elem`).
    case typeElem
    /// A type index then a u32 count (`array.new_fixed`).
    case typeCount
    /// Two type indices (`array.copy`).
    case typeType
    case local
    case global
    /// An optional table index, default 0.
    case table
    /// `table.copy dst? src?`.
    case tableCopy
    /// `table.init table? elem`.
    case tableInit
    case elem
    /// An optional memory index, default 0, encoded as a u32 (a reserved byte before
    /// multi-memory).
    case memory
    /// `memory.copy dst? src?`.
    case memoryCopy
    /// `memory.init mem? data`.
    case memoryInit
    case data
    case tag
    /// `memidx? offset=? align=?`; the associated value is log2 of the natural alignment.
    case memarg(UInt8)
    /// A memarg then a lane index (`v128.load8_lane`).
    case memargLane(UInt8)
    case i32
    case i64
    case f32
    case f64
    case v128
    /// A lane index byte.
    case lane
    /// A reserved zero byte (`atomic.fence`).
    case zeroByte
    /// Sixteen lane index bytes.
    case shuffle
    /// `select (result t)*`.
    case select
    /// `ref.null heaptype`.
    case heapType
    /// `ref.test reftype` / `ref.cast reftype`: the opcode for the nullable form is the next one.
    case refType
    /// `br_on_cast label reftype reftype`.
    case brOnCast
}

/// An opcode: an optional prefix byte (0xFB, 0xFC, 0xFD, 0xFE) followed by a LEB128 u32, or a
/// single byte when `prefix` is nil.
struct Opcode: Equatable {
    var prefix: UInt8?
    var code: UInt32

    func encode(into w: inout ByteWriter) {
        if let prefix {
            w.byte(prefix)
            w.u32(code)
        } else {
            w.byte(UInt8(code))
        }
    }
}

struct InstructionInfo {
    var opcode: Opcode
    var immediate: ImmediateKind
}

enum InstructionTable {
    /// Instructions with immediates, or outside a consecutive run of opcodes.
    private static let irregular: [(String, UInt8?, UInt32, ImmediateKind)] = [
        ("unreachable", nil, 0x00, .none),
        ("nop", nil, 0x01, .none),
        ("block", nil, 0x02, .block),
        ("loop", nil, 0x03, .block),
        ("if", nil, 0x04, .ifBlock),
        ("try", nil, 0x06, .legacyTry),
        ("throw", nil, 0x08, .tag),
        ("rethrow", nil, 0x09, .label),
        ("throw_ref", nil, 0x0A, .none),
        ("br", nil, 0x0C, .label),
        ("br_if", nil, 0x0D, .label),
        ("br_table", nil, 0x0E, .labelTable),
        ("return", nil, 0x0F, .none),
        ("call", nil, 0x10, .function),
        ("call_indirect", nil, 0x11, .callIndirect),
        ("return_call", nil, 0x12, .function),
        ("return_call_indirect", nil, 0x13, .callIndirect),
        ("call_ref", nil, 0x14, .type),
        ("return_call_ref", nil, 0x15, .type),
        ("drop", nil, 0x1A, .none),
        ("select", nil, 0x1B, .select),
        ("try_table", nil, 0x1F, .tryTable),
        ("local.get", nil, 0x20, .local),
        ("local.set", nil, 0x21, .local),
        ("local.tee", nil, 0x22, .local),
        ("global.get", nil, 0x23, .global),
        ("global.set", nil, 0x24, .global),
        ("table.get", nil, 0x25, .table),
        ("table.set", nil, 0x26, .table),
        ("i32.load", nil, 0x28, .memarg(2)),
        ("i64.load", nil, 0x29, .memarg(3)),
        ("f32.load", nil, 0x2A, .memarg(2)),
        ("f64.load", nil, 0x2B, .memarg(3)),
        ("i32.load8_s", nil, 0x2C, .memarg(0)),
        ("i32.load8_u", nil, 0x2D, .memarg(0)),
        ("i32.load16_s", nil, 0x2E, .memarg(1)),
        ("i32.load16_u", nil, 0x2F, .memarg(1)),
        ("i64.load8_s", nil, 0x30, .memarg(0)),
        ("i64.load8_u", nil, 0x31, .memarg(0)),
        ("i64.load16_s", nil, 0x32, .memarg(1)),
        ("i64.load16_u", nil, 0x33, .memarg(1)),
        ("i64.load32_s", nil, 0x34, .memarg(2)),
        ("i64.load32_u", nil, 0x35, .memarg(2)),
        ("i32.store", nil, 0x36, .memarg(2)),
        ("i64.store", nil, 0x37, .memarg(3)),
        ("f32.store", nil, 0x38, .memarg(2)),
        ("f64.store", nil, 0x39, .memarg(3)),
        ("i32.store8", nil, 0x3A, .memarg(0)),
        ("i32.store16", nil, 0x3B, .memarg(1)),
        ("i64.store8", nil, 0x3C, .memarg(0)),
        ("i64.store16", nil, 0x3D, .memarg(1)),
        ("i64.store32", nil, 0x3E, .memarg(2)),
        ("memory.size", nil, 0x3F, .memory),
        ("memory.grow", nil, 0x40, .memory),
        ("i32.const", nil, 0x41, .i32),
        ("i64.const", nil, 0x42, .i64),
        ("f32.const", nil, 0x43, .f32),
        ("f64.const", nil, 0x44, .f64),
        ("ref.null", nil, 0xD0, .heapType),
        ("ref.is_null", nil, 0xD1, .none),
        ("ref.func", nil, 0xD2, .function),
        ("ref.eq", nil, 0xD3, .none),
        ("ref.as_non_null", nil, 0xD4, .none),
        ("br_on_null", nil, 0xD5, .label),
        ("br_on_non_null", nil, 0xD6, .label),

        ("memory.init", 0xFC, 8, .memoryInit),
        ("data.drop", 0xFC, 9, .data),
        ("memory.copy", 0xFC, 10, .memoryCopy),
        ("memory.fill", 0xFC, 11, .memory),
        ("table.init", 0xFC, 12, .tableInit),
        ("elem.drop", 0xFC, 13, .elem),
        ("table.copy", 0xFC, 14, .tableCopy),
        ("table.grow", 0xFC, 15, .table),
        ("table.size", 0xFC, 16, .table),
        ("table.fill", 0xFC, 17, .table),

        ("struct.new", 0xFB, 0, .type),
        ("struct.new_default", 0xFB, 1, .type),
        ("struct.get", 0xFB, 2, .typeField),
        ("struct.get_s", 0xFB, 3, .typeField),
        ("struct.get_u", 0xFB, 4, .typeField),
        ("struct.set", 0xFB, 5, .typeField),
        ("array.new", 0xFB, 6, .type),
        ("array.new_default", 0xFB, 7, .type),
        ("array.new_fixed", 0xFB, 8, .typeCount),
        ("array.new_data", 0xFB, 9, .typeData),
        ("array.new_elem", 0xFB, 10, .typeElem),
        ("array.get", 0xFB, 11, .type),
        ("array.get_s", 0xFB, 12, .type),
        ("array.get_u", 0xFB, 13, .type),
        ("array.set", 0xFB, 14, .type),
        ("array.len", 0xFB, 15, .none),
        ("array.fill", 0xFB, 16, .type),
        ("array.copy", 0xFB, 17, .typeType),
        ("array.init_data", 0xFB, 18, .typeData),
        ("array.init_elem", 0xFB, 19, .typeElem),
        ("ref.test", 0xFB, 20, .refType),
        ("ref.cast", 0xFB, 22, .refType),
        ("br_on_cast", 0xFB, 24, .brOnCast),
        ("br_on_cast_fail", 0xFB, 25, .brOnCast),
        ("any.convert_extern", 0xFB, 26, .none),
        ("extern.convert_any", 0xFB, 27, .none),
        ("ref.i31", 0xFB, 28, .none),
        ("i31.get_s", 0xFB, 29, .none),
        ("i31.get_u", 0xFB, 30, .none),

        ("v128.load", 0xFD, 0, .memarg(4)),
        ("v128.load8x8_s", 0xFD, 1, .memarg(3)),
        ("v128.load8x8_u", 0xFD, 2, .memarg(3)),
        ("v128.load16x4_s", 0xFD, 3, .memarg(3)),
        ("v128.load16x4_u", 0xFD, 4, .memarg(3)),
        ("v128.load32x2_s", 0xFD, 5, .memarg(3)),
        ("v128.load32x2_u", 0xFD, 6, .memarg(3)),
        ("v128.load8_splat", 0xFD, 7, .memarg(0)),
        ("v128.load16_splat", 0xFD, 8, .memarg(1)),
        ("v128.load32_splat", 0xFD, 9, .memarg(2)),
        ("v128.load64_splat", 0xFD, 10, .memarg(3)),
        ("v128.store", 0xFD, 11, .memarg(4)),
        ("v128.const", 0xFD, 12, .v128),
        ("i8x16.shuffle", 0xFD, 13, .shuffle),
        ("i8x16.extract_lane_s", 0xFD, 21, .lane),
        ("i8x16.extract_lane_u", 0xFD, 22, .lane),
        ("i8x16.replace_lane", 0xFD, 23, .lane),
        ("i16x8.extract_lane_s", 0xFD, 24, .lane),
        ("i16x8.extract_lane_u", 0xFD, 25, .lane),
        ("i16x8.replace_lane", 0xFD, 26, .lane),
        ("i32x4.extract_lane", 0xFD, 27, .lane),
        ("i32x4.replace_lane", 0xFD, 28, .lane),
        ("i64x2.extract_lane", 0xFD, 29, .lane),
        ("i64x2.replace_lane", 0xFD, 30, .lane),
        ("f32x4.extract_lane", 0xFD, 31, .lane),
        ("f32x4.replace_lane", 0xFD, 32, .lane),
        ("f64x2.extract_lane", 0xFD, 33, .lane),
        ("f64x2.replace_lane", 0xFD, 34, .lane),
        ("v128.load8_lane", 0xFD, 84, .memargLane(0)),
        ("v128.load16_lane", 0xFD, 85, .memargLane(1)),
        ("v128.load32_lane", 0xFD, 86, .memargLane(2)),
        ("v128.load64_lane", 0xFD, 87, .memargLane(3)),
        ("v128.store8_lane", 0xFD, 88, .memargLane(0)),
        ("v128.store16_lane", 0xFD, 89, .memargLane(1)),
        ("v128.store32_lane", 0xFD, 90, .memargLane(2)),
        ("v128.store64_lane", 0xFD, 91, .memargLane(3)),
        ("v128.load32_zero", 0xFD, 92, .memarg(2)),
        ("v128.load64_zero", 0xFD, 93, .memarg(3)),
    ]

    /// Runs of immediate-free instructions with consecutive opcodes; `-` marks an unassigned
    /// opcode.
    private static let runs: [(UInt8?, UInt32, String)] = [
        (nil, 0x45, """
            i32.eqz i32.eq i32.ne i32.lt_s i32.lt_u i32.gt_s i32.gt_u i32.le_s i32.le_u i32.ge_s i32.ge_u
            i64.eqz i64.eq i64.ne i64.lt_s i64.lt_u i64.gt_s i64.gt_u i64.le_s i64.le_u i64.ge_s i64.ge_u
            f32.eq f32.ne f32.lt f32.gt f32.le f32.ge
            f64.eq f64.ne f64.lt f64.gt f64.le f64.ge
            i32.clz i32.ctz i32.popcnt i32.add i32.sub i32.mul i32.div_s i32.div_u i32.rem_s i32.rem_u
            i32.and i32.or i32.xor i32.shl i32.shr_s i32.shr_u i32.rotl i32.rotr
            i64.clz i64.ctz i64.popcnt i64.add i64.sub i64.mul i64.div_s i64.div_u i64.rem_s i64.rem_u
            i64.and i64.or i64.xor i64.shl i64.shr_s i64.shr_u i64.rotl i64.rotr
            f32.abs f32.neg f32.ceil f32.floor f32.trunc f32.nearest f32.sqrt
            f32.add f32.sub f32.mul f32.div f32.min f32.max f32.copysign
            f64.abs f64.neg f64.ceil f64.floor f64.trunc f64.nearest f64.sqrt
            f64.add f64.sub f64.mul f64.div f64.min f64.max f64.copysign
            i32.wrap_i64 i32.trunc_f32_s i32.trunc_f32_u i32.trunc_f64_s i32.trunc_f64_u
            i64.extend_i32_s i64.extend_i32_u i64.trunc_f32_s i64.trunc_f32_u i64.trunc_f64_s i64.trunc_f64_u
            f32.convert_i32_s f32.convert_i32_u f32.convert_i64_s f32.convert_i64_u f32.demote_f64
            f64.convert_i32_s f64.convert_i32_u f64.convert_i64_s f64.convert_i64_u f64.promote_f32
            i32.reinterpret_f32 i64.reinterpret_f64 f32.reinterpret_i32 f64.reinterpret_i64
            i32.extend8_s i32.extend16_s i64.extend8_s i64.extend16_s i64.extend32_s
            """),
        (0xFC, 0, """
            i32.trunc_sat_f32_s i32.trunc_sat_f32_u i32.trunc_sat_f64_s i32.trunc_sat_f64_u
            i64.trunc_sat_f32_s i64.trunc_sat_f32_u i64.trunc_sat_f64_s i64.trunc_sat_f64_u
            """),
        (0xFC, 19, "i64.add128 i64.sub128 i64.mul_wide_s i64.mul_wide_u"),
        (0xFD, 14, "i8x16.swizzle i8x16.splat i16x8.splat i32x4.splat i64x2.splat f32x4.splat f64x2.splat"),
        (0xFD, 35, """
            i8x16.eq i8x16.ne i8x16.lt_s i8x16.lt_u i8x16.gt_s i8x16.gt_u i8x16.le_s i8x16.le_u i8x16.ge_s i8x16.ge_u
            i16x8.eq i16x8.ne i16x8.lt_s i16x8.lt_u i16x8.gt_s i16x8.gt_u i16x8.le_s i16x8.le_u i16x8.ge_s i16x8.ge_u
            i32x4.eq i32x4.ne i32x4.lt_s i32x4.lt_u i32x4.gt_s i32x4.gt_u i32x4.le_s i32x4.le_u i32x4.ge_s i32x4.ge_u
            f32x4.eq f32x4.ne f32x4.lt f32x4.gt f32x4.le f32x4.ge
            f64x2.eq f64x2.ne f64x2.lt f64x2.gt f64x2.le f64x2.ge
            v128.not v128.and v128.andnot v128.or v128.xor v128.bitselect v128.any_true
            """),
        (0xFD, 94, """
            f32x4.demote_f64x2_zero f64x2.promote_low_f32x4
            i8x16.abs i8x16.neg i8x16.popcnt i8x16.all_true i8x16.bitmask i8x16.narrow_i16x8_s i8x16.narrow_i16x8_u
            f32x4.ceil f32x4.floor f32x4.trunc f32x4.nearest
            i8x16.shl i8x16.shr_s i8x16.shr_u i8x16.add i8x16.add_sat_s i8x16.add_sat_u
            i8x16.sub i8x16.sub_sat_s i8x16.sub_sat_u
            f64x2.ceil f64x2.floor
            i8x16.min_s i8x16.min_u i8x16.max_s i8x16.max_u
            f64x2.trunc i8x16.avgr_u
            i16x8.extadd_pairwise_i8x16_s i16x8.extadd_pairwise_i8x16_u
            i32x4.extadd_pairwise_i16x8_s i32x4.extadd_pairwise_i16x8_u
            i16x8.abs i16x8.neg i16x8.q15mulr_sat_s i16x8.all_true i16x8.bitmask
            i16x8.narrow_i32x4_s i16x8.narrow_i32x4_u
            i16x8.extend_low_i8x16_s i16x8.extend_high_i8x16_s i16x8.extend_low_i8x16_u i16x8.extend_high_i8x16_u
            i16x8.shl i16x8.shr_s i16x8.shr_u i16x8.add i16x8.add_sat_s i16x8.add_sat_u
            i16x8.sub i16x8.sub_sat_s i16x8.sub_sat_u
            f64x2.nearest i16x8.mul i16x8.min_s i16x8.min_u i16x8.max_s i16x8.max_u - i16x8.avgr_u
            i16x8.extmul_low_i8x16_s i16x8.extmul_high_i8x16_s i16x8.extmul_low_i8x16_u i16x8.extmul_high_i8x16_u
            i32x4.abs i32x4.neg - i32x4.all_true i32x4.bitmask - -
            i32x4.extend_low_i16x8_s i32x4.extend_high_i16x8_s i32x4.extend_low_i16x8_u i32x4.extend_high_i16x8_u
            i32x4.shl i32x4.shr_s i32x4.shr_u i32x4.add - - i32x4.sub - - - i32x4.mul
            i32x4.min_s i32x4.min_u i32x4.max_s i32x4.max_u i32x4.dot_i16x8_s -
            i32x4.extmul_low_i16x8_s i32x4.extmul_high_i16x8_s i32x4.extmul_low_i16x8_u i32x4.extmul_high_i16x8_u
            i64x2.abs i64x2.neg - i64x2.all_true i64x2.bitmask - -
            i64x2.extend_low_i32x4_s i64x2.extend_high_i32x4_s i64x2.extend_low_i32x4_u i64x2.extend_high_i32x4_u
            i64x2.shl i64x2.shr_s i64x2.shr_u i64x2.add - - i64x2.sub - - - i64x2.mul
            i64x2.eq i64x2.ne i64x2.lt_s i64x2.gt_s i64x2.le_s i64x2.ge_s
            i64x2.extmul_low_i32x4_s i64x2.extmul_high_i32x4_s i64x2.extmul_low_i32x4_u i64x2.extmul_high_i32x4_u
            f32x4.abs f32x4.neg - f32x4.sqrt f32x4.add f32x4.sub f32x4.mul f32x4.div
            f32x4.min f32x4.max f32x4.pmin f32x4.pmax
            f64x2.abs f64x2.neg - f64x2.sqrt f64x2.add f64x2.sub f64x2.mul f64x2.div
            f64x2.min f64x2.max f64x2.pmin f64x2.pmax
            i32x4.trunc_sat_f32x4_s i32x4.trunc_sat_f32x4_u f32x4.convert_i32x4_s f32x4.convert_i32x4_u
            i32x4.trunc_sat_f64x2_s_zero i32x4.trunc_sat_f64x2_u_zero
            f64x2.convert_low_i32x4_s f64x2.convert_low_i32x4_u
            i8x16.relaxed_swizzle
            i32x4.relaxed_trunc_f32x4_s i32x4.relaxed_trunc_f32x4_u
            i32x4.relaxed_trunc_f64x2_s_zero i32x4.relaxed_trunc_f64x2_u_zero
            f32x4.relaxed_madd f32x4.relaxed_nmadd f64x2.relaxed_madd f64x2.relaxed_nmadd
            i8x16.relaxed_laneselect i16x8.relaxed_laneselect i32x4.relaxed_laneselect i64x2.relaxed_laneselect
            f32x4.relaxed_min f32x4.relaxed_max f64x2.relaxed_min f64x2.relaxed_max
            i16x8.relaxed_q15mulr_s i16x8.relaxed_dot_i8x16_i7x16_s i32x4.relaxed_dot_i8x16_i7x16_add_s
            """),
    ]

    private static func fill(_ pattern: String, _ word: String) -> String {
        pattern.split(separator: "#", omittingEmptySubsequences: false).joined(separator: word)
    }

    /// Atomic memory accesses (threads proposal): the 0xFE family, regular enough to generate.
    private static var atomics: [(String, UInt8?, UInt32, ImmediateKind)] {
        var list: [(String, UInt8?, UInt32, ImmediateKind)] = [
            ("memory.atomic.notify", 0xFE, 0x00, .memarg(2)),
            ("memory.atomic.wait32", 0xFE, 0x01, .memarg(2)),
            ("memory.atomic.wait64", 0xFE, 0x02, .memarg(3)),
            ("atomic.fence", 0xFE, 0x03, .zeroByte),
        ]
        // Loads, stores and each read-modify-write operator come in the same seven widths.
        let widths: [(String, UInt8)] = [
            ("i32.atomic.#", 2), ("i64.atomic.#", 3), ("i32.atomic.#8", 0), ("i32.atomic.#16", 1),
            ("i64.atomic.#8", 0), ("i64.atomic.#16", 1), ("i64.atomic.#32", 2),
        ]
        for (k, (pattern, alignment)) in widths.enumerated() {
            let narrow = k >= 2
            list.append((fill(pattern, "load") + (narrow ? "_u" : ""), 0xFE, UInt32(0x10 + k), .memarg(alignment)))
        }
        for (k, (pattern, alignment)) in widths.enumerated() {
            list.append((fill(pattern, "store"), 0xFE, UInt32(0x17 + k), .memarg(alignment)))
        }
        for (r, op) in ["add", "sub", "and", "or", "xor", "xchg", "cmpxchg"].enumerated() {
            for (k, (pattern, alignment)) in widths.enumerated() {
                let name = fill(pattern, "rmw") + "." + op + (k >= 2 ? "_u" : "")
                list.append((name, 0xFE, UInt32(0x1E + 7 * r + k), .memarg(alignment)))
            }
        }
        return list
    }

    /// Mnemonic → instruction, built once.
    static let byName: [String: InstructionInfo] = {
        var table: [String: InstructionInfo] = [:]
        for (name, prefix, code, immediate) in irregular + atomics {
            table[name] = InstructionInfo(opcode: Opcode(prefix: prefix, code: code), immediate: immediate)
        }
        for (prefix, first, names) in runs {
            var code = first
            for name in names.split(whereSeparator: { $0 == " " || $0 == "\n" }) {
                if name != "-" {
                    table[String(name)] = InstructionInfo(
                        opcode: Opcode(prefix: prefix, code: code), immediate: .none)
                }
                code += 1
            }
        }
        return table
    }()

    static let end = Opcode(prefix: nil, code: 0x0B)
    static let elseOpcode = Opcode(prefix: nil, code: 0x05)
    static let catchOpcode = Opcode(prefix: nil, code: 0x07)
    static let catchAllOpcode = Opcode(prefix: nil, code: 0x19)
    static let delegateOpcode = Opcode(prefix: nil, code: 0x18)
    static let selectTyped = Opcode(prefix: nil, code: 0x1C)
}
