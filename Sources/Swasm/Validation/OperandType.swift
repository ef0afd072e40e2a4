/// The validator's compact form of a value type on its operand stack: one integer, so pushes,
/// pops and type comparisons are integer moves and compares instead of copies and equality
/// of the nested `ValueType` enum. `unknown` is the bottom type of the polymorphic stack in
/// unreachable code.
///
/// Layout of `raw`: 0 = unknown; 1...5 = i32, i64, f32, f64, v128; a reference type has bit 3
/// set, bit 4 for nullable, the heap type's kind in bits 8...15 and a concrete type index in
/// bits 32...63. Two types are equal exactly when their raw values are (no subtyping in 2.0).
struct OperandType: Hashable {
    let raw: UInt64

    static let unknown = OperandType(raw: 0)
    static let i32 = OperandType(raw: 1)
    static let i64 = OperandType(raw: 2)
    static let f32 = OperandType(raw: 3)
    static let f64 = OperandType(raw: 4)
    static let v128 = OperandType(raw: 5)
    static let funcref = OperandType(.funcref)

    private static let referenceBit: UInt64 = 1 << 3
    private static let nullableBit: UInt64 = 1 << 4

    init(raw: UInt64) { self.raw = raw }

    @inline(__always)
    init(_ type: ValueType) {
        switch type {
        case .i32: raw = 1
        case .i64: raw = 2
        case .f32: raw = 3
        case .f64: raw = 4
        case .v128: raw = 5
        case .ref(let ref):
            var r = OperandType.referenceBit | (ref.nullable ? OperandType.nullableBit : 0)
            let kind: UInt64
            switch ref.heapType {
            case .func: kind = 1
            case .extern: kind = 2
            case .any: kind = 3
            case .eq: kind = 4
            case .i31: kind = 5
            case .struct: kind = 6
            case .array: kind = 7
            case .none: kind = 8
            case .noextern: kind = 9
            case .nofunc: kind = 10
            case .exn: kind = 11
            case .noexn: kind = 12
            case .concrete(let index):
                kind = 13
                r |= UInt64(index) << 32
            }
            raw = r | kind << 8
        }
    }

    var isUnknown: Bool { raw == 0 }
    var isReference: Bool { raw & OperandType.referenceBit != 0 }
    /// 64-bit slots a value takes (an unknown value counts as one).
    var slotCount: Int { raw == 5 ? 2 : 1 }

    /// The value type, or nil for `unknown`.
    var valueType: ValueType? {
        switch raw {
        case 0: return nil
        case 1: return .i32
        case 2: return .i64
        case 3: return .f32
        case 4: return .f64
        case 5: return .v128
        default: break
        }
        let heapType: HeapType
        switch (raw >> 8) & 0xFF {
        case 1: heapType = .func
        case 2: heapType = .extern
        case 3: heapType = .any
        case 4: heapType = .eq
        case 5: heapType = .i31
        case 6: heapType = .struct
        case 7: heapType = .array
        case 8: heapType = .none
        case 9: heapType = .noextern
        case 10: heapType = .nofunc
        case 11: heapType = .exn
        case 12: heapType = .noexn
        default: heapType = .concrete(UInt32(truncatingIfNeeded: raw >> 32))
        }
        return .ref(RefType(nullable: raw & OperandType.nullableBit != 0, heapType: heapType))
    }
}
