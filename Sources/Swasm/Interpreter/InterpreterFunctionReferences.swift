// The typed function reference instructions in the IR. None has a case of its own in the
// interpreter loop (each case there costs every program instructions). `ref.as_non_null` and
// `call_ref`'s first half (`prepareCallRef`, which points the instance's scratch function
// entry at the callee; a `callImport` then calls it like any import, with the loop's own call
// path) run on the SIMD instructions' out-of-line path (IROpcodeSIMD.swift), which stays in
// the loop. The others are `returnCall` instructions with a `FunctionReferenceOp` in the
// header's bits 16..31, which the loop leaves for `tailCall` to run out of line:
//
//   returnCallRef    [returnCall·op|base][typeIndex|calleeSlot]: `return_call_ref`.
//   prepareCallIndirect [returnCall·op|indexSlot][typeIndex|table], followed by the same
//                    `callImport`: `call_indirect` of a non-final type, whose callee may have
//                    any subtype of it.

/// Which typed function reference instruction a `returnCall` header carries.
enum FunctionReferenceOp: UInt16 {
    case returnCallRef = 3, prepareCallIndirect

    /// The op in a `returnCall` header word, or nil for a plain `return_call`.
    init?(header: UInt64) {
        self.init(rawValue: UInt16(truncatingIfNeeded: header >> 16))
    }

    /// The header word of this op with operand `a`.
    func header(_ a: Int) -> UInt64 {
        UInt64(IROpcode.returnCall.rawValue) | UInt64(rawValue) << 16 | UInt64(UInt32(truncatingIfNeeded: a)) << 32
    }
}

extension Interpreter {
    /// Runs the function reference instruction at `pc` (see above). Errors: traps (without
    /// backtrace; the loop adds it) and translation errors.
    @inline(never)
    static func functionReference(_ op: FunctionReferenceOp, pc: UnsafePointer<UInt64>,
                                  sp: UnsafeMutablePointer<UInt64>, fn: UnsafePointer<UInt64>,
                                  fp: UnsafeMutablePointer<CallFrame>, instance: Unmanaged<InstanceState>,
                                  stacks: ExecutionState, store: Store) -> ErrorOr<TailCallTarget> {
        let a = high(pc.pointee)
        switch op {
        case .prepareCallIndirect:
            let reference: UInt64
            switch tableGet(instance.takeUnretainedValue(), table: high(pc[1]), index: sp.u32(a)) {
            case .success(let element): reference = element
            case .failure: return .failure(SwasmError.trap(Trap(.undefinedElement)))
            }
            guard reference != RefEncoding.null else {
                return .failure(SwasmError.trap(Trap(.uninitializedElement)))
            }
            let actual = store.function(at: FunctionAddress(rawValue: Int(truncatingIfNeeded: reference &- 1)))?.typeID ?? -1
            guard typeMatches(actual, stacks.context.typeIDs[low(pc[1])], store: store) else {
                return .failure(SwasmError.trap(Trap(.indirectCallTypeMismatch)))
            }
            guard let next = placeCallee(reference, before: pc + 2, instance) else {
                return .failure(SwasmError.trap(Trap(.undefinedElement)))
            }
            return .success(TailCallTarget(pc: next, function: fn, instance: instance))
        case .returnCallRef:
            let reference = sp[high(pc[1])]
            guard reference != RefEncoding.null else {
                return .failure(SwasmError.trap(Trap(.nullFunctionReference)))
            }
            // Validation proved the reference's type matches: no type check.
            return tailCall(toAddress: Int(truncatingIfNeeded: reference &- 1), checkingType: nil, base: a,
                            sp: sp, fn: fn, fp: fp, instance: instance, stacks: stacks, store: store)
        }
    }

    /// Whether a function of type id `actual` may be called as one of type id `expected`:
    /// the same type or, through declared supertypes, a subtype.
    static func typeMatches(_ actual: Int, _ expected: Int, store: Store) -> Bool {
        actual == expected || (actual >= 0 && store.engine.types.isSubtype(actual, expected))
    }
}

extension Interpreter {
    /// `call_ref`'s first half on the SIMD instructions' out-of-line path (so a call through a
    /// reference does not leave the loop): points the instance's scratch function entry at the
    /// callee; the `callImport` after it makes the call. Nil for a trap, whose reason it leaves
    /// in `ExecutionState.pendingTrap`.
    @inline(__always)
    static func prepareCallRef(_ sp: Slots, _ pc: UnsafePointer<UInt64>, _ instance: Unmanaged<InstanceState>) -> UnsafePointer<UInt64>? {
        let reference = sp[high(pc.pointee)]
        guard reference != RefEncoding.null else { return trap(.nullFunctionReference, instance) }
        return placeCallee(reference, before: pc + 2, instance) ?? trap(.undefinedElement, instance)
    }
}

extension Interpreter {
    /// Points the instance's scratch function entry, named by the `callImport` at `call`, at
    /// the function `reference` (non-null) refers to; returns `call`, or nil when the entry
    /// does not exist. Only the address changes: no array write, no reference counting.
    @inline(__always)
    static func placeCallee(_ reference: UInt64, before call: UnsafePointer<UInt64>,
                            _ instance: Unmanaged<InstanceState>) -> UnsafePointer<UInt64>? {
        let scratch = low(call[1])
        let address = FunctionAddress(rawValue: Int(truncatingIfNeeded: reference &- 1))
        let placed = instance._withUnsafeGuaranteedRef { state in
            guard scratch < state.functions.count else { return false }
            state.functions[scratch].address = address
            return true
        }
        return placed ? call : nil
    }
}

extension CompiledFunction {
    /// The disassembly of a function reference instruction (header `w0`, operand word `w1`).
    static func describeFunctionReference(_ w0: UInt64, _ w1: UInt64) -> (String, Int) {
        let a = Int(w0 >> 32)
        let low = Int(UInt32(truncatingIfNeeded: w1)), high = Int(w1 >> 32)
        switch FunctionReferenceOp(header: w0) {
        case .returnCallRef: return ("returnCallRef type \(low) callee s\(high) base s\(a)", 2)
        case .prepareCallIndirect: return ("prepareCallIndirect type \(low) table \(high) index s\(a)", 2)
        case nil: return ("returnCall", 2)
        }
    }
}
