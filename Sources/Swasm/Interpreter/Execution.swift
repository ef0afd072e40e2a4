/// Entry points from the host into code: calls a function with `Value`s and returns its
/// results, running Wasm functions in the interpreter loop.
enum Execution {
    /// Calls `function` (Wasm or host) with `arguments` of its parameter types (the caller has
    /// checked them). Throws `SwasmError.trap` with a backtrace, `.invalid` when a lazily
    /// validated body turns out invalid, or what a host function threw. Nested calls (host →
    /// Wasm → host → Wasm) share the store's stacks and its depth limit.
    static func invoke(_ function: FunctionInstance, arguments: [Value], store: Store) throws -> [Value] {
        switch function.kind {
        case .host(let body):
            return try callHost(body, type: function.type, arguments: arguments,
                                caller: Caller(store: store, state: nil))
        case .wasm(let instance, let definedIndex):
            let compiled = try instance.module.code.function(definedIndex)
            return try run(compiled, instance: instance, arguments: arguments, resultTypes: function.type.results,
                           store: store)
        }
    }

    private static func run(_ compiled: CompiledFunction, instance: InstanceState, arguments: [Value],
                            resultTypes types: [ValueType], store: Store) throws -> [Value] {
        let stacks = store.execution
        let sp = stacks.slotTop
        let frame = stacks.frameTop
        if stacks.nativeEntries == 0 {
            stacks.nativeStack.enterOutermost()
            stacks.interrupt = store.engine.configuration.interruptible
                ? Unmanaged.passUnretained(store.interruptHandle) : nil
        }
        // An outermost entry runs wherever the host calls it; only nested ones recurse.
        guard frame < stacks.framesEnd, stacks.nativeEntries == 0 || stacks.nativeStack.hasRoom(),
              compiled.frameSlots <= stacks.slotsEnd - sp else {
            throw SwasmError.trap(Trap(.callStackExhausted))
        }
        var slot = 0
        for argument in arguments {
            sp[slot] = argument.slot
            if case .v128 = argument { sp[slot + 1] = argument.highSlot }
            slot += argument.type?.slotCount ?? 1
        }
        if compiled.localSlots > slot {
            (sp + slot).initialize(repeating: 0, count: compiled.localSlots - slot)
        }
        let header = UnsafePointer(compiled.header)
        let state = Unmanaged.passUnretained(instance)
        frame.initialize(to: CallFrame(returnPC: nil, sp: sp, function: header, instance: state))

        stacks.nativeEntries += 1
        // A nested entry (from a host function Wasm called) gives the calling loop back its
        // instance context, so that the loop need not rebuild it after every host call.
        let callerContext = stacks.context
        defer {
            stacks.nativeEntries -= 1
            stacks.slotTop = sp
            stacks.frameTop = frame
            stacks.context = callerContext
        }
        let error = withExtendedLifetime(instance) { () -> Error? in
            if let machineCode = compiled.nativeCode, instance.runsMachineCode {
                return Interpreter.runNative(machineCode, function: header, sp: sp, instance: state, entryFrame: frame,
                                             stacks: stacks, store: store)
            }
            return Interpreter.run(function: header, sp: sp, instance: state, entryFrame: frame, stacks: stacks, store: store)
        }
        if let error { throw OutOfLineTrap.resolve(error) }

        return results(in: sp, types: types, instance: instance, store: store)
    }

    /// The results a call left in `sp[0...]`, decoded by their types (closed, so that a
    /// concrete type names its engine-wide id).
    @inline(never)
    private static func results(in sp: UnsafeMutablePointer<UInt64>, types: [ValueType], instance: InstanceState,
                                store: Store) -> [Value] {
        var results: [Value] = []
        results.reserveCapacity(types.count)
        var slot = 0
        let closed = TypeCloser(typeIDs: instance.typeIDs)
        for type in types {
            results.append(Value(slot: sp[slot], high: type == .v128 ? sp[slot + 1] : 0, type: closed(type), store: store))
            slot += type.slotCount
        }
        return results
    }
}
