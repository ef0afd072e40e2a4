/// WebAssembly types, shared by the decoder, validator, compiler and runtime.
/// See https://webassembly.github.io/spec/core/syntax/types.html

/// An abstract or concrete heap type. Wasm 2.0 uses only `.func` and `.extern`;
/// the other cases exist so that GC and exception handling need no rewrite.
public enum HeapType: Hashable, Sendable {
    case `func`, extern
    case any, eq, i31, `struct`, array, none, noextern, nofunc, exn, noexn
    /// A type index into the module's type section.
    case concrete(UInt32)
}

/// A reference type: a heap type and whether `null` is a member.
public struct RefType: Hashable, Sendable {
    public var nullable: Bool
    public var heapType: HeapType
    public init(nullable: Bool, heapType: HeapType) {
        self.nullable = nullable
        self.heapType = heapType
    }
    public static let funcref = RefType(nullable: true, heapType: .func)
    public static let externref = RefType(nullable: true, heapType: .extern)
}

/// A value type. Values live in untyped 64-bit slots at run time (two for `v128`).
public enum ValueType: Hashable, Sendable {
    case i32, i64, f32, f64, v128
    case ref(RefType)

    public static let funcref = ValueType.ref(.funcref)
    public static let externref = ValueType.ref(.externref)

    /// Number of 64-bit slots a value of this type occupies.
    public var slotCount: Int { self == .v128 ? 2 : 1 }
}

/// A function signature.
public struct FuncType: Hashable, Sendable {
    public var params: [ValueType]
    public var results: [ValueType]
    public init(params: [ValueType], results: [ValueType]) {
        self.params = params
        self.results = results
    }
}

/// Size limits of a memory (in pages) or table (in elements).
public struct Limits: Hashable, Sendable {
    public var min: UInt64
    public var max: UInt64?
    /// memory64 / table64: addresses are i64.
    public var is64: Bool
    /// threads: the memory is shared.
    public var shared: Bool
    public init(min: UInt64, max: UInt64? = nil, is64: Bool = false, shared: Bool = false) {
        self.min = min
        self.max = max
        self.is64 = is64
        self.shared = shared
    }
}

public struct MemoryType: Hashable, Sendable {
    public var limits: Limits
    public init(limits: Limits) { self.limits = limits }
}

public struct TableType: Hashable, Sendable {
    public var elementType: RefType
    public var limits: Limits
    public init(elementType: RefType, limits: Limits) {
        self.elementType = elementType
        self.limits = limits
    }
}

public struct GlobalType: Hashable, Sendable {
    public var valueType: ValueType
    public var mutable: Bool
    public init(valueType: ValueType, mutable: Bool) {
        self.valueType = valueType
        self.mutable = mutable
    }
}

/// The kind of an import or export.
public enum ExternalKind: UInt8, Hashable, Sendable {
    case function = 0, table = 1, memory = 2, global = 3, tag = 4
}
