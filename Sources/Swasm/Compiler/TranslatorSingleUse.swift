/// Results read once, by the next instruction: the native tier keeps such a result in a
/// register instead of storing it to its slot (NativeCompiler's `held` value).
///
/// The translator knows what the IR cannot say: a Wasm operand is popped exactly once, so
/// the value an instruction pushes and the very next instruction pops has no other reader.
/// `pop()` notes when the operand it returns is the result of the instruction just emitted
/// (`producer`, whose result is in its header's slot); the next `emit` records the producer
/// in `singleUseResults` when it is a consumer that reads its operands itself (not a call,
/// a copy or anything running out of line), nothing was emitted, removed or rewritten in
/// between, and the operand was not pushed back (a branch that leaves its operand on the
/// stack, `br_on_null` say, revokes the record).
extension Translator {
    /// Called by `pop()` with the operand just removed, which was at depth `operands.count`.
    @inline(__always)
    mutating func noteConsumption(of operand: Operand) {
        guard operand.kind == .stack, let last = producer, last.depth == operands.count,
              last.start < code.count else {
            return
        }
        consumption = Consumption(producerStart: last.start, producerEnd: code.count, header: code[last.start],
                                  slot: home(operands.count))
    }

    /// Called by `emit` for the instruction about to start at `start` (the code is already
    /// truncated to it when a fusion removed instructions).
    @inline(__always)
    mutating func recordConsumption(by op: IROpcode, at start: Int) {
        while let last = singleUseResults.last, Int(last) >= start { singleUseResults.removeLast() }
        lastRecorded = nil
        guard let taken = consumption else { return }
        consumption = nil
        guard taken.producerEnd == start, taken.producerStart < start, code[taken.producerStart] == taken.header,
              op.readsOperandsDirectly, taken.producerStart <= Int(Int32.max) else {
            return
        }
        singleUseResults.append(Int32(taken.producerStart))
        lastRecorded = (taken.producerStart, taken.slot)
    }

    /// Called by `push` for an operand that is not a new result: a value pushed back into
    /// a slot keeps being read, so a record about that slot made just now is withdrawn.
    @inline(__always)
    mutating func noteRepush(_ operand: Operand, depth: Int) {
        consumption = nil
        if operand.kind == .stack, let recorded = lastRecorded, recorded.slot == home(depth) {
            if let last = singleUseResults.last, Int(last) == recorded.start { singleUseResults.removeLast() }
            lastRecorded = nil
        }
    }
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
}
