/// The atomic instructions of the threads proposal (`0xFE` prefix), defined once: `AtomicOp`
/// knows each op's text name, operation, value type and access width, and the reader, the
/// validator, the compiler and the interpreter read them from here.
/// See https://webassembly.github.io/threads/core/binary/instructions.html#atomic-memory-instructions
///
/// The binary encoding is regular: after `notify`, `wait32`, `wait64` and `fence` (0x00...0x03),
/// the sub-opcodes 0x10...0x4E come in nine families of seven (load, store, then the
/// read-modify-write ops add, sub, and, or, xor, xchg, cmpxchg), each family in the same order
/// of value type and width: i32, i64, i32 8-bit, i32 16-bit, i64 8-bit, i64 16-bit, i64 32-bit.

/// Every atomic op; the raw value is the sub-opcode after the `0xFE` prefix.
public enum AtomicOp: UInt8, CaseIterable, Hashable, Sendable {
    /// `memory.atomic.notify`, `memory.atomic.wait32`, `memory.atomic.wait64`, `atomic.fence`.
    case memoryAtomicNotify = 0x00, memoryAtomicWait32, memoryAtomicWait64, atomicFence
    /// Atomic loads.
    case i32AtomicLoad = 0x10, i64AtomicLoad, i32AtomicLoad8U, i32AtomicLoad16U
    /// The same, on i64 with the narrow widths.
    case i64AtomicLoad8U, i64AtomicLoad16U, i64AtomicLoad32U
    /// Atomic stores.
    case i32AtomicStore, i64AtomicStore, i32AtomicStore8, i32AtomicStore16
    /// The same, on i64 with the narrow widths.
    case i64AtomicStore8, i64AtomicStore16, i64AtomicStore32
    /// Read-modify-write: add.
    case i32AtomicRmwAdd, i64AtomicRmwAdd, i32AtomicRmw8AddU, i32AtomicRmw16AddU
    /// The same, on i64 with the narrow widths.
    case i64AtomicRmw8AddU, i64AtomicRmw16AddU, i64AtomicRmw32AddU
    /// Read-modify-write: sub.
    case i32AtomicRmwSub, i64AtomicRmwSub, i32AtomicRmw8SubU, i32AtomicRmw16SubU
    /// The same, on i64 with the narrow widths.
    case i64AtomicRmw8SubU, i64AtomicRmw16SubU, i64AtomicRmw32SubU
    /// Read-modify-write: and.
    case i32AtomicRmwAnd, i64AtomicRmwAnd, i32AtomicRmw8AndU, i32AtomicRmw16AndU
    /// The same, on i64 with the narrow widths.
    case i64AtomicRmw8AndU, i64AtomicRmw16AndU, i64AtomicRmw32AndU
    /// Read-modify-write: or.
    case i32AtomicRmwOr, i64AtomicRmwOr, i32AtomicRmw8OrU, i32AtomicRmw16OrU
    /// The same, on i64 with the narrow widths.
    case i64AtomicRmw8OrU, i64AtomicRmw16OrU, i64AtomicRmw32OrU
    /// Read-modify-write: xor.
    case i32AtomicRmwXor, i64AtomicRmwXor, i32AtomicRmw8XorU, i32AtomicRmw16XorU
    /// The same, on i64 with the narrow widths.
    case i64AtomicRmw8XorU, i64AtomicRmw16XorU, i64AtomicRmw32XorU
    /// Read-modify-write: exchange.
    case i32AtomicRmwXchg, i64AtomicRmwXchg, i32AtomicRmw8XchgU, i32AtomicRmw16XchgU
    /// The same, on i64 with the narrow widths.
    case i64AtomicRmw8XchgU, i64AtomicRmw16XchgU, i64AtomicRmw32XchgU
    /// Compare-exchange.
    case i32AtomicRmwCmpxchg, i64AtomicRmwCmpxchg, i32AtomicRmw8CmpxchgU, i32AtomicRmw16CmpxchgU
    /// The same, on i64 with the narrow widths.
    case i64AtomicRmw8CmpxchgU, i64AtomicRmw16CmpxchgU, i64AtomicRmw32CmpxchgU

    /// What an op does, whatever its type and width.
    public enum Kind: UInt8, Hashable, Sendable {
        /// `memory.atomic.notify`, the waits and `atomic.fence`.
        case notify, wait, fence
        /// Atomic loads and stores.
        case load, store
        /// The read-modify-write operations, named as in the text format.
        case add, sub, and, or, xor, xchg, cmpxchg
    }

    /// The op for a sub-opcode, or nil.
    public static func fromOpcode(_ subOpcode: UInt32) -> AtomicOp? {
        subOpcode <= 0xFF ? AtomicOp(rawValue: UInt8(subOpcode)) : nil
    }

    /// Position in a family of seven (0x10...0x4E), or nil for notify, wait and fence.
    private var variant: Int? {
        rawValue >= 0x10 ? Int(rawValue - 0x10) % 7 : nil
    }

    /// What the op does.
    public var kind: Kind {
        switch self {
        case .memoryAtomicNotify: return .notify
        case .memoryAtomicWait32, .memoryAtomicWait64: return .wait
        case .atomicFence: return .fence
        default:
            let families: [Kind] = [.load, .store, .add, .sub, .and, .or, .xor, .xchg, .cmpxchg]
            return families[Int(rawValue - 0x10) / 7]
        }
    }

    /// The type of the value loaded, stored or exchanged (i32 for notify's count; wait's
    /// expected value for wait32/wait64).
    public var valueType: ValueType {
        switch self {
        case .memoryAtomicNotify, .memoryAtomicWait32, .atomicFence: return .i32
        case .memoryAtomicWait64: return .i64
        default:
            switch variant {
            case 0, 2, 3: return .i32
            default: return .i64
            }
        }
    }

    /// log2 of the bytes accessed, which is also the only valid `MemArg.alignLog2` (atomic
    /// accesses must be naturally aligned). 0 for `atomic.fence`, which accesses nothing.
    public var widthLog2: UInt32 {
        switch self {
        case .memoryAtomicNotify, .memoryAtomicWait32: return 2
        case .memoryAtomicWait64: return 3
        case .atomicFence: return 0
        default:
            let widths: [UInt32] = [2, 3, 0, 1, 0, 1, 2]
            return widths[variant ?? 0]
        }
    }

    /// Bytes accessed.
    public var byteWidth: Int { 1 << Int(widthLog2) }

    /// The text-format name, e.g. "i64.atomic.rmw16.cmpxchg_u".
    public var name: String {
        switch self {
        case .memoryAtomicNotify: return "memory.atomic.notify"
        case .memoryAtomicWait32: return "memory.atomic.wait32"
        case .memoryAtomicWait64: return "memory.atomic.wait64"
        case .atomicFence: return "atomic.fence"
        default: break
        }
        let type = valueType == .i32 ? "i32" : "i64"
        let full = (valueType == .i32 ? 2 : 3) == widthLog2
        let bits = full ? "" : String(8 << Int(widthLog2))
        switch kind {
        case .load: return "\(type).atomic.load\(bits)\(full ? "" : "_u")"
        case .store: return "\(type).atomic.store\(bits)"
        default: return "\(type).atomic.rmw\(bits).\(kind)\(full ? "" : "_u")"
        }
    }
}
