// The GC instructions in the IR. None has a case of its own in the interpreter loop. The
// accessors, casts, i31 and allocations run on the SIMD instructions' out-of-line path
// (IROpcodeSIMD.swift, InterpreterGCAccess.swift); the rarer bulk array instructions are
// `returnCall` headers with a `GCIROp` in bits 16..31 (raw values from 0x100, above
// `FunctionReferenceOp`'s), run out of line by `tailCall`, which hands them the store and the
// frame's extent (the collector's stack roots). `runGC` also runs the full form of a cast or
// an allocation whose fast path declined, on that instruction's words.
//
//   arrayNewData     [op|d][type|data][offset|length]
//   arrayNewElem     [op|d][type|element][offset|length]
//   arrayFill        [op|ref][offset|value][count|type]
//   arrayCopy        [op|destination][destinationOffset|source][sourceOffset|count][types]
//   arrayInitData    [op|ref][d|s][n|data][type|0]
//   arrayInitElem    [op|ref][d|s][n|element][type|0]

/// Which GC instruction `runGC` runs: a `returnCall` form, or the full form of a SIMD-path one.
enum GCIROp: UInt16 {
    case arrayNewData = 0x100, arrayNewElem, arrayFill, arrayCopy, arrayInitData, arrayInitElem
    /// Full forms of SIMD-path instructions (`SIMDIROpcode.gcOperation`), never in a header.
    case structNew, structNewDefault, arrayNew, arrayNewDefault, arrayNewFixed, refTest, refCast

    /// The op in a `returnCall` header word, or nil.
    init?(header: UInt64) {
        self.init(rawValue: UInt16(truncatingIfNeeded: header >> 16))
    }

    /// The header word of this op with operand `a`.
    func header(_ a: Int) -> UInt64 {
        UInt64(IROpcode.returnCall.rawValue) | UInt64(rawValue) << 16 | UInt64(UInt32(truncatingIfNeeded: a)) << 32
    }

    /// Words of the instruction, header included.
    var wordCount: Int {
        switch self {
        case .arrayCopy, .arrayInitData, .arrayInitElem: return 4
        default: return 3
        }
    }
}

/// What `ref.test`, `ref.cast` and `br_on_cast` test a non-null reference for.
enum GCCastTarget: UInt8 {
    /// any, func, extern, exn: every non-null value of the hierarchy.
    case top
    case eq, i31, structure, array
    /// none, nofunc, noextern, noexn: no non-null value.
    case bottom
    /// A struct or array type (by module type index).
    case concreteObject
    /// A function type (by module type index).
    case concreteFunction
}

extension InstanceState {
    /// The object layout of the module's type `index`, looked up once per instance.
    func gcLayout(_ index: Int, store: Store) -> GCLayout? {
        guard index >= 0, index < typeIDs.count else { return nil }
        if gcLayouts.count != typeIDs.count { gcLayouts = Array(repeating: nil, count: typeIDs.count) }
        if let layout = gcLayouts[index] { return layout.takeUnretainedValue() }
        let layout = store.engine.types.layout(typeIDs[index])
        gcLayouts[index] = Unmanaged.passUnretained(layout)
        return layout
    }
}

extension Interpreter {
    /// Runs the GC instruction at `pc` (see above). Errors: traps, without backtrace (the loop
    /// adds it).
    @inline(never)
    static func gcInstruction(_ op: GCIROp, pc: UnsafePointer<UInt64>, sp: UnsafeMutablePointer<UInt64>,
                              fn: UnsafePointer<UInt64>, instance: Unmanaged<InstanceState>,
                              stacks: ExecutionState, store: Store) -> ErrorOr<TailCallTarget> {
        let state = instance.takeUnretainedValue()
        if let reason = runGC(op, pc: pc, sp: sp, liveSlots: sp + fn.frameSlots, state: state, store: store) {
            return .failure(SwasmError.trap(Trap(reason)))
        }
        return .success(TailCallTarget(pc: pc + op.wordCount, function: fn, instance: instance))
    }

    static func runGC(_ op: GCIROp, pc: UnsafePointer<UInt64>, sp: UnsafeMutablePointer<UInt64>,
                              liveSlots: UnsafeMutablePointer<UInt64>, state: InstanceState,
                              store: Store) -> TrapReason? {
        let a = high(pc.pointee)
        let w1 = pc[1]
        func allocate(_ typeIndex: Int, length: Int) -> UnsafeMutableRawPointer? {
            guard let layout = state.gcLayout(typeIndex, store: store) else { return nil }
            return store.allocateObject(layout, length: length, liveSlots: liveSlots)
        }
        switch op {
        case .structNew, .structNewDefault:
            guard let object = allocate(low(w1), length: 0) else { return .gcHeapExhausted }
            if op == .structNew {
                GCObjectHeader.layout(object)._withUnsafeGuaranteedRef { $0.initialize(object, from: sp + high(w1), count: 0) }
            }
            sp[a] = UInt64(UInt(bitPattern: object))
        case .arrayNew, .arrayNewDefault:
            let lengthSlot = op == .arrayNew ? low(pc[2]) : high(w1)
            guard let object = allocate(low(w1), length: Int(sp.u32(lengthSlot))) else { return .gcHeapExhausted }
            if op == .arrayNew {
                let layout = GCObjectHeader.layout(object).takeUnretainedValue()
                let value = high(w1)
                let high = layout.element == .v128 ? sp[value + 1] : 0
                layout.element.fill(sp[value], high, at: GCObjectHeader.payload(object), count: Int(sp.u32(lengthSlot)))
            }
            sp[a] = UInt64(UInt(bitPattern: object))
        case .arrayNewFixed:
            let count = low(pc[2])
            guard let object = allocate(low(w1), length: count) else { return .gcHeapExhausted }
            GCObjectHeader.layout(object)._withUnsafeGuaranteedRef { $0.initialize(object, from: sp + high(w1), count: count) }
            sp[a] = UInt64(UInt(bitPattern: object))
        case .arrayNewData, .arrayNewElem:
            let segment = high(w1)
            let offset = Int(sp.u32(low(pc[2]))), length = Int(sp.u32(high(pc[2])))
            guard let layout = state.gcLayout(low(w1), store: store) else { return .gcHeapExhausted }
            if op == .arrayNewData {
                guard segment < state.dataSegments.count,
                      offset + length * layout.element.size <= state.dataSegments[segment].count else {
                    return .outOfBoundsMemoryAccess
                }
            } else {
                guard segment < state.elementSegments.count,
                      offset + length <= state.elementSegments[segment].count else {
                    return .outOfBoundsTableAccess
                }
            }
            guard let object = store.allocateObject(layout, length: length, liveSlots: liveSlots) else {
                return .gcHeapExhausted
            }
            if op == .arrayNewData {
                copyData(state, segment: segment, from: offset, to: object, at: 0, count: length, layout: layout)
            } else {
                copyElements(state, segment: segment, from: offset, to: object, at: 0, count: length, layout: layout)
            }
            sp[a] = UInt64(UInt(bitPattern: object))
        case .arrayFill:
            let reference = sp[a]
            guard reference != RefEncoding.null else { return .nullArrayReference }
            let object = GCObjectHeader.object(reference)
            let offset = UInt64(sp.u32(low(w1))), count = UInt64(sp.u32(low(pc[2])))
            guard offset + count <= UInt64(GCObjectHeader.length(object)) else { return .outOfBoundsArrayAccess }
            let layout = GCObjectHeader.layout(object).takeUnretainedValue()
            let value = high(w1)
            let highWord = layout.element == .v128 ? sp[value + 1] : 0
            layout.element.fill(sp[value], highWord, at: layout.element(Int(offset), of: object), count: Int(count))
        case .arrayCopy:
            let destination = sp[a], source = sp[high(w1)]
            guard destination != RefEncoding.null, source != RefEncoding.null else { return .nullArrayReference }
            let d = UInt64(sp.u32(low(w1))), s = UInt64(sp.u32(low(pc[2]))), n = UInt64(sp.u32(high(pc[2])))
            let target = GCObjectHeader.object(destination), origin = GCObjectHeader.object(source)
            guard d + n <= UInt64(GCObjectHeader.length(target)), s + n <= UInt64(GCObjectHeader.length(origin)) else {
                return .outOfBoundsArrayAccess
            }
            let size = GCObjectHeader.layout(target).takeUnretainedValue().element.size
            if n > 0 {
                // Overlapping ranges of one array copy as if through a temporary (memmove).
                (GCObjectHeader.payload(target) + Int(d) * size)
                    .copyMemory(from: GCObjectHeader.payload(origin) + Int(s) * size, byteCount: Int(n) * size)
            }
        case .arrayInitData, .arrayInitElem:
            let reference = sp[a]
            guard reference != RefEncoding.null else { return .nullArrayReference }
            let object = GCObjectHeader.object(reference)
            let d = UInt64(sp.u32(low(w1))), s = UInt64(sp.u32(high(w1))), n = UInt64(sp.u32(low(pc[2])))
            let segment = high(pc[2])
            guard d + n <= UInt64(GCObjectHeader.length(object)) else { return .outOfBoundsArrayAccess }
            let layout = GCObjectHeader.layout(object).takeUnretainedValue()
            if op == .arrayInitData {
                guard segment < state.dataSegments.count,
                      s + n * UInt64(layout.element.size) <= UInt64(state.dataSegments[segment].count) else {
                    return .outOfBoundsMemoryAccess
                }
                copyData(state, segment: segment, from: Int(s), to: object, at: Int(d), count: Int(n), layout: layout)
            } else {
                guard segment < state.elementSegments.count,
                      s + n <= UInt64(state.elementSegments[segment].count) else {
                    return .outOfBoundsTableAccess
                }
                copyElements(state, segment: segment, from: Int(s), to: object, at: Int(d), count: Int(n), layout: layout)
            }
        case .refTest, .refCast:
            let reference = sp[low(w1)]
            let target = high(w1)
            let matches = castMatches(reference, target: target, typeIndex: low(pc[2]), state: state, store: store)
            if op == .refTest {
                sp[a] = matches ? 1 : 0
            } else {
                guard matches else { return .castFailure }
                sp[a] = reference
            }
        }
        return nil
    }

    /// Whether `reference` is a value of the cast target (see `GCCastTarget`).
    static func castMatches(_ reference: UInt64, target: Int, typeIndex: Int, state: InstanceState, store: Store) -> Bool {
        if let quick = quickCast(reference, target: target, typeIndex: typeIndex, instance: Unmanaged.passUnretained(state)) {
            return quick
        }
        // What `quickCast` leaves: a struct or array type not looked up yet, a function type.
        switch GCCastTarget(rawValue: UInt8(truncatingIfNeeded: target)) {
        case .concreteObject?:
            guard RefEncoding.isObject(reference), let expected = state.gcLayout(typeIndex, store: store) else { return false }
            return GCObjectHeader.layout(GCObjectHeader.object(reference)).takeUnretainedValue().isSubtype(of: expected)
        case .concreteFunction?:
            guard typeIndex < state.typeIDs.count,
                  let function = store.function(at: FunctionAddress(rawValue: Int(truncatingIfNeeded: reference &- 1))) else {
                return false
            }
            return typeMatches(function.typeID, state.typeIDs[typeIndex], store: store)
        default:
            return false
        }
    }

    /// Copies `count` elements' bytes from data segment `segment` at byte `offset` (checked).
    private static func copyData(_ state: InstanceState, segment: Int, from offset: Int,
                                 to object: UnsafeMutableRawPointer, at index: Int, count: Int, layout: GCLayout) {
        guard count > 0 else { return }
        let range = state.dataSegments[segment]
        let bytes = count * layout.element.size
        state.module.sections.bytes.withUnsafeBytes { buffer in
            guard let base = buffer.baseAddress else { return }
            layout.element(index, of: object).copyMemory(from: base + range.lowerBound + offset, byteCount: bytes)
        }
    }

    /// Copies `count` references from element segment `segment` at `offset` (checked).
    private static func copyElements(_ state: InstanceState, segment: Int, from offset: Int,
                                     to object: UnsafeMutableRawPointer, at index: Int, count: Int, layout: GCLayout) {
        let elements = state.elementSegments[segment]
        for i in 0..<count {
            layout.element(index + i, of: object).storeBytes(of: elements[offset + i], as: UInt64.self)
        }
    }
}

extension CompiledFunction {
    /// The disassembly of a GC instruction (header `w0`, operand words after it).
    static func describeGC(_ w0: UInt64, _ w1: UInt64, _ w2: UInt64) -> (String, Int) {
        guard let op = GCIROp(header: w0) else { return ("returnCall", 2) }
        let a = Int(w0 >> 32)
        let l1 = Int(UInt32(truncatingIfNeeded: w1)), h1 = Int(w1 >> 32)
        let l2 = Int(UInt32(truncatingIfNeeded: w2)), h2 = Int(w2 >> 32)
        let text: String
        switch op.wordCount {
        case 2: text = "\(op) s\(a), \(l1), \(h1)"
        default: text = "\(op) s\(a), \(l1), \(h1), \(l2), \(h2)"
        }
        return (text, op.wordCount)
    }
}
