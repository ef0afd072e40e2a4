/// The one error vocabulary of Swasm, shared by the library and the CLI (see DESIGN.md).
public enum SwasmError: Error, CustomStringConvertible, Sendable {
    /// The binary (or text) could not be decoded. `offset` is a byte offset in the module.
    case malformed(String, offset: Int?)
    /// The module decoded but does not validate. `function` is the function index
    /// (in the function index space) when the error is inside a body.
    case invalid(String, function: UInt32?, offset: Int?)
    /// Instantiation failed because an import is missing or has the wrong type.
    case unlinkable(String)
    /// Execution trapped.
    case trap(Trap)
    /// The guest asked to exit (WASI `proc_exit`).
    case exit(Int32)
    /// A resource limit was hit (fuel, deadline, memory).
    case limit(String)
    /// The module uses a feature this build does not support yet.
    case unsupported(String)

    /// The error as the CLI prints it, e.g. "unlinkable: unknown import: ...".
    public var description: String {
        switch self {
        case .malformed(let m, let off):
            return off.map { "malformed module at offset \($0): \(m)" } ?? "malformed module: \(m)"
        case .invalid(let m, let f, let off):
            var s = "invalid module"
            if let f { s += " in function \(f)" }
            if let off { s += " at offset \(off)" }
            return s + ": \(m)"
        case .unlinkable(let m): return "unlinkable: \(m)"
        case .trap(let t): return t.description
        case .exit(let code): return "exit with status \(code)"
        case .limit(let m): return "limit exceeded: \(m)"
        case .unsupported(let m): return "unsupported: \(m)"
        }
    }
}

/// Why execution trapped. The descriptions are the messages of the spec's reference
/// interpreter, which the spec tests match.
public enum TrapReason: Hashable, Sendable, CustomStringConvertible {
    /// The `unreachable` instruction ran.
    case unreachable
    /// An integer division or remainder by zero.
    case integerDivideByZero
    /// A signed division overflowed (`INT_MIN / -1`).
    case integerOverflow
    /// A float-to-integer truncation of NaN or a value out of range.
    case invalidConversionToInteger
    /// A memory access (or bulk memory operation) outside the memory.
    case outOfBoundsMemoryAccess
    /// A table access (or bulk table operation) outside the table.
    case outOfBoundsTableAccess
    /// `call_indirect` found a function of another type.
    case indirectCallTypeMismatch
    /// `call_indirect` with an index outside the table.
    case undefinedElement
    /// `call_indirect` found a null element.
    case uninitializedElement
    /// A null reference was used where a function was needed.
    case nullReference
    /// `call_ref` or `return_call_ref` of a null reference.
    case nullFunctionReference
    /// Calls nested deeper than the engine allows (`EngineConfiguration.maxCallDepth`),
    /// counting host → Wasm → host recursion too.
    case callStackExhausted
    /// Reserved; bulk memory reports ``outOfBoundsMemoryAccess``.
    case outOfBoundsDataSegmentAccess  // reserved; bulk memory reports memory access
    /// The store's fuel ran out (`EngineConfiguration.consumeFuel`).
    case fuelExhausted
    /// The store's `InterruptHandle` asked the guest to stop.
    case interrupted
    /// A trap raised by a host function.
    case host(String)
    /// A Wasm exception no handler caught (``Trap/exception`` holds it).
    case uncaughtException
    /// `throw_ref` of a null reference.
    case nullExceptionReference
    /// An atomic access at an address that is not a multiple of its width (threads).
    case unalignedAtomic
    /// `memory.atomic.wait32`/`wait64` on a memory that is not shared (threads).
    case expectedSharedMemory
    /// A struct or array access through a null reference (GC).
    case nullStructureReference, nullArrayReference
    /// `i31.get_s`/`i31.get_u` of a null reference.
    case nullI31Reference
    /// An array access outside the array (GC).
    case outOfBoundsArrayAccess
    /// `ref.cast` of a value that is not of the target type.
    case castFailure
    /// A struct or array allocation would pass the store's GC heap limit
    /// (``StoreLimits/gcHeapSize``), even after a collection.
    case gcHeapExhausted

    /// The reason in the spec interpreter's words, e.g. "integer divide by zero".
    public var description: String {
        switch self {
        case .unreachable: return "unreachable"
        case .integerDivideByZero: return "integer divide by zero"
        case .integerOverflow: return "integer overflow"
        case .invalidConversionToInteger: return "invalid conversion to integer"
        case .outOfBoundsMemoryAccess: return "out of bounds memory access"
        case .outOfBoundsTableAccess: return "out of bounds table access"
        case .indirectCallTypeMismatch: return "indirect call type mismatch"
        case .undefinedElement: return "undefined element"
        case .uninitializedElement: return "uninitialized element"
        case .nullReference: return "null reference"
        case .nullFunctionReference: return "null function reference"
        case .callStackExhausted: return "call stack exhausted"
        case .outOfBoundsDataSegmentAccess: return "out of bounds memory access"
        case .fuelExhausted: return "fuel exhausted"
        case .interrupted: return "interrupted"
        case .host(let m): return m
        case .uncaughtException: return "uncaught exception"
        case .nullExceptionReference: return "null exception reference"
        case .unalignedAtomic: return "unaligned atomic"
        case .expectedSharedMemory: return "expected shared memory"
        case .nullStructureReference: return "null structure reference"
        case .nullArrayReference: return "null array reference"
        case .nullI31Reference: return "null i31 reference"
        case .outOfBoundsArrayAccess: return "out of bounds array access"
        case .castFailure: return "cast failure"
        case .gcHeapExhausted: return "GC heap exhausted"
        }
    }
}

/// A trap with the Wasm call stack at the point it happened, innermost first.
public struct Trap: Error, CustomStringConvertible, Sendable {
    /// One Wasm function on the call stack.
    public struct Frame: Sendable, Hashable {
        /// Function index in the module's function index space.
        public var functionIndex: UInt32
        /// The function's name from the name section, if any.
        public var functionName: String?
        /// The module's name from the name section, if any.
        public var moduleName: String?
        /// A frame of function `functionIndex`, with names when the name section has them.
        public init(functionIndex: UInt32, functionName: String?, moduleName: String?) {
            self.functionIndex = functionIndex
            self.functionName = functionName
            self.moduleName = moduleName
        }
    }
    /// Why execution stopped.
    public var reason: TrapReason
    /// The Wasm functions active at the trap, innermost first.
    public var backtrace: [Frame]
    /// For ``TrapReason/uncaughtException``: the exception (its tag and values). A host
    /// function that rethrows the trap passes the exception on to the Wasm code that called it.
    public var exception: WasmException?
    /// A trap for `reason`; the engine fills in the backtrace as the trap unwinds.
    public init(_ reason: TrapReason, backtrace: [Frame] = []) {
        self.reason = reason
        self.backtrace = backtrace
    }
    /// The trap of an uncaught exception.
    public init(uncaught exception: WasmException) {
        self.reason = .uncaughtException
        self.backtrace = []
        self.exception = exception
    }
    /// "wasm trap: " and the reason, then the backtrace one frame per line.
    public var description: String {
        var s = "wasm trap: \(reason)"
        if let exception { s += " (\(exception))" }
        if !backtrace.isEmpty {
            s += "\nwasm backtrace:"
            for (i, f) in backtrace.enumerated() {
                let name = f.functionName ?? "<wasm function \(f.functionIndex)>"
                let mod = f.moduleName.map { "\($0)!" } ?? ""
                s += "\n  \(i): \(mod)\(name)"
            }
        }
        return s
    }
}
