// Exceptions, run after the interpreter loop has left it for them (see `Interpreter.run`).
//
// Nothing is pushed at run time when code enters a `try_table` or `try`: each compiled
// function carries a table of handlers keyed by ranges of its code (`ExceptionHandler`), so
// code that throws nothing pays nothing. A throw looks up the running function's table at
// the throwing instruction, then each caller's at its call instruction, popping frames until
// a handler matches; the loop resumes at the handler's landing code in that frame.

/// One entry of a compiled function's handler table. For one code position the matching
/// entries appear innermost first, because a construct's entries are added when its body
/// closes, after those of the constructs nested in it.
struct ExceptionHandler {
    enum Kind: UInt8 {
        /// Catches exceptions of `tag`.
        case tag
        /// Catches every exception.
        case all
        /// Legacy `delegate`: passes the exception on to the handlers of the construct at
        /// label index `delegateLabel` and outwards, skipping those nested inside it.
        case delegate
    }
    /// The covered code, word indices `start..<end` of the function's code.
    var start: Int32
    var end: Int32
    var kind: Kind
    /// The module's tag index.
    var tag: UInt32 = 0
    /// Word index where the handler's code starts.
    var target: Int32 = 0
    /// First slot receiving the exception's values.
    var payloadSlot: Int32 = 0
    /// Slot receiving the `exnref`, or -1.
    var exceptionSlot: Int32 = -1
    /// Label index (nesting depth) of the construct that owns the entry.
    var owner: Int32
    /// For `.delegate`: the label index the exception is passed to.
    var delegateLabel: Int32 = 0
}

extension UnsafePointer where Pointee == UInt64 {
    /// The function's handler table (header word 3; its length in the high half of word 2).
    var exceptionHandlers: UnsafeBufferPointer<ExceptionHandler> {
        let count = Int(truncatingIfNeeded: self[2] &>> 32)
        guard count > 0, let base = UnsafePointer<ExceptionHandler>(bitPattern: UInt(truncatingIfNeeded: self[3])) else {
            return UnsafeBufferPointer(start: nil, count: 0)
        }
        return UnsafeBufferPointer(start: base, count: count)
    }
}

extension Interpreter {
    /// After the loop left without a trap: runs a `throw`/`throw_ref` at `pc`, or takes the
    /// Wasm exception a call failed with (thrown by a host function or by a nested entry into
    /// Wasm), and returns the handler where the loop resumes. Without a handler in this entry's
    /// frames, `failure` becomes the uncaught-exception trap. `searchingFrame` false skips the
    /// running frame's own handlers: machine code that ran the rest of the call searched them.
    /// Out of line: code here, inlined into the loop's function, costs the loop registers and
    /// speed.
    @inline(never)
    static func catchException(_ failure: Error?, pc: UnsafePointer<UInt64>, sp: UnsafeMutablePointer<UInt64>,
                               fn: UnsafePointer<UInt64>, fp: UnsafeMutablePointer<CallFrame>,
                               instance: Unmanaged<InstanceState>, stacks: ExecutionState,
                               store: Store, searchingFrame: Bool = true) -> ErrorOr<UnsafePointer<UInt64>> {
        let error: Error
        if let failure {
            error = failure
        } else {
            switch raise(pc.pointee, pc: pc, sp: sp, instance: instance, store: store) {
            case .success(let exception): error = WasmException(store: store, object: exception)
            case .failure(let trap): return .failure(trap)
            }
        }
        guard let exception = error.wasmException, exception.tag.store === store else { return .failure(error) }
        if let landing = unwind(exception.object, pc: pc, sp: sp, fn: fn, fp: fp, instance: instance, store: store,
                                searchingFrame: searchingFrame) {
            // A nested entry into Wasm may have left another instance's context.
            stacks.context = InstanceContext(instance.takeUnretainedValue())
            return .success(landing)
        }
        return .failure(error is SwasmError ? error : SwasmError.trap(Trap(uncaught: exception)))
    }

    /// Whether the loop left for a `throw` or `throw_ref` at `pc`.
    @inline(__always)
    static func isThrow(_ pc: UnsafePointer<UInt64>) -> Bool {
        let op = UInt16(truncatingIfNeeded: pc.pointee)
        return op == IROpcode.throw.rawValue || op == IROpcode.throwRef.rawValue
    }

    /// The exception `throw` or `throw_ref` (header `w0` at `pc`) raises; for `throw_ref` of
    /// null, the trap.
    @inline(never)
    static func raise(_ w0: UInt64, pc: UnsafePointer<UInt64>, sp: UnsafeMutablePointer<UInt64>,
                      instance: Unmanaged<InstanceState>, store: Store) -> ErrorOr<ExceptionInstance> {
        let state = instance.takeUnretainedValue()
        let a = high(w0)
        if unsafeBitCast(UInt16(truncatingIfNeeded: w0), to: IROpcode.self) == .throwRef {
            guard let exception = store.exception(reference: sp[a]) else {
                return .failure(SwasmError.trap(Trap(.nullExceptionReference)))
            }
            return .success(exception)
        }
        let tagIndex = low(pc[1])
        guard tagIndex < state.tags.count else { return .failure(SwasmError.trap(Trap(.unreachable))) }
        let tag = state.tags[tagIndex]
        let count = tag.type.params.reduce(0) { $0 + $1.slotCount }
        let payload = Array(UnsafeBufferPointer(start: sp + a, count: count))
        return .success(ExceptionInstance(tag: tag, payload: payload))
    }

    /// Finds the handler for `exception` thrown at `pc` in the frame (`sp`, `fn`, `instance`)
    /// or one of its callers down to the entry from the host, and moves the exception's values
    /// (and reference) into the handler's slots. Returns where the loop continues: the handler,
    /// or for a handler k callers away, a `return` whose k records (rewritten here) pop the
    /// frames in between and return to the handler. Nil when no frame of this entry catches it.
    @inline(never)
    static func unwind(_ exception: ExceptionInstance, pc: UnsafePointer<UInt64>, sp: UnsafeMutablePointer<UInt64>,
                       fn: UnsafePointer<UInt64>, fp: UnsafeMutablePointer<CallFrame>,
                       instance: Unmanaged<InstanceState>, store: Store, searchingFrame: Bool = true) -> UnsafePointer<UInt64>? {
        // No handler covers position -1.
        var position = searchingFrame ? pc - fn.codeStart : -1
        var sp = sp, fn = fn, record = fp, instance = instance
        while true {
            if let index = handlerIndex(for: exception, at: position, in: fn, instance: instance.takeUnretainedValue()) {
                let handler = fn.exceptionHandlers[index]
                land(exception, at: handler, sp: sp, fn: fn, store: store)
                let target = fn.codeStart + Int(handler.target)
                if record == fp { return target }
                // Every record above the handler's frame returns to a `return`; the last one
                // (which describes the handler's frame) returns to the handler.
                var above = fp
                while above > record + 1 {
                    above.pointee.returnPC = returnInstruction
                    above -= 1
                }
                above.pointee.returnPC = target
                return returnInstruction
            }
            let caller = record.pointee
            guard let returnPC = caller.returnPC else { return nil }
            record -= 1
            sp = caller.sp
            fn = caller.function
            instance = caller.instance
            // The return address follows the call; the word before it is inside the call.
            position = returnPC - 1 - fn.codeStart
        }
    }

    /// Moves the exception's values (and reference) into the slots of `handler` of the frame
    /// at `sp` running `fn`.
    static func land(_ exception: ExceptionInstance, at handler: ExceptionHandler, sp: UnsafeMutablePointer<UInt64>,
                     fn: UnsafePointer<UInt64>, store: Store) {
        if handler.kind == .tag {
            for (i, word) in exception.payload.enumerated() { sp[Int(handler.payloadSlot) + i] = word }
        }
        if handler.exceptionSlot >= 0 {
            sp[Int(handler.exceptionSlot)] = store.exceptionReference(exception, liveSlots: sp + fn.frameSlots)
        }
    }

    /// The index in `fn`'s handler table of the handler that catches `exception` thrown at word
    /// `position` of its code, if any.
    static func handlerIndex(for exception: ExceptionInstance, at position: Int, in fn: UnsafePointer<UInt64>,
                             instance: InstanceState) -> Int? {
        var outermost = Int32.max
        let handlers = fn.exceptionHandlers
        for index in handlers.indices {
            let handler = handlers[index]
            guard Int(handler.start) <= position && position < Int(handler.end), handler.owner <= outermost else { continue }
            switch handler.kind {
            case .all:
                return index
            case .tag:
                if Int(handler.tag) < instance.tags.count && instance.tags[Int(handler.tag)] === exception.tag {
                    return index
                }
            case .delegate:
                outermost = handler.delegateLabel
            }
        }
        return nil
    }
}
