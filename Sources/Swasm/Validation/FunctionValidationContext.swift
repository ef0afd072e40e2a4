/// What every function body of one module is validated against (the spec's context C:
/// https://webassembly.github.io/spec/core/valid/conventions.html#contexts): the index
/// spaces with imports first, element and data segment facts, and the function indices a
/// body may reference with `ref.func` (C.refs).
///
/// Build it once per module and share it between the validations and translations of all its
/// functions. It is a class so that a validator holds one reference, not a dozen arrays.
public final class FunctionValidationContext: Sendable {
    /// The type section.
    public let types: [FuncType]
    /// Type index of every function in the function index space, imports first.
    public let functionTypeIndices: [UInt32]
    /// How many functions are imported (they come first in the function index space).
    public let importedFunctionCount: Int
    /// The table index space, imports first.
    public let tables: [TableType]
    /// The memory index space, imports first.
    public let memories: [MemoryType]
    /// The global index space, imports first.
    public let globals: [GlobalType]
    /// Element type of each element segment.
    public let elementTypes: [RefType]
    /// The data count section's value; `memory.init`/`data.drop` require the section.
    public let dataCount: UInt32?
    /// C.refs: functions named outside function bodies (exports, element segments,
    /// global initialisers, segment offsets).
    public let declaredFunctionReferences: Set<UInt32>
    /// Type index of every tag in the tag index space, imports first.
    public let tagTypeIndices: [UInt32]
    /// Proposals accepted beyond Wasm 2.0 (also used for the reader).
    public let features: InstructionReader.Features
    /// Type equivalence and declared supertypes (Subtyping.swift).
    let typeHierarchy: TypeHierarchy

    /// The context of `module`'s function bodies, accepting the proposals in `features`.
    public init(module: ModuleSections, features: InstructionReader.Features = []) {
        types = module.types
        functionTypeIndices = module.functionTypeIndices
        importedFunctionCount = functionTypeIndices.count - module.functions.count
        tables = module.allTables
        memories = module.allMemories
        globals = module.allGlobalTypes
        elementTypes = module.elements.map(\.type)
        dataCount = module.dataCount
        declaredFunctionReferences = ModuleValidator.declaredFunctionReferences(module)
        tagTypeIndices = module.tagTypeIndices
        self.features = features
        typeHierarchy = TypeHierarchy(module: module)
    }

    /// The type of function `index` in the function index space, or nil when the index or
    /// its type index is out of range.
    public func functionType(ofFunction index: UInt32) -> FuncType? {
        guard Int(index) < functionTypeIndices.count else { return nil }
        return type(at: functionTypeIndices[Int(index)])
    }

    /// The parameter types of tag `index` (its results are empty), or nil when the index or
    /// its type index is out of range.
    public func tagType(_ index: UInt32) -> FuncType? {
        guard Int(index) < tagTypeIndices.count else { return nil }
        return type(at: tagTypeIndices[Int(index)])
    }

    /// The function type at `index` of the type section, or nil (also for a struct or array
    /// type, which cannot type a block, call or function).
    public func type(at index: UInt32) -> FuncType? {
        Int(index) < types.count && typeHierarchy.kind(index) == .function ? types[Int(index)] : nil
    }

    /// Parameter types of a block type (empty for `.empty`, `.value`, or an unknown index,
    /// which validation rejects before any frame holds it).
    public func parameters(of blockType: BlockType) -> ValueTypeList {
        if case .typeIndex(let index) = blockType, let type = type(at: index) {
            return ValueTypeList(type.params)
        }
        return ValueTypeList()
    }

    /// Result types of a block type.
    public func results(of blockType: BlockType) -> ValueTypeList {
        switch blockType {
        case .empty: return ValueTypeList()
        case .value(let t): return ValueTypeList(single: t)
        case .typeIndex(let index): return ValueTypeList(type(at: index)?.results ?? [])
        }
    }
}

/// A list of value types without allocation for the common single-type block results: the
/// parameters or results of a block type or a label.
public struct ValueTypeList: RandomAccessCollection, Hashable, Sendable {
    // `empty` and `single` hold no reference: most blocks have no or one result, and a list
    // without one costs no reference counting when the validator passes it around.
    private enum Storage: Hashable, Sendable {
        case empty
        case single(ValueType)
        case array([ValueType])
    }
    private let storage: Storage

    /// The empty list.
    public init() { storage = .empty }
    /// A list of one type, without allocating.
    public init(single type: ValueType) { storage = .single(type) }
    /// The list of `types`.
    public init(_ types: [ValueType]) {
        switch types.count {
        case 0: storage = .empty
        case 1: storage = .single(types[0])
        default: storage = .array(types)
        }
    }

    /// Always 0.
    public var startIndex: Int { 0 }
    /// The number of types.
    public var endIndex: Int {
        switch storage {
        case .empty: return 0
        case .single: return 1
        case .array(let a): return a.count
        }
    }
    /// The type at `position`.
    public subscript(position: Int) -> ValueType {
        switch storage {
        case .empty: return [ValueType]()[position]
        case .single(let t): return t
        case .array(let a): return a[position]
        }
    }

    /// Number of 64-bit slots the values occupy.
    public var slotCount: Int {
        switch storage {
        case .empty: return 0
        case .single(let t): return t.slotCount
        case .array(let a): return a.reduce(0) { $0 + $1.slotCount }
        }
    }

    /// Whether the lists hold the same types in the same order, however they are stored.
    public static func == (lhs: ValueTypeList, rhs: ValueTypeList) -> Bool {
        lhs.elementsEqual(rhs)
    }
    /// Hashes the types in order, consistently with `==`.
    public func hash(into hasher: inout Hasher) {
        for t in self { hasher.combine(t) }
    }
}
