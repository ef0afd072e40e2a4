/// Module-level validation (https://webassembly.github.io/spec/core/valid/modules.html):
/// everything except the instructions of function bodies, which are validated lazily by
/// the function validator.
///
/// Errors are `SwasmError.invalid(message, function: nil, offset:)` with the spec reference
/// interpreter's message, followed by the index where one is involved ("unknown global 2"),
/// so that a prefix match against the spec tests' texts succeeds. Types this build cannot
/// run yet (typed function references and GC heap types) are
/// reported as `.unsupported`.
public enum ModuleValidator {
    /// The largest memory of Wasm 2.0, in 64 KiB pages (4 GiB).
    public static let maxMemoryPages: UInt64 = 65_536
    /// The page bound of a 64-bit memory (memory64): 2^48 pages of 64 KiB span the 64-bit
    /// address space.
    public static let maxMemory64Pages: UInt64 = 1 << 48

    /// Validates the module structure. Throws `SwasmError.invalid` or `.unsupported`.
    /// `multipleMemories: false` refuses a second memory as Wasm 2.0 did ("multiple memories");
    /// `multipleTables: false` a second table, as Wasm 1.0 did ("multiple tables");
    /// `functionReferences: false` lets constant expressions read only imported globals.
    public static func validate(_ module: ModuleSections, multipleMemories: Bool = true,
                                multipleTables: Bool = true, functionReferences: Bool = true) throws {
        var validator = StructureValidator(module, definedGlobalsInConstants: functionReferences)
        try validator.run()
        if !multipleMemories, validator.memories.count > 1 {
            throw validator.invalid("multiple memories", at: validator.sectionOffset(5))
        }
        if !multipleTables, validator.tables.count > 1 {
            throw validator.invalid("multiple tables", at: validator.sectionOffset(4))
        }
    }

    /// The function indices a body may take a reference to with `ref.func` (C.refs in the
    /// spec): those named in exports, element segments and any constant expression outside
    /// function bodies. A body's `ref.func x` with `x` not in this set is invalid
    /// ("undeclared function reference").
    public static func declaredFunctionReferences(_ module: ModuleSections) -> Set<UInt32> {
        var refs = Set<UInt32>()
        func scan(_ expr: ConstExpr) {
            for case .refFunc(let index) in expr.instructions { refs.insert(index) }
        }
        for global in module.globals { scan(global.initializer) }
        for case let initializer? in module.tableInitializers { scan(initializer) }
        for export in module.exports where export.kind == .function { refs.insert(export.index) }
        for segment in module.elements {
            if case .active(_, let offset) = segment.mode { scan(offset) }
            switch segment.items {
            case .functions(let indices): refs.formUnion(indices)
            case .expressions(let exprs): exprs.forEach(scan)
            }
        }
        for segment in module.data {
            if case .active(_, let offset) = segment.mode { scan(offset) }
        }
        return refs
    }
}

extension ModuleSections {
    /// Type index of every function in the function index space: imports first.
    public var functionTypeIndices: [UInt32] {
        var result: [UInt32] = []
        result.reserveCapacity(imports.count + functions.count)
        for case .function(let typeIndex) in imports.lazy.map(\.descriptor) { result.append(typeIndex) }
        result.append(contentsOf: functions)
        return result
    }

    /// Type index of every tag in the tag index space: imports first.
    public var tagTypeIndices: [UInt32] {
        var result: [UInt32] = []
        for case .tag(let typeIndex) in imports.lazy.map(\.descriptor) { result.append(typeIndex) }
        return result + tags
    }

    /// Every table in the table index space: imports first.
    public var allTables: [TableType] {
        var result: [TableType] = []
        for case .table(let t) in imports.lazy.map(\.descriptor) { result.append(t) }
        return result + tables
    }

    /// Every memory in the memory index space: imports first.
    public var allMemories: [MemoryType] {
        var result: [MemoryType] = []
        for case .memory(let m) in imports.lazy.map(\.descriptor) { result.append(m) }
        return result + memories
    }

    /// Every global's type in the global index space: imports first.
    public var allGlobalTypes: [GlobalType] {
        var result: [GlobalType] = []
        for case .global(let g) in imports.lazy.map(\.descriptor) { result.append(g) }
        return result + globals.map(\.type)
    }
}

struct StructureValidator {
    let module: ModuleSections
    let functionTypes: [UInt32]
    let tables: [TableType]
    let memories: [MemoryType]
    /// Imported globals, then defined ones: a constant expression sees the imported globals
    /// and (Wasm 3.0) the defined globals before it.
    let importedGlobals: [GlobalType]
    let allGlobals: [GlobalType]
    /// Type equivalence and supertypes, for subtyping.
    let hierarchy: TypeHierarchy

    /// Wasm 3.0: constant expressions may read defined globals (those before a global's own).
    let definedGlobalsInConstants: Bool

    init(_ module: ModuleSections, definedGlobalsInConstants: Bool) {
        self.module = module
        self.definedGlobalsInConstants = definedGlobalsInConstants
        functionTypes = module.functionTypeIndices
        tables = module.allTables
        memories = module.allMemories
        var imported: [GlobalType] = []
        for case .global(let g) in module.imports.lazy.map(\.descriptor) { imported.append(g) }
        importedGlobals = imported
        allGlobals = module.allGlobalTypes
        hierarchy = TypeHierarchy(module: module)
    }

    func invalid(_ message: String, at offset: Int? = nil) -> SwasmError {
        .invalid(message, function: nil, offset: offset)
    }

    /// Offset of the first section with `id`, for messages about its entries.
    func sectionOffset(_ id: UInt8) -> Int? {
        module.sectionLayout.first { $0.id == id }?.range.lowerBound
    }

    mutating func run() throws {
        try validateTypeDefinitions()
        try validateImports()
        for typeIndex in module.functions {
            try checkFunctionTypeIndex(typeIndex, at: sectionOffset(3))
        }
        for (i, table) in module.tables.enumerated() {
            try validateTable(table, at: sectionOffset(4))
            try validateTableInitializer(table, module.tableInitializer(i))
        }
        for memory in module.memories { try validateMemory(memory, at: sectionOffset(5)) }
        for tag in module.tags { try checkTagType(tag, at: sectionOffset(13)) }
        for (i, global) in module.globals.enumerated() {
            try checkSupported(global.type.valueType)
            try checkConstExpr(global.initializer, produces: global.type.valueType,
                               globalCount: importedGlobals.count + i)
        }
        try validateExports()
        try validateStart()
        for segment in module.elements { try validateElementSegment(segment) }
        for segment in module.data { try validateDataSegment(segment) }
        for body in module.code {
            for run in body.localRuns { try checkSupported(run.type) }
        }
    }

    // MARK: Types

    /// Checks that a value type's concrete heap type names a type of the module.
    func checkSupported(_ type: ValueType) throws {
        if case .ref(let ref) = type { try checkSupported(ref) }
    }

    func checkSupported(_ ref: RefType) throws {
        try checkSupported(ref.heapType)
    }

    func checkSupported(_ heapType: HeapType) throws {
        if case .concrete(let index) = heapType, Int(index) >= module.types.count {
            throw invalid("unknown type \(index)")
        }
    }

    func isSubtype(_ a: ValueType, _ b: ValueType) -> Bool { hierarchy.isSubtype(a, b) }
    /// The type section (https://webassembly.github.io/spec/core/valid/types.html#recursive-types):
    /// references reach no further than the type's own recursion group, and a declared
    /// supertype is an earlier, non-final type that the definition matches.
    func validateTypeDefinitions() throws {
        let offset = sectionOffset(1)
        for (i, type) in module.types.enumerated() {
            let definition = module.typeDefinition(i)
            let limit = Swift.min(definition.recGroup.upperBound, module.types.count)
            for t in type.params + type.results + definition.composite.fieldValueTypes {
                if case .ref(let ref) = t, case .concrete(let index) = ref.heapType, Int(index) >= limit {
                    throw invalid("unknown type \(index)", at: offset)
                }
            }
            guard !definition.supertypes.isEmpty else { continue }
            guard definition.supertypes.count == 1 else { throw invalid("sub type \(i) has multiple supertypes", at: offset) }
            let superIndex = Int(definition.supertypes[0])
            guard superIndex < module.types.count else { throw invalid("unknown type \(superIndex)", at: offset) }
            guard superIndex < i, !module.typeDefinition(superIndex).isFinal,
                  matches(i, superIndex) else {
                throw invalid("sub type \(i) does not match super type \(superIndex)", at: offset)
            }
        }
    }

    /// Whether definition `index` may declare `superIndex` as its supertype: the same kind,
    /// functions contravariant in parameters and covariant in results, structs extending the
    /// supertype's fields (width) with matching fields (depth), arrays with a matching element.
    func matches(_ index: Int, _ superIndex: Int) -> Bool {
        switch (module.typeDefinition(index).composite, module.typeDefinition(superIndex).composite) {
        case (.function, .function):
            let type = module.types[index], supertype = module.types[superIndex]
            return hierarchy.isSubtype(supertype.params, type.params)
                && hierarchy.isSubtype(type.results, supertype.results)
        case (.structure(let fields), .structure(let superFields)):
            return fields.count >= superFields.count
                && zip(fields, superFields).allSatisfy { hierarchy.isSubtype($0, $1) }
        case (.array(let element), .array(let superElement)):
            return hierarchy.isSubtype(element, superElement)
        default:
            return false
        }
    }

    /// A table without initialiser starts out null, which its element type must allow; an
    /// initialiser must produce an element.
    func validateTableInitializer(_ table: TableType, _ initializer: ConstExpr?) throws {
        guard let initializer else {
            if !table.elementType.nullable { throw invalid("type mismatch: table of non-nullable type without initializer", at: sectionOffset(4)) }
            return
        }
        try checkConstExpr(initializer, produces: .ref(table.elementType), globalCount: importedGlobals.count)
    }

    /// A tag's type: a function type without results.
    func checkTagType(_ index: UInt32, at offset: Int?) throws {
        try checkFunctionTypeIndex(index, at: offset)
        let type = module.types[Int(index)]
        guard type.results.isEmpty else { throw invalid("non-empty tag result type", at: offset) }
        for param in type.params { try checkSupported(param) }
    }

    func checkTypeIndex(_ index: UInt32, at offset: Int?) throws {
        guard Int(index) < module.types.count else { throw invalid("unknown type \(index)", at: offset) }
    }

    /// A type index that types a function or tag: a function type, not a struct or array.
    func checkFunctionTypeIndex(_ index: UInt32, at offset: Int?) throws {
        try checkTypeIndex(index, at: offset)
        guard module.isFunctionType(index) else { throw invalid("type mismatch: type \(index) is not a function type", at: offset) }
    }

    func validateLimits(_ limits: Limits, bound: UInt64, boundMessage: String, at offset: Int?) throws {
        if limits.min > bound { throw invalid(boundMessage, at: offset) }
        if let max = limits.max {
            if max > bound { throw invalid(boundMessage, at: offset) }
            if limits.min > max {
                throw invalid("size minimum must not be greater than maximum", at: offset)
            }
        }
    }

    func validateTable(_ table: TableType, at offset: Int?) throws {
        try checkSupported(table.elementType)
        if table.limits.is64 {
            // Every u64 is a valid table64 size; instantiation applies the engine's limit.
            try validateLimits(table.limits, bound: UInt64.max,
                               boundMessage: "table size must be at most 2^64-1", at: offset)
            return
        }
        try validateLimits(table.limits, bound: UInt64(UInt32.max),
                           boundMessage: "table size must be at most 2^32-1", at: offset)
    }

    func validateMemory(_ memory: MemoryType, at offset: Int?) throws {
        if memory.limits.shared, memory.limits.max == nil {
            throw invalid("shared memory must have maximum", at: offset)
        }
        if memory.limits.is64 {
            try validateLimits(memory.limits, bound: ModuleValidator.maxMemory64Pages,
                               boundMessage: "memory size must be at most 2^48 pages (2^64 bytes)", at: offset)
            return
        }
        try validateLimits(memory.limits, bound: ModuleValidator.maxMemoryPages,
                           boundMessage: "memory size must be at most 65536 pages (4GiB)", at: offset)
    }

    // MARK: Imports and exports

    func validateImports() throws {
        let offset = sectionOffset(2)
        for entry in module.imports {
            switch entry.descriptor {
            case .function(let typeIndex): try checkFunctionTypeIndex(typeIndex, at: offset)
            case .table(let table): try validateTable(table, at: offset)
            case .memory(let memory): try validateMemory(memory, at: offset)
            case .global(let global): try checkSupported(global.valueType)
            case .tag(let typeIndex): try checkTagType(typeIndex, at: offset)
            }
        }
    }

    func validateExports() throws {
        let offset = sectionOffset(7)
        // Names are compared as bytes: Swift's String equality would merge canonically
        // equivalent spellings (NFC and NFD), which Wasm treats as distinct names.
        var names = Set<[UInt8]>()
        names.reserveCapacity(module.exports.count)
        let globalCount = importedGlobals.count + module.globals.count
        for export in module.exports {
            guard names.insert(Array(export.name.utf8)).inserted else {
                throw invalid("duplicate export name \"\(export.name)\"", at: offset)
            }
            let index = Int(export.index)
            switch export.kind {
            case .function:
                if index >= functionTypes.count { throw invalid("unknown function \(index)", at: offset) }
            case .table:
                if index >= tables.count { throw invalid("unknown table \(index)", at: offset) }
            case .memory:
                if index >= memories.count { throw invalid("unknown memory \(index)", at: offset) }
            case .global:
                if index >= globalCount { throw invalid("unknown global \(index)", at: offset) }
            case .tag:
                if index >= module.tagTypeIndices.count { throw invalid("unknown tag \(index)", at: offset) }
            }
        }
    }

    func validateStart() throws {
        guard let start = module.start else { return }
        let offset = sectionOffset(8)
        guard Int(start) < functionTypes.count else { throw invalid("unknown function \(start)", at: offset) }
        let typeIndex = Int(functionTypes[Int(start)])
        // An out-of-range type index was already reported by the import/function checks.
        guard typeIndex < module.types.count else { throw invalid("unknown type \(typeIndex)", at: offset) }
        let type = module.types[typeIndex]
        guard type.params.isEmpty, type.results.isEmpty else {
            throw invalid("start function must have type [] -> []", at: offset)
        }
    }

    // MARK: Segments

    func validateElementSegment(_ segment: ElementSegment) throws {
        try checkSupported(segment.type)
        let elementType = ValueType.ref(segment.type)
        if case .active(let tableIndex, let offset) = segment.mode {
            guard Int(tableIndex) < tables.count else {
                throw invalid("unknown table \(tableIndex)", at: offset.offset)
            }
            try checkConstExpr(offset, produces: tables[Int(tableIndex)].limits.is64 ? .i64 : .i32)
            guard isSubtype(.ref(segment.type), .ref(tables[Int(tableIndex)].elementType)) else {
                throw invalid("type mismatch: element segment of type \(segment.type) in table of "
                              + "type \(tables[Int(tableIndex)].elementType)", at: offset.offset)
            }
        }
        switch segment.items {
        case .functions(let indices):
            for index in indices {
                guard Int(index) < functionTypes.count else {
                    throw invalid("unknown function \(index)", at: sectionOffset(9))
                }
                let reference = RefType(nullable: false, heapType: .concrete(functionTypes[Int(index)]))
                guard isSubtype(.ref(reference), elementType) else {
                    throw invalid("type mismatch", at: sectionOffset(9))
                }
            }
        case .expressions(let exprs):
            for expr in exprs { try checkConstExpr(expr, produces: elementType) }
        }
    }

    func validateDataSegment(_ segment: DataSegment) throws {
        guard case .active(let memoryIndex, let offset) = segment.mode else { return }
        guard Int(memoryIndex) < memories.count else {
            throw invalid("unknown memory \(memoryIndex)", at: offset.offset)
        }
        try checkConstExpr(offset, produces: memories[Int(memoryIndex)].limits.is64 ? .i64 : .i32)
    }

    // MARK: Constant expressions

    /// Type-checks a constant expression: it must leave exactly one value of type `expected`.
    func checkConstExpr(_ expr: ConstExpr, produces expected: ValueType, globalCount: Int? = nil) throws {
        let visibleGlobals = definedGlobalsInConstants ? (globalCount ?? allGlobals.count) : importedGlobals.count
        var stack: [ValueType] = []
        func pop(_ type: ValueType) throws {
            guard let top = stack.popLast(), top == type else {
                throw invalid("type mismatch", at: expr.offset)
            }
        }
        for instruction in expr.instructions {
            switch instruction {
            case .i32Const: stack.append(.i32)
            case .i64Const: stack.append(.i64)
            case .f32Const: stack.append(.f32)
            case .f64Const: stack.append(.f64)
            case .v128Const: stack.append(.v128)
            case .refNull(let heapType):
                try checkSupported(heapType)
                stack.append(.ref(RefType(nullable: true, heapType: heapType)))
            case .refFunc(let index):
                guard Int(index) < functionTypes.count else {
                    throw invalid("unknown function \(index)", at: expr.offset)
                }
                stack.append(.ref(RefType(nullable: false, heapType: .concrete(functionTypes[Int(index)]))))
            case .globalGet(let index):
                guard Int(index) < visibleGlobals, Int(index) < allGlobals.count else {
                    throw invalid("unknown global \(index)", at: expr.offset)
                }
                let global = allGlobals[Int(index)]
                guard !global.mutable else {
                    throw invalid("constant expression required", at: expr.offset)
                }
                stack.append(global.valueType)
            case .i32Add, .i32Sub, .i32Mul:
                try pop(.i32); try pop(.i32); stack.append(.i32)
            case .i64Add, .i64Sub, .i64Mul:
                try pop(.i64); try pop(.i64); stack.append(.i64)
            case .gc(let instruction):
                try checkConstGC(instruction, stack: &stack, offset: expr.offset)
            }
        }
        guard stack.count == 1, isSubtype(stack[0], expected) else {
            throw invalid("type mismatch", at: expr.offset)
        }
    }
}
