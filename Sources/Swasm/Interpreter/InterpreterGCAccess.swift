// The GC accessors (struct and array reads and writes, array.len, i31, casts), run on the SIMD
// instructions' out-of-line path so that they never leave the interpreter loop
// (IROpcodeSIMD.swift gives their words). A trap returns nil like an out-of-bounds access and
// leaves its real reason in the store's `ExecutionState.pendingTrap`, which the loop reports
// instead. What the fast path cannot finish (a cast to a type this instance has not looked
// up, or to a function type; an allocation that must collect first) goes to the
// instruction's full form, `Interpreter.runGC`, on the same words.

extension GCStorage {
    /// log2 of `size`.
    @inline(__always) var shift: Int {
        switch self {
        case .i8: return 0
        case .i16: return 1
        case .i32: return 2
        case .i64, .reference: return 3
        case .v128: return 4
        }
    }

    /// The storage in an instruction's storage field (anything unknown reads as i64).
    @inline(__always) init(field: Int) {
        self = GCStorage(rawValue: UInt8(truncatingIfNeeded: field)) ?? .i64
    }
}

extension Interpreter {
    /// Runs the GC accessor `op` at `pc`; nil when it declines (see above).
    @inline(__always)
    static func executeGCAccess(_ op: SIMDIROpcode, _ sp: Slots, _ pc: UnsafePointer<UInt64>,
                                _ instance: Unmanaged<InstanceState>) -> UnsafePointer<UInt64>? {
        let a = high(pc.pointee), w1 = pc[1]
        switch op {
        case .gcStructGet, .gcArrayGet:
            let reference = sp[low(w1)]
            guard reference != RefEncoding.null else {
                return trap(op == .gcStructGet ? .nullStructureReference : .nullArrayReference, instance)
            }
            let object = GCObjectHeader.object(reference)
            let w2 = pc[2]
            let storage = GCStorage(field: low(w2))
            let address: UnsafeMutableRawPointer
            if op == .gcStructGet {
                address = object + (GCObjectHeader.size + high(w1))
            } else {
                let index = sp.u32(high(w1))
                guard index < GCObjectHeader.length(object) else { return trap(.outOfBoundsArrayAccess, instance) }
                address = object + (GCObjectHeader.size + Int(index) << storage.shift)
            }
            let value = storage.load(at: address, signed: high(w2) != 0)
            sp[a] = value.low
            if storage == .v128 { sp[a + 1] = value.high }
            return pc + 3
        case .gcStructSet, .gcArraySet:
            let reference = sp[a]
            guard reference != RefEncoding.null else {
                return trap(op == .gcStructSet ? .nullStructureReference : .nullArrayReference, instance)
            }
            let object = GCObjectHeader.object(reference)
            let storage = GCStorage(field: low(pc[2]))
            let address: UnsafeMutableRawPointer
            let value: Int
            if op == .gcStructSet {
                address = object + (GCObjectHeader.size + high(w1))
                value = low(w1)
            } else {
                let index = sp.u32(low(w1))
                guard index < GCObjectHeader.length(object) else { return trap(.outOfBoundsArrayAccess, instance) }
                address = object + (GCObjectHeader.size + Int(index) << storage.shift)
                value = high(w1)
            }
            storage.store(sp[value], storage == .v128 ? sp[value + 1] : 0, at: address)
            return pc + 3
        case .gcArrayLen:
            let reference = sp[low(w1)]
            guard reference != RefEncoding.null else { return trap(.nullArrayReference, instance) }
            sp[a] = UInt64(GCObjectHeader.length(GCObjectHeader.object(reference)))
            return pc + 2
        case .gcRefI31:
            sp[a] = RefEncoding.i31(sp.u32(low(w1)))
            return pc + 2
        case .gcI31Get:
            let reference = sp[low(w1)]
            guard reference != RefEncoding.null else { return trap(.nullI31Reference, instance) }
            sp[a] = UInt64(RefEncoding.i31Value(reference, signed: high(w1) != 0))
            return pc + 2
        case .gcRefTest, .gcRefCast:
            let reference = sp[low(w1)]
            guard let matches = quickCast(reference, target: high(w1), typeIndex: low(pc[2]), instance: instance) else {
                return finishGCAccess(op, sp, pc, instance)
            }
            if op == .gcRefTest {
                sp[a] = matches ? 1 : 0
            } else {
                guard matches else { return trap(.castFailure, instance) }
                sp[a] = reference
            }
            return pc + 3
        case .refAsNonNull:
            guard sp[a] != RefEncoding.null else { return trap(.nullReference, instance) }
            return pc + 2
        case .gcStructNew, .gcStructNewDefault, .gcArrayNew, .gcArrayNewDefault, .gcArrayNewFixed:
            return allocate(op, sp, pc, instance) ?? finishGCAccess(op, sp, pc, instance)
        default:
            return nil
        }
    }

    /// Whether `reference` is of the cast target, when that is quick to tell (nil: a function
    /// type, or a struct or array type whose layout this instance has not looked up yet).
    @inline(__always)
    static func quickCast(_ reference: UInt64, target: Int, typeIndex: Int, instance: Unmanaged<InstanceState>) -> Bool? {
        if reference == RefEncoding.null { return target & 0x100 != 0 }
        switch GCCastTarget(rawValue: UInt8(truncatingIfNeeded: target)) {
        case .top?: return true
        case .bottom?: return false
        case .eq?: return RefEncoding.isI31(reference) || RefEncoding.isObject(reference)
        case .i31?: return RefEncoding.isI31(reference)
        case .structure?, .array?:
            guard RefEncoding.isObject(reference) else { return false }
            let kind = GCObjectHeader.layout(GCObjectHeader.object(reference))._withUnsafeGuaranteedRef { $0.kind }
            return kind == (target & 0xFF == Int(GCCastTarget.structure.rawValue) ? .structure : .array)
        case .concreteObject?:
            guard RefEncoding.isObject(reference) else { return false }
            let expected = instance._withUnsafeGuaranteedRef { state in
                typeIndex < state.gcLayouts.count ? state.gcLayouts[typeIndex] : nil
            }
            guard let expected else { return nil }
            return expected._withUnsafeGuaranteedRef { target in
                GCObjectHeader.layout(GCObjectHeader.object(reference))._withUnsafeGuaranteedRef { $0.isSubtype(of: target) }
            }
        case .concreteFunction?, nil:
            return nil
        }
    }
}


extension Interpreter {
    /// Runs the full form of GC accessor `op` at `pc`: the next instruction, or nil for a trap
    /// whose reason it leaves in `ExecutionState.pendingTrap`.
    @inline(never)
    static func finishGCAccess(_ op: SIMDIROpcode, _ sp: Slots, _ pc: UnsafePointer<UInt64>,
                               _ instance: Unmanaged<InstanceState>) -> UnsafePointer<UInt64>? {
        guard let operation = op.gcOperation,
              let owner = instance._withUnsafeGuaranteedRef({ $0.owner }) else { return nil }
        // Allocations carry the end of their live slots (accessors allocate nothing).
        let liveEnd: Int
        switch op {
        case .gcArrayNew, .gcArrayNewFixed: liveEnd = high(pc[2])
        case .gcStructNew, .gcStructNewDefault, .gcArrayNewDefault: liveEnd = low(pc[2])
        default: liveEnd = 0
        }
        let failure = instance._withUnsafeGuaranteedRef { state in
            owner._withUnsafeGuaranteedRef { store in
                runGC(operation, pc: pc, sp: sp, liveSlots: sp + liveEnd, state: state, store: store)
            }
        }
        if let failure {
            owner._withUnsafeGuaranteedRef { $0.execution.pendingTrap = failure }
            return nil
        }
        return pc + op.wordCount
    }

    /// Leaves `reason` for the loop to report (see above) and returns the nil that makes it trap.
    @inline(never)
    static func trap(_ reason: TrapReason, _ instance: Unmanaged<InstanceState>) -> UnsafePointer<UInt64>? {
        instance._withUnsafeGuaranteedRef { $0.owner }?._withUnsafeGuaranteedRef { $0.execution.pendingTrap = reason }
        return nil
    }
}

extension Interpreter {
    /// The allocations' fast path: an object of a layout this instance has looked up before,
    /// when the heap has room without collecting (nil otherwise: the full form allocates, and
    /// collects). Everything here is unmanaged: reference counting would cost more than the
    /// allocation.
    @inline(never)
    static func allocate(_ op: SIMDIROpcode, _ sp: Slots, _ pc: UnsafePointer<UInt64>,
                         _ instance: Unmanaged<InstanceState>) -> UnsafePointer<UInt64>? {
        let w1 = pc[1]
        let typeIndex = low(w1)
        let found = instance._withUnsafeGuaranteedRef { state -> (Unmanaged<GCLayout>, Unmanaged<GCHeap>)? in
            guard typeIndex < state.gcLayouts.count, let layout = state.gcLayouts[typeIndex], let heap = state.heap else {
                return nil
            }
            return (layout, heap)
        }
        guard let (layout, heap) = found else { return nil }
        let length: Int
        switch op {
        case .gcArrayNewDefault: length = Int(sp.u32(high(w1)))
        case .gcArrayNew: length = Int(sp.u32(low(pc[2])))
        case .gcArrayNewFixed: length = low(pc[2])
        default: length = 0
        }
        // struct.new and array.new_fixed write every field and element below; array.new does
        // unless its value is zero, which a zeroed block already holds.
        let initialized: Bool
        switch op {
        case .gcStructNew, .gcArrayNewFixed: initialized = true
        case .gcArrayNew:
            let value = high(w1)
            initialized = sp[value] != 0 || (layout._withUnsafeGuaranteedRef { $0.element } == .v128 && sp[value + 1] != 0)
        default: initialized = false
        }
        guard let object = heap._withUnsafeGuaranteedRef({ $0.allocateIfRoom(layout, length: length, initialized: initialized) }) else {
            return nil
        }
        layout._withUnsafeGuaranteedRef { layout in
            switch op {
            case .gcStructNew, .gcArrayNewFixed:
                layout.initialize(object, from: sp + high(w1), count: length)
            case .gcArrayNew:
                let element = layout.element, value = high(w1)
                let low = sp[value], high = element == .v128 ? sp[value + 1] : 0
                if low != 0 || high != 0 {
                    element.fill(low, high, at: GCObjectHeader.payload(object), count: length)
                }
            default:
                break
            }
        }
        sp[high(pc.pointee)] = UInt64(UInt(bitPattern: object))
        return pc + 3
    }
}
