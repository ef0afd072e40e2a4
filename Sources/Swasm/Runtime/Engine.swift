#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Engine-wide settings, fixed when the ``Engine`` is created.
public struct EngineConfiguration: Sendable {
    /// When function bodies are validated and translated.
    public enum Compilation: Sendable {
        /// Validate and translate each function on its first call (fast start-up).
        case lazy
        /// Validate and translate every function when the module is created.
        case eager
    }
    /// When function bodies are validated and translated; `.lazy` by default.
    public var compilation: Compilation = .lazy
    /// Threads that translate a module's functions when they are all compiled at once
    /// (`.eager`, ``Module/validateAllFunctions()``); 1, the default, uses only the calling
    /// thread. Lazy compilation always translates on the thread that first calls a function.
    public var compilationThreads: Int = 1
    /// Run functions as native code where this build can (x86-64 Linux): a function that runs
    /// often (see ``nativeCodeThreshold``) is translated on from the interpreter's IR, and the
    /// instructions the native tier has no code for run in the interpreter. Off, everything is
    /// interpreted. Machine code meters fuel and checks for interrupts as the interpreter
    /// does (see ``consumeFuel`` and ``interruptible``). On by default.
    public var nativeCode: Bool = true
    /// How many times a function is entered or runs a loop iteration in the interpreter before
    /// it is compiled to machine code (with ``nativeCode``); a running call then continues in
    /// machine code at its next loop iteration. Functions that run a few times cost less to
    /// interpret than to compile. 0 compiles every function on its first call.
    public var nativeCodeThreshold: Int = 100
    /// Compile functions to machine code on background threads (with ``nativeCode``): a
    /// function that reaches ``nativeCodeThreshold`` is queued for a worker and goes on in
    /// the interpreter, lock-free, until its code is ready; its next entry or loop iteration
    /// then runs the machine code. If it reaches the threshold a second time before a worker
    /// got to it, the thread running it compiles it itself, so no function stays interpreted
    /// for more than twice the threshold for lack of a worker. Workers are shared by the
    /// process: one fewer than the machine's cores (at most 16), started as functions are
    /// queued. Off, on a single core, or with a threshold of 0, the thread that runs a
    /// function compiles it, waiting for its code. Only timing changes: results, fuel,
    /// interruption, traps and backtraces are the same whichever tier runs a call. On by
    /// default.
    public var compilesInBackground: Bool = true
    /// Leave the bounds of 32-bit memories to the hardware in machine code (with
    /// ``nativeCode``): each such memory reserves 8 GiB of address space (no memory is
    /// committed beyond its size), of which all past its size is inaccessible, and an access
    /// out of bounds faults and traps as the check would have. Where the reservation is
    /// refused, an instance whose memory 0 lacks it runs interpreted. Off, machine code checks
    /// every access. Wasmtime: `Config::signals_based_traps`. On by default.
    public var memoryGuardRegions: Bool = true
    /// Count, in machine code, the IR instructions it runs and those it sends out of line, for
    /// ``Store/executionStatistics`` (`swasm run -C stats`). Costs an add per instruction run;
    /// off by default.
    public var collectsExecutionStatistics: Bool = false
    /// Write `/tmp/perf-PID.map`, Linux `perf`'s map of generated code, naming each function
    /// compiled to machine code (from the name section where it has one), so that profiles
    /// of a guest show its functions. Wasmtime: `--profile=perfmap`. Off by default.
    public var writesPerfMap: Bool = false
    /// Maximum depth of nested Wasm calls: `maxCallDepth` frames run and a call from the
    /// deepest traps with "call stack exhausted", whichever tier runs the frames. Host → Wasm
    /// entries count one frame each, so a host function calling back into Wasm shares the limit.
    ///
    /// Native frames (see ``nativeCode``) also take 16 bytes of the calling thread's machine
    /// stack each, and a host → Wasm round trip a few KiB. The engine finds the bounds of the
    /// thread's stack and traps the same way before a guest comes within a reserve of its end
    /// (a quarter of the stack, at most 256 KiB, kept for host functions and the trap path), so
    /// a guest never overflows the thread, but on a thread whose stack cannot hold this many
    /// native frames it traps earlier. A deep limit wants a thread with about 16 bytes of stack
    /// per frame besides what the host needs (`swasm run` starts one).
    public var maxCallDepth: Int = 10_000
    /// Size of each store's value stack, in 64-bit slots.
    public var valueStackSlots: Int = 1 << 20
    /// Largest number of elements a table may grow to; `table.grow` beyond it returns -1.
    /// Keeps a guest from exhausting host memory one table element at a time.
    public var maxTableElements: Int = 10_000_000
    /// Largest size in 64 KiB pages any linear memory may reach; `memory.grow` beyond it
    /// returns -1. The default is the whole 32-bit address space (4 GiB).
    public var maxMemoryPages: UInt64 = 65_536
    /// Meter guest execution with fuel (see ``Store/fuel``): a guest traps with "fuel
    /// exhausted" when its store's fuel runs out. Costs a counter update at every function
    /// entry and loop header. Wasmtime: `Config::consume_fuel`.
    public var consumeFuel: Bool = false
    /// Let ``InterruptHandle/interrupt()`` stop running guests: the interpreter checks for a
    /// request at every loop back-edge and call, machine code at every loop header and call
    /// (both at function entries and loop headers when fuel is on too, sharing fuel's
    /// checkpoints). Wasmtime stops guests by epochs (`Config::epoch_interruption`); a flag
    /// per store serves the same purpose here.
    public var interruptible: Bool = false
    /// The proposals modules may use; ``WasmFeatures/all`` by default. A module that uses
    /// one outside the set is refused as invalid when it is created (which then reads every
    /// function body once, even with lazy compilation). Without ``WasmFeatures/multiMemory``,
    /// a memory argument's memory-index flag is also malformed, as in Wasm 2.0; without
    /// ``WasmFeatures/memory64``, limits are decoded as in Wasm 2.0 (32-bit bounds, the
    /// 64-bit address-type flag malformed) where Wasm 3.0 reads u64 bounds and leaves their
    /// range to validation.
    public var features: WasmFeatures = .all
    /// Accept modules with several memories (Wasm 3.0): `features` contains
    /// ``WasmFeatures/multiMemory``.
    public var multipleMemories: Bool {
        get { features.contains(.multiMemory) }
        set { if newValue { features.insert(.multiMemory) } else { features.remove(.multiMemory) } }
    }
    /// Accept 64-bit memories and tables (Wasm 3.0): `features` contains
    /// ``WasmFeatures/memory64``.
    public var memory64: Bool {
        get { features.contains(.memory64) }
        set { if newValue { features.insert(.memory64) } else { features.remove(.memory64) } }
    }
    /// Accept typed function references (Wasm 3.0): `features` contains
    /// ``WasmFeatures/functionReferences``. Off, `call_ref`, `br_on_null` and the other
    /// instructions are illegal opcodes and constant expressions see only imported globals,
    /// as in Wasm 2.0.
    public var functionReferences: Bool {
        get { features.contains(.functionReferences) }
        set { if newValue { features.insert(.functionReferences) } else { features.remove(.functionReferences) } }
    }
    /// Bytes of compiled code (IR and machine code) all the engine's modules may hold together,
    /// 1 GiB by default. A function whose translation would pass it fails with
    /// ``SwasmError/limit(_:)`` (when it is compiled: at module creation with `.eager`, else at
    /// its first call); machine code that would pass it is not generated, and the function
    /// stays interpreted. A module's code is counted until the module is freed.
    ///
    /// Translation is linear in the size of a function's body: at most 1.2 IR words (10 bytes)
    /// per body byte across the spec suites' functions, and never more than 16 words (128
    /// bytes) for any function, past which it fails with a limit error; machine code takes
    /// one to a few times the IR. So a 5 MB code section (Yosys's) needs some 50 MB, and the
    /// default leaves room for many such modules, while an engine of untrusted modules cannot
    /// be made to allocate more than this for their code. Lower it to bound what guest modules
    /// can cost; raise it for an engine that keeps very many large modules alive at once.
    public var maxCompiledCodeBytes: Int = 1 << 30
    /// The defaults: lazy compilation, no fuel, no interruption, the limits above.
    public init() {}
}

/// Compiles and runs WebAssembly. Shared by many stores and modules, from any thread.
///
/// An engine holds the configuration (compilation mode, stack sizes, fuel and interruption)
/// and what its modules share, such as canonical function types. Create one per process or
/// per configuration; a ``Module`` belongs to one engine and runs only in its stores.
public final class Engine: @unchecked Sendable {
    /// The settings this engine was created with.
    public let configuration: EngineConfiguration
    /// Canonical type ids of every module (TypeRegistry.swift).
    let types = TypeRegistry()
    /// What the modules' compiled code may take (``EngineConfiguration/maxCompiledCodeBytes``).
    let compiledCode: CompiledCodeBudget

    /// An engine with `configuration` (the defaults when omitted).
    public init(configuration: EngineConfiguration = EngineConfiguration()) {
        self.configuration = configuration
        compiledCode = CompiledCodeBudget(limit: configuration.maxCompiledCodeBytes)
    }

    /// Bytes of compiled code (IR and machine code) the engine's live modules hold, counted
    /// against ``EngineConfiguration/maxCompiledCodeBytes``.
    public var compiledCodeBytes: Int { compiledCode.usedBytes }

    /// A canonical id for `type`, equal for equal types across every module of this engine,
    /// so `call_indirect` compares one integer instead of two signatures.
    public func typeID(for type: FuncType) -> Int {
        types.id(of: type)
    }
}

/// A mutual-exclusion lock that does not depend on Foundation, for every lock of the engine.
///
/// Not `Synchronization.Mutex`: on Linux a contended `Mutex` waits and hands over in the kernel
/// (priority-inheriting futexes) from inside the standard library, which is not instrumented,
/// so ThreadSanitizer sees no ordering between two threads that contended for it and reports
/// what it guards as racing. `pthread_mutex_lock` and `_unlock` are intercepted by the
/// sanitizers. The mutex is on the heap because a pthread mutex must not move.
final class Lock: @unchecked Sendable {
    private let mutex: UnsafeMutablePointer<pthread_mutex_t>

    init() {
        mutex = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
        mutex.initialize(to: pthread_mutex_t())
        pthread_mutex_init(mutex, nil)
    }

    deinit {
        pthread_mutex_destroy(mutex)
        mutex.deallocate()
    }

    func withLock<T>(_ body: () throws -> T) rethrows -> T {
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        return try body()
    }
}

/// A value only touched with its lock held: `Synchronization.Mutex`'s shape on `Lock`.
final class Locked<Value>: @unchecked Sendable {
    private let lock = Lock()
    private var value: Value

    init(_ value: Value) { self.value = value }

    func withLock<T>(_ body: (inout Value) throws -> T) rethrows -> T {
        try lock.withLock { try body(&value) }
    }
}

extension EngineConfiguration {
    /// Whether this engine's 32-bit memories reserve guard regions and its machine code relies
    /// on them (see ``memoryGuardRegions``).
    var reservesGuardRegions: Bool {
        nativeCode && NativeTier.isAvailable && memoryGuardRegions && GuardRegions.isAvailable
    }
}
