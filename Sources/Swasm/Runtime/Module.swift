#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// One import of a module, with its type resolved.
/// Spec: https://webassembly.github.io/spec/core/syntax/modules.html#imports
public struct ImportInfo: Sendable {
    /// The module name the import is looked up under.
    public var module: String
    /// The field name within that module.
    public var name: String
    /// The type the imported value must have.
    public var type: ExternType
    /// For a function, the engine-wide id of its type (which a function's type must match).
    var typeID = -1
}

/// One export of a module, with its type resolved.
/// Spec: https://webassembly.github.io/spec/core/syntax/modules.html#exports
public struct ExportInfo: Sendable {
    /// The name the export is found under.
    public var name: String
    /// The exported value's type.
    public var type: ExternType
}

/// The type of an import or export.
/// Spec: https://webassembly.github.io/spec/core/syntax/types.html#external-types
public enum ExternType: Sendable, Hashable {
    /// A function of this signature.
    case function(FuncType)
    /// A table of this element type and size.
    case table(TableType)
    /// A memory of this size.
    case memory(MemoryType)
    /// A global of this value type and mutability.
    case global(GlobalType)
    /// An exception tag whose exceptions carry values of these parameter types.
    case tag(FuncType)
}

/// A decoded and validated module. Its compiled code is shared by every instance.
/// Spec: https://webassembly.github.io/spec/core/syntax/modules.html
///
/// A module is immutable and `Sendable`: compile it once and instantiate it in as many
/// stores, on as many threads, as you like; functions are translated once, on first call
/// (or at creation with ``EngineConfiguration/Compilation-swift.enum/eager``), for all instances.
public final class Module: @unchecked Sendable {
    /// The engine the module was compiled for; it runs only in that engine's stores.
    public let engine: Engine
    /// The decoded sections, for tools that inspect a module.
    public let sections: ModuleSections
    /// Compiled function bodies, translated on first call (or at creation when eager).
    let code: CodeCache
    /// Engine-wide ids of `sections.types`, for `call_indirect`.
    let typeIDs: [Int]
    /// The module's imports with their types resolved, in declaration order.
    public let imports: [ImportInfo]
    /// The module's exports with their types resolved, in declaration order.
    public let exports: [ExportInfo]
    /// The module's name from the name section, if any.
    public var name: String? { sections.names.moduleName }
    /// Indices into `sections.exports` by name (validation made names unique).
    let exportIndex: [WasmName: Int]

    /// Decodes `bytes` and validates the module structure. Function bodies are validated
    /// now when the engine compiles eagerly, otherwise on first call.
    /// Throws `SwasmError.malformed` or `.invalid`.
    public convenience init(engine: Engine, bytes: [UInt8]) throws {
        let sections = try ModuleDecoder.decode(bytes, memory64: engine.configuration.memory64)
        try self.init(engine: engine, sections: sections)
    }

    /// Reads and decodes the binary module at `path`. Throws `APIError` naming the path when
    /// the file cannot be read, otherwise as `init(engine:bytes:)`.
    public convenience init(engine: Engine, contentsOf path: String) throws {
        try self.init(engine: engine, bytes: HostFile.readAll(path))
    }

    /// Creates a module from decoded sections (the decoder's output), validating its structure.
    init(engine: Engine, sections: ModuleSections) throws {
        // Without reference types a second table is invalid, as in Wasm 1.0 ("multiple tables").
        try ModuleValidator.validate(sections, multipleMemories: engine.configuration.multipleMemories,
                                     multipleTables: engine.configuration.features.contains(.referenceTypes),
                                     functionReferences: engine.configuration.functionReferences)
        try Self.checkFeatures(of: sections, allowed: engine.configuration.features)
        self.engine = engine
        self.sections = sections
        let typeIDs = engine.types.ids(of: sections)
        self.typeIDs = typeIDs
        let spaces = try IndexSpaces(sections)
        // Import and export types are closed (type indices replaced by engine-wide ids), so
        // that linking compares them across modules.
        let closed = TypeCloser(typeIDs: typeIDs)
        self.imports = try sections.imports.map { entry in
            var info = ImportInfo(module: entry.module, name: entry.name, type: closed(try spaces.type(of: entry.descriptor, in: sections)))
            switch entry.descriptor {
            case .function(let typeIndex), .tag(let typeIndex):
                if Int(typeIndex) < typeIDs.count { info.typeID = typeIDs[Int(typeIndex)] }
            default:
                break
            }
            return info
        }
        self.exports = try sections.exports.map { try ExportInfo(name: $0.name, type: closed(spaces.type(of: $0))) }
        var exportIndex: [WasmName: Int] = [:]
        for (i, export) in sections.exports.enumerated() { exportIndex[WasmName(export.name)] = i }
        self.exportIndex = exportIndex
        self.code = CodeCache(sections: sections, configuration: engine.configuration, budget: engine.compiledCode)
        if engine.configuration.compilation == .eager {
            try code.compileAll(threads: engine.configuration.compilationThreads)
        }
    }

    /// The proposals this module uses (see ``WasmFeatures``); reads every function body.
    public var featuresUsed: WasmFeatures { sections.featuresUsed() }

    /// Refuses a module that uses a feature outside `allowed`; free when every feature is.
    private static func checkFeatures(of sections: ModuleSections, allowed: WasmFeatures) throws {
        // Multiple memories have their own, earlier checks (decoder and module validator).
        let refused = WasmFeatures.all.subtracting(allowed).subtracting(.multiMemory)
        if refused.isEmpty { return }
        let used = sections.featuresUsed().intersection(refused)
        if !used.isEmpty {
            throw SwasmError.invalid("the module uses a disabled feature: \(used)",
                                     function: nil, offset: nil)
        }
    }

    /// Validates (and translates) every function body now. Throws `SwasmError.invalid`.
    public func validateAllFunctions() throws {
        try code.compileAll(threads: engine.configuration.compilationThreads)
    }
}

/// The types of a module's index spaces (imports first, then definitions), resolved once.
struct IndexSpaces {
    var functions: [FuncType] = []
    var tables: [TableType] = []
    var memories: [MemoryType] = []
    var globals: [GlobalType] = []
    var tags: [FuncType] = []

    init(_ sections: ModuleSections) throws {
        for i in sections.imports {
            switch try type(of: i.descriptor, in: sections) {
            case .function(let t): functions.append(t)
            case .table(let t): tables.append(t)
            case .memory(let t): memories.append(t)
            case .global(let t): globals.append(t)
            case .tag(let t): tags.append(t)
            }
        }
        for typeIndex in sections.functions {
            functions.append(try Self.funcType(typeIndex, in: sections))
        }
        tables += sections.tables
        memories += sections.memories
        globals += sections.globals.map(\.type)
        for typeIndex in sections.tags { tags.append(try Self.funcType(typeIndex, in: sections)) }
    }

    static func funcType(_ index: UInt32, in sections: ModuleSections) throws -> FuncType {
        guard Int(index) < sections.types.count else {
            throw SwasmError.invalid("unknown type \(index)", function: nil, offset: nil)
        }
        return sections.types[Int(index)]
    }

    func type(of descriptor: Import.Descriptor, in sections: ModuleSections) throws -> ExternType {
        switch descriptor {
        case .function(let typeIndex): return .function(try Self.funcType(typeIndex, in: sections))
        case .table(let t): return .table(t)
        case .memory(let t): return .memory(t)
        case .global(let t): return .global(t)
        case .tag(let typeIndex): return .tag(try Self.funcType(typeIndex, in: sections))
        }
    }

    func type(of export: Export) throws -> ExternType {
        func pick<T>(_ space: [T], _ what: String) throws -> T {
            guard Int(export.index) < space.count else {
                throw SwasmError.invalid("unknown \(what) \(export.index) in export \"\(export.name)\"", function: nil, offset: nil)
            }
            return space[Int(export.index)]
        }
        switch export.kind {
        case .function: return .function(try pick(functions, "function"))
        case .table: return .table(try pick(tables, "table"))
        case .memory: return .memory(try pick(memories, "memory"))
        case .global: return .global(try pick(globals, "global"))
        case .tag: return .tag(try pick(tags, "tag"))
        }
    }
}

