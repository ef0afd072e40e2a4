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

    /// How a native call ended (eax). Traps raised by native code itself have their own codes;
    /// anything else (a trap or error from a snippet) is left in `ExecutionState.nativeError`.
    enum Status: UInt32 {
        case ok = 0
        case unreachable, integerDivideByZero, integerOverflow, invalidConversionToInteger
        case outOfBoundsMemoryAccess, callStackExhausted
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
            }
        }
    }

    typealias EntryFunction = @convention(c) (UnsafeRawPointer, UnsafeMutablePointer<UInt64>, UnsafeMutableRawPointer) -> UInt32
    typealias SnippetFunction = @convention(c) (UnsafeMutableRawPointer, UnsafeMutablePointer<UInt64>, UnsafePointer<UInt64>) -> UInt32
    typealias RecordFunction = @convention(c) (UnsafeMutableRawPointer, UInt32) -> Void

    static let runSnippetAddress = unsafeBitCast(nativeRunSnippet as SnippetFunction, to: UInt64.self)
    static let recordFrameAddress = unsafeBitCast(nativeRecordFrame as RecordFunction, to: UInt64.self)
    typealias IndirectFunction = @convention(c) (UnsafeMutableRawPointer, UInt32, UInt32) -> UInt64
    static let indirectTargetAddress = unsafeBitCast(nativeIndirectTarget as IndirectFunction, to: UInt64.self)
    static let simdAddress = unsafeBitCast(nativeSIMD as SnippetFunction, to: UInt64.self)
    typealias ReferenceFunction = @convention(c) (UnsafeMutableRawPointer, UInt64) -> UInt64
    static let referenceTargetAddress = unsafeBitCast(nativeReferenceTarget as ReferenceFunction, to: UInt64.self)

    /// The stub Swift calls: saves the callee-saved registers native code uses, loads rbx (frame
    /// base), r14 (context), r12/r13 (memory base and size), and calls the function.
    static let entry: EntryFunction? = {
        guard isAvailable else { return nil }
        var a = X64Assembler()
        for r in [X64Assembler.Reg.rbp, .rbx, .r12, .r13, .r14, .r15] { a.push(r) }
        a.alu(.sub, .rsp, imm: 8, w: true)
        a.mov(.rbx, .rsi)
        a.mov(.r14, .rdx)
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

extension Interpreter {
    /// A `native` (function entry) or `loopEntry` instruction at `pc` of the running function
    /// `fn`, frame `sp`: counts the entry or iteration and, past the engine's threshold, has
    /// the function compiled; then runs the rest of the call in machine code. Returns where
    /// the interpreter goes on (the next instruction, or a `return` after machine code ran the
    /// call to its end), or the call's failure.
    static func tierUp(_ pc: UnsafePointer<UInt64>, sp: UnsafeMutablePointer<UInt64>, fp: UnsafeMutablePointer<CallFrame>,
                       fn: UnsafePointer<UInt64>, instance: Unmanaged<InstanceState>, stacks: ExecutionState,
                       store: Store) -> ErrorOr<UnsafePointer<UInt64>> {
        if pc[1] == 0 {
            // Counts live in the function's `native` instruction (lost increments between
            // threads only delay compilation).
            let start = UnsafeMutablePointer(mutating: fn.codeStart)
            if start[0] >> 32 < stacks.nativeCodeThreshold {
                start[0] = start[0] &+ (1 << 32)
                return .success(pc + 2)
            }
            let module = instance._withUnsafeGuaranteedRef { $0.module }
            let definedIndex = Int(fn.functionIndex) - module.code.context.importedFunctionCount
            module.code.compileNative(definedIndex)
            if pc[1] == 0 { return .success(pc + 2) }
        }
        guard let status = stacks.enterNative(UnsafeRawPointer(bitPattern: UInt(pc[1]))!, sp: sp, instance: instance,
                                              frameTop: fp + 1, store: store) else {
            return .success(pc + 2)
        }
        stacks.context.reloadMemory()
        if status == .ok { return .success(Interpreter.returnInstruction) }
        return .failure(stacks.nativeFailure(status, instance: instance))
    }
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
    /// The lowest stack pointer native calls may reach ("call stack exhausted" below).
    var stackLimit: UInt
    var instance: Unmanaged<InstanceState>
    var store: Unmanaged<Store>
    var state: Unmanaged<ExecutionState>

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

    /// A chunk of at least `size` bytes: dual-mapped, or, without `memfd_create`, plain
    /// writable pages.
    private func newChunk(_ size: Int) -> Chunk? {
        let length = Swift.max(ExecutableArena.chunkSize, (size + pageSize - 1) / pageSize * pageSize)
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
    /// Returns nil, without running anything, when a nested entry has too little machine
    /// stack left: the interpreter then runs the call itself.
    @inline(never)
    func enterNative(_ code: UnsafeRawPointer, sp: UnsafeMutablePointer<UInt64>, instance: Unmanaged<InstanceState>,
                     frameTop: UnsafeMutablePointer<CallFrame>, store: Store) -> NativeTier.Status? {
        guard let entry = NativeTier.entry else { return .error }
        let context = nativeContext
        let previous = context.pointee
        // Native frames take 16 bytes of machine stack each: allow as many as the call depth
        // has left after the interpreter's frames.
        let here = NativeStackGuard.currentPosition()
        let remaining = UInt(Swift.max(framesEnd - frameTop, 0))
        let depthRoom = remaining * 16 + 128
        if previous.stackLimit == 0 {
            let room = Swift.min(depthRoom, NativeStackGuard.budget)
            context.pointee.stackLimit = here > room ? here - room : 0
        } else {
            // A nested entry: native code called a function through a snippet (one the tier
            // leaves to the interpreter, such as a function with exception handlers or tail
            // calls, or a host function), which called back into native code. Each such round trip takes interpreter frames on the machine
            // stack, so were the outer entry's limit kept, mutual recursion through such a
            // function would exhaust it after about a hundred rounds where the interpreter
            // alone goes to the full call depth. Instead the nested entry gets its own room
            // for the depth left, while the budget holds that and a reserve for snippets;
            // past that the interpreter runs the call, and its frames take no machine stack.
            guard nativeStack.room(below: here) >= depthRoom + ExecutionState.snippetStackReserve else {
                return nil
            }
            context.pointee.stackLimit = here - depthRoom
        }
        let callerTop = self.frameTop
        self.frameTop = frameTop
        fillNativeContext(instance: instance, store: store)
        nativeTrace.removeAll(keepingCapacity: true)
        let status = entry(code, sp, UnsafeMutableRawPointer(context))
        context.pointee = previous
        self.frameTop = callerTop
        return NativeTier.Status(rawValue: status) ?? .error
    }

    /// Machine stack a nested entry leaves below its native frames' room, for the snippets
    /// they run (an interpreter loop each, and any host function it calls).
    static let snippetStackReserve: UInt = 32 * 1024

    /// The error a failed native call stands for: a trap raised in native code with the native
    /// frames it unwound through (innermost first; the entry function's own frame is left to
    /// the interpreter's backtrace), or the failure a snippet left.
    @inline(never)
    func nativeFailure(_ status: NativeTier.Status, instance: Unmanaged<InstanceState>) -> Error {
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
        return error
    }

    @inline(__always)
    func fillNativeContext(instance: Unmanaged<InstanceState>, store: Store) {
        let state = instance.takeUnretainedValue()
        let context = nativeContext
        context.pointee.instance = instance
        context.pointee.store = Unmanaged.passUnretained(store)
        context.pointee.state = Unmanaged.passUnretained(self)
        context.pointee.entries = state.module.code.nativeEntries
        context.pointee.globals = state.globalCellTable
        context.pointee.slotsEnd = slotsEnd
        if let memory = state.memories.first {
            context.pointee.memoryBase = memory.base
            context.pointee.memorySize = UInt64(memory.byteCount)
        } else {
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
/// native frame at `sp`.
private func nativeRunSnippet(_ raw: UnsafeMutableRawPointer, _ sp: UnsafeMutablePointer<UInt64>,
                              _ snippet: UnsafePointer<UInt64>) -> UInt32 {
    let context = raw.assumingMemoryBound(to: NativeContext.self)
    let stacks = context.pointee.state.takeUnretainedValue()
    let store = context.pointee.store.takeUnretainedValue()
    let instance = context.pointee.instance
    let frame = stacks.frameTop
    guard frame < stacks.framesEnd, stacks.nativeStack.hasRoom() else {
        return NativeTier.Status.callStackExhausted.rawValue
    }
    frame.initialize(to: CallFrame(returnPC: nil, sp: sp, function: snippet, instance: instance))
    stacks.frameTop = frame + 1
    let saved = context.pointee
    let callerContext = stacks.context
    let error = Interpreter.run(function: snippet, sp: sp, instance: instance, entryFrame: frame, stacks: stacks, store: store)
    stacks.frameTop = frame
    stacks.context = callerContext
    stacks.context.reloadMemory()
    context.pointee = saved
    if let memory = instance._withUnsafeGuaranteedRef({ $0.memories.first }) {
        context.pointee.memoryBase = memory.base
        context.pointee.memorySize = UInt64(memory.byteCount)
    }
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
          let code = resolved.code?.codeStart, UInt16(truncatingIfNeeded: code[0]) == IROpcode.native.rawValue,
          code[1] != 0 else {
        return 0
    }
    return code[1]
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
