/// The decoded, structural content of a module: what the binary decoder produces and the
/// validator, compiler and runtime consume. Function bodies are kept as byte ranges of the
/// module's bytes so they can be validated and translated lazily, on first call.

/// One instruction of a constant expression (global initialisers, segment offsets,
/// element items). Extended-const and GC forms are listed so later features need no rewrite.
/// Spec: https://webassembly.github.io/spec/core/valid/instructions.html#constant-expressions
public enum ConstInstruction: Hashable, Sendable {
    /// `i32.const`.
    case i32Const(Int32)
    /// `i64.const`.
    case i64Const(Int64)
    /// `f32.const`, as the float's bit pattern.
    case f32Const(UInt32)   // bit pattern
    /// `f64.const`, as the float's bit pattern.
    case f64Const(UInt64)   // bit pattern
    /// `v128.const`: low 64 bits, high 64 bits.
    case v128Const(UInt64, UInt64)  // low, high
    /// `ref.null` of a heap type.
    case refNull(HeapType)
    /// `ref.func` of a function index.
    case refFunc(UInt32)
    /// `global.get` of a global index (an imported global, or an earlier one).
    case globalGet(UInt32)
    /// The extended-const arithmetic instructions, named as in the text format.
    case i32Add, i32Sub, i32Mul, i64Add, i64Sub, i64Mul
    /// The GC instructions allowed in constant expressions: `struct.new(_default)`,
    /// `array.new(_default, _fixed)`, `ref.i31`, `any.convert_extern`, `extern.convert_any`.
    case gc(GCInstruction)
}

/// A constant expression, without its final `end`.
public struct ConstExpr: Hashable, Sendable {
    /// The instructions, in order.
    public var instructions: [ConstInstruction]
    /// Byte offset of the expression in the module, for error messages.
    public var offset: Int
    /// An expression of `instructions` found at byte `offset`.
    public init(instructions: [ConstInstruction], offset: Int) {
        self.instructions = instructions
        self.offset = offset
    }
}

/// An import as declared in the binary; `Module.imports` has it with the type resolved.
/// Spec: https://webassembly.github.io/spec/core/syntax/modules.html#imports
public struct Import: Hashable, Sendable {
    /// What is imported.
    public enum Descriptor: Hashable, Sendable {
        /// A function of the type at `typeIndex`.
        case function(typeIndex: UInt32)
        /// A table of at least this type.
        case table(TableType)
        /// A memory of at least this type.
        case memory(MemoryType)
        /// A global of this type.
        case global(GlobalType)
        /// An exception tag (exception handling) of the type at `typeIndex`.
        case tag(typeIndex: UInt32)
    }
    /// The module name the import is looked up under.
    public var module: String
    /// The field name within that module.
    public var name: String
    /// What is imported.
    public var descriptor: Descriptor
    /// An import of `module`.`name`.
    public init(module: String, name: String, descriptor: Descriptor) {
        self.module = module
        self.name = name
        self.descriptor = descriptor
    }
}

/// An export as declared in the binary: a name for an index in one of the index spaces.
/// Spec: https://webassembly.github.io/spec/core/syntax/modules.html#exports
public struct Export: Hashable, Sendable {
    /// The export's name (unique within the module).
    public var name: String
    /// Which index space `index` refers to.
    public var kind: ExternalKind
    /// The index in that space (imports first, then definitions).
    public var index: UInt32
    /// An export of `index` in the `kind` index space under `name`.
    public init(name: String, kind: ExternalKind, index: UInt32) {
        self.name = name
        self.kind = kind
        self.index = index
    }
}

/// A global defined by the module.
/// Spec: https://webassembly.github.io/spec/core/syntax/modules.html#globals
public struct GlobalDefinition: Hashable, Sendable {
    /// Its value type and mutability.
    public var type: GlobalType
    /// The constant expression giving its initial value.
    public var initializer: ConstExpr
    /// A global of `type` starting at the value of `initializer`.
    public init(type: GlobalType, initializer: ConstExpr) {
        self.type = type
        self.initializer = initializer
    }
}

/// An element segment: references to copy into a table.
/// Spec: https://webassembly.github.io/spec/core/syntax/modules.html#element-segments
public struct ElementSegment: Hashable, Sendable {
    /// When and where the segment is used.
    public enum Mode: Hashable, Sendable {
        /// Copied by `table.init` at run time.
        case passive
        /// Copied into `table` at `offset` during instantiation.
        case active(table: UInt32, offset: ConstExpr)
        /// Only declares functions that `ref.func` may name; never copied.
        case declarative
    }
    /// The references of the segment.
    public enum Items: Hashable, Sendable {
        /// Function indices (the binary forms without expressions).
        case functions([UInt32])
        /// One constant expression per element.
        case expressions([ConstExpr])
    }
    /// The segment's reference type.
    public var type: RefType
    /// Passive, active or declarative.
    public var mode: Mode
    /// The references.
    public var items: Items
    /// The number of references.
    public var count: Int {
        switch items {
        case .functions(let f): return f.count
        case .expressions(let e): return e.count
        }
    }
    /// A segment of `items` of `type`.
    public init(type: RefType, mode: Mode, items: Items) {
        self.type = type
        self.mode = mode
        self.items = items
    }
}

/// A data segment: bytes to copy into a memory.
/// Spec: https://webassembly.github.io/spec/core/syntax/modules.html#data-segments
public struct DataSegment: Hashable, Sendable {
    /// When and where the segment is used.
    public enum Mode: Hashable, Sendable {
        /// Copied by `memory.init` at run time.
        case passive
        /// Copied into `memory` at `offset` during instantiation.
        case active(memory: UInt32, offset: ConstExpr)
    }
    /// Passive or active.
    public var mode: Mode
    /// Range of the segment's bytes in the module's bytes.
    public var bytes: Range<Int>
    /// A segment of the module's bytes in `bytes`.
    public init(mode: Mode, bytes: Range<Int>) {
        self.mode = mode
        self.bytes = bytes
    }
}

/// A function body: local declarations and the byte range of its instructions
/// (from just after the locals to just after the final `end`).
public struct FunctionBody: Hashable, Sendable {
    /// `count` locals of one type, as the binary declares them.
    public struct LocalRun: Hashable, Sendable {
        /// How many locals.
        public var count: UInt32
        /// Their type.
        public var type: ValueType
    }
    /// Local declarations after the parameters, as (count, type) runs.
    public var localRuns: [LocalRun]
    /// Total number of declared locals (excluding parameters).
    public var localCount: Int
    /// Byte range of the instructions in the module's bytes.
    public var code: Range<Int>
    /// A body with these locals and instructions.
    public init(localRuns: [LocalRun], localCount: Int, code: Range<Int>) {
        self.localRuns = localRuns
        self.localCount = localCount
        self.code = code
    }
}

/// A custom section, kept as a byte range; only `name` is interpreted by the engine.
/// Spec: https://webassembly.github.io/spec/core/binary/modules.html#custom-section
public struct CustomSection: Hashable, Sendable {
    /// The section's name.
    public var name: String
    /// Byte range of its contents in the module's bytes.
    public var bytes: Range<Int>
    /// A section `name` with contents at `bytes`.
    public init(name: String, bytes: Range<Int>) {
        self.name = name
        self.bytes = bytes
    }
}

/// Names from the `name` custom section, used in backtraces and error messages.
/// Spec: https://webassembly.github.io/spec/core/appendix/custom.html#name-section
public struct NameSection: Hashable, Sendable {
    /// The module's name.
    public var moduleName: String?
    /// Function names by function index.
    public var functionNames: [UInt32: String] = [:]
    /// Local names by function index, then local index.
    public var localNames: [UInt32: [UInt32: String]] = [:]
    /// No names.
    public init() {}
}

/// A whole decoded module. `bytes` is the module's binary, which `FunctionBody.code`,
/// `DataSegment.bytes` and `CustomSection.bytes` index into.
public struct ModuleSections: Sendable {
    /// The module's binary.
    public var bytes: [UInt8] = []
    /// Section ids in the order they appeared, with byte ranges (for `swasm inspect`).
    public var sectionLayout: [(id: UInt8, name: String, range: Range<Int>)] = []
    /// The type section: function signatures, by type index.
    public var types: [FuncType] = []
    /// Recursion groups, supertypes and finality of `types`, parallel to it (see
    /// `typeDefinition(_:)`).
    public var typeDefinitions: [TypeDefinitionInfo] = []
    /// The import section.
    public var imports: [Import] = []
    /// Type index of each function defined in this module (not imported).
    public var functions: [UInt32] = []
    /// Tables defined by the module (not imported).
    public var tables: [TableType] = []
    /// Initialiser expressions of the defined tables, parallel to `tables` (see
    /// `tableInitializer(_:)`).
    public var tableInitializers: [ConstExpr?] = []
    /// Memories defined by the module (not imported).
    public var memories: [MemoryType] = []
    /// Globals defined by the module (not imported).
    public var globals: [GlobalDefinition] = []
    /// Type index of each tag defined by the module (exception handling; not imported).
    public var tags: [UInt32] = []
    /// The export section.
    public var exports: [Export] = []
    /// The start function's index, if any.
    public var start: UInt32?
    /// The element section.
    public var elements: [ElementSegment] = []
    /// The data count section's value, if present.
    public var dataCount: UInt32?
    /// Bodies of the defined functions, parallel to `functions`.
    public var code: [FunctionBody] = []
    /// The data section.
    public var data: [DataSegment] = []
    /// Custom sections, in order.
    public var customSections: [CustomSection] = []
    /// Names from the name section.
    public var names = NameSection()
    /// An empty module.
    public init() {}
}
