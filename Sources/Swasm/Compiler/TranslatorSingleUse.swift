/// Results read once, by a later instruction: the native tier keeps such a result in a
/// register instead of storing it to its slot (NativeCompiler's `held` values).
///
/// The translator knows what the IR cannot say: a Wasm operand is popped exactly once, so
/// the value an instruction pushes and a later instruction pops has no other reader. Each
/// `.stack` operand remembers the instruction that wrote it (`producedAt`, set when
/// `producer` is); `pop()` notes the consumption when that instruction is still there and
/// still writes the operand's slot, and `slot(of:)` notes each constant it materializes for
/// the instruction being translated. The next `emit` that is not such a constant records
/// them all in `singleUseResults` when it is a consumer that reads its operands itself (not
/// a call, a copy or anything running out of line) and the producers were not removed or
/// rewritten since; otherwise they are dropped. An operand pushed back (a branch that leaves
/// its operand on the stack, `br_on_null` say) withdraws the record. What lies between a
/// producer and its reader the native compiler checks itself before holding.
extension Translator {
    /// Called by `pop()` with the operand just removed, which was at depth `operands.count`:
    /// a value whose producer is known (and still there, writing this slot) is consumed.
    @inline(__always)
    mutating func noteConsumption(of operand: Operand) {
        guard operand.kind == .stack, operand.producedAt >= 0 else { return }
        let start = Int(operand.producedAt), slot = home(operands.count)
        guard start < code.count, code[start] >> 32 == UInt64(UInt32(truncatingIfNeeded: slot)) else { return }
        consumptions.append(Consumption(producerStart: start, header: code[start], slot: slot))
    }

    /// Called by `slot(of:)` after it materialized a constant operand at `start`, for the
    /// instruction being translated alone.
    mutating func noteMaterializedConstant(at start: Int, slot: Int) {
        consumptions.append(Consumption(producerStart: start, header: code[start], slot: slot))
    }

    /// Called by `emit` for the instruction about to start at `start` (the code is already
    /// truncated to it when a fusion removed instructions). `materializing`: it is a constant
    /// `slot(of:)` materializes, which the pending consumptions may look past.
    @inline(__always)
    mutating func recordConsumptions(by op: IROpcode, at start: Int, materializing: Bool) {
        while let last = singleUseResults.last, Int(last.consumer) >= start { singleUseResults.removeLast() }
        if start <= lastEmitStart {
            // Code was removed (a fusion): what was known about instructions from here is not.
            for k in operands.indices where Int(operands[k].producedAt) >= start { operands[k].producedAt = -1 }
            consumptions.removeAll { $0.producerStart >= start }
        }
        lastEmitStart = start
        if materializing { return }
        lastRecorded.removeAll(keepingCapacity: true)
        guard !consumptions.isEmpty else { return }
        defer { consumptions.removeAll(keepingCapacity: true) }
        guard op.readsOperandsDirectly, start <= Int(Int32.max) else { return }
        for taken in consumptions where taken.producerStart < start && code[taken.producerStart] == taken.header {
            singleUseResults.append(SingleUseResult(producer: Int32(taken.producerStart), consumer: Int32(start)))
            lastRecorded.append((taken.producerStart, taken.slot))
        }
    }

    /// Called by `push` for an operand that is not a new result: a value pushed back into
    /// a slot keeps being read, so a record about that slot made just now is withdrawn.
    @inline(__always)
    mutating func noteRepush(_ operand: Operand, depth: Int) {
        if !consumptions.isEmpty { consumptions.removeAll(keepingCapacity: true) }
        guard operand.kind == .stack, !lastRecorded.isEmpty else { return }
        let slot = home(depth)
        for recorded in lastRecorded where recorded.slot == slot {
            singleUseResults.removeAll { Int($0.producer) == recorded.start }
        }
        lastRecorded.removeAll { $0.slot == slot }
    }
}

/// An instruction whose result only one later instruction reads.
struct SingleUseResult: Equatable {
    /// Word indices of the two instructions.
    var producer: Int32
    var consumer: Int32
}

extension IROpcode {
    /// The instruction reads each of its slot operands itself, once, while it runs: numeric
    /// and memory instructions, their fused and immediate forms, conditional branches,
    /// selects and `global.set`. Not calls, copies, the out-of-line and SIMD paths, or
    /// anything reading the frame from outside.
    var readsOperandsDirectly: Bool {
        let raw = rawValue
        if raw <= IROpcode.i64TruncSatF64U.rawValue { return true }
        if raw >= IROpcode.i32EqImm.rawValue && raw <= IROpcode.i64GeUImm.rawValue { return true }
        if raw >= IROpcode.i32AddImm.rawValue && raw <= IROpcode.i64RotrImm.rawValue { return true }
        if raw >= IROpcode.brIfI32Eq.rawValue && raw <= IROpcode.brIfI64GeUImm.rawValue { return true }
        if raw >= IROpcode.i32Load.rawValue && raw <= IROpcode.i64Store32.rawValue { return true }
        if raw >= IROpcode.i32LoadIndexed.rawValue && raw <= IROpcode.store64ImmIndexed.rawValue { return true }
        switch self {
        case .brIfNez, .brIfEqz, .brIfI64Nez, .brIfI64Eqz, .brTable, .returnValue, .select, .select64, .globalSet,
             .store8Imm, .store16Imm, .store32Imm, .store64Imm,
             .f32AddImm, .f32SubImm, .f32MulImm, .f32DivImm, .f64AddImm, .f64SubImm, .f64MulImm, .f64DivImm,
             .f64AddLoad, .f64SubLoad, .f64MulLoad, .f64DivLoad, .f64AddStore, .f64SubStore, .f64MulStore, .f64DivStore,
             .f64AddLoadStore, .f64SubLoadStore, .f64MulLoadStore, .f64DivLoadStore, .f64MulMul,
             .selectI32LtU, .selectI32LtS, .selectI32Eq, .addI32LtU, .addI32LeU:
            return true
        default:
            return false
        }
    }

    /// Conditional branches and branch tables among the plain readers (and `br`): what may
    /// leave the straight line.
    var branches: Bool {
        let raw = rawValue
        if raw >= IROpcode.brIfI32Eq.rawValue && raw <= IROpcode.brIfI64GeUImm.rawValue { return true }
        switch self {
        case .br, .brIfNez, .brIfEqz, .brIfI64Nez, .brIfI64Eqz, .brTable, .returnValue, .return: return true
        default: return false
        }
    }
}
