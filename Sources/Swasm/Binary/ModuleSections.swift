/// The decoded, structural content of a module: what the binary decoder produces and the
/// validator, compiler and runtime consume. Function bodies are kept as byte ranges of the
/// module's bytes so they can be validated and translated lazily, on first call.

/// One instruction of a constant expression (global initialisers, segment offsets,
/// element items). Extended-const and GC forms are listed so later features need no rewrite.
public enum ConstInstruction: Hashable, Sendable {
    case i32Const(Int32)
    case i64Const(Int64)
    case f32Const(UInt32)   // bit pattern
    case f64Const(UInt64)   // bit pattern
    case v128Const(UInt64, UInt64)  // low, high
    case refNull(HeapType)
    case refFunc(UInt32)
    case globalGet(UInt32)
    case i32Add, i32Sub, i32Mul, i64Add, i64Sub, i64Mul
}

/// A constant expression, without its final `end`.
public struct ConstExpr: Hashable, Sendable {
    public var instructions: [ConstInstruction]
    /// Byte offset of the expression in the module, for error messages.
    public var offset: Int
    public init(instructions: [ConstInstruction], offset: Int) {
        self.instructions = instructions
        self.offset = offset
    }
}

public struct Import: Hashable, Sendable {
    public enum Descriptor: Hashable, Sendable {
        case function(typeIndex: UInt32)
        case table(TableType)
        case memory(MemoryType)
        case global(GlobalType)
        case tag(typeIndex: UInt32)
    }
    public var module: String
    public var name: String
    public var descriptor: Descriptor
    public init(module: String, name: String, descriptor: Descriptor) {
        self.module = module
        self.name = name
        self.descriptor = descriptor
    }
}

public struct Export: Hashable, Sendable {
    public var name: String
    public var kind: ExternalKind
    public var index: UInt32
    public init(name: String, kind: ExternalKind, index: UInt32) {
        self.name = name
        self.kind = kind
        self.index = index
    }
}

public struct GlobalDefinition: Hashable, Sendable {
    public var type: GlobalType
    public var initializer: ConstExpr
    public init(type: GlobalType, initializer: ConstExpr) {
        self.type = type
        self.initializer = initializer
    }
}

public struct ElementSegment: Hashable, Sendable {
    public enum Mode: Hashable, Sendable {
        case passive
        case active(table: UInt32, offset: ConstExpr)
        case declarative
    }
    public enum Items: Hashable, Sendable {
        /// Function indices (the binary forms without expressions).
        case functions([UInt32])
        /// One constant expression per element.
        case expressions([ConstExpr])
    }
    public var type: RefType
    public var mode: Mode
    public var items: Items
    public var count: Int {
        switch items {
        case .functions(let f): return f.count
        case .expressions(let e): return e.count
        }
    }
    public init(type: RefType, mode: Mode, items: Items) {
        self.type = type
        self.mode = mode
        self.items = items
    }
}

public struct DataSegment: Hashable, Sendable {
    public enum Mode: Hashable, Sendable {
        case passive
        case active(memory: UInt32, offset: ConstExpr)
    }
    public var mode: Mode
    /// Range of the segment's bytes in the module's bytes.
    public var bytes: Range<Int>
    public init(mode: Mode, bytes: Range<Int>) {
        self.mode = mode
        self.bytes = bytes
    }
}

/// A function body: local declarations and the byte range of its instructions
/// (from just after the locals to just after the final `end`).
public struct FunctionBody: Hashable, Sendable {
    public struct LocalRun: Hashable, Sendable {
        public var count: UInt32
        public var type: ValueType
    }
    /// Local declarations after the parameters, as (count, type) runs.
    public var localRuns: [LocalRun]
    /// Total number of declared locals (excluding parameters).
    public var localCount: Int
    public var code: Range<Int>
    public init(localRuns: [LocalRun], localCount: Int, code: Range<Int>) {
        self.localRuns = localRuns
        self.localCount = localCount
        self.code = code
    }
}

public struct CustomSection: Hashable, Sendable {
    public var name: String
    public var bytes: Range<Int>
    public init(name: String, bytes: Range<Int>) {
        self.name = name
        self.bytes = bytes
    }
}

/// Names from the `name` custom section, used in backtraces and error messages.
public struct NameSection: Hashable, Sendable {
    public var moduleName: String?
    public var functionNames: [UInt32: String] = [:]
    public var localNames: [UInt32: [UInt32: String]] = [:]
    public init() {}
}

/// A whole decoded module. `bytes` is the module's binary, which `FunctionBody.code`,
/// `DataSegment.bytes` and `CustomSection.bytes` index into.
public struct ModuleSections: Sendable {
    public var bytes: [UInt8] = []
    /// Section ids in the order they appeared, with byte ranges (for `swasm inspect`).
    public var sectionLayout: [(id: UInt8, name: String, range: Range<Int>)] = []
    public var types: [FuncType] = []
    public var imports: [Import] = []
    /// Type index of each function defined in this module (not imported).
    public var functions: [UInt32] = []
    public var tables: [TableType] = []
    public var memories: [MemoryType] = []
    public var globals: [GlobalDefinition] = []
    public var exports: [Export] = []
    public var start: UInt32?
    public var elements: [ElementSegment] = []
    public var dataCount: UInt32?
    public var code: [FunctionBody] = []
    public var data: [DataSegment] = []
    public var customSections: [CustomSection] = []
    public var names = NameSection()
    public init() {}
}
