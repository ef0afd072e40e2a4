/// What a `return` restores: the caller's registers. The record on top of the frame stack
/// belongs to the running function and describes its caller; a record whose `returnPC` is nil
/// marks an entry from the host, where the interpreter loop returns.
///
/// Pointers are unretained: the store keeps every function, instance and module alive while
/// code runs, and the loop must not pay reference counting per call.
struct CallFrame {
    var returnPC: UnsafePointer<UInt64>?
    /// The caller's frame base.
    var sp: UnsafeMutablePointer<UInt64>
    /// The caller's compiled function (its header word, see `CompiledFunction`).
    var function: UnsafePointer<UInt64>
    /// The caller's `InstanceState`.
    var instance: Unmanaged<InstanceState>
}

/// A function of the store as a call needs it. Pointers are unretained: the store keeps its
/// functions (and through them their instances and compiled code) for its whole life.
struct ResolvedFunction {
    /// Compiled code (header pointer); nil for a host function.
    var code: UnsafePointer<UInt64>?
    var instance: Unmanaged<InstanceState>?
    /// Engine-wide type id; -1 while unresolved.
    var typeID: Int
    /// A host function's slot body, when it has one (see `FunctionInstance.slotBody`).
    var host: Unmanaged<HostSlotFunction>? = nil

    static let unresolved = ResolvedFunction(code: nil, instance: nil, typeID: -1)
}

/// Per-store execution resources: the value stack (frames of 64-bit slots) and the call-frame
/// stack, both preallocated, shared by nested host → Wasm entries so that the depth limit
/// covers all of them.
final class ExecutionState {
    let slots: UnsafeMutablePointer<UInt64>
    let slotsEnd: UnsafeMutablePointer<UInt64>
    /// First slot free for a new entry from the host.
    @exclusivity(unchecked) var slotTop: UnsafeMutablePointer<UInt64>

    let frames: UnsafeMutablePointer<CallFrame>
    /// One past the last usable record: pushing here is "call stack exhausted".
    let framesEnd: UnsafeMutablePointer<CallFrame>
    /// Next record free for a new entry from the host.
    @exclusivity(unchecked) var frameTop: UnsafeMutablePointer<CallFrame>

    /// Host → Wasm entries in progress. A nested one recurses on the machine stack (host
    /// closure, `Execution.invoke`, the interpreter loop), so it also needs machine-stack room
    /// (see NativeStack.swift).
    @exclusivity(unchecked) var nativeEntries = 0
    @exclusivity(unchecked) var nativeStack = NativeStackGuard()

    /// The running instance as the interpreter loop needs it (kept here rather than in the
    /// loop's locals to leave registers for the hottest state).
    @exclusivity(unchecked) var context = InstanceContext.none

    /// Fuel metering: the store's fuel while Wasm runs (written back around host calls).
    /// Checkpoints exist only in code compiled for metering; they subtract without testing
    /// `meterFuel`, so unmetered the fuel starts at the maximum and never runs out.
    let meterFuel: Bool
    @exclusivity(unchecked) var fuel: UInt64 = 0
    /// Set while Wasm runs when the engine is interruptible. Unmanaged: the store keeps its
    /// handle alive for as long as Wasm runs, and a strong reference would cost a
    /// retain/release pair at every checkpoint.
    @exclusivity(unchecked) var interrupt: Unmanaged<InterruptHandle>?
    /// Interruptible without fuel: the code has no checkpoints, and the loop checks for an
    /// interrupt request at every backward branch (a loop's back-edge) and call instead.
    let checksInterruptsInline: Bool

    /// The reason of a trap that an out-of-line path could only report as an out-of-bounds
    /// access (the GC accessors' full forms); the loop reports this one instead.
    var pendingTrap: TrapReason?

    /// The trap to report for `trap`: a pending reason, once.
    @inline(never)
    func takePendingTrap(_ trap: TrapReason) -> TrapReason {
        guard let pending = pendingTrap else { return trap }
        pendingTrap = nil
        return pending
    }

    /// The native tier's context (see NativeRuntime.swift), the failure a snippet left for
    /// native code to propagate, and the native functions a failure unwound through.
    let nativeContext: UnsafeMutablePointer<NativeContext>
    @exclusivity(unchecked) var nativeError: Error?
    @exclusivity(unchecked) var nativeTrace: [UInt32] = []
    /// Entries and loop iterations a function runs in the interpreter before it is compiled.
    let nativeCodeThreshold: UInt64

    /// Functions of the store resolved for calls through tables and imports, by address.
    private var resolved: UnsafeMutablePointer<ResolvedFunction>
    private var resolvedCount = 0

    /// The store's handle, which owns the memory of `nativeContext` (and the request count
    /// machine code checks after it).
    private let interruptHandle: InterruptHandle

    init(configuration: EngineConfiguration, interruptHandle: InterruptHandle) {
        self.interruptHandle = interruptHandle
        meterFuel = configuration.consumeFuel
        fuel = configuration.consumeFuel ? 0 : .max
        checksInterruptsInline = configuration.interruptible && !configuration.consumeFuel
        resolved = .allocate(capacity: 1)
        let slotCount = Swift.max(configuration.valueStackSlots, 1024)
        // Slack past the end: `zeroLocals` stores four slots without checking the frame size.
        slots = .allocate(capacity: slotCount + ExecutionState.slack)
        slotsEnd = slots + slotCount
        slotTop = slots
        // One record per Wasm frame, the entry function's included: `maxCallDepth` frames run
        // and a call from the deepest traps, on either tier (native frames count the records
        // they would hold, see `ExecutionState.enterNative`).
        let frameCount = Swift.max(configuration.maxCallDepth, 1)
        frames = .allocate(capacity: frameCount)
        framesEnd = frames + frameCount
        frameTop = frames
        nativeCodeThreshold = UInt64(Swift.min(Swift.max(configuration.nativeCodeThreshold, 0), Int(UInt32.max - 1)))
        nativeContext = interruptHandle.nativeContextMemory.bindMemory(to: NativeContext.self, capacity: 1)
    }

    static let slack = 8

    /// Whether the running guest has been asked to stop: relaxed loads (plain loads on x86-64
    /// and arm64) of the process-wide count of pending requests, a global that costs one
    /// compare and no register, then of this store's handle only when the count is non-zero.
    @inline(__always)
    var interruptRequested: Bool {
        guard InterruptHandle.pending.load(ordering: .relaxed) != 0, let interrupt else { return false }
        return interrupt._withUnsafeGuaranteedRef { $0.requested.load(ordering: .relaxed) }
    }

    /// Clears the request that an "interrupted" trap is about to act on.
    @inline(never)
    func consumeInterrupt() {
        interrupt?._withUnsafeGuaranteedRef { $0.withdraw() }
    }

    /// The cached resolution of function `address` (type id -1 when not resolved yet).
    @inline(__always)
    func resolvedFunction(_ address: Int) -> ResolvedFunction {
        address >= 0 && address < resolvedCount ? resolved[address] : .unresolved
    }

    /// Resolves function `address` of `store` (translating Wasm code on first use) into the
    /// cache. Errors: a translation error, or a trap for an address outside the store.
    @inline(never)
    func resolve(address: Int, store: Store) -> Error? {
        guard let function = store.function(at: FunctionAddress(rawValue: address)) else {
            return SwasmError.trap(Trap(.undefinedElement))
        }
        if address >= resolvedCount {
            let count = Swift.max(store.functions.count, address + 1)
            let grown = UnsafeMutablePointer<ResolvedFunction>.allocate(capacity: count)
            grown.initialize(from: resolved, count: resolvedCount)
            (grown + resolvedCount).initialize(repeating: .unresolved, count: count - resolvedCount)
            resolved.deallocate()
            resolved = grown
            resolvedCount = count
        }
        switch function.kind {
        case .wasm(let instance, let definedIndex):
            do {
                let compiled = try instance.module.code.function(definedIndex)
                resolved[address] = ResolvedFunction(code: UnsafePointer(compiled.header),
                                                     instance: Unmanaged.passUnretained(instance),
                                                     typeID: function.typeID)
            } catch {
                return error
            }
        case .host:
            resolved[address] = ResolvedFunction(code: nil, instance: nil, typeID: function.typeID,
                                                 host: function.slotBody.map { Unmanaged.passUnretained($0) })
        }
        return nil
    }

    deinit {
        resolved.deallocate()
        slots.deallocate()
        frames.deallocate()
    }
}
