/// What a type definition declares beyond its function type: the Wasm 3.0 type section groups
/// definitions into recursion groups (`rec`) and lets each name a supertype (`sub`) and forbid
/// subtypes (`final`). Plain `(type (func ...))` definitions are final, without supertype, each in
/// a group of its own. A definition is a function, struct or array type (`composite`).
/// Spec: https://webassembly.github.io/spec/core/syntax/types.html#recursive-types
public struct TypeDefinitionInfo: Hashable, Sendable {
    /// Whether no other type may declare this one as its supertype.
    public var isFinal: Bool
    /// Declared supertypes (validation allows at most one).
    public var supertypes: [UInt32]
    /// The type indices of this definition's recursion group.
    public var recGroup: Range<Int>
    /// What the definition describes; a function type's signature is the type section's entry.
    public var composite: CompositeType
    /// A definition at `index` declaring `supertypes`, in `recGroup`.
    public init(isFinal: Bool = true, supertypes: [UInt32] = [], recGroup: Range<Int>,
                composite: CompositeType = .function) {
        self.isFinal = isFinal
        self.supertypes = supertypes
        self.recGroup = recGroup
        self.composite = composite
    }
}

/// What a field or array element stores: a value type, or a packed 8- or 16-bit integer that
/// reads as `i32`.
/// Spec: https://webassembly.github.io/spec/core/syntax/types.html#aggregate-types
public enum StorageType: Hashable, Sendable {
    /// Packed integers.
    case i8, i16
    /// A full value.
    case value(ValueType)

    /// The type of the value that reading the field produces.
    public var unpacked: ValueType {
        if case .value(let type) = self { return type }
        return .i32
    }
}

/// A struct field or array element: its storage type and whether it may be written.
public struct FieldType: Hashable, Sendable {
    /// What the field stores.
    public var storage: StorageType
    /// Whether `struct.set` / `array.set` may change it.
    public var mutable: Bool
    /// A field of `storage`, mutable or not.
    public init(storage: StorageType, mutable: Bool) {
        self.storage = storage
        self.mutable = mutable
    }
}

/// The three kinds of type definition.
/// Spec: https://webassembly.github.io/spec/core/syntax/types.html#composite-types
public enum CompositeType: Hashable, Sendable {
    /// A function type; its signature is in `ModuleSections.types` (which holds an empty
    /// signature for struct and array definitions, so indices stay aligned).
    case function
    /// A struct of the fields, in order.
    case structure([FieldType])
    /// An array of elements of one field type.
    case array(FieldType)

    /// The value types of the fields or element (none for a function type).
    public var fieldValueTypes: [ValueType] {
        switch self {
        case .function: return []
        case .structure(let fields): return fields.compactMap { if case .value(let t) = $0.storage { return t } else { return nil } }
        case .array(let element): if case .value(let t) = element.storage { return [t] } else { return [] }
        }
    }

    /// The kind alone, as heap-type subtyping needs it.
    public var kind: CompositeKind {
        switch self {
        case .function: return .function
        case .structure: return .structure
        case .array: return .array
        }
    }
}

/// Which abstract heap type a concrete type falls under: `func`, `struct` or `array`.
public enum CompositeKind: UInt8, Hashable, Sendable {
    /// A function type (under `func`), a struct type (under `struct`), an array type (under `array`).
    case function, structure, array
}

extension ModuleSections {
    /// The definition facts of type `index`; sections built without them (by hand, or by an
    /// older producer) describe the Wasm 2.0 form: final, no supertype, a group of one.
    public func typeDefinition(_ index: Int) -> TypeDefinitionInfo {
        index < typeDefinitions.count ? typeDefinitions[index] : TypeDefinitionInfo(recGroup: index..<index + 1)
    }

    /// Whether type `index` exists and is a function type (struct and array types may not type
    /// functions, blocks, tags or calls).
    public func isFunctionType(_ index: UInt32) -> Bool {
        Int(index) < types.count && typeDefinition(Int(index)).composite == .function
    }

    /// The table definitions' initialiser expressions (nil: tables start out null), parallel to
    /// `tables`.
    public func tableInitializer(_ definedIndex: Int) -> ConstExpr? {
        definedIndex < tableInitializers.count ? tableInitializers[definedIndex] : nil
    }
}
