/// What a type definition declares beyond its function type: the Wasm 3.0 type section groups
/// definitions into recursion groups (`rec`) and lets each name a supertype (`sub`) and forbid
/// subtypes (`final`). Plain `(type (func ...))` definitions are final, without supertype, each in
/// a group of its own. GC's struct and array types will extend the same records.
/// Spec: https://webassembly.github.io/spec/core/syntax/types.html#recursive-types
public struct TypeDefinitionInfo: Hashable, Sendable {
    /// Whether no other type may declare this one as its supertype.
    public var isFinal: Bool
    /// Declared supertypes (validation allows at most one).
    public var supertypes: [UInt32]
    /// The type indices of this definition's recursion group.
    public var recGroup: Range<Int>
    /// A definition at `index` declaring `supertypes`, in `recGroup`.
    public init(isFinal: Bool = true, supertypes: [UInt32] = [], recGroup: Range<Int>) {
        self.isFinal = isFinal
        self.supertypes = supertypes
        self.recGroup = recGroup
    }
}

extension ModuleSections {
    /// The definition facts of type `index`; sections built without them (by hand, or by an
    /// older producer) describe the Wasm 2.0 form: final, no supertype, a group of one.
    public func typeDefinition(_ index: Int) -> TypeDefinitionInfo {
        index < typeDefinitions.count ? typeDefinitions[index] : TypeDefinitionInfo(recGroup: index..<index + 1)
    }

    /// The table definitions' initialiser expressions (nil: tables start out null), parallel to
    /// `tables`.
    public func tableInitializer(_ definedIndex: Int) -> ConstExpr? {
        definedIndex < tableInitializers.count ? tableInitializers[definedIndex] : nil
    }
}
