/// WebAssembly proposals beyond the 1.0 core, as a set: what a module uses
/// (``Module/featuresUsed``) and what an engine accepts (``EngineConfiguration/features``).
///
/// Every feature the engine implements is on by default. An embedder that wants, say, only
/// Wasm 2.0 modules from its plugins removes the later ones; a module that uses a removed
/// feature is then refused as invalid when it is created. Names follow wasmtime's `-W`
/// options where it has one (`simd`, `threads`, `exceptions`, ...).
public struct WasmFeatures: OptionSet, Hashable, Sendable, CustomStringConvertible {
    /// The set's bits, one per proposal.
    public let rawValue: UInt32
    /// The set with these bits.
    public init(rawValue: UInt32) { self.rawValue = rawValue }

    /// Importing and exporting mutable globals (Wasm 2.0).
    public static let mutableGlobals = WasmFeatures(rawValue: 1 << 0)
    /// `i32.extend8_s` and the other sign-extension instructions (Wasm 2.0).
    public static let signExtension = WasmFeatures(rawValue: 1 << 1)
    /// `i32.trunc_sat_f32_s` and the other saturating conversions (Wasm 2.0).
    public static let nontrappingFloatToInt = WasmFeatures(rawValue: 1 << 2)
    /// Several results, and block parameters (Wasm 2.0).
    public static let multiValue = WasmFeatures(rawValue: 1 << 3)
    /// `memory.copy`, `memory.fill`, passive segments and the other bulk operations (Wasm 2.0).
    public static let bulkMemory = WasmFeatures(rawValue: 1 << 4)
    /// `externref`, several tables and the table instructions (Wasm 2.0).
    public static let referenceTypes = WasmFeatures(rawValue: 1 << 5)
    /// 128-bit SIMD, `v128` (Wasm 2.0).
    public static let simd = WasmFeatures(rawValue: 1 << 6)
    /// Relaxed SIMD (Wasm 3.0).
    public static let relaxedSIMD = WasmFeatures(rawValue: 1 << 7)
    /// `return_call` and the other tail calls (Wasm 3.0).
    public static let tailCall = WasmFeatures(rawValue: 1 << 8)
    /// Tags, `throw`, `throw_ref`, `try_table` and `exnref` (Wasm 3.0).
    public static let exceptions = WasmFeatures(rawValue: 1 << 9)
    /// The legacy exception instructions `try`, `catch`, `delegate` and `rethrow`.
    public static let legacyExceptions = WasmFeatures(rawValue: 1 << 10)
    /// More than one memory (Wasm 3.0).
    public static let multiMemory = WasmFeatures(rawValue: 1 << 11)
    /// Memories and tables indexed by i64 (Wasm 3.0).
    public static let memory64 = WasmFeatures(rawValue: 1 << 12)
    /// `i32.add`, `i32.sub`, `i32.mul` and their i64 forms in constant expressions (Wasm 3.0).
    public static let extendedConst = WasmFeatures(rawValue: 1 << 13)
    /// Shared memories and atomic instructions (the threads proposal).
    public static let threads = WasmFeatures(rawValue: 1 << 14)
    /// Typed function references: `(ref $t)`, non-nullable references, `call_ref` (Wasm 3.0).
    public static let functionReferences = WasmFeatures(rawValue: 1 << 15)
    /// Garbage-collected structs, arrays and `i31ref` (Wasm 3.0).
    public static let gc = WasmFeatures(rawValue: 1 << 16)

    /// Every feature with its name, in the order `description` lists them.
    public static let named: [(feature: WasmFeatures, name: String)] = [
        (.mutableGlobals, "mutable-globals"), (.signExtension, "sign-extension"),
        (.nontrappingFloatToInt, "nontrapping-float-to-int"), (.multiValue, "multi-value"),
        (.bulkMemory, "bulk-memory"), (.referenceTypes, "reference-types"), (.simd, "simd"),
        (.relaxedSIMD, "relaxed-simd"), (.tailCall, "tail-call"), (.exceptions, "exceptions"),
        (.legacyExceptions, "legacy-exceptions"), (.multiMemory, "multi-memory"),
        (.memory64, "memory64"), (.extendedConst, "extended-const"), (.threads, "threads"),
        (.functionReferences, "function-references"), (.gc, "gc"),
    ]

    /// The proposals that make up Wasm 2.0.
    public static let wasm2: WasmFeatures = [
        .mutableGlobals, .signExtension, .nontrappingFloatToInt, .multiValue, .bulkMemory,
        .referenceTypes, .simd,
    ]
    /// Every feature, the engine's default.
    public static let all = WasmFeatures(named.map(\.feature))

    /// The feature called `name` (a name of ``named``; `exception-handling` is accepted for
    /// `exceptions`), or nil.
    public init?(name: String) {
        let key = name == "exception-handling" ? "exceptions" : name
        guard let entry = Self.named.first(where: { $0.name == key }) else { return nil }
        self = entry.feature
    }

    /// The names of the features in the set.
    public var names: [String] { Self.named.filter { contains($0.feature) }.map(\.name) }

    /// The names, comma-separated; "none" for the empty set.
    public var description: String { isEmpty ? "none" : names.joined(separator: ", ") }
}

extension ModuleSections {
    /// The proposals this module uses, from its types, imports, definitions, segments and
    /// the instructions of its function bodies. Reads every body (without validating it);
    /// a body that does not decode contributes what was read before the error.
    public func featuresUsed() -> WasmFeatures {
        var scan = FeatureScan(module: self)
        scan.run()
        return scan.found
    }
}

/// Walks a module once, collecting the features it uses.
private struct FeatureScan {
    let module: ModuleSections
    var found: WasmFeatures = []

    init(module: ModuleSections) { self.module = module }

    mutating func note(_ type: ValueType) {
        switch type {
        case .v128: found.insert(.simd)
        case .ref(let r):
            if !r.nullable { found.insert(.functionReferences) }
            switch r.heapType {
            case .func: break
            case .extern: found.insert(.referenceTypes)
            case .concrete: found.insert(.functionReferences)
            case .exn, .noexn: found.insert(.exceptions)
            default: found.insert(.gc)
            }
        default: break
        }
    }

    mutating func note(_ limits: Limits) {
        if limits.is64 { found.insert(.memory64) }
        if limits.shared { found.insert(.threads) }
    }

    mutating func run() {
        let s = module
        for (i, type) in s.types.enumerated() {
            let definition = s.typeDefinition(i)
            if !definition.isFinal || !definition.supertypes.isEmpty || definition.recGroup.count != 1
                || definition.composite != .function
            {
                found.insert(.gc)
            }
            definition.composite.fieldValueTypes.forEach { note($0) }
            if type.results.count > 1 { found.insert(.multiValue) }
            type.params.forEach { note($0) }
            type.results.forEach { note($0) }
        }
        var tableCount = s.tables.count
        var memoryCount = s.memories.count
        var importedGlobals = 0
        for imp in s.imports {
            switch imp.descriptor {
            case .table(let t):
                tableCount += 1
                note(.ref(t.elementType))
                note(t.limits)
            case .memory(let m):
                memoryCount += 1
                note(m.limits)
            case .global(let g):
                importedGlobals += 1
                if g.mutable { found.insert(.mutableGlobals) }
                note(g.valueType)
            case .tag: found.insert(.exceptions)
            case .function: break
            }
        }
        for (i, t) in s.tables.enumerated() {
            note(.ref(t.elementType))
            note(t.limits)
            if let initializer = s.tableInitializer(i) {
                found.insert(.functionReferences)
                noteConstant(initializer)
            }
        }
        for m in s.memories { note(m.limits) }
        if !s.tags.isEmpty { found.insert(.exceptions) }
        if tableCount > 1 { found.insert(.referenceTypes) }
        if memoryCount > 1 { found.insert(.multiMemory) }
        for g in s.globals {
            note(g.type.valueType)
            noteConstant(g.initializer)
        }
        for exp in s.exports where exp.kind == .global {
            let defined = Int(exp.index) - importedGlobals
            if defined >= 0, defined < s.globals.count, s.globals[defined].type.mutable {
                found.insert(.mutableGlobals)
            }
        }
        if s.dataCount != nil { found.insert(.bulkMemory) }
        for d in s.data {
            switch d.mode {
            case .passive: found.insert(.bulkMemory)
            case .active(let memory, let offset):
                if memory != 0 { found.insert(.multiMemory) }
                noteConstant(offset)
            }
        }
        for e in s.elements {
            switch e.mode {
            case .passive, .declarative: found.insert(.bulkMemory)
            case .active(let table, let offset):
                if table != 0 { found.insert(.referenceTypes) }
                noteConstant(offset)
            }
            // Function indices are typed `(ref func)` since Wasm 3.0 without using anything new.
            if case .expressions = e.items {
                if e.type != .funcref { found.insert(.referenceTypes) }
                note(.ref(e.type))
            }
            if case .expressions = e.items { found.insert(.bulkMemory) }
        }
        for body in s.code {
            for run in body.localRuns { note(run.type) }
            scanBody(body)
        }
    }

    mutating func noteConstant(_ expression: ConstExpr) {
        for instruction in expression.instructions {
            switch instruction {
            case .i32Add, .i32Sub, .i32Mul, .i64Add, .i64Sub, .i64Mul: found.insert(.extendedConst)
            case .gc: found.insert(.gc)
            default: break
            }
        }
    }

    mutating func scanBody(_ body: FunctionBody) {
        var reader = InstructionReader(bytes: module.bytes, range: body.code,
                                       features: [.tailCall, .multiMemory, .functionReferences, .gc])
        while !reader.isAtEnd {
            guard let instruction = try? reader.read() else { return }
            note(instruction)
        }
    }

    mutating func note(_ instruction: Instruction) {
        switch instruction {
        case .numeric(let op):
            switch op.rawValue {
            case NumericOp.i32Extend8S.rawValue...NumericOp.i64Extend32S.rawValue:
                found.insert(.signExtension)
            case NumericOp.i32TruncSatF32S.rawValue...NumericOp.i64TruncSatF64U.rawValue:
                found.insert(.nontrappingFloatToInt)
            default: break
            }
        case .block(let type), .loop(let type), .if(let type), .tryTable(let type, _), .try(let type):
            if case .typeIndex(let index) = type, Int(index) < module.types.count {
                let t = module.types[Int(index)]
                if !t.params.isEmpty || t.results.count > 1 { found.insert(.multiValue) }
            }
            if case .value(let v) = type { note(v) }
            if case .tryTable = instruction { found.insert(.exceptions) }
            if case .try = instruction { found.insert(.legacyExceptions) }
        case .memoryFill(let memory), .memoryInit(_, let memory):
            found.insert(.bulkMemory)
            if memory != 0 { found.insert(.multiMemory) }
        case .memoryCopy(let destination, let source):
            found.insert(.bulkMemory)
            if destination != 0 || source != 0 { found.insert(.multiMemory) }
        case .memorySize(let memory), .memoryGrow(let memory):
            if memory != 0 { found.insert(.multiMemory) }
        case .dataDrop, .tableCopy, .tableInit, .elemDrop:
            found.insert(.bulkMemory)
        case .refNull, .refIsNull, .refFunc, .tableGet, .tableSet, .tableSize, .tableGrow, .tableFill, .typedSelect:
            found.insert(.referenceTypes)
        case .callIndirect(_, let table):
            if table != 0 { found.insert(.referenceTypes) }
        case .returnCall, .returnCallIndirect:
            found.insert(.tailCall)
        case .callRef, .refAsNonNull, .brOnNull, .brOnNonNull:
            found.insert(.functionReferences)
        case .returnCallRef:
            found.insert([.tailCall, .functionReferences])
        case .throw, .throwRef:
            found.insert(.exceptions)
        case .catch, .catchAll, .delegate, .rethrow:
            found.insert(.legacyExceptions)
        case .simd(let simd):
            found.insert(simd.op.isRelaxed ? .relaxedSIMD : .simd)
        case .load(_, let arg), .store(_, let arg):
            if arg.memory != 0 { found.insert(.multiMemory) }
        case .gc:
            found.insert(.gc)
        case .atomic(_, let arg):
            found.insert(.threads)
            if arg.memory != 0 { found.insert(.multiMemory) }
        default:
            break
        }
    }
}
