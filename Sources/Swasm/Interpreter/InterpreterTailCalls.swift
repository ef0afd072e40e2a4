// Tail calls, run after the interpreter loop has left it for them (see `Interpreter.run`). A tail call
// pushes no `CallFrame`: the callee takes over the running frame (arguments moved down to
// slot 0) and the record on top of the frame stack, which already says where the running
// function returns to. A chain of tail calls therefore needs no more stack than its largest
// frame.

/// Where the loop continues after a tail call.
struct TailCallTarget {
    var pc: UnsafePointer<UInt64>
    var function: UnsafePointer<UInt64>
    var instance: Unmanaged<InstanceState>
}

extension Interpreter {
    /// One `return` instruction: after a tail call to a host function has left its results in
    /// slots 0..., the loop continues here to return them to the caller (exceptions caught in a
    /// caller use it too).
    static let returnInstruction: UnsafePointer<UInt64> = {
        let code = UnsafeMutablePointer<UInt64>.allocate(capacity: 1)
        code.initialize(to: UInt64(IROpcode.return.rawValue))
        return UnsafePointer(code)
    }()

    /// Performs `return_call`, `return_call_import` or `return_call_indirect` (header `w0` at
    /// `pc`) from the frame at `sp` running `fn`, or the native tier's `native` and `loopEntry`
    /// (see `tierUp`). `stacks.context` is the callee's instance
    /// context afterwards. Errors: traps (without backtrace; the loop adds it) and translation
    /// errors.
    @inline(never)
    static func tailCall(_ w0: UInt64, pc: UnsafePointer<UInt64>, sp: UnsafeMutablePointer<UInt64>,
                         fn: UnsafePointer<UInt64>, fp: UnsafeMutablePointer<CallFrame>,
                         instance: Unmanaged<InstanceState>, stacks: ExecutionState,
                         store: Store) -> ErrorOr<TailCallTarget> {
        let op = unsafeBitCast(UInt16(truncatingIfNeeded: w0), to: IROpcode.self)
        if op == .native || op == .loopEntry {
            switch tierUp(pc, sp: sp, fp: fp, fn: fn, instance: instance, stacks: stacks, store: store) {
            case .success(let next): return .success(TailCallTarget(pc: next, function: fn, instance: instance))
            case .failure(let error): return .failure(error)
            }
        }
        let base = high(w0)
        if op == .returnCall, let gcOp = GCIROp(header: w0) {
            return gcInstruction(gcOp, pc: pc, sp: sp, fn: fn, instance: instance, stacks: stacks, store: store)
        }
        if op == .returnCall, let referenceOp = FunctionReferenceOp(header: w0) {
            return functionReference(referenceOp, pc: pc, sp: sp, fn: fn, fp: fp, instance: instance,
                                     stacks: stacks, store: store)
        }
        if op == .returnCall {
            var callee = stacks.context.code.acquire(low(pc[1]))
            if callee == nil {
                switch compile(instance, definedIndex: low(pc[1])) {
                case .success(let compiled): callee = compiled
                case .failure(let error): return .failure(error)
                }
            }
            guard let target = callee else { return .failure(SwasmError.trap(Trap(.undefinedElement))) }
            return enter(target, instance: instance, sp: sp, base: base, stacks: stacks)
        }
        let state = instance.takeUnretainedValue()
        let address: Int
        if op == .returnCallImport {
            address = state.functions[low(pc[1])].address.rawValue
        } else {
            let w = pc[1]
            switch tableGet(state, table: high(w), index: sp.u32(low(pc[2]))) {
            case .success(let reference):
                guard reference != RefEncoding.null else {
                    return .failure(SwasmError.trap(Trap(.uninitializedElement)))
                }
                address = Int(truncatingIfNeeded: reference &- 1)
            case .failure:
                return .failure(SwasmError.trap(Trap(.undefinedElement)))
            }
        }
        return tailCall(toAddress: address, checkingType: op == .returnCallIndirect ? low(pc[1]) : nil,
                        base: base, sp: sp, fn: fn, fp: fp, instance: instance, stacks: stacks, store: store)
    }

    /// The tail call to the function at store address `address`, after checking that its type
    /// is the module's type `typeIndex` when one is given (`return_call_indirect`).
    static func tailCall(toAddress address: Int, checkingType typeIndex: Int?, base: Int,
                         sp: UnsafeMutablePointer<UInt64>, fn: UnsafePointer<UInt64>,
                         fp: UnsafeMutablePointer<CallFrame>, instance: Unmanaged<InstanceState>,
                         stacks: ExecutionState, store: Store) -> ErrorOr<TailCallTarget> {
        let state = instance.takeUnretainedValue()
        var resolved = stacks.resolvedFunction(address)
        if resolved.typeID < 0 {
            if let error = stacks.resolve(address: address, store: store) { return .failure(error) }
            resolved = stacks.resolvedFunction(address)
        }
        if let typeIndex, !typeMatches(resolved.typeID, stacks.context.typeIDs[typeIndex], store: store) {
            return .failure(SwasmError.trap(Trap(.indirectCallTypeMismatch)))
        }
        if let target = resolved.code, let calleeInstance = resolved.instance {
            if calleeInstance.toOpaque() != instance.toOpaque() {
                stacks.context = InstanceContext(calleeInstance.takeUnretainedValue())
            }
            return enter(target, instance: calleeInstance, sp: sp, base: base, stacks: stacks)
        }
        // A host callee runs as a call; its results then return from this frame.
        stacks.slotTop = sp + fn.frameSlots
        stacks.frameTop = fp + 1
        if stacks.meterFuel { store.remainingFuel = stacks.fuel }
        let error = callHostFunction(resolved, address: address, slots: sp + base, caller: instance, store: store)
        if stacks.meterFuel { stacks.fuel = store.remainingFuel }
        if let error { return .failure(error) }
        moveArguments(sp, from: base, count: fn.resultSlots)
        // The host may have grown or replaced memory through the embedding API.
        stacks.context = InstanceContext(state)
        return .success(TailCallTarget(pc: returnInstruction, function: fn, instance: instance))
    }

    /// Replaces the frame at `sp` with one of `target`, whose arguments are at `base`.
    private static func enter(_ target: UnsafePointer<UInt64>, instance: Unmanaged<InstanceState>,
                              sp: UnsafeMutablePointer<UInt64>, base: Int,
                              stacks: ExecutionState) -> ErrorOr<TailCallTarget> {
        guard sp + target.frameSlots <= stacks.slotsEnd else {
            return .failure(SwasmError.trap(Trap(.callStackExhausted)))
        }
        moveArguments(sp, from: base, count: target.parameterSlots)
        zeroLocals(sp, target)
        return .success(TailCallTarget(pc: target.codeStart, function: target, instance: instance))
    }
}

/// Moves a tail call's arguments (or a host callee's results) from `base` down to the frame's
/// first slots. The source is above the destination, so copying upwards never overwrites a
/// value not yet moved.
@inline(__always) func moveArguments(_ frame: UnsafeMutablePointer<UInt64>, from base: Int, count: Int) {
    var i = 0
    while i < count {
        frame[i] = frame[base + i]
        i += 1
    }
}
