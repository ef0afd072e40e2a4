// Module instantiation, in the order of the spec:
// https://webassembly.github.io/spec/core/exec/modules.html#instantiation
//
// Import matching happens before anything is allocated, so an unlinkable module leaves no
// trace. After that, effects are permanent: functions join the store, and a trap while
// initialising segments keeps the segments already copied into (possibly shared) tables and
// memories, exactly as the spec's sequence of table.init/memory.init instructions would.

enum Instantiation {
    static func instantiate(module: Module, store: Store, imports: [Extern], checked: Bool) throws -> Instance {
        guard module.engine === store.engine else {
            throw APIError("the module and the store belong to different engines")
        }
        let sections = module.sections
        guard imports.count == sections.imports.count else {
            throw SwasmError.unlinkable(
                "the module has \(sections.imports.count) import(s), \(imports.count) value(s) were given")
        }
        if !checked {
            for (info, value) in zip(module.imports, imports) {
                try checkImport(info, value, store: store)
            }
        }

        // Limits are checked before the instance takes anything from the store.
        try store.checkLimits(instances: 1, memories: sections.memories, tables: sections.tables)

        let state = InstanceState(module: module)
        state.store = store
        state.owner = Unmanaged.passUnretained(store)
        state.heap = Unmanaged.passUnretained(store.gcHeap)
        state.typeIDs = module.typeIDs
        store.instances.append(state)

        for value in imports {
            switch value {
            case .function(let f):
                // checkImport proved the address belongs to this store.
                if let function = store.function(at: f.address) { state.functions.append(function) }
            case .table(let t): state.tables.append(t.object)
            case .memory(let m): state.memories.append(m.object)
            case .global(let g): state.globals.append(g.object)
            case .tag(let t): state.tags.append(t.object)
            }
        }

        for (definedIndex, typeIndex) in sections.functions.enumerated() {
            let type = try IndexSpaces.funcType(typeIndex, in: sections)
            let function = FunctionInstance(
                type: type, typeID: module.typeIDs[Int(typeIndex)],
                kind: .wasm(instance: state, definedIndex: definedIndex))
            store.register(function)
            state.functions.append(function)
        }

        // Runtime objects carry closed types (TypeRegistry.swift): other modules import them.
        let closed = module.closed
        // The scratch entry after the function index space, through which `call_ref` calls
        // (InterpreterFunctionReferences.swift): a function of its own, never registered, whose
        // address each `call_ref` sets to its callee's.
        state.functions.append(FunctionInstance(type: FuncType(params: [], results: []), typeID: -1,
                                                kind: .host({ _, _ in [] })))

        for typeIndex in sections.tags {
            let tag = TagInstance(type: closed(try IndexSpaces.funcType(typeIndex, in: sections)))
            if Int(typeIndex) < module.typeIDs.count { tag.typeID = module.typeIDs[Int(typeIndex)] }
            state.tags.append(tag)
        }
        for (i, type) in sections.tables.enumerated() {
            // An initialiser sees the imported globals and every function.
            let fill = try sections.tableInitializer(i).map { try evaluate($0, in: state).low } ?? RefEncoding.null
            state.tables.append(try store.allocateTable(closed(type), fill: fill))
        }
        for type in sections.memories {
            state.memories.append(try store.allocateMemory(type))
        }
        if module.code.guardsMemory, let memory = state.memories.first, !memory.type.limits.is64 {
            state.runsMachineCode = memory.isGuarded
        }

        // Initialisers see the imported globals and (extended-const) the globals before them.
        for definition in sections.globals {
            let (low, high) = try evaluate(definition.initializer, in: state)
            let global = GlobalInstance(type: closed(definition.type), value: low)
            global.high = high
            state.globals.append(global)
        }

        state.elementSegments = try sections.elements.map { segment in
            switch segment.items {
            case .functions(let indices):
                return try indices.map { try functionReference($0, in: state, offset: nil) }
            case .expressions(let expressions):
                return try expressions.map { try evaluate($0, in: state).low }
            }
        }
        state.dataSegments = sections.data.map(\.bytes)

        // The handle exists before any code runs so host functions called from the start
        // function see their caller.
        let instance = Instance.handle(for: state, in: store)

        for (i, segment) in sections.elements.enumerated() {
            switch segment.mode {
            case .passive:
                continue
            case .declarative:
                state.elementSegments[i] = []
            case .active(let tableIndex, let offsetExpression):
                guard Int(tableIndex) < state.tables.count else {
                    throw SwasmError.invalid("unknown table \(tableIndex) in element segment \(i)", function: nil, offset: offsetExpression.offset)
                }
                let table = state.tables[Int(tableIndex)]
                let offset = try evaluate(offsetExpression, in: state).low
                let destination = table.type.limits.is64 ? offset : UInt64(UInt32(truncatingIfNeeded: offset))
                let items = state.elementSegments[i]
                guard destination <= UInt64(table.elements.count),
                      UInt64(items.count) <= UInt64(table.elements.count) - destination else {
                    throw SwasmError.trap(Trap(.outOfBoundsTableAccess))
                }
                let start = Int(destination)
                table.elements.replaceSubrange(start..<start + items.count, with: items)
                state.elementSegments[i] = []
            }
        }

        for (i, segment) in sections.data.enumerated() {
            guard case .active(let memoryIndex, let offsetExpression) = segment.mode else { continue }
            guard Int(memoryIndex) < state.memories.count else {
                throw SwasmError.invalid("unknown memory \(memoryIndex) in data segment \(i)", function: nil, offset: offsetExpression.offset)
            }
            let memory = state.memories[Int(memoryIndex)]
            let offset = try evaluate(offsetExpression, in: state).low
            let destination = memory.type.limits.is64 ? offset : UInt64(UInt32(truncatingIfNeeded: offset))
            let bytes = segment.bytes
            guard bytes.lowerBound >= 0, bytes.upperBound <= sections.bytes.count else {
                throw SwasmError.malformed("data segment \(i) lies outside the module", offset: nil)
            }
            guard destination <= UInt64(memory.byteCount),
                  UInt64(bytes.count) <= UInt64(memory.byteCount) - destination else {
                throw SwasmError.trap(Trap(.outOfBoundsMemoryAccess))
            }
            if !bytes.isEmpty {
                sections.bytes.withUnsafeBytes { source in
                    guard let sourceBase = source.baseAddress else { return }
                    (memory.base + Int(destination)).copyMemory(from: sourceBase + bytes.lowerBound, byteCount: bytes.count)
                }
            }
            state.dataSegments[i] = 0..<0
        }

        if let start = sections.start {
            guard Int(start) < state.functions.count else {
                throw SwasmError.invalid("unknown start function \(start)", function: nil, offset: nil)
            }
            _ = try Execution.invoke(state.functions[Int(start)], arguments: [], store: store)
        }
        return instance
    }

    // MARK: - Import matching

    /// Checks that `value` may satisfy `info`: it belongs to `store` and its current type
    /// matches the import's type (https://webassembly.github.io/spec/core/valid/types.html#import-subtyping).
    static func checkImport(_ info: ImportInfo, _ value: Extern, store: Store) throws {
        let name = "\"\(info.module)\" \"\(info.name)\""
        // A shared memory is the one object meant for several stores (threads, each with its
        // own store, share it); it must come from the same engine's stores.
        var sharedAcrossStores = false
        if case .memory(let memory) = value, memory.type.limits.shared, memory.store.engine === store.engine {
            sharedAcrossStores = true
        }
        guard value.store === store || sharedAcrossStores else {
            throw SwasmError.unlinkable("import \(name) belongs to a different store")
        }
        if case .function(let f) = value, store.function(at: f.address) == nil {
            throw SwasmError.unlinkable("import \(name) is not a function of this store")
        }
        let actual = value.type
        if case .function(let f) = value, info.typeID >= 0 {
            // Function types match by their engine-wide ids (equivalence and declared supertypes).
            let actualID = store.function(at: f.address)?.typeID ?? -1
            guard store.engine.types.isSubtype(actualID, info.typeID) else {
                throw SwasmError.unlinkable(
                    "incompatible import type for \(name): expected \(describe(info.type)), got \(describe(actual))")
            }
            return
        }
        if case .tag(let t) = value, info.typeID >= 0, t.object.typeID >= 0, t.object.typeID != info.typeID {
            // Tag types are equal exactly when their ids are.
            throw SwasmError.unlinkable(
                "incompatible import type for \(name): expected \(describe(info.type)), got \(describe(actual))")
        }
        guard matches(actual, info.type, types: store.engine.types) else {
            throw SwasmError.unlinkable(
                "incompatible import type for \(name): expected \(describe(info.type)), got \(describe(actual))")
        }
    }

    /// Matching of closed types: a table's element type and a mutable global's type are
    /// invariant, an immutable global's covariant.
    static func matches(_ actual: ExternType, _ expected: ExternType, types: TypeRegistry) -> Bool {
        switch (actual, expected) {
        case (.function(let a), .function(let e)):
            return a == e
        case (.table(let a), .table(let e)):
            return a.elementType == e.elementType && matches(a.limits, e.limits)
        case (.memory(let a), .memory(let e)):
            return matches(a.limits, e.limits)
        case (.global(let a), .global(let e)):
            guard a.mutable == e.mutable else { return false }
            if a.mutable { return a.valueType == e.valueType }
            return HeapSubtyping.isSubtype(a.valueType, e.valueType, kind: { types.kind(Int($0)) }) {
                types.isSubtype(Int($0), Int($1))
            }
        case (.tag(let a), .tag(let e)):
            return a == e
        default:
            return false
        }
    }

    private static func matches(_ actual: Limits, _ expected: Limits) -> Bool {
        guard actual.is64 == expected.is64, actual.shared == expected.shared, actual.min >= expected.min else {
            return false
        }
        guard let expectedMax = expected.max else { return true }
        guard let actualMax = actual.max else { return false }
        return actualMax <= expectedMax
    }

    // MARK: - Constant expressions

    /// Evaluates a constant expression to its slot words. Validation guarantees its type and
    /// indices; a violated guarantee throws rather than trusting it.
    static func evaluate(_ expression: ConstExpr, in state: InstanceState) throws -> (low: UInt64, high: UInt64) {
        var stack: [(low: UInt64, high: UInt64)] = []
        func fail(_ message: String) -> SwasmError {
            SwasmError.invalid("constant expression: \(message)", function: nil, offset: expression.offset)
        }
        func popPair() throws -> (UInt64, UInt64) {
            guard stack.count >= 2 else { throw fail("type mismatch") }
            let b = stack.removeLast().low
            let a = stack.removeLast().low
            return (a, b)
        }
        func i32(_ v: UInt32) -> (low: UInt64, high: UInt64) { (UInt64(v), 0) }
        for instruction in expression.instructions {
            switch instruction {
            case .i32Const(let v): stack.append(i32(UInt32(bitPattern: v)))
            case .i64Const(let v): stack.append((UInt64(bitPattern: v), 0))
            case .f32Const(let bits): stack.append((UInt64(bits), 0))
            case .f64Const(let bits): stack.append((bits, 0))
            case .v128Const(let low, let high): stack.append((low, high))
            case .refNull: stack.append((RefEncoding.null, 0))
            case .refFunc(let index):
                stack.append((try functionReference(index, in: state, offset: expression.offset), 0))
            case .globalGet(let index):
                guard Int(index) < state.globals.count else { throw fail("unknown global \(index)") }
                let global = state.globals[Int(index)]
                stack.append((global.value, global.high))
            case .i32Add:
                let (a, b) = try popPair()
                stack.append(i32(UInt32(truncatingIfNeeded: a) &+ UInt32(truncatingIfNeeded: b)))
            case .i32Sub:
                let (a, b) = try popPair()
                stack.append(i32(UInt32(truncatingIfNeeded: a) &- UInt32(truncatingIfNeeded: b)))
            case .i32Mul:
                let (a, b) = try popPair()
                stack.append(i32(UInt32(truncatingIfNeeded: a) &* UInt32(truncatingIfNeeded: b)))
            case .i64Add:
                let (a, b) = try popPair()
                stack.append((a &+ b, 0))
            case .i64Sub:
                let (a, b) = try popPair()
                stack.append((a &- b, 0))
            case .i64Mul:
                let (a, b) = try popPair()
                stack.append((a &* b, 0))
            case .gc(let instruction):
                try evaluateGC(instruction, stack: &stack, in: state, offset: expression.offset)
            }
        }
        guard stack.count == 1, let result = stack.last else { throw fail("type mismatch") }
        return result
    }

    static func functionReference(_ index: UInt32, in state: InstanceState, offset: Int?) throws -> UInt64 {
        guard Int(index) < state.functions.count else {
            throw SwasmError.invalid("unknown function \(index)", function: nil, offset: offset)
        }
        return RefEncoding.function(state.functions[Int(index)].address)
    }
}

func describe(_ type: ExternType) -> String {
    func limits(_ l: Limits) -> String {
        var s = "\(l.min)"
        if let max = l.max { s += " \(max)" }
        return s
    }
    switch type {
    case .function(let f): return describe(f)
    case .table(let t): return "(table \(limits(t.limits)) \(describe(ValueType.ref(t.elementType))))"
    case .memory(let m): return "(memory \(limits(m.limits)))"
    case .global(let g): return g.mutable ? "(global (mut \(describe(g.valueType))))" : "(global \(describe(g.valueType)))"
    case .tag(let t): return "(tag \(describe(t)))"
    }
}
