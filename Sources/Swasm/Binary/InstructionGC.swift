/// The garbage-collection instructions (the `0xFB` prefix, and `ref.eq`, `0xD3`): allocation
/// and access of structs and arrays, `i31` references, casts and the conversions between the
/// `any` and `extern` hierarchies.
/// Spec: https://webassembly.github.io/spec/core/syntax/instructions.html#aggregate-instructions
///
/// Type immediates are indices into the module's type section; `field` is a struct field index.
public enum GCInstruction: Hashable, Sendable {
    /// `ref.eq`: compares two `eqref`s for identity (i31 values by value).
    case refEq
    /// `struct.new x`: a struct of type x from its field values.
    case structNew(UInt32)
    /// `struct.new_default x`: a struct of type x with every field zero or null.
    case structNewDefault(UInt32)
    /// `struct.get x y`, `struct.get_s x y`, `struct.get_u x y` (packed fields are extended
    /// as `extension` says; nil for an unpacked field).
    case structGet(UInt32, field: UInt32, extension: PackedExtension?)
    /// `struct.set x y`.
    case structSet(UInt32, field: UInt32)
    /// `array.new x`: `n` copies of a value.
    case arrayNew(UInt32)
    /// `array.new_default x`: `n` zero or null elements.
    case arrayNewDefault(UInt32)
    /// `array.new_fixed x n`: an array of the `n` operands.
    case arrayNewFixed(UInt32, count: UInt32)
    /// `array.new_data x d`: elements read from data segment d.
    case arrayNewData(UInt32, data: UInt32)
    /// `array.new_elem x e`: elements copied from element segment e.
    case arrayNewElem(UInt32, element: UInt32)
    /// `array.get x`, `array.get_s x`, `array.get_u x`.
    case arrayGet(UInt32, extension: PackedExtension?)
    /// `array.set x`.
    case arraySet(UInt32)
    /// `array.len`.
    case arrayLen
    /// `array.fill x`.
    case arrayFill(UInt32)
    /// `array.copy x y`: from an array of type y into one of type x.
    case arrayCopy(destination: UInt32, source: UInt32)
    /// `array.init_data x d`.
    case arrayInitData(UInt32, data: UInt32)
    /// `array.init_elem x e`.
    case arrayInitElem(UInt32, element: UInt32)
    /// `ref.test rt` (`ref.test (ref null? ht)`): whether the operand is of type rt.
    case refTest(RefType)
    /// `ref.cast rt`: the operand, trapping unless it is of type rt.
    case refCast(RefType)
    /// `br_on_cast l rt1 rt2`: branches with the operand when it is of type rt2.
    case brOnCast(UInt32, from: RefType, to: RefType)
    /// `br_on_cast_fail l rt1 rt2`: branches with the operand when it is not of type rt2.
    case brOnCastFail(UInt32, from: RefType, to: RefType)
    /// `any.convert_extern`: an `externref` as an `anyref`.
    case anyConvertExtern
    /// `extern.convert_any`: an `anyref` as an `externref`.
    case externConvertAny
    /// `ref.i31`: the low 31 bits of an i32 as an `i31ref`.
    case refI31
    /// `i31.get_s`, `i31.get_u`: an `i31ref`'s value, sign- or zero-extended.
    case i31Get(PackedExtension)

    /// The instruction's name in the text format.
    public var name: String {
        switch self {
        case .refEq: return "ref.eq"
        case .structNew: return "struct.new"
        case .structNewDefault: return "struct.new_default"
        case .structGet(_, _, let e): return "struct.get" + (e?.suffix ?? "")
        case .structSet: return "struct.set"
        case .arrayNew: return "array.new"
        case .arrayNewDefault: return "array.new_default"
        case .arrayNewFixed: return "array.new_fixed"
        case .arrayNewData: return "array.new_data"
        case .arrayNewElem: return "array.new_elem"
        case .arrayGet(_, let e): return "array.get" + (e?.suffix ?? "")
        case .arraySet: return "array.set"
        case .arrayLen: return "array.len"
        case .arrayFill: return "array.fill"
        case .arrayCopy: return "array.copy"
        case .arrayInitData: return "array.init_data"
        case .arrayInitElem: return "array.init_elem"
        case .refTest: return "ref.test"
        case .refCast: return "ref.cast"
        case .brOnCast: return "br_on_cast"
        case .brOnCastFail: return "br_on_cast_fail"
        case .anyConvertExtern: return "any.convert_extern"
        case .externConvertAny: return "extern.convert_any"
        case .refI31: return "ref.i31"
        case .i31Get(let e): return "i31.get" + e.suffix
        }
    }
}

/// How a packed (`i8`, `i16`) field or an `i31` becomes an `i32`: sign- or zero-extended.
public enum PackedExtension: Hashable, Sendable {
    /// `_s`: sign-extended; `_u`: zero-extended.
    case signed, unsigned

    var suffix: String { self == .signed ? "_s" : "_u" }
}
