/// WebAssembly types, shared by the decoder, validator, compiler and runtime.
/// See https://webassembly.github.io/spec/core/syntax/types.html

/// An abstract or concrete heap type. Wasm 2.0 uses only `.func` and `.extern`;
/// the other cases exist so that GC and exception handling need no rewrite.
/// Spec: https://webassembly.github.io/spec/core/syntax/types.html#heap-types
public enum HeapType: Hashable, Sendable {
    /// Functions (`func`) and host references (`extern`), the heap types of Wasm 2.0.
    case `func`, extern
    /// The GC and exception-handling heap types, named as in the text format.
    case any, eq, i31, `struct`, array, none, noextern, nofunc, exn, noexn
    /// A type index into the module's type section.
    case concrete(UInt32)
}

/// A reference type: a heap type and whether `null` is a member.
public struct RefType: Hashable, Sendable {
    /// Whether `null` is a value of the type.
    public var nullable: Bool
    /// The kind of object referred to.
    public var heapType: HeapType
    /// `(ref null? heapType)`.
    public init(nullable: Bool, heapType: HeapType) {
        self.nullable = nullable
        self.heapType = heapType
    }
    /// `funcref`: a nullable function reference.
    public static let funcref = RefType(nullable: true, heapType: .func)
    /// `externref`: a nullable host reference.
    public static let externref = RefType(nullable: true, heapType: .extern)
    /// `exnref`: a nullable exception reference.
    public static let exnref = RefType(nullable: true, heapType: .exn)
}

/// A value type. Values live in untyped 64-bit slots at run time (two for `v128`).
/// Spec: https://webassembly.github.io/spec/core/syntax/types.html#value-types
public enum ValueType: Hashable, Sendable {
    /// The number types (32- and 64-bit integers and floats) and the 128-bit vector.
    case i32, i64, f32, f64, v128
    /// A reference type.
    case ref(RefType)

    /// `funcref`.
    public static let funcref = ValueType.ref(.funcref)
    /// `externref`.
    public static let externref = ValueType.ref(.externref)
    /// `exnref`.
    public static let exnref = ValueType.ref(.exnref)

    /// Number of 64-bit slots a value of this type occupies.
    public var slotCount: Int { self == .v128 ? 2 : 1 }
}

/// A function signature.
/// Spec: https://webassembly.github.io/spec/core/syntax/types.html#function-types
public struct FuncType: Hashable, Sendable {
    /// Parameter types, in order.
    public var params: [ValueType]
    /// Result types, in order (several with multi-value).
    public var results: [ValueType]
    /// `(func (param params...) (result results...))`.
    public init(params: [ValueType], results: [ValueType]) {
        self.params = params
        self.results = results
    }
}

/// Size limits of a memory (in pages) or table (in elements).
/// Spec: https://webassembly.github.io/spec/core/syntax/types.html#limits
public struct Limits: Hashable, Sendable {
    /// The minimum, or for a live memory or table its current size.
    public var min: UInt64
    /// The maximum, if any.
    public var max: UInt64?
    /// memory64 / table64: addresses are i64.
    public var is64: Bool
    /// threads: the memory is shared.
    public var shared: Bool
    /// Limits of at least `min`, at most `max`.
    public init(min: UInt64, max: UInt64? = nil, is64: Bool = false, shared: Bool = false) {
        self.min = min
        self.max = max
        self.is64 = is64
        self.shared = shared
    }
}

/// A memory's size in 64 KiB pages.
/// Spec: https://webassembly.github.io/spec/core/syntax/types.html#memory-types
public struct MemoryType: Hashable, Sendable {
    /// Size limits in pages.
    public var limits: Limits
    /// A memory type with `limits`.
    public init(limits: Limits) { self.limits = limits }
}

/// A table's element type and size in elements.
/// Spec: https://webassembly.github.io/spec/core/syntax/types.html#table-types
public struct TableType: Hashable, Sendable {
    /// The type of the table's references.
    public var elementType: RefType
    /// Size limits in elements.
    public var limits: Limits
    /// A table type of `elementType` within `limits`.
    public init(elementType: RefType, limits: Limits) {
        self.elementType = elementType
        self.limits = limits
    }
}

/// Spec: https://webassembly.github.io/spec/core/syntax/types.html#global-types
public struct GlobalType: Hashable, Sendable {
    /// The type of the global's value.
    public var valueType: ValueType
    /// Whether `global.set` may change it.
    public var mutable: Bool
    /// A global type of `valueType`, mutable or not.
    public init(valueType: ValueType, mutable: Bool) {
        self.valueType = valueType
        self.mutable = mutable
    }
}

/// The kind of an import or export.
public enum ExternalKind: UInt8, Hashable, Sendable {
    /// The kinds, with their codes in the binary format.
    case function = 0, table = 1, memory = 2, global = 3, tag = 4
}

extension ValueType: CustomStringConvertible {
    /// The type in the text format's notation (`i32`, `funcref`, `(ref null func)`), as error
    /// messages and tools print it.
    public var description: String {
        switch self {
        case .i32: return "i32"
        case .i64: return "i64"
        case .f32: return "f32"
        case .f64: return "f64"
        case .v128: return "v128"
        case .ref(let r):
            if r == .funcref { return "funcref" }
            if r == .externref { return "externref" }
            if r == .exnref { return "exnref" }
            return "(ref \(r.nullable ? "null " : "")\(r.heapType))"
        }
    }
}

extension HeapType: CustomStringConvertible {
    /// The heap type in the text format's notation (`func`, `nofunc`, a type index).
    public var description: String {
        switch self {
        case .func: return "func"
        case .extern: return "extern"
        case .any: return "any"
        case .eq: return "eq"
        case .i31: return "i31"
        case .struct: return "struct"
        case .array: return "array"
        case .none: return "none"
        case .noextern: return "noextern"
        case .nofunc: return "nofunc"
        case .exn: return "exn"
        case .noexn: return "noexn"
        case .concrete(let index): return "\(index)"
        }
    }
}
