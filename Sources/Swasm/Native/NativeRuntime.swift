#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

// The native tier's runtime: executable memory, the context native code reads through r14,
// the entry stub that Swift calls, and the Swift functions native code calls back.
//
// Native code keeps Wasm's frames in the same value stack the interpreter uses (rbx holds the
// frame base), so that an instruction it does not compile can be run by the interpreter on the
// same slots: such an instruction becomes a "snippet", a one-instruction function followed by
// `return` that native code hands to `Interpreter.run`.

/// Whether this build can run native code: x86-64 Linux.
enum NativeTier {
    #if arch(x86_64) && os(Linux)
    static let isAvailable = true
    #else
    static let isAvailable = false
    #endif

    /// CPUID leaf 1's ECX feature bits, read once by running `cpuid` (0 where the tier is
    /// unavailable).
    static let cpuFeatures: UInt32 = {
        guard isAvailable else { return 0 }
        var a = X64Assembler()
        a.push(.rbx)  // cpuid writes ebx, which the C convention preserves
        a.movImm(.rax, 1)
        a.alu(.xor, .rcx, .rcx, w: false)
        a.cpuid()
        a.mov(.rax, .rcx, w: false)
        a.pop(.rbx)
        a.ret()
        guard let code = ExecutableArena.shared.install(a.bytes.contents) else { return 0 }
        typealias Features = @convention(c) () -> UInt32
        return unsafeBitCast(code, to: Features.self)()
    }()
    /// `roundss`/`roundsd` (SSE4.1): the rounding instructions' templates need them; without,
    /// those instructions run as snippets.
    static let hasSSE41 = cpuFeatures & (1 << 19) != 0
    /// `popcnt`: the same for `i32.popcnt` and `i64.popcnt`.
    static let hasPOPCNT = cpuFeatures & (1 << 23) != 0
    /// SSSE3 (`pshufb`, `pabsb`, `pmaddubsw`, `pmulhrsw`) and SSE4.2 (`pcmpgtq`): with SSE4.1,
    /// the SIMD instructions' templates (NativeCompilerSIMD.swift) need the first, the signed
    /// i64x2 comparisons the second; without, those instructions go on running out of line.
    static let hasSSSE3 = cpuFeatures & (1 << 9) != 0
    static let hasSSE42 = cpuFeatures & (1 << 20) != 0
    static let hasVectorTemplates = hasSSE41 && hasSSSE3

    /// How a native call ended (eax). Traps raised by native code itself have their own codes;
    /// anything else (a trap or error from a snippet) is left in `ExecutionState.nativeError`.
    enum Status: UInt32 {
        case ok = 0
        case unreachable, integerDivideByZero, integerOverflow, invalidConversionToInteger
        case outOfBoundsMemoryAccess, callStackExhausted
        /// A `checkpoint` found less fuel than its cost, or an interrupt check this store's
        /// request (which the check consumed).
        case fuelExhausted, interrupted
        case error = 255

        var trap: TrapReason? {
            switch self {
            case .ok, .error: return nil
            case .unreachable: return .unreachable
            case .integerDivideByZero: return .integerDivideByZero
            case .integerOverflow: return .integerOverflow
            case .invalidConversionToInteger: return .invalidConversionToInteger
            case .outOfBoundsMemoryAccess: return .outOfBoundsMemoryAccess
            case .callStackExhausted: return .callStackExhausted
            case .fuelExhausted: return .fuelExhausted
            case .interrupted: return .interrupted
            }
        }
    }

    /// (code, frame, context, bytes of machine stack the depth limit allows below the entry
    /// function's frame, the machine stack's floor)
    typealias EntryFunction = @convention(c) (UnsafeRawPointer, UnsafeMutablePointer<UInt64>, UnsafeMutableRawPointer, UInt, UInt) -> UInt32
    typealias SnippetFunction = @convention(c) (UnsafeMutableRawPointer, UnsafeMutablePointer<UInt64>, UnsafePointer<UInt64>) -> UInt32
    /// A snippet also gets the stack pointer of the native frame that runs it.
    typealias RunSnippetFunction = @convention(c) (UnsafeMutableRawPointer, UnsafeMutablePointer<UInt64>, UnsafePointer<UInt64>, UInt) -> UInt32
    typealias RecordFunction = @convention(c) (UnsafeMutableRawPointer, UInt32) -> Void

    static let runSnippetAddress = unsafeBitCast(nativeRunSnippet as RunSnippetFunction, to: UInt64.self)
    static let callImportAddress = unsafeBitCast(nativeCallImport as RunSnippetFunction, to: UInt64.self)
    static let recordFrameAddress = unsafeBitCast(nativeRecordFrame as RecordFunction, to: UInt64.self)
    typealias IndirectFunction = @convention(c) (UnsafeMutableRawPointer, UInt32, UInt32) -> UInt64
    static let indirectTargetAddress = unsafeBitCast(nativeIndirectTarget as IndirectFunction, to: UInt64.self)
    static let simdAddress = unsafeBitCast(nativeSIMD as SnippetFunction, to: UInt64.self)
    static let outOfLineAddress = unsafeBitCast(nativeOutOfLine as SnippetFunction, to: UInt64.self)
    typealias ReferenceFunction = @convention(c) (UnsafeMutableRawPointer, UInt64) -> UInt64
    static let referenceTargetAddress = unsafeBitCast(nativeReferenceTarget as ReferenceFunction, to: UInt64.self)
    typealias InterruptFunction = @convention(c) (UnsafeMutableRawPointer) -> UInt32
    static let interruptAddress = unsafeBitCast(nativeInterrupt as InterruptFunction, to: UInt64.self)

    /// The stub Swift calls: saves the callee-saved registers native code uses, loads rbx (frame
    /// base), r14 (context), r12/r13 (memory base and size), sets the stack limit native
    /// prologues check, and calls the function.
    static let entry: EntryFunction? = {
        guard isAvailable else { return nil }
        var a = X64Assembler()
        for r in [X64Assembler.Reg.rbp, .rbx, .r12, .r13, .r14, .r15] { a.push(r) }
        a.alu(.sub, .rsp, imm: 8, w: true)
        a.mov(.rbx, .rsi)
        a.mov(.r14, .rdx)
        // The entry function's frame is 16 bytes below (the return address and its alignment
        // word), each call below it 16 more: the depth limit is rcx bytes lower still, unless
        // the machine stack's floor (r8) comes first. Only the stub knows its own rsp, so the
        // limit is exact to the frame.
        a.lea(.rax, X64Assembler.Mem(base: .rsp, disp: -16))
        a.store(NativeContext.field(\.entryStackPointer), .rax)
        a.alu(.sub, .rax, .rcx, w: true)
        a.alu(.cmp, .rax, .r8, w: true)
        a.cmov(.b, .rax, .r8, w: true)
        a.store(NativeContext.field(\.stackLimit), .rax)
        a.load(.r12, NativeContext.field(\.memoryBase))
        a.load(.r13, NativeContext.field(\.memorySize))
        a.call(.rdi)
        a.alu(.add, .rsp, imm: 8, w: true)
        for r in [X64Assembler.Reg.r15, .r14, .r13, .r12, .rbx, .rbp] { a.pop(r) }
        a.ret()
        guard let code = ExecutableArena.shared.install(a.bytes.contents) else { return nil }
        return unsafeBitCast(code, to: EntryFunction.self)
    }()
}

/// Values of a function's tier-up count (`UnsafePointer.tierUpCount`) past any threshold.
enum TierUpCount {
    /// The function is queued for a background worker; the count goes on from here.
    static let queued: UInt64 = 1 << 62
    /// The function could not be compiled: it stays interpreted without looking again.
    static let givenUp: UInt64 = .max
}

extension Interpreter {
    /// A `native` (function entry) or `loopEntry` instruction at `pc` of the running function
    /// `fn`, frame `sp`: counts the entry or iteration and, past the engine's threshold, has
    /// the function compiled; then runs the rest of the call in machine code. Returns where
    /// the interpreter goes on (the next instruction, or a `return` after machine code ran the
    /// call to its end), or the call's failure.
    static func tierUp(_ pc: UnsafePointer<UInt64>, sp: UnsafeMutablePointer<UInt64>, fp: UnsafeMutablePointer<CallFrame>,
                       fn: UnsafePointer<UInt64>, instance: Unmanaged<InstanceState>, stacks: ExecutionState,
                       store: Store) -> ErrorOr<UnsafePointer<UInt64>> {
        // An instance whose memory lacks the guard regions its module's code relies on stays
        // interpreted.
        guard instance._withUnsafeGuaranteedRef({ $0.runsMachineCode }) else { return .success(pc + 2) }
        // Another thread running the same module may compile the function at any time.
        var code = SharedCodeWord.acquire(pc + 1)
        if code == 0 {
            // Threads running the module share the count: an increment lost to another
            // thread's only delays compilation.
            let count = SharedCodeWord.loadCount(fn.tierUpCount)
            let threshold = stacks.nativeCodeThreshold
            if count < threshold {
                SharedCodeWord.storeCount(fn.tierUpCount, count &+ 1)
                return .success(pc + 2)
            }
            if count >= TierUpCount.queued {
                // Queued for a background worker: count on, without a lock, until the worker
                // publishes the code or the threshold is reached again. Given up: interpret.
                if count == TierUpCount.givenUp { return .success(pc + 2) }
                if count &- TierUpCount.queued < threshold {
                    SharedCodeWord.storeCount(fn.tierUpCount, count &+ 1)
                    return .success(pc + 2)
                }
            }
            let module = instance._withUnsafeGuaranteedRef { $0.module }
            let cache = module.code
            let definedIndex = Int(fn.functionIndex) - cache.context.importedFunctionCount
            if count < TierUpCount.queued && cache.compilesInBackground {
                SharedCodeWord.storeCount(fn.tierUpCount, TierUpCount.queued)
                if cache.requestNative(definedIndex) { return .success(pc + 2) }
            }
            // Compiled here: at the threshold without background compilation, or after waiting
            // for a worker as long again (or for the worker already compiling it).
            cache.compileNative(definedIndex)
            code = SharedCodeWord.acquire(pc + 1)
            if code == 0 {
                // The native tier could not compile it (see `CodeCache.compileNative`).
                SharedCodeWord.storeCount(fn.tierUpCount, TierUpCount.givenUp)
                return .success(pc + 2)
            }
        }
        let status = stacks.enterNative(UnsafeRawPointer(bitPattern: UInt(code))!, sp: sp, instance: instance,
                                        frameTop: fp + 1, store: store)
        stacks.context.reloadMemory()
        if status == .ok { return .success(Interpreter.returnInstruction) }
        return .failure(stacks.nativeFailure(status, instance: instance, store: store))
    }
}

extension Interpreter {
    /// A call from the host to `function`, which has machine code `code`: what the loop would
    /// do with its `native` instruction, without the loop's frame on the machine stack (which
    /// each host → Wasm round trip of a host function calling back into Wasm would pay).
    @inline(never)
    static func runNative(_ code: UnsafeRawPointer, function: UnsafePointer<UInt64>, sp: UnsafeMutablePointer<UInt64>,
                          instance: Unmanaged<InstanceState>, entryFrame: UnsafeMutablePointer<CallFrame>,
                          stacks: ExecutionState, store: Store) -> Error? {
        stacks.context = instance._withUnsafeGuaranteedRef { InstanceContext($0) }
        if stacks.checksInterruptsInline && stacks.interruptRequested {
            // As `Interpreter.run` at an entry: a pending request stops the call.
            stacks.consumeInterrupt()
            return SwasmError.trap(Trap(.interrupted, backtrace: backtrace(function: function, instance: instance, frame: entryFrame)))
        }
        // From the host the store holds the fuel; `enterNative` takes it from the state.
        if stacks.meterFuel { stacks.fuel = store.remainingFuel }
        let status = stacks.enterNative(code, sp: sp, instance: instance, frameTop: entryFrame + 1, store: store)
        if stacks.meterFuel { store.remainingFuel = stacks.fuel }
        if status == .ok { return nil }
        let error = stacks.nativeFailure(status, instance: instance, store: store)
        guard case SwasmError.trap(var trap) = error else { return error }
        trap.backtrace += backtrace(function: function, instance: instance, frame: entryFrame)
        return SwasmError.trap(trap)
    }
}

/// What machine code compiled to collect statistics counts (see `ExecutionStatistics`).
struct NativeStatistics {
    /// IR instructions run in machine code, those that went out of line included.
    var instructions: UInt64 = 0
    /// Out of line: snippets (calls included), direct helper calls, the vector/GC path.
    var snippets: UInt64 = 0
    var helperCalls: UInt64 = 0
    var vectorPath: UInt64 = 0
}

/// What native code reads through r14; one per store, filled in when native code is entered.
struct NativeContext {
    var memoryBase: UnsafeMutableRawPointer
    var memorySize: UInt64
    /// Native entry points of the running module's functions, by defined index (nil: none yet).
    var entries: UnsafeMutablePointer<UnsafeRawPointer?>
    /// The running instance's global cells.
    var globals: UnsafeMutablePointer<UnsafeMutablePointer<UInt64>>?
    var slotsEnd: UnsafeMutablePointer<UInt64>
    /// The lowest stack pointer native calls may reach ("call stack exhausted" below): the
    /// depth limit's or the machine stack's floor, whichever is higher.
    var stackLimit: UInt
    /// The stack pointer of the native frame the running entry began with; a native frame
    /// 16 × k bytes below it is k calls deeper (see `nativeFrameRecord`).
    var entryStackPointer: UInt
    var instance: Unmanaged<InstanceState>
    var store: Unmanaged<Store>
    var state: Unmanaged<ExecutionState>
    /// The store's fuel while machine code runs (with `consumeFuel`): `checkpoint` subtracts
    /// its cost here. Taken from `ExecutionState.fuel` at each entry into machine code and
    /// given back when it returns; Swift code that runs on a native frame (snippets, host
    /// calls) gets it through the store's `remainingFuel`, as host calls from the interpreter
    /// do, and machine code takes it back from there.
    var fuel: UInt64
    /// Whether memory 0 has guard regions (1) or not (0), for the fault handler.
    var memoryGuarded: UInt64 = 0
    /// Counts machine code compiled with `collectsExecutionStatistics` keeps; they stay with the
    /// store's context when nested entries and snippets put its other fields back.
    var statistics = NativeStatistics()

    static func field<T>(_ path: KeyPath<NativeContext, T>) -> X64Assembler.Mem {
        X64Assembler.Mem(base: .r14, disp: Int32(MemoryLayout<NativeContext>.offset(of: path)!))
    }
}

/// Machine code memory. Each chunk is mapped twice from one anonymous file: writable at one
/// address, executable at another, so that functions pack densely and no page is ever
/// writable and executable at once. Where the system has no `memfd_create`, each function gets
/// fresh pages that become executable once written. Each module's code cache has an arena,
/// unmapped with it.
final class ExecutableArena: @unchecked Sendable {
    /// For the code every module shares (the entry stub).
    static let shared = ExecutableArena()

    private struct Chunk {
        var writable: UnsafeMutableRawPointer
        var executable: UnsafeMutableRawPointer
        var length: Int
    }

    private let lock = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
    private var chunks: [Chunk] = []
    private var used = 0
    private let pageSize = Int(sysconf(Int32(_SC_PAGESIZE)))
    private static let chunkSize = 256 << 10

    init() { pthread_mutex_init(lock, nil) }

    deinit {
        #if arch(x86_64) && os(Linux)
        for chunk in chunks {
            GuardRegions.unregister(chunk.executable)
            if chunk.writable != chunk.executable { munmap(chunk.writable, chunk.length) }
            munmap(chunk.executable, chunk.length)
        }
        #endif
        pthread_mutex_destroy(lock)
        lock.deallocate()
    }

    #if arch(x86_64) && os(Linux)
    private typealias MemfdCreate = @convention(c) (UnsafePointer<CChar>, UInt32) -> Int32
    /// glibc's `memfd_create`, looked up at run time (the Swift module does not declare it).
    private static let memfdCreate: MemfdCreate? = {
        guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "memfd_create") else { return nil }
        return unsafeBitCast(symbol, to: MemfdCreate.self)
    }()

    private typealias Mremap = @convention(c) (UnsafeMutableRawPointer?, Int, Int, Int32, UnsafeMutableRawPointer?)
        -> UnsafeMutableRawPointer?
    /// glibc's `mremap` (variadic in C, so not imported), called with its optional fifth
    /// argument.
    private static let mremap: Mremap? = {
        guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "mremap") else { return nil }
        return unsafeBitCast(symbol, to: Mremap.self)
    }()

    /// A chunk of at least `size` bytes: dual-mapped (one writable view, one executable view of
    /// the same pages), or, where neither way of dual mapping works, plain writable pages.
    ///
    /// The first way maps shared anonymous pages and asks `mremap` for a second mapping of them
    /// (an old size of 0 does that for a shared mapping). The kernel names such pages
    /// `/dev/zero`, which Linux `perf` counts as generated code and looks up in its map
    /// (PerfMap.swift); pages of a `memfd_create` file, the second way, it takes for a file.
    private func newChunk(_ size: Int) -> Chunk? {
        let length = Swift.max(ExecutableArena.chunkSize, (size + pageSize - 1) / pageSize * pageSize)
        if let remap = ExecutableArena.mremap,
           let writable = mmap(nil, length, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0),
           writable != MAP_FAILED {
            if let alias = remap(writable, 0, length, 1 /* MREMAP_MAYMOVE */, nil), alias != MAP_FAILED {
                if mprotect(alias, length, PROT_READ | PROT_EXEC) == 0 {
                    return Chunk(writable: writable, executable: alias, length: length)
                }
                munmap(alias, length)
            }
            munmap(writable, length)
        }
        if let create = ExecutableArena.memfdCreate {
            let fd = create("swasm-code", 1 /* MFD_CLOEXEC */)
            if fd >= 0 {
                defer { close(fd) }
                if ftruncate(fd, off_t(length)) == 0,
                   let writable = mmap(nil, length, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0), writable != MAP_FAILED {
                    if let executable = mmap(nil, length, PROT_READ | PROT_EXEC, MAP_SHARED, fd, 0), executable != MAP_FAILED {
                        return Chunk(writable: writable, executable: executable, length: length)
                    }
                    munmap(writable, length)
                }
            }
        }
        guard let memory = mmap(nil, length, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0),
              memory != MAP_FAILED else { return nil }
        return Chunk(writable: memory, executable: memory, length: length)
    }
    #endif

    /// Copies `bytes` into executable memory; nil when the system refuses memory.
    func install(_ bytes: UnsafeRawBufferPointer) -> UnsafeRawPointer? {
        #if arch(x86_64) && os(Linux)
        pthread_mutex_lock(lock)
        defer { pthread_mutex_unlock(lock) }
        let dual = chunks.last.map { $0.writable != $0.executable } ?? true
        // Dual-mapped chunks pack functions at 16-byte boundaries; plain ones start each on a
        // fresh page.
        let alignment = dual ? 16 : pageSize
        var start = (used + alignment - 1) / alignment * alignment
        if chunks.isEmpty || start + bytes.count > chunks[chunks.count - 1].length {
            guard let chunk = newChunk(bytes.count) else { return nil }
            // The fault handler knows the tier's code by these ranges.
            guard GuardRegions.register(chunk.executable, length: chunk.length) else {
                if chunk.writable != chunk.executable { munmap(chunk.writable, chunk.length) }
                munmap(chunk.executable, chunk.length)
                return nil
            }
            chunks.append(chunk)
            start = 0
        }
        let chunk = chunks[chunks.count - 1]
        if let source = bytes.baseAddress { (chunk.writable + start).copyMemory(from: source, byteCount: bytes.count) }
        used = start + bytes.count
        if chunk.writable == chunk.executable {
            let size = (bytes.count + pageSize - 1) / pageSize * pageSize
            guard mprotect(chunk.executable + start, size, PROT_READ | PROT_EXEC) == 0 else { return nil }
            used = start + size
        }
        return UnsafeRawPointer(chunk.executable + start)
        #else
        return nil
        #endif
    }
}

extension ExecutionState {
    /// Fills the native context for `instance` and calls native function `code` on the frame
    /// at `sp`. The caller's frame stack ends at `frameTop` (nested entries go above it).
    @inline(never)
    func enterNative(_ code: UnsafeRawPointer, sp: UnsafeMutablePointer<UInt64>, instance: Unmanaged<InstanceState>,
                     frameTop: UnsafeMutablePointer<CallFrame>, store: Store) -> NativeTier.Status {
        guard let entry = NativeTier.entry else { return .error }
        let callerTop = self.frameTop
        self.frameTop = frameTop
        let context = nativeContext
        let previous = context.pointee
        fillNativeContext(instance: instance, store: store)
        context.pointee.fuel = fuel
        nativeTrace.removeAll(keepingCapacity: true)
        // The entry function holds the record below `frameTop`; each native call below it
        // stands for one more record, 16 bytes of machine stack apart. Capping the calls at
        // what the stack holds above its floor changes no limit (the stub takes the floor when
        // it is higher) and keeps the stub's subtraction from wrapping.
        let floor = nativeStack.floor
        let here = NativeStackGuard.currentPosition()
        let fitting = here > floor ? (here - floor) / 16 : 0
        let calls = Swift.min(UInt(Swift.max(framesEnd - frameTop, 0)), fitting)
        let status = entry(code, sp, UnsafeMutableRawPointer(context), calls * 16, floor)
        // The caller's context comes back with the fuel it had when it left, which Swift code
        // resuming it replaces (`resumeNativeFrame`).
        fuel = context.pointee.fuel
        let statistics = context.pointee.statistics
        context.pointee = previous
        context.pointee.statistics = statistics
        self.frameTop = callerTop
        return NativeTier.Status(rawValue: status) ?? .error
    }

    /// The error a failed native call stands for: a trap raised in native code with the native
    /// frames it unwound through (innermost first; the entry function's own frame is left to
    /// the interpreter's backtrace), or the failure a snippet left.
    @inline(never)
    func nativeFailure(_ status: NativeTier.Status, instance: Unmanaged<InstanceState>, store: Store) -> Error {
        var frames = nativeTrace
        nativeTrace.removeAll(keepingCapacity: true)
        if !frames.isEmpty { frames.removeLast() }
        let recorded = frames.map { index -> Trap.Frame in
            let names = instance._withUnsafeGuaranteedRef { $0.module.sections.names }
            return Trap.Frame(functionIndex: index, functionName: names.functionNames[index], moduleName: names.moduleName)
        }
        if let reason = status.trap {
            return SwasmError.trap(Trap(reason, backtrace: recorded))
        }
        let error = nativeError ?? SwasmError.trap(Trap(.callStackExhausted))
        nativeError = nil
        if case SwasmError.trap(var trap) = error {
            trap.backtrace += recorded
            return SwasmError.trap(trap)
        }
        // An exception of this store no native handler caught leaves as the interpreter's
        // uncaught-exception trap, with the frames it unwound through; a handler further out
        // still finds it in the trap.
        if let exception = error as? WasmException,
           exception.tag.store === store {
            var trap = Trap(uncaught: exception)
            trap.backtrace = recorded
            return SwasmError.trap(trap)
        }
        return error
    }

    /// Borrows the instance (no reference counting): memory 0 comes from the interpreter's
    /// context for it, which the caller has set.
    @inline(__always)
    func fillNativeContext(instance: Unmanaged<InstanceState>, store: Store) {
        let context = nativeContext
        context.pointee.instance = instance
        context.pointee.store = Unmanaged.passUnretained(store)
        context.pointee.state = Unmanaged.passUnretained(self)
        instance._withUnsafeGuaranteedRef { state in
            context.pointee.entries = state.module.code.nativeEntries
            context.pointee.globals = state.globalCellTable
        }
        context.pointee.slotsEnd = slotsEnd
        if let memory = self.context.memory0 {
            context.pointee.memoryBase = memory._withUnsafeGuaranteedRef { $0.base }
            context.pointee.memorySize = UInt64(memory._withUnsafeGuaranteedRef { $0.byteCount })
            context.pointee.memoryGuarded = memory._withUnsafeGuaranteedRef { $0.isGuarded } ? 1 : 0
        } else {
            context.pointee.memoryGuarded = 0
            context.pointee.memoryBase = UnsafeMutableRawPointer(bitPattern: 16)!
            context.pointee.memorySize = 0
        }
    }
}

extension InstanceState {
    /// The globals' cells, for native code.
    var globalCellTable: UnsafeMutablePointer<UnsafeMutablePointer<UInt64>>? {
        if let table = nativeGlobalCells { return table }
        guard !globals.isEmpty else { return nil }
        let table = UnsafeMutablePointer<UnsafeMutablePointer<UInt64>>.allocate(capacity: globals.count)
        for (i, global) in globals.enumerated() { table[i] = global.cell }
        nativeGlobalCells = table
        return table
    }
}

/// Runs one instruction native code does not compile: `snippet` is a function header followed
/// by that instruction and `return` (see `NativeCompiler`), run by the interpreter on the
/// native frame at `sp`, whose stack pointer is `stackPointer`.
///
/// The snippet runs in the record the native frame would hold in the interpreter, so that a
/// call it makes (an interpreted callee, a host function calling back into Wasm) is exactly as
/// deep as a native call from the same frame. Native frames write no records: the one of the
/// entry's first frame is the interpreter's (it returns through it), the others are free.
///
/// The execution state and the store are borrowed from the native context (the entry keeps
/// them alive) rather than taken as strong references, so that a snippet costs no reference
/// counting of its own.
private func nativeRunSnippet(_ raw: UnsafeMutableRawPointer, _ sp: UnsafeMutablePointer<UInt64>,
                              _ snippet: UnsafePointer<UInt64>, _ stackPointer: UInt) -> UInt32 {
    let context = raw.assumingMemoryBound(to: NativeContext.self)
    let state = context.pointee.state, owner = context.pointee.store
    return state._withUnsafeGuaranteedRef { stacks in
        owner._withUnsafeGuaranteedRef { store in
            runSnippet(context, sp, snippet, stackPointer, stacks: stacks, store: store)
        }
    }
}

@inline(__always)
private func runSnippet(_ context: UnsafeMutablePointer<NativeContext>, _ sp: UnsafeMutablePointer<UInt64>,
                        _ snippet: UnsafePointer<UInt64>, _ stackPointer: UInt,
                        stacks: ExecutionState, store: Store) -> UInt32 {
    let instance = context.pointee.instance
    let entryTop = stacks.frameTop
    let frame = nativeFrameRecord(context, stacks: stacks, stackPointer: stackPointer)
    guard frame < stacks.framesEnd, stacks.nativeStack.hasRoom() else {
        return NativeTier.Status.callStackExhausted.rawValue
    }
    let entryRecord = frame == entryTop - 1 ? frame.pointee : nil
    frame.initialize(to: CallFrame(returnPC: nil, sp: sp, function: snippet, instance: instance))
    stacks.frameTop = frame + 1
    let saved = context.pointee
    let callerContext = stacks.context
    if stacks.meterFuel { store.remainingFuel = saved.fuel }
    let error = Interpreter.run(function: snippet, sp: sp, instance: instance, entryFrame: frame, stacks: stacks, store: store)
    if let entryRecord { frame.pointee = entryRecord }
    stacks.frameTop = entryTop
    resumeNativeFrame(context, saved: saved, stacks: stacks, callerContext: callerContext, instance: instance)
    guard let error else { return 0 }
    // The snippet's own frame is the native function's, which records itself as it unwinds.
    if case SwasmError.trap(var trap) = error, !trap.backtrace.isEmpty {
        trap.backtrace.removeLast()
        stacks.nativeError = SwasmError.trap(trap)
    } else {
        stacks.nativeError = error
    }
    return NativeTier.Status.error.rawValue
}

/// A `callImport` from native code, given as its snippet: a host callee is called here, as the
/// interpreter's `callImport` calls it, so that a host function calling back into Wasm does not
/// also hold the snippet's interpreter loop on the machine stack (720 bytes per round trip in
/// a release build); anything else runs as the snippet.
private func nativeCallImport(_ raw: UnsafeMutableRawPointer, _ sp: UnsafeMutablePointer<UInt64>,
                              _ snippet: UnsafePointer<UInt64>, _ stackPointer: UInt) -> UInt32 {
    let context = raw.assumingMemoryBound(to: NativeContext.self)
    let stacks = context.pointee.state.takeUnretainedValue()
    let instance = context.pointee.instance
    let instruction = snippet.codeStart
    let index = low(instruction[1])
    let address = instance._withUnsafeGuaranteedRef { $0.functions[index].address.rawValue }
    let resolved = stacks.resolvedFunction(address)
    guard resolved.typeID >= 0, resolved.code == nil else {
        return nativeRunSnippet(raw, sp, snippet, stackPointer)
    }
    let entryTop = stacks.frameTop
    let frame = nativeFrameRecord(context, stacks: stacks, stackPointer: stackPointer)
    guard frame < stacks.framesEnd, stacks.nativeStack.hasRoom() else {
        return NativeTier.Status.callStackExhausted.rawValue
    }
    let store = context.pointee.store.takeUnretainedValue()
    // What the interpreter's `callImport` does from the native frame's record.
    stacks.slotTop = sp + snippet.frameSlots
    stacks.frameTop = frame + 1
    let saved = context.pointee
    let callerContext = stacks.context
    if stacks.meterFuel { store.remainingFuel = saved.fuel }
    let base = high(instruction[0])
    let error = Interpreter.callHostFunction(resolved, address: address, slots: sp + base, caller: instance, store: store)
    stacks.frameTop = entryTop
    resumeNativeFrame(context, saved: saved, stacks: stacks, callerContext: callerContext, instance: instance)
    guard let error else { return 0 }
    stacks.nativeError = error
    return NativeTier.Status.error.rawValue
}

/// The call record the native frame whose stack pointer is `stackPointer` would hold in the
/// interpreter: the entry function's is the one below `frameTop`, and a frame 16 × k bytes
/// below the entry's is k calls deeper.
@inline(__always)
private func nativeFrameRecord(_ context: UnsafeMutablePointer<NativeContext>, stacks: ExecutionState,
                               stackPointer: UInt) -> UnsafeMutablePointer<CallFrame> {
    stacks.frameTop - 1 + Int((context.pointee.entryStackPointer &- stackPointer) / 16)
}

/// After Swift ran on a native frame: the caller's instance and native contexts back, with
/// memory 0 as it is now (the callee may have grown it).
@inline(__always)
private func resumeNativeFrame(_ context: UnsafeMutablePointer<NativeContext>, saved: NativeContext,
                               stacks: ExecutionState, callerContext: InstanceContext,
                               instance: Unmanaged<InstanceState>) {
    stacks.context = callerContext
    stacks.context.reloadMemory()
    let statistics = context.pointee.statistics
    context.pointee = saved
    context.pointee.statistics = statistics
    // The snippet or host function ran on the store's fuel (and may have changed it).
    if stacks.meterFuel { context.pointee.fuel = context.pointee.store._withUnsafeGuaranteedRef { $0.remainingFuel } }
    if let memory = instance._withUnsafeGuaranteedRef({ $0.memories.first }) {
        context.pointee.memoryBase = memory.base
        context.pointee.memorySize = UInt64(memory.byteCount)
    }
}

/// The slow path of machine code's interrupt checks, taken while the store's handle counts a
/// request: `interrupted` (consuming the request) when one is pending, as the interpreter
/// traps at a back-edge or call, otherwise 0 (a request withdrawn meanwhile) and machine code
/// goes on.
private func nativeInterrupt(_ raw: UnsafeMutableRawPointer) -> UInt32 {
    let stacks = raw.assumingMemoryBound(to: NativeContext.self).pointee.state
    return stacks._withUnsafeGuaranteedRef { stacks -> UInt32 in
        guard stacks.interruptRequested else { return 0 }
        stacks.consumeInterrupt()
        return NativeTier.Status.interrupted.rawValue
    }
}

/// Notes a native function a failure unwinds through, for the trap's backtrace.
private func nativeRecordFrame(_ raw: UnsafeMutableRawPointer, _ functionIndex: UInt32) {
    raw.assumingMemoryBound(to: NativeContext.self).pointee.state.takeUnretainedValue().nativeTrace.append(functionIndex)
}

/// The native code `call_indirect` through table 0 reaches with element `index` and type
/// `typeIndex`, when that is a function of the running instance with native code and the
/// right type; 0 otherwise (the interpreter then runs the call, and raises its traps).
private func nativeIndirectTarget(_ raw: UnsafeMutableRawPointer, _ index: UInt32, _ typeIndex: UInt32) -> UInt64 {
    let context = raw.assumingMemoryBound(to: NativeContext.self)
    return context.pointee.state._withUnsafeGuaranteedRef { stacks -> UInt64 in
        guard let table = stacks.context.table0 else { return 0 }
        let reference = table._withUnsafeGuaranteedRef { t in
            Int(index) < t.elements.count ? t.elements[Int(index)] : RefEncoding.null
        }
        guard reference != RefEncoding.null else { return 0 }
        return nativeCode(of: reference, stacks: stacks, instance: context.pointee.instance,
                          typeID: stacks.context.typeIDs[Int(typeIndex)])
    }
}

/// The native code `call_ref` of `reference` reaches (its type was checked by validation),
/// when that is a function of the running instance with native code; 0 otherwise.
private func nativeReferenceTarget(_ raw: UnsafeMutableRawPointer, _ reference: UInt64) -> UInt64 {
    let context = raw.assumingMemoryBound(to: NativeContext.self)
    guard reference != RefEncoding.null else { return 0 }
    return context.pointee.state._withUnsafeGuaranteedRef { stacks in
        nativeCode(of: reference, stacks: stacks, instance: context.pointee.instance, typeID: nil)
    }
}

@inline(__always)
private func nativeCode(of reference: UInt64, stacks: ExecutionState, instance: Unmanaged<InstanceState>,
                        typeID: Int?) -> UInt64 {
    let resolved = stacks.resolvedFunction(Int(truncatingIfNeeded: reference &- 1))
    guard resolved.typeID >= 0, typeID == nil || resolved.typeID == typeID,
          let callee = resolved.instance, callee.toOpaque() == instance.toOpaque(),
          let code = resolved.code?.codeStart, UInt16(truncatingIfNeeded: code[0]) == IROpcode.native.rawValue else {
        return 0
    }
    return SharedCodeWord.acquire(code + 1)
}

/// Runs the `.simd` instruction at `pc` (SIMD, GC, atomics, other memories) with the
/// interpreter's executor on the native frame at `sp`.
private func nativeSIMD(_ raw: UnsafeMutableRawPointer, _ sp: UnsafeMutablePointer<UInt64>,
                        _ pc: UnsafePointer<UInt64>) -> UInt32 {
    let context = raw.assumingMemoryBound(to: NativeContext.self)
    if Interpreter.executeOneSIMD(sp, pc, context.pointee.memoryBase, context.pointee.memorySize,
                                  context.pointee.instance) != nil {
        return 0
    }
    // The executor reports a trap as nil; a reason other than out of bounds waits in the
    // store's execution state.
    let stacks = context.pointee.state.takeUnretainedValue()
    stacks.nativeError = SwasmError.trap(Trap(stacks.takePendingTrap(.outOfBoundsMemoryAccess)))
    return NativeTier.Status.error.rawValue
}

/// Runs the memory, table, segment or `ref.func` instruction at `pc` on the native frame at
/// `sp`, as the interpreter's loop does, without entering it: no frame record, no instance
/// context, and no strong reference taken (the running instance and the store's execution
/// state are borrowed from the native context, which the entry keeps alive). Returns 0, or
/// `.error` with the trap left in `nativeError`.
private func nativeOutOfLine(_ raw: UnsafeMutableRawPointer, _ sp: UnsafeMutablePointer<UInt64>,
                             _ pc: UnsafePointer<UInt64>) -> UInt32 {
    let context = raw.assumingMemoryBound(to: NativeContext.self)
    let w0 = pc[0]
    let a = high(w0)
    let op = unsafeBitCast(UInt16(truncatingIfNeeded: w0), to: IROpcode.self)
    let reason = context.pointee.instance._withUnsafeGuaranteedRef { instance -> TrapReason? in
        typealias I = Interpreter
        switch op {
        case .memorySize:
            let bytes = instance.memories[low(pc[1])].byteCount
            sp.set(a, UInt32(truncatingIfNeeded: bytes / wasmPageSize))
        case .memoryGrow:
            let w = pc[1]
            let index = high(w)
            let old = instance.memories[index].grow(byPages: UInt64(sp.u32(low(w))))
            sp.set(a, UInt32(truncatingIfNeeded: old))
            if index == 0 {
                // Native code reloads r12/r13 from the context; the interpreter's copy too.
                let memory = instance.memories[0]
                context.pointee.memoryBase = memory.base
                context.pointee.memorySize = UInt64(memory.byteCount)
                context.pointee.state._withUnsafeGuaranteedRef { $0.context.reloadMemory() }
            }
        case .memoryFill:
            let w = pc[1]
            return I.memoryFill(instance, memory: low(pc[2]), UInt64(sp.u32(a)), UInt8(truncatingIfNeeded: sp[low(w)]),
                                UInt64(sp.u32(high(w))))
        case .memoryCopy:
            let w = pc[1]
            return I.memoryCopy(instance, pc[2], UInt64(sp.u32(a)), UInt64(sp.u32(low(w))), UInt64(sp.u32(high(w))))
        case .memoryInit:
            let w = pc[1], w2 = pc[2]
            return I.memoryInit(instance, data: low(w2), memory: high(w2), UInt64(sp.u32(a)), UInt64(sp.u32(low(w))),
                                UInt64(sp.u32(high(w))))
        case .dataDrop:
            I.dataDrop(instance, a)
        case .tableGet:
            let w = pc[1]
            switch I.tableGet(instance, table: high(w), index: sp.u32(low(w))) {
            case .success(let value): sp[a] = value
            case .failure(let reason): return reason
            }
        case .tableSet:
            let w = pc[1]
            return I.tableSet(instance, table: high(w), index: sp.u32(a), value: sp[low(w)])
        case .tableSize:
            sp.set(a, UInt32(truncatingIfNeeded: instance.tables[low(pc[1])].elements.count))
        case .tableGrow:
            let w = pc[1]
            let grown = instance.tables[low(pc[2])].grow(by: UInt64(sp.u32(high(w))), fill: sp[low(w)])
            sp.set(a, UInt32(truncatingIfNeeded: grown))
        case .tableFill:
            let w = pc[1]
            return I.tableFill(instance, table: low(pc[2]), start: sp.u32(a), value: sp[low(w)], count: sp.u32(high(w)))
        case .tableCopy:
            let w = pc[1], w2 = pc[2]
            return I.tableCopy(instance, destination: low(w2), source: high(w2), sp.u32(a), sp.u32(low(w)), sp.u32(high(w)))
        case .tableInit:
            let w = pc[1], w2 = pc[2]
            return I.tableInit(instance, element: low(w2), table: high(w2), sp.u32(a), sp.u32(low(w)), sp.u32(high(w)))
        case .elemDrop:
            I.elemDrop(instance, a)
        case .refFunc:
            sp[a] = RefEncoding.function(instance.functions[low(pc[1])].address)
        default:
            // The compiler calls this for the instructions above only.
            return .unreachable
        }
        return nil
    }
    guard let reason else { return 0 }
    context.pointee.state._withUnsafeGuaranteedRef { $0.nativeError = SwasmError.trap(Trap(reason)) }
    return NativeTier.Status.error.rawValue
}
