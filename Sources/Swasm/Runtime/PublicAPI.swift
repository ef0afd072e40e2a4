// The public embedding API. Signatures here are the contract the CLI, the WAST runner and
// embedders code against; bodies that still throw `.unsupported` are being implemented.

/// A WebAssembly value. Floats are carried as bit patterns so NaN payloads survive.
public enum Value: Hashable, Sendable {
    case i32(UInt32)
    case i64(UInt64)
    case f32(UInt32)
    case f64(UInt64)
    case v128(UInt64, UInt64)  // low 64 bits, high 64 bits
    case ref(Reference)

    public var type: ValueType? {
        switch self {
        case .i32: return .i32
        case .i64: return .i64
        case .f32: return .f32
        case .f64: return .f64
        case .v128: return .v128
        case .ref: return nil
        }
    }
}

/// A reference value.
public enum Reference: Hashable, Sendable {
    /// A null reference of the given heap type.
    case null(HeapType)
    /// A function reference (store address of the function).
    case function(FunctionAddress)
    /// A host reference; the payload is chosen by the host (`ref.extern N` in WAST).
    case extern(UInt64)
}

/// Identifies a function within a `Store`.
public struct FunctionAddress: Hashable, Sendable {
    public let rawValue: Int
    public init(rawValue: Int) { self.rawValue = rawValue }
}

/// Engine-wide settings.
public struct EngineConfiguration: Sendable {
    public enum Compilation: Sendable {
        /// Validate and translate each function on its first call (fast start-up).
        case lazy
        /// Validate and translate every function when the module is created.
        case eager
    }
    public var compilation: Compilation = .lazy
    /// Maximum depth of nested calls before "call stack exhausted".
    public var maxCallDepth: Int = 10_000
    /// Size of each store's value stack, in 64-bit slots.
    public var valueStackSlots: Int = 1 << 20
    public init() {}
}

/// Compiles and runs WebAssembly. Shared by many stores and modules.
public final class Engine: @unchecked Sendable {
    public let configuration: EngineConfiguration
    public init(configuration: EngineConfiguration = EngineConfiguration()) {
        self.configuration = configuration
    }
}

/// Descriptions of a module's imports and exports, with resolved types.
public struct ImportInfo: Sendable {
    public var module: String
    public var name: String
    public var type: ExternType
}
public struct ExportInfo: Sendable {
    public var name: String
    public var type: ExternType
}
public enum ExternType: Sendable, Hashable {
    case function(FuncType)
    case table(TableType)
    case memory(MemoryType)
    case global(GlobalType)
}

/// A decoded and validated module. Its compiled code is shared by every instance.
public final class Module: @unchecked Sendable {
    public let engine: Engine
    public let sections: ModuleSections

    /// Decodes `bytes` and validates the module structure. Function bodies are validated
    /// now when the engine compiles eagerly, otherwise on first call.
    /// Throws `SwasmError.malformed` or `.invalid`.
    public init(engine: Engine, bytes: [UInt8]) throws {
        self.engine = engine
        throw SwasmError.unsupported("module decoding is not implemented yet")
    }

    /// Validates (and translates) every function body now. Throws `SwasmError.invalid`.
    public func validateAllFunctions() throws {}

    public var imports: [ImportInfo] { [] }
    public var exports: [ExportInfo] { [] }
}

/// Owns all runtime objects (instances, functions, memories, tables, globals).
/// A store is used by one thread at a time.
public final class Store {
    public let engine: Engine
    public init(engine: Engine) { self.engine = engine }
}

/// An external value: what an instance exports and what imports are satisfied with.
public enum Extern {
    case function(Function)
    case table(Table)
    case memory(Memory)
    case global(Global)
}

/// The host side of a call from Wasm into a host function.
public struct Caller {
    public let store: Store
    /// The instance whose code made the call, if any.
    public let instance: Instance?
}

/// A function in a store: Wasm-defined or a host function.
public struct Function {
    public let store: Store
    public let address: FunctionAddress

    /// Creates a host function.
    public init(store: Store, type: FuncType, body: @escaping (Caller, [Value]) throws -> [Value]) {
        self.store = store
        self.address = FunctionAddress(rawValue: -1)
    }
    public var type: FuncType { FuncType(params: [], results: []) }
    /// Calls the function. Throws `SwasmError.trap` on a trap.
    public func call(_ arguments: [Value]) throws -> [Value] {
        throw SwasmError.unsupported("calls are not implemented yet")
    }
}

/// A linear memory in a store.
public struct Memory {
    public let store: Store
    public init(store: Store, type: MemoryType) throws {
        self.store = store
        throw SwasmError.unsupported("memories are not implemented yet")
    }
    public var type: MemoryType { MemoryType(limits: Limits(min: 0)) }
    /// Current size in bytes.
    public var byteCount: Int { 0 }
    /// Copies `count` bytes at `offset`; throws a trap when out of bounds.
    public func read(offset: Int, count: Int) throws -> [UInt8] { [] }
    /// Writes `bytes` at `offset`; throws a trap when out of bounds.
    public func write(offset: Int, bytes: [UInt8]) throws {}
    /// Grows by `pages`; returns the old size in pages, or nil when it cannot grow.
    public func grow(by pages: UInt64) -> UInt64? { nil }
}

/// A table in a store.
public struct Table {
    public let store: Store
    public init(store: Store, type: TableType, initial: Reference) throws {
        self.store = store
        throw SwasmError.unsupported("tables are not implemented yet")
    }
    public var type: TableType { TableType(elementType: .funcref, limits: Limits(min: 0)) }
    public var size: Int { 0 }
    public func get(_ index: Int) throws -> Reference { .null(.func) }
    public func set(_ index: Int, _ value: Reference) throws {}
}

/// A global in a store.
public struct Global {
    public let store: Store
    public init(store: Store, type: GlobalType, value: Value) throws {
        self.store = store
        throw SwasmError.unsupported("globals are not implemented yet")
    }
    public var type: GlobalType { GlobalType(valueType: .i32, mutable: false) }
    public var value: Value { .i32(0) }
    /// Sets a mutable global; throws when immutable or the type does not match.
    public func set(_ value: Value) throws {}
}

/// An instantiated module.
public final class Instance {
    public let store: Store
    public let module: Module
    init(store: Store, module: Module) {
        self.store = store
        self.module = module
    }
    /// The export named `name`, if any.
    public func export(_ name: String) -> Extern? { nil }
    /// All exports in declaration order.
    public var exports: [(name: String, value: Extern)] { [] }
    public func function(_ name: String) -> Function? {
        if case .function(let f)? = export(name) { return f }
        return nil
    }
}

/// Resolves imports by module and name and instantiates modules.
public final class Linker {
    public init() {}
    /// Defines `module`.`name` as `value`; a later definition replaces an earlier one.
    public func define(module: String, name: String, _ value: Extern) {}
    /// Defines every export of `instance` under the module name `module`.
    public func define(module: String, instance: Instance) {}
    /// Defines a host function.
    public func defineFunction(
        store: Store, module: String, name: String, type: FuncType,
        _ body: @escaping (Caller, [Value]) throws -> [Value]
    ) {
        define(module: module, name: name, .function(Function(store: store, type: type, body: body)))
    }
    /// Instantiates `module` in `store`: resolves imports (`SwasmError.unlinkable`),
    /// initialises tables and memories from segments in spec order and runs the start
    /// function (a trap there throws `SwasmError.trap`, with the partial effects kept as the
    /// spec requires).
    public func instantiate(store: Store, module: Module) throws -> Instance {
        throw SwasmError.unsupported("instantiation is not implemented yet")
    }
}
