import Synchronization

/// The execution loop: one `switch` over IR opcodes with the hot state (pc, frame base,
/// linear memory base and size) in locals. Wasm → Wasm calls push a `CallFrame` and stay in
/// the loop; only host functions and slow paths leave it. A trap leaves through `break loop`
/// and is turned into a `Trap` with a backtrace once, outside the loop.
enum Interpreter {
    typealias N = WasmNumerics

    /// Runs from `function`'s first instruction until the frame record at `entryFrame` (whose
    /// `returnPC` is nil) is popped. Arguments are in `sp[0...]`, results end up there.
    /// Returns nil on a normal return, otherwise the error (a trap with its backtrace, or
    /// whatever a host function threw).
    static func run(
        function: UnsafePointer<UInt64>, sp: UnsafeMutablePointer<UInt64>,
        instance: Unmanaged<InstanceState>, entryFrame: UnsafeMutablePointer<CallFrame>,
        stacks: ExecutionState, store: Store
    ) -> Error? {
        if stacks.checksInterruptsInline {
            // Stands in for the function-entry checkpoint: a pending request stops the call.
            if stacks.interruptRequested {
                stacks.consumeInterrupt()
                return SwasmError.trap(Trap(.interrupted, backtrace: backtrace(function: function, instance: instance, frame: entryFrame)))
            }
            return runCheckingInterrupts(function: function, sp: sp, instance: instance, entryFrame: entryFrame,
                                         stacks: stacks, store: store)
        }
        return runWithoutInterruptChecks(function: function, sp: sp, instance: instance, entryFrame: entryFrame,
                                         stacks: stacks, store: store)
    }

    // Two copies of the loop (see InterruptChecks.swift). Not a generic: closures passed to
    // the operation helpers were left as calls in a generic specialisation. The body is
    // `@_transparent`, inlined before optimisation: with `@inline(__always)` the optimiser
    // left stdlib calls (`bitPattern`, pointer `<=`, `Array.count`) in both copies.
    @inline(never)
    private static func runCheckingInterrupts(
        function: UnsafePointer<UInt64>, sp: UnsafeMutablePointer<UInt64>, instance: Unmanaged<InstanceState>,
        entryFrame: UnsafeMutablePointer<CallFrame>, stacks: ExecutionState, store: Store
    ) -> Error? {
        run(checksInterrupts: true, function: function, sp: sp, instance: instance, entryFrame: entryFrame,
            stacks: stacks, store: store)
    }

    @inline(never)
    private static func runWithoutInterruptChecks(
        function: UnsafePointer<UInt64>, sp: UnsafeMutablePointer<UInt64>, instance: Unmanaged<InstanceState>,
        entryFrame: UnsafeMutablePointer<CallFrame>, stacks: ExecutionState, store: Store
    ) -> Error? {
        run(checksInterrupts: false, function: function, sp: sp, instance: instance, entryFrame: entryFrame,
            stacks: stacks, store: store)
    }

    /// The loop; `checksInterrupts` is a constant in each copy.
    @_transparent
    private static func run(
        checksInterrupts checks: Bool,
        function: UnsafePointer<UInt64>, sp entrySP: UnsafeMutablePointer<UInt64>,
        instance entryInstance: Unmanaged<InstanceState>, entryFrame: UnsafeMutablePointer<CallFrame>,
        stacks: ExecutionState, store: Store
    ) -> Error? {
        var pc = function.codeStart
        var sp = entrySP
        var fn = function
        var fp = entryFrame
        var instance = entryInstance
        // Only the hottest state lives in locals; the rest (the instance context, stack limits,
        // fuel) stays in `stacks`, so that the register allocator keeps pc and sp in registers.
        stacks.context = instance._withUnsafeGuaranteedRef { InstanceContext($0) }
        var memBase = stacks.context.memoryBase
        var memSize = stacks.context.memorySize
        if stacks.meterFuel { stacks.fuel = store.remainingFuel }

        var trap: TrapReason? = nil
        var failure: Error? = nil

        // The loop leaves with `break loop` for a trap, a failure or a return to the host, and
        // also for the instructions run out of line after it (tail calls, throws), which then
        // resume it. Keeping them out of the switch keeps the loop's code (and speed) as it was.
        resume: while true {
        loop: while true {
            let w0 = pc.pointee
            let a = high(w0)
            #if SWASM_PROFILE_OPCODES
            OpcodeProfile.record(UInt16(truncatingIfNeeded: w0))
            #endif
            switch unsafeBitCast(UInt16(truncatingIfNeeded: w0), to: IROpcode.self) {

            // MARK: i32 / i64 comparisons
            case .i32Eqz: sp.set(a, sp.u32(low(pc[1])) == 0); pc += 2
            case .i32Eq: compare32(sp, a, pc[1], N.i32Eq); pc += 2
            case .i32Ne: compare32(sp, a, pc[1], N.i32Ne); pc += 2
            case .i32LtS: compare32(sp, a, pc[1], N.i32LtS); pc += 2
            case .i32LtU: compare32(sp, a, pc[1], N.i32LtU); pc += 2
            case .i32GtS: compare32(sp, a, pc[1], N.i32GtS); pc += 2
            case .i32GtU: compare32(sp, a, pc[1], N.i32GtU); pc += 2
            case .i32LeS: compare32(sp, a, pc[1], N.i32LeS); pc += 2
            case .i32LeU: compare32(sp, a, pc[1], N.i32LeU); pc += 2
            case .i32GeS: compare32(sp, a, pc[1], N.i32GeS); pc += 2
            case .i32GeU: compare32(sp, a, pc[1], N.i32GeU); pc += 2
            case .i64Eqz: sp.set(a, sp.u64(low(pc[1])) == 0); pc += 2
            case .i64Eq: compare64(sp, a, pc[1], N.i64Eq); pc += 2
            case .i64Ne: compare64(sp, a, pc[1], N.i64Ne); pc += 2
            case .i64LtS: compare64(sp, a, pc[1], N.i64LtS); pc += 2
            case .i64LtU: compare64(sp, a, pc[1], N.i64LtU); pc += 2
            case .i64GtS: compare64(sp, a, pc[1], N.i64GtS); pc += 2
            case .i64GtU: compare64(sp, a, pc[1], N.i64GtU); pc += 2
            case .i64LeS: compare64(sp, a, pc[1], N.i64LeS); pc += 2
            case .i64LeU: compare64(sp, a, pc[1], N.i64LeU); pc += 2
            case .i64GeS: compare64(sp, a, pc[1], N.i64GeS); pc += 2
            case .i64GeU: compare64(sp, a, pc[1], N.i64GeU); pc += 2

            // MARK: float comparisons
            case .f32Eq: compareF32(sp, a, pc[1], N.f32Eq); pc += 2
            case .f32Ne: compareF32(sp, a, pc[1], N.f32Ne); pc += 2
            case .f32Lt: compareF32(sp, a, pc[1], N.f32Lt); pc += 2
            case .f32Gt: compareF32(sp, a, pc[1], N.f32Gt); pc += 2
            case .f32Le: compareF32(sp, a, pc[1], N.f32Le); pc += 2
            case .f32Ge: compareF32(sp, a, pc[1], N.f32Ge); pc += 2
            case .f64Eq: compareF64(sp, a, pc[1], N.f64Eq); pc += 2
            case .f64Ne: compareF64(sp, a, pc[1], N.f64Ne); pc += 2
            case .f64Lt: compareF64(sp, a, pc[1], N.f64Lt); pc += 2
            case .f64Gt: compareF64(sp, a, pc[1], N.f64Gt); pc += 2
            case .f64Le: compareF64(sp, a, pc[1], N.f64Le); pc += 2
            case .f64Ge: compareF64(sp, a, pc[1], N.f64Ge); pc += 2

            // MARK: i32 arithmetic
            case .i32Clz: unary32(sp, a, pc[1], N.i32Clz); pc += 2
            case .i32Ctz: unary32(sp, a, pc[1], N.i32Ctz); pc += 2
            case .i32Popcnt: unary32(sp, a, pc[1], N.i32Popcnt); pc += 2
            case .i32Add: binary32(sp, a, pc[1], N.i32Add); pc += 2
            case .i32Sub: binary32(sp, a, pc[1], N.i32Sub); pc += 2
            case .i32Mul: binary32(sp, a, pc[1], N.i32Mul); pc += 2
            case .i32DivS:
                let w = pc[1], y = sp.u32(high(w))
                guard let r = N.i32DivS(sp.u32(low(w)), y) else { trap = N.divisionTrap(divisor: y); break loop }
                sp.set(a, r); pc += 2
            case .i32DivU:
                let w = pc[1], y = sp.u32(high(w))
                guard let r = N.i32DivU(sp.u32(low(w)), y) else { trap = N.divisionTrap(divisor: y); break loop }
                sp.set(a, r); pc += 2
            case .i32RemS:
                let w = pc[1], y = sp.u32(high(w))
                guard let r = N.i32RemS(sp.u32(low(w)), y) else { trap = N.divisionTrap(divisor: y); break loop }
                sp.set(a, r); pc += 2
            case .i32RemU:
                let w = pc[1], y = sp.u32(high(w))
                guard let r = N.i32RemU(sp.u32(low(w)), y) else { trap = N.divisionTrap(divisor: y); break loop }
                sp.set(a, r); pc += 2
            case .i32And: binary32(sp, a, pc[1], N.i32And); pc += 2
            case .i32Or: binary32(sp, a, pc[1], N.i32Or); pc += 2
            case .i32Xor: binary32(sp, a, pc[1], N.i32Xor); pc += 2
            case .i32Shl: binary32(sp, a, pc[1], N.i32Shl); pc += 2
            case .i32ShrS: binary32(sp, a, pc[1], N.i32ShrS); pc += 2
            case .i32ShrU: binary32(sp, a, pc[1], N.i32ShrU); pc += 2
            case .i32Rotl: binary32(sp, a, pc[1], N.i32Rotl); pc += 2
            case .i32Rotr: binary32(sp, a, pc[1], N.i32Rotr); pc += 2

            // MARK: i64 arithmetic
            case .i64Clz: unary64(sp, a, pc[1], N.i64Clz); pc += 2
            case .i64Ctz: unary64(sp, a, pc[1], N.i64Ctz); pc += 2
            case .i64Popcnt: unary64(sp, a, pc[1], N.i64Popcnt); pc += 2
            case .i64Add: binary64(sp, a, pc[1], N.i64Add); pc += 2
            case .i64Sub: binary64(sp, a, pc[1], N.i64Sub); pc += 2
            case .i64Mul: binary64(sp, a, pc[1], N.i64Mul); pc += 2
            case .i64DivS:
                let w = pc[1], y = sp.u64(high(w))
                guard let r = N.i64DivS(sp.u64(low(w)), y) else { trap = N.divisionTrap(divisor: y); break loop }
                sp.set(a, r); pc += 2
            case .i64DivU:
                let w = pc[1], y = sp.u64(high(w))
                guard let r = N.i64DivU(sp.u64(low(w)), y) else { trap = N.divisionTrap(divisor: y); break loop }
                sp.set(a, r); pc += 2
            case .i64RemS:
                let w = pc[1], y = sp.u64(high(w))
                guard let r = N.i64RemS(sp.u64(low(w)), y) else { trap = N.divisionTrap(divisor: y); break loop }
                sp.set(a, r); pc += 2
            case .i64RemU:
                let w = pc[1], y = sp.u64(high(w))
                guard let r = N.i64RemU(sp.u64(low(w)), y) else { trap = N.divisionTrap(divisor: y); break loop }
                sp.set(a, r); pc += 2
            case .i64And: binary64(sp, a, pc[1], N.i64And); pc += 2
            case .i64Or: binary64(sp, a, pc[1], N.i64Or); pc += 2
            case .i64Xor: binary64(sp, a, pc[1], N.i64Xor); pc += 2
            case .i64Shl: binary64(sp, a, pc[1], N.i64Shl); pc += 2
            case .i64ShrS: binary64(sp, a, pc[1], N.i64ShrS); pc += 2
            case .i64ShrU: binary64(sp, a, pc[1], N.i64ShrU); pc += 2
            case .i64Rotl: binary64(sp, a, pc[1], N.i64Rotl); pc += 2
            case .i64Rotr: binary64(sp, a, pc[1], N.i64Rotr); pc += 2

            // MARK: float arithmetic
            case .f32Abs: unaryF32(sp, a, pc[1], N.f32Abs); pc += 2
            case .f32Neg: unaryF32(sp, a, pc[1], N.f32Neg); pc += 2
            case .f32Ceil: unaryF32(sp, a, pc[1], N.f32Ceil); pc += 2
            case .f32Floor: unaryF32(sp, a, pc[1], N.f32Floor); pc += 2
            case .f32Trunc: unaryF32(sp, a, pc[1], N.f32Trunc); pc += 2
            case .f32Nearest: unaryF32(sp, a, pc[1], N.f32Nearest); pc += 2
            case .f32Sqrt: unaryF32(sp, a, pc[1], N.f32Sqrt); pc += 2
            case .f32Add: binaryF32(sp, a, pc[1], N.f32Add); pc += 2
            case .f32Sub: binaryF32(sp, a, pc[1], N.f32Sub); pc += 2
            case .f32Mul: binaryF32(sp, a, pc[1], N.f32Mul); pc += 2
            case .f32Div: binaryF32(sp, a, pc[1], N.f32Div); pc += 2
            case .f32Min: binaryF32(sp, a, pc[1], N.f32Min); pc += 2
            case .f32Max: binaryF32(sp, a, pc[1], N.f32Max); pc += 2
            case .f32Copysign: binaryF32(sp, a, pc[1], N.f32Copysign); pc += 2
            case .f64Abs: unaryF64(sp, a, pc[1], N.f64Abs); pc += 2
            case .f64Neg: unaryF64(sp, a, pc[1], N.f64Neg); pc += 2
            case .f64Ceil: unaryF64(sp, a, pc[1], N.f64Ceil); pc += 2
            case .f64Floor: unaryF64(sp, a, pc[1], N.f64Floor); pc += 2
            case .f64Trunc: unaryF64(sp, a, pc[1], N.f64Trunc); pc += 2
            case .f64Nearest: unaryF64(sp, a, pc[1], N.f64Nearest); pc += 2
            case .f64Sqrt: unaryF64(sp, a, pc[1], N.f64Sqrt); pc += 2
            case .f64Add: binaryF64(sp, a, pc[1], N.f64Add); pc += 2
            case .f64Sub: binaryF64(sp, a, pc[1], N.f64Sub); pc += 2
            case .f64Mul: binaryF64(sp, a, pc[1], N.f64Mul); pc += 2
            case .f64Div: binaryF64(sp, a, pc[1], N.f64Div); pc += 2
            case .f64Min: binaryF64(sp, a, pc[1], N.f64Min); pc += 2
            case .f64Max: binaryF64(sp, a, pc[1], N.f64Max); pc += 2
            case .f64Copysign: binaryF64(sp, a, pc[1], N.f64Copysign); pc += 2

            // MARK: conversions
            case .i32WrapI64: sp.set(a, N.i32WrapI64(sp.u64(low(pc[1])))); pc += 2
            case .i32TruncF32S:
                let x = sp.f32(low(pc[1]))
                guard let r = N.i32TruncF32S(x) else { trap = N.truncationTrap(x); break loop }
                sp.set(a, r); pc += 2
            case .i32TruncF32U:
                let x = sp.f32(low(pc[1]))
                guard let r = N.i32TruncF32U(x) else { trap = N.truncationTrap(x); break loop }
                sp.set(a, r); pc += 2
            case .i32TruncF64S:
                let x = sp.f64(low(pc[1]))
                guard let r = N.i32TruncF64S(x) else { trap = N.truncationTrap(x); break loop }
                sp.set(a, r); pc += 2
            case .i32TruncF64U:
                let x = sp.f64(low(pc[1]))
                guard let r = N.i32TruncF64U(x) else { trap = N.truncationTrap(x); break loop }
                sp.set(a, r); pc += 2
            case .i64ExtendI32S: sp.set(a, N.i64ExtendI32S(sp.u32(low(pc[1])))); pc += 2
            case .i64ExtendI32U: sp.set(a, N.i64ExtendI32U(sp.u32(low(pc[1])))); pc += 2
            case .i64TruncF32S:
                let x = sp.f32(low(pc[1]))
                guard let r = N.i64TruncF32S(x) else { trap = N.truncationTrap(x); break loop }
                sp.set(a, r); pc += 2
            case .i64TruncF32U:
                let x = sp.f32(low(pc[1]))
                guard let r = N.i64TruncF32U(x) else { trap = N.truncationTrap(x); break loop }
                sp.set(a, r); pc += 2
            case .i64TruncF64S:
                let x = sp.f64(low(pc[1]))
                guard let r = N.i64TruncF64S(x) else { trap = N.truncationTrap(x); break loop }
                sp.set(a, r); pc += 2
            case .i64TruncF64U:
                let x = sp.f64(low(pc[1]))
                guard let r = N.i64TruncF64U(x) else { trap = N.truncationTrap(x); break loop }
                sp.set(a, r); pc += 2
            case .f32ConvertI32S: sp.set(a, N.f32ConvertI32S(sp.u32(low(pc[1])))); pc += 2
            case .f32ConvertI32U: sp.set(a, N.f32ConvertI32U(sp.u32(low(pc[1])))); pc += 2
            case .f32ConvertI64S: sp.set(a, N.f32ConvertI64S(sp.u64(low(pc[1])))); pc += 2
            case .f32ConvertI64U: sp.set(a, N.f32ConvertI64U(sp.u64(low(pc[1])))); pc += 2
            case .f32DemoteF64: sp.set(a, N.f32DemoteF64(sp.f64(low(pc[1])))); pc += 2
            case .f64ConvertI32S: sp.set(a, N.f64ConvertI32S(sp.u32(low(pc[1])))); pc += 2
            case .f64ConvertI32U: sp.set(a, N.f64ConvertI32U(sp.u32(low(pc[1])))); pc += 2
            case .f64ConvertI64S: sp.set(a, N.f64ConvertI64S(sp.u64(low(pc[1])))); pc += 2
            case .f64ConvertI64U: sp.set(a, N.f64ConvertI64U(sp.u64(low(pc[1])))); pc += 2
            case .f64PromoteF32: sp.set(a, N.f64PromoteF32(sp.f32(low(pc[1])))); pc += 2
            case .i32ReinterpretF32, .f32ReinterpretI32:
                sp.set(a, sp.u32(low(pc[1]))); pc += 2
            case .i64ReinterpretF64, .f64ReinterpretI64:
                sp.set(a, sp.u64(low(pc[1]))); pc += 2
            case .i32Extend8S: unary32(sp, a, pc[1], N.i32Extend8S); pc += 2
            case .i32Extend16S: unary32(sp, a, pc[1], N.i32Extend16S); pc += 2
            case .i64Extend8S: unary64(sp, a, pc[1], N.i64Extend8S); pc += 2
            case .i64Extend16S: unary64(sp, a, pc[1], N.i64Extend16S); pc += 2
            case .i64Extend32S: unary64(sp, a, pc[1], N.i64Extend32S); pc += 2
            case .i32TruncSatF32S: sp.set(a, N.i32TruncSatF32S(sp.f32(low(pc[1])))); pc += 2
            case .i32TruncSatF32U: sp.set(a, N.i32TruncSatF32U(sp.f32(low(pc[1])))); pc += 2
            case .i32TruncSatF64S: sp.set(a, N.i32TruncSatF64S(sp.f64(low(pc[1])))); pc += 2
            case .i32TruncSatF64U: sp.set(a, N.i32TruncSatF64U(sp.f64(low(pc[1])))); pc += 2
            case .i64TruncSatF32S: sp.set(a, N.i64TruncSatF32S(sp.f32(low(pc[1])))); pc += 2
            case .i64TruncSatF32U: sp.set(a, N.i64TruncSatF32U(sp.f32(low(pc[1])))); pc += 2
            case .i64TruncSatF64S: sp.set(a, N.i64TruncSatF64S(sp.f64(low(pc[1])))); pc += 2
            case .i64TruncSatF64U: sp.set(a, N.i64TruncSatF64U(sp.f64(low(pc[1])))); pc += 2

            // MARK: immediate forms
            case .i32EqImm: compare32Imm(sp, a, pc[1], N.i32Eq); pc += 2
            case .i32NeImm: compare32Imm(sp, a, pc[1], N.i32Ne); pc += 2
            case .i32LtSImm: compare32Imm(sp, a, pc[1], N.i32LtS); pc += 2
            case .i32LtUImm: compare32Imm(sp, a, pc[1], N.i32LtU); pc += 2
            case .i32GtSImm: compare32Imm(sp, a, pc[1], N.i32GtS); pc += 2
            case .i32GtUImm: compare32Imm(sp, a, pc[1], N.i32GtU); pc += 2
            case .i32LeSImm: compare32Imm(sp, a, pc[1], N.i32LeS); pc += 2
            case .i32LeUImm: compare32Imm(sp, a, pc[1], N.i32LeU); pc += 2
            case .i32GeSImm: compare32Imm(sp, a, pc[1], N.i32GeS); pc += 2
            case .i32GeUImm: compare32Imm(sp, a, pc[1], N.i32GeU); pc += 2
            case .i64EqImm: compare64Imm(sp, a, pc[1], N.i64Eq); pc += 2
            case .i64NeImm: compare64Imm(sp, a, pc[1], N.i64Ne); pc += 2
            case .i64LtSImm: compare64Imm(sp, a, pc[1], N.i64LtS); pc += 2
            case .i64LtUImm: compare64Imm(sp, a, pc[1], N.i64LtU); pc += 2
            case .i64GtSImm: compare64Imm(sp, a, pc[1], N.i64GtS); pc += 2
            case .i64GtUImm: compare64Imm(sp, a, pc[1], N.i64GtU); pc += 2
            case .i64LeSImm: compare64Imm(sp, a, pc[1], N.i64LeS); pc += 2
            case .i64LeUImm: compare64Imm(sp, a, pc[1], N.i64LeU); pc += 2
            case .i64GeSImm: compare64Imm(sp, a, pc[1], N.i64GeS); pc += 2
            case .i64GeUImm: compare64Imm(sp, a, pc[1], N.i64GeU); pc += 2
            case .i32AddImm: binary32Imm(sp, a, pc[1], N.i32Add); pc += 2
            case .i32SubImm: binary32Imm(sp, a, pc[1], N.i32Sub); pc += 2
            case .i32MulImm: binary32Imm(sp, a, pc[1], N.i32Mul); pc += 2
            case .i32DivSImm:
                let w = pc[1], y = highU32(w)
                guard let r = N.i32DivS(sp.u32(low(w)), y) else { trap = N.divisionTrap(divisor: y); break loop }
                sp.set(a, r); pc += 2
            case .i32DivUImm:
                let w = pc[1], y = highU32(w)
                guard let r = N.i32DivU(sp.u32(low(w)), y) else { trap = N.divisionTrap(divisor: y); break loop }
                sp.set(a, r); pc += 2
            case .i32RemSImm:
                let w = pc[1], y = highU32(w)
                guard let r = N.i32RemS(sp.u32(low(w)), y) else { trap = N.divisionTrap(divisor: y); break loop }
                sp.set(a, r); pc += 2
            case .i32RemUImm:
                let w = pc[1], y = highU32(w)
                guard let r = N.i32RemU(sp.u32(low(w)), y) else { trap = N.divisionTrap(divisor: y); break loop }
                sp.set(a, r); pc += 2
            case .i32AndImm: binary32Imm(sp, a, pc[1], N.i32And); pc += 2
            case .i32OrImm: binary32Imm(sp, a, pc[1], N.i32Or); pc += 2
            case .i32XorImm: binary32Imm(sp, a, pc[1], N.i32Xor); pc += 2
            case .i32ShlImm: binary32Imm(sp, a, pc[1], N.i32Shl); pc += 2
            case .i32ShrSImm: binary32Imm(sp, a, pc[1], N.i32ShrS); pc += 2
            case .i32ShrUImm: binary32Imm(sp, a, pc[1], N.i32ShrU); pc += 2
            case .i32RotlImm: binary32Imm(sp, a, pc[1], N.i32Rotl); pc += 2
            case .i32RotrImm: binary32Imm(sp, a, pc[1], N.i32Rotr); pc += 2
            case .i64AddImm: binary64Imm(sp, a, pc[1], N.i64Add); pc += 2
            case .i64SubImm: binary64Imm(sp, a, pc[1], N.i64Sub); pc += 2
            case .i64MulImm: binary64Imm(sp, a, pc[1], N.i64Mul); pc += 2
            case .i64DivSImm:
                let w = pc[1], y = highI64(w)
                guard let r = N.i64DivS(sp.u64(low(w)), y) else { trap = N.divisionTrap(divisor: y); break loop }
                sp.set(a, r); pc += 2
            case .i64DivUImm:
                let w = pc[1], y = highI64(w)
                guard let r = N.i64DivU(sp.u64(low(w)), y) else { trap = N.divisionTrap(divisor: y); break loop }
                sp.set(a, r); pc += 2
            case .i64RemSImm:
                let w = pc[1], y = highI64(w)
                guard let r = N.i64RemS(sp.u64(low(w)), y) else { trap = N.divisionTrap(divisor: y); break loop }
                sp.set(a, r); pc += 2
            case .i64RemUImm:
                let w = pc[1], y = highI64(w)
                guard let r = N.i64RemU(sp.u64(low(w)), y) else { trap = N.divisionTrap(divisor: y); break loop }
                sp.set(a, r); pc += 2
            case .i64AndImm: binary64Imm(sp, a, pc[1], N.i64And); pc += 2
            case .i64OrImm: binary64Imm(sp, a, pc[1], N.i64Or); pc += 2
            case .i64XorImm: binary64Imm(sp, a, pc[1], N.i64Xor); pc += 2
            case .i64ShlImm: binary64Imm(sp, a, pc[1], N.i64Shl); pc += 2
            case .i64ShrSImm: binary64Imm(sp, a, pc[1], N.i64ShrS); pc += 2
            case .i64ShrUImm: binary64Imm(sp, a, pc[1], N.i64ShrU); pc += 2
            case .i64RotlImm: binary64Imm(sp, a, pc[1], N.i64Rotl); pc += 2
            case .i64RotrImm: binary64Imm(sp, a, pc[1], N.i64Rotr); pc += 2

            // MARK: fused compare and branch
            case .brIfI32Eq: let w = pc[1]; if branch(&pc, N.i32Eq(sp.u32(a), sp.u32(low(w))), w, checks, stacks) { trap = .interrupted; break loop }
            case .brIfI32Ne: let w = pc[1]; if branch(&pc, N.i32Ne(sp.u32(a), sp.u32(low(w))), w, checks, stacks) { trap = .interrupted; break loop }
            case .brIfI32LtS: let w = pc[1]; if branch(&pc, N.i32LtS(sp.u32(a), sp.u32(low(w))), w, checks, stacks) { trap = .interrupted; break loop }
            case .brIfI32LtU: let w = pc[1]; if branch(&pc, N.i32LtU(sp.u32(a), sp.u32(low(w))), w, checks, stacks) { trap = .interrupted; break loop }
            case .brIfI32GtS: let w = pc[1]; if branch(&pc, N.i32GtS(sp.u32(a), sp.u32(low(w))), w, checks, stacks) { trap = .interrupted; break loop }
            case .brIfI32GtU: let w = pc[1]; if branch(&pc, N.i32GtU(sp.u32(a), sp.u32(low(w))), w, checks, stacks) { trap = .interrupted; break loop }
            case .brIfI32LeS: let w = pc[1]; if branch(&pc, N.i32LeS(sp.u32(a), sp.u32(low(w))), w, checks, stacks) { trap = .interrupted; break loop }
            case .brIfI32LeU: let w = pc[1]; if branch(&pc, N.i32LeU(sp.u32(a), sp.u32(low(w))), w, checks, stacks) { trap = .interrupted; break loop }
            case .brIfI32GeS: let w = pc[1]; if branch(&pc, N.i32GeS(sp.u32(a), sp.u32(low(w))), w, checks, stacks) { trap = .interrupted; break loop }
            case .brIfI32GeU: let w = pc[1]; if branch(&pc, N.i32GeU(sp.u32(a), sp.u32(low(w))), w, checks, stacks) { trap = .interrupted; break loop }
            case .brIfI64Eq: let w = pc[1]; if branch(&pc, N.i64Eq(sp.u64(a), sp.u64(low(w))), w, checks, stacks) { trap = .interrupted; break loop }
            case .brIfI64Ne: let w = pc[1]; if branch(&pc, N.i64Ne(sp.u64(a), sp.u64(low(w))), w, checks, stacks) { trap = .interrupted; break loop }
            case .brIfI64LtS: let w = pc[1]; if branch(&pc, N.i64LtS(sp.u64(a), sp.u64(low(w))), w, checks, stacks) { trap = .interrupted; break loop }
            case .brIfI64LtU: let w = pc[1]; if branch(&pc, N.i64LtU(sp.u64(a), sp.u64(low(w))), w, checks, stacks) { trap = .interrupted; break loop }
            case .brIfI64GtS: let w = pc[1]; if branch(&pc, N.i64GtS(sp.u64(a), sp.u64(low(w))), w, checks, stacks) { trap = .interrupted; break loop }
            case .brIfI64GtU: let w = pc[1]; if branch(&pc, N.i64GtU(sp.u64(a), sp.u64(low(w))), w, checks, stacks) { trap = .interrupted; break loop }
            case .brIfI64LeS: let w = pc[1]; if branch(&pc, N.i64LeS(sp.u64(a), sp.u64(low(w))), w, checks, stacks) { trap = .interrupted; break loop }
            case .brIfI64LeU: let w = pc[1]; if branch(&pc, N.i64LeU(sp.u64(a), sp.u64(low(w))), w, checks, stacks) { trap = .interrupted; break loop }
            case .brIfI64GeS: let w = pc[1]; if branch(&pc, N.i64GeS(sp.u64(a), sp.u64(low(w))), w, checks, stacks) { trap = .interrupted; break loop }
            case .brIfI64GeU: let w = pc[1]; if branch(&pc, N.i64GeU(sp.u64(a), sp.u64(low(w))), w, checks, stacks) { trap = .interrupted; break loop }
            case .brIfI32EqImm: let w = pc[1]; if branch(&pc, N.i32Eq(sp.u32(a), UInt32(truncatingIfNeeded: w)), w, checks, stacks) { trap = .interrupted; break loop }
            case .brIfI32NeImm: let w = pc[1]; if branch(&pc, N.i32Ne(sp.u32(a), UInt32(truncatingIfNeeded: w)), w, checks, stacks) { trap = .interrupted; break loop }
            case .brIfI32LtSImm: let w = pc[1]; if branch(&pc, N.i32LtS(sp.u32(a), UInt32(truncatingIfNeeded: w)), w, checks, stacks) { trap = .interrupted; break loop }
            case .brIfI32LtUImm: let w = pc[1]; if branch(&pc, N.i32LtU(sp.u32(a), UInt32(truncatingIfNeeded: w)), w, checks, stacks) { trap = .interrupted; break loop }
            case .brIfI32GtSImm: let w = pc[1]; if branch(&pc, N.i32GtS(sp.u32(a), UInt32(truncatingIfNeeded: w)), w, checks, stacks) { trap = .interrupted; break loop }
            case .brIfI32GtUImm: let w = pc[1]; if branch(&pc, N.i32GtU(sp.u32(a), UInt32(truncatingIfNeeded: w)), w, checks, stacks) { trap = .interrupted; break loop }
            case .brIfI32LeSImm: let w = pc[1]; if branch(&pc, N.i32LeS(sp.u32(a), UInt32(truncatingIfNeeded: w)), w, checks, stacks) { trap = .interrupted; break loop }
            case .brIfI32LeUImm: let w = pc[1]; if branch(&pc, N.i32LeU(sp.u32(a), UInt32(truncatingIfNeeded: w)), w, checks, stacks) { trap = .interrupted; break loop }
            case .brIfI32GeSImm: let w = pc[1]; if branch(&pc, N.i32GeS(sp.u32(a), UInt32(truncatingIfNeeded: w)), w, checks, stacks) { trap = .interrupted; break loop }
            case .brIfI32GeUImm: let w = pc[1]; if branch(&pc, N.i32GeU(sp.u32(a), UInt32(truncatingIfNeeded: w)), w, checks, stacks) { trap = .interrupted; break loop }
            case .brIfI64EqImm: let w = pc[1]; if branch(&pc, N.i64Eq(sp.u64(a), lowI64(w)), w, checks, stacks) { trap = .interrupted; break loop }
            case .brIfI64NeImm: let w = pc[1]; if branch(&pc, N.i64Ne(sp.u64(a), lowI64(w)), w, checks, stacks) { trap = .interrupted; break loop }
            case .brIfI64LtSImm: let w = pc[1]; if branch(&pc, N.i64LtS(sp.u64(a), lowI64(w)), w, checks, stacks) { trap = .interrupted; break loop }
            case .brIfI64LtUImm: let w = pc[1]; if branch(&pc, N.i64LtU(sp.u64(a), lowI64(w)), w, checks, stacks) { trap = .interrupted; break loop }
            case .brIfI64GtSImm: let w = pc[1]; if branch(&pc, N.i64GtS(sp.u64(a), lowI64(w)), w, checks, stacks) { trap = .interrupted; break loop }
            case .brIfI64GtUImm: let w = pc[1]; if branch(&pc, N.i64GtU(sp.u64(a), lowI64(w)), w, checks, stacks) { trap = .interrupted; break loop }
            case .brIfI64LeSImm: let w = pc[1]; if branch(&pc, N.i64LeS(sp.u64(a), lowI64(w)), w, checks, stacks) { trap = .interrupted; break loop }
            case .brIfI64LeUImm: let w = pc[1]; if branch(&pc, N.i64LeU(sp.u64(a), lowI64(w)), w, checks, stacks) { trap = .interrupted; break loop }
            case .brIfI64GeSImm: let w = pc[1]; if branch(&pc, N.i64GeS(sp.u64(a), lowI64(w)), w, checks, stacks) { trap = .interrupted; break loop }
            case .brIfI64GeUImm: let w = pc[1]; if branch(&pc, N.i64GeU(sp.u64(a), lowI64(w)), w, checks, stacks) { trap = .interrupted; break loop }

            // MARK: control
            case .unreachable:
                trap = .unreachable; break loop
            case .returnCall, .returnCallImport, .returnCallIndirect, .throw, .throwRef, .native, .loopEntry:
                // A tail call is a call too: tail recursion has no back-edge to check. Throws
                // share the case (one case fewer keeps the loop's code as it was).
                if checks && stacks.interruptRequested { trap = .interrupted; break loop }
                break loop  // run out of line, after the loop
            case .simd:
                // Out of line, with the SIMD instructions that follow (InterpreterSIMD.swift).
                guard let next = executeSIMD(sp, pc, memBase, memSize, instance) else {
                    trap = .outOfBoundsMemoryAccess; break loop
                }
                pc = next
            case .br:
                if jump(&pc, highSigned(w0), checks, stacks) { trap = .interrupted; break loop }
            case .brIfNez:
                if jump(&pc, sp.u32(a) != 0 ? lowSigned(pc[1]) : 2, checks, stacks) { trap = .interrupted; break loop }
            case .brIfEqz:
                if jump(&pc, sp.u32(a) == 0 ? lowSigned(pc[1]) : 2, checks, stacks) { trap = .interrupted; break loop }
            case .brIfI64Nez:
                if jump(&pc, sp.u64(a) != 0 ? lowSigned(pc[1]) : 2, checks, stacks) { trap = .interrupted; break loop }
            case .brIfI64Eqz:
                if jump(&pc, sp.u64(a) == 0 ? lowSigned(pc[1]) : 2, checks, stacks) { trap = .interrupted; break loop }
            case .brTable:
                let count = UInt32(truncatingIfNeeded: pc[1])
                let index = Swift.min(sp.u32(a), count)
                if jump(&pc, lowSigned(pc[2 + Int(index)]), checks, stacks) { trap = .interrupted; break loop }
            case .checkpoint:
                // Unmetered, `fuel` holds more than any run can spend (see ExecutionState).
                let cost = UInt64(a)
                guard stacks.fuel >= cost else { trap = .fuelExhausted; break loop }
                stacks.fuel &-= cost
                if let interrupt = stacks.interrupt,
                   interrupt._withUnsafeGuaranteedRef({ $0.requested.load(ordering: .relaxed) }) {
                    // The trap consumes the request.
                    interrupt._withUnsafeGuaranteedRef { $0.withdraw() }
                    trap = .interrupted; break loop
                }
                pc += 1
            case .returnValue:
                sp[0] = sp[a]
                fallthrough
            case .return:
                let frame = fp.pointee
                guard let returnPC = frame.returnPC else { break loop }
                fp -= 1
                pc = returnPC
                sp = frame.sp
                fn = frame.function
                if frame.instance.toOpaque() != instance.toOpaque() {
                    instance = frame.instance
                    stacks.context = InstanceContext(instance.takeUnretainedValue())
                    memBase = stacks.context.memoryBase
                    memSize = stacks.context.memorySize
                }
            case .call:
                if checks && stacks.interruptRequested { trap = .interrupted; break loop }
                let w = pc[1]
                var callee = stacks.context.code.acquire(low(w))
                if callee == nil {
                    switch compile(instance, definedIndex: low(w)) {
                    case .success(let compiled): callee = compiled
                    case .failure(let error): failure = error; break loop
                    }
                }
                guard let target = callee else { break loop }
                let newSP = sp + a
                guard fp + 1 < stacks.framesEnd, newSP + target.frameSlots <= stacks.slotsEnd else {
                    trap = .callStackExhausted; break loop
                }
                fp += 1
                fp.pointee = CallFrame(returnPC: pc + 2, sp: sp, function: fn, instance: instance)
                zeroLocals(newSP, target)
                sp = newSP
                fn = target
                pc = target.codeStart
            case .callImport, .callIndirect:
                // Calls through the instance's imports or a table: find the callee's store
                // address, then enter it like `call` (switching instance) or call the host.
                if checks && stacks.interruptRequested { trap = .interrupted; break loop }
                let address: Int
                let returnPC: UnsafePointer<UInt64>
                let indirect = unsafeBitCast(UInt16(truncatingIfNeeded: w0), to: IROpcode.self) == .callIndirect
                if !indirect {
                    let index = low(pc[1])
                    address = instance._withUnsafeGuaranteedRef { $0.functions[index].address.rawValue }
                    returnPC = pc + 2
                } else {
                    let w = pc[1]
                    let index = Int(sp.u32(low(pc[2])))
                    let reference: UInt64
                    if high(w) == 0, let table = stacks.context.table0 {
                        guard let element = table._withUnsafeGuaranteedRef({ t in
                            index < t.elements.count ? t.elements[index] : nil
                        }) else { trap = .undefinedElement; break loop }
                        reference = element
                    } else {
                        switch tableGet(instance.takeUnretainedValue(), table: high(w), index: UInt32(index)) {
                        case .success(let element): reference = element
                        case .failure: trap = .undefinedElement; break loop
                        }
                    }
                    guard reference != RefEncoding.null else { trap = .uninitializedElement; break loop }
                    address = Int(truncatingIfNeeded: reference &- 1)
                    returnPC = pc + 3
                }
                var resolved = stacks.resolvedFunction(address)
                if resolved.typeID < 0 {
                    if let error = stacks.resolve(address: address, store: store) { failure = error; break loop }
                    resolved = stacks.resolvedFunction(address)
                }
                if indirect && resolved.typeID != stacks.context.typeIDs[low(pc[1])] {
                    trap = .indirectCallTypeMismatch; break loop
                }
                let newSP = sp + a
                if let target = resolved.code, let calleeInstance = resolved.instance {
                    guard fp + 1 < stacks.framesEnd, newSP + target.frameSlots <= stacks.slotsEnd else {
                        trap = .callStackExhausted; break loop
                    }
                    fp += 1
                    fp.pointee = CallFrame(returnPC: returnPC, sp: sp, function: fn, instance: instance)
                    zeroLocals(newSP, target)
                    sp = newSP
                    fn = target
                    pc = target.codeStart
                    if calleeInstance.toOpaque() != instance.toOpaque() {
                        instance = calleeInstance
                        stacks.context = InstanceContext(calleeInstance.takeUnretainedValue())
                        memBase = stacks.context.memoryBase
                        memSize = stacks.context.memorySize
                    }
                } else {
                    stacks.slotTop = sp + fn.frameSlots
                    stacks.frameTop = fp + 1
                    if stacks.meterFuel { store.remainingFuel = stacks.fuel }
                    let error = callHostFunction(resolved, address: address, slots: newSP, caller: instance, store: store)
                    if stacks.meterFuel { stacks.fuel = store.remainingFuel }
                    if let error { failure = error; break loop }
                    // The host may have grown memory through the embedding API.
                    stacks.context.reloadMemory()
                    memBase = stacks.context.memoryBase
                    memSize = stacks.context.memorySize
                    pc = returnPC
                }

            // MARK: data movement
            case .copy:
                sp[a] = sp[low(pc[1])]; pc += 2
            case .const:
                sp[a] = pc[1]; pc += 2
            case .select:
                let w = pc[1]
                sp[a] = sp.u32(low(pc[2])) != 0 ? sp[low(w)] : sp[high(w)]
                pc += 3
            case .select64:
                let w = pc[1]
                sp[a] = sp.u64(low(pc[2])) != 0 ? sp[low(w)] : sp[high(w)]
                pc += 3
            case .globalGet:
                let index = low(pc[1])
                sp[a] = instance._withUnsafeGuaranteedRef { $0.globals[index].value }
                pc += 2
            case .globalSet:
                let value = sp[a]
                let index = low(pc[1])
                instance._withUnsafeGuaranteedRef { $0.globals[index].value = value }
                pc += 2

            // MARK: memory
            case .i32Load, .f32Load:
                let w = pc[1]
                guard let ea = effectiveAddress(sp.u32(low(w)), highU32(w), 4, memSize) else { trap = .outOfBoundsMemoryAccess; break loop }
                sp.set(a, memBase.load(at: ea, as: UInt32.self)); pc += 2
            case .i64Load, .f64Load:
                let w = pc[1]
                guard let ea = effectiveAddress(sp.u32(low(w)), highU32(w), 8, memSize) else { trap = .outOfBoundsMemoryAccess; break loop }
                sp.set(a, memBase.load(at: ea, as: UInt64.self)); pc += 2
            case .i32Load8S:
                let w = pc[1]
                guard let ea = effectiveAddress(sp.u32(low(w)), highU32(w), 1, memSize) else { trap = .outOfBoundsMemoryAccess; break loop }
                sp.set(a, UInt32(bitPattern: Int32(memBase.load(at: ea, as: Int8.self)))); pc += 2
            case .i32Load8U:
                let w = pc[1]
                guard let ea = effectiveAddress(sp.u32(low(w)), highU32(w), 1, memSize) else { trap = .outOfBoundsMemoryAccess; break loop }
                sp.set(a, UInt32(memBase.load(at: ea, as: UInt8.self))); pc += 2
            case .i32Load16S:
                let w = pc[1]
                guard let ea = effectiveAddress(sp.u32(low(w)), highU32(w), 2, memSize) else { trap = .outOfBoundsMemoryAccess; break loop }
                sp.set(a, UInt32(bitPattern: Int32(memBase.load(at: ea, as: Int16.self)))); pc += 2
            case .i32Load16U:
                let w = pc[1]
                guard let ea = effectiveAddress(sp.u32(low(w)), highU32(w), 2, memSize) else { trap = .outOfBoundsMemoryAccess; break loop }
                sp.set(a, UInt32(memBase.load(at: ea, as: UInt16.self))); pc += 2
            case .i64Load8S:
                let w = pc[1]
                guard let ea = effectiveAddress(sp.u32(low(w)), highU32(w), 1, memSize) else { trap = .outOfBoundsMemoryAccess; break loop }
                sp.set(a, UInt64(bitPattern: Int64(memBase.load(at: ea, as: Int8.self)))); pc += 2
            case .i64Load8U:
                let w = pc[1]
                guard let ea = effectiveAddress(sp.u32(low(w)), highU32(w), 1, memSize) else { trap = .outOfBoundsMemoryAccess; break loop }
                sp.set(a, UInt64(memBase.load(at: ea, as: UInt8.self))); pc += 2
            case .i64Load16S:
                let w = pc[1]
                guard let ea = effectiveAddress(sp.u32(low(w)), highU32(w), 2, memSize) else { trap = .outOfBoundsMemoryAccess; break loop }
                sp.set(a, UInt64(bitPattern: Int64(memBase.load(at: ea, as: Int16.self)))); pc += 2
            case .i64Load16U:
                let w = pc[1]
                guard let ea = effectiveAddress(sp.u32(low(w)), highU32(w), 2, memSize) else { trap = .outOfBoundsMemoryAccess; break loop }
                sp.set(a, UInt64(memBase.load(at: ea, as: UInt16.self))); pc += 2
            case .i64Load32S:
                let w = pc[1]
                guard let ea = effectiveAddress(sp.u32(low(w)), highU32(w), 4, memSize) else { trap = .outOfBoundsMemoryAccess; break loop }
                sp.set(a, UInt64(bitPattern: Int64(memBase.load(at: ea, as: Int32.self)))); pc += 2
            case .i64Load32U:
                let w = pc[1]
                guard let ea = effectiveAddress(sp.u32(low(w)), highU32(w), 4, memSize) else { trap = .outOfBoundsMemoryAccess; break loop }
                sp.set(a, UInt64(memBase.load(at: ea, as: UInt32.self))); pc += 2
            case .i32Store, .f32Store, .i64Store32:
                let w = pc[1]
                guard let ea = effectiveAddress(sp.u32(a), highU32(w), 4, memSize) else { trap = .outOfBoundsMemoryAccess; break loop }
                memBase.store(sp.u32(low(w)), at: ea); pc += 2
            case .i64Store, .f64Store:
                let w = pc[1]
                guard let ea = effectiveAddress(sp.u32(a), highU32(w), 8, memSize) else { trap = .outOfBoundsMemoryAccess; break loop }
                memBase.store(sp.u64(low(w)), at: ea); pc += 2
            case .i32Store8, .i64Store8:
                let w = pc[1]
                guard let ea = effectiveAddress(sp.u32(a), highU32(w), 1, memSize) else { trap = .outOfBoundsMemoryAccess; break loop }
                memBase.store(UInt8(truncatingIfNeeded: sp[low(w)]), at: ea); pc += 2
            case .i32Store16, .i64Store16:
                let w = pc[1]
                guard let ea = effectiveAddress(sp.u32(a), highU32(w), 2, memSize) else { trap = .outOfBoundsMemoryAccess; break loop }
                memBase.store(UInt16(truncatingIfNeeded: sp[low(w)]), at: ea); pc += 2
            case .memorySize:
                let index = low(pc[1])
                let memory = instance._withUnsafeGuaranteedRef { $0.memories[index] }
                sp.set(a, UInt32(truncatingIfNeeded: memory.byteCount / wasmPageSize)); pc += 2
            case .memoryGrow:
                let w = pc[1]
                let memory = instance._withUnsafeGuaranteedRef { $0.memories[high(w)] }
                let old = memory.grow(byPages: UInt64(sp.u32(low(w))))
                sp.set(a, UInt32(truncatingIfNeeded: old))
                stacks.context = InstanceContext(instance.takeUnretainedValue())
                memBase = stacks.context.memoryBase
                memSize = stacks.context.memorySize
                pc += 2
            case .memoryFill:
                let w = pc[1]
                let d = UInt64(sp.u32(a)), n = UInt64(sp.u32(high(w)))
                if low(pc[2]) == 0 {
                    guard d &+ n <= memSize else { trap = .outOfBoundsMemoryAccess; break loop }
                    (memBase + Int(d)).initializeMemory(as: UInt8.self, repeating: UInt8(truncatingIfNeeded: sp[low(w)]), count: Int(n))
                } else if let reason = memoryFill(instance.takeUnretainedValue(), memory: low(pc[2]), d, UInt8(truncatingIfNeeded: sp[low(w)]), n) {
                    trap = reason; break loop
                }
                pc += 3
            case .memoryCopy:
                let w = pc[1]
                let d = UInt64(sp.u32(a)), s = UInt64(sp.u32(low(w))), n = UInt64(sp.u32(high(w)))
                if pc[2] == 0 {
                    guard d &+ n <= memSize, s &+ n <= memSize else { trap = .outOfBoundsMemoryAccess; break loop }
                    (memBase + Int(d)).copyMemory(from: memBase + Int(s), byteCount: Int(n))
                } else if let reason = memoryCopy(instance.takeUnretainedValue(), pc[2], d, s, n) {
                    trap = reason; break loop
                }
                pc += 3
            case .memoryInit:
                let w = pc[1], w2 = pc[2]
                if let reason = memoryInit(instance.takeUnretainedValue(), data: low(w2), memory: high(w2),
                                           UInt64(sp.u32(a)), UInt64(sp.u32(low(w))), UInt64(sp.u32(high(w)))) {
                    trap = reason; break loop
                }
                pc += 3
            case .dataDrop:
                dataDrop(instance.takeUnretainedValue(), a)
                pc += 1

            // MARK: tables and references
            case .tableGet:
                let w = pc[1]
                switch tableGet(instance.takeUnretainedValue(), table: high(w), index: sp.u32(low(w))) {
                case .success(let value): sp[a] = value
                case .failure(let reason): trap = reason; break loop
                }
                pc += 2
            case .tableSet:
                let w = pc[1]
                if let reason = tableSet(instance.takeUnretainedValue(), table: high(w), index: sp.u32(a), value: sp[low(w)]) {
                    trap = reason; break loop
                }
                pc += 2
            case .tableSize:
                let index = low(pc[1])
                let count = instance._withUnsafeGuaranteedRef { $0.tables[index].elements.count }
                sp.set(a, UInt32(truncatingIfNeeded: count)); pc += 2
            case .tableGrow:
                let w = pc[1]
                let index = low(pc[2])
                let table = instance._withUnsafeGuaranteedRef { $0.tables[index] }
                sp.set(a, UInt32(truncatingIfNeeded: table.grow(by: UInt64(sp.u32(high(w))), fill: sp[low(w)])))
                pc += 3
            case .tableFill:
                let w = pc[1]
                if let reason = tableFill(instance.takeUnretainedValue(), table: low(pc[2]), start: sp.u32(a), value: sp[low(w)], count: sp.u32(high(w))) {
                    trap = reason; break loop
                }
                pc += 3
            case .tableCopy:
                let w = pc[1], w2 = pc[2]
                if let reason = tableCopy(instance.takeUnretainedValue(), destination: low(w2), source: high(w2),
                                          sp.u32(a), sp.u32(low(w)), sp.u32(high(w))) {
                    trap = reason; break loop
                }
                pc += 3
            case .tableInit:
                let w = pc[1], w2 = pc[2]
                if let reason = tableInit(instance.takeUnretainedValue(), element: low(w2), table: high(w2),
                                          sp.u32(a), sp.u32(low(w)), sp.u32(high(w))) {
                    trap = reason; break loop
                }
                pc += 3
            case .elemDrop:
                elemDrop(instance.takeUnretainedValue(), a)
                pc += 1

            // MARK: fused memory forms
            case .store8Imm:
                let w = pc[1]
                guard let ea = effectiveAddress(sp.u32(a), highU32(w), 1, memSize) else { trap = .outOfBoundsMemoryAccess; break loop }
                memBase.store(UInt8(truncatingIfNeeded: w), at: ea); pc += 2
            case .store16Imm:
                let w = pc[1]
                guard let ea = effectiveAddress(sp.u32(a), highU32(w), 2, memSize) else { trap = .outOfBoundsMemoryAccess; break loop }
                memBase.store(UInt16(truncatingIfNeeded: w), at: ea); pc += 2
            case .store32Imm:
                let w = pc[1]
                guard let ea = effectiveAddress(sp.u32(a), highU32(w), 4, memSize) else { trap = .outOfBoundsMemoryAccess; break loop }
                memBase.store(UInt32(truncatingIfNeeded: w), at: ea); pc += 2
            case .store64Imm:
                let w = pc[1]
                guard let ea = effectiveAddress(sp.u32(a), highU32(w), 8, memSize) else { trap = .outOfBoundsMemoryAccess; break loop }
                memBase.store(lowI64(w), at: ea); pc += 2
            case .i32LoadIndexed, .f32LoadIndexed:
                guard let ea = indexedAddress(sp, pc, 4, memSize) else { trap = .outOfBoundsMemoryAccess; break loop }
                sp.set(a, memBase.load(at: ea, as: UInt32.self)); pc += 3
            case .i64LoadIndexed, .f64LoadIndexed:
                guard let ea = indexedAddress(sp, pc, 8, memSize) else { trap = .outOfBoundsMemoryAccess; break loop }
                sp.set(a, memBase.load(at: ea, as: UInt64.self)); pc += 3
            case .i32Load8SIndexed:
                guard let ea = indexedAddress(sp, pc, 1, memSize) else { trap = .outOfBoundsMemoryAccess; break loop }
                sp.set(a, UInt32(bitPattern: Int32(memBase.load(at: ea, as: Int8.self)))); pc += 3
            case .i32Load8UIndexed:
                guard let ea = indexedAddress(sp, pc, 1, memSize) else { trap = .outOfBoundsMemoryAccess; break loop }
                sp.set(a, UInt32(memBase.load(at: ea, as: UInt8.self))); pc += 3
            case .i32Load16SIndexed:
                guard let ea = indexedAddress(sp, pc, 2, memSize) else { trap = .outOfBoundsMemoryAccess; break loop }
                sp.set(a, UInt32(bitPattern: Int32(memBase.load(at: ea, as: Int16.self)))); pc += 3
            case .i32Load16UIndexed:
                guard let ea = indexedAddress(sp, pc, 2, memSize) else { trap = .outOfBoundsMemoryAccess; break loop }
                sp.set(a, UInt32(memBase.load(at: ea, as: UInt16.self))); pc += 3
            case .i64Load8SIndexed:
                guard let ea = indexedAddress(sp, pc, 1, memSize) else { trap = .outOfBoundsMemoryAccess; break loop }
                sp.set(a, UInt64(bitPattern: Int64(memBase.load(at: ea, as: Int8.self)))); pc += 3
            case .i64Load8UIndexed:
                guard let ea = indexedAddress(sp, pc, 1, memSize) else { trap = .outOfBoundsMemoryAccess; break loop }
                sp.set(a, UInt64(memBase.load(at: ea, as: UInt8.self))); pc += 3
            case .i64Load16SIndexed:
                guard let ea = indexedAddress(sp, pc, 2, memSize) else { trap = .outOfBoundsMemoryAccess; break loop }
                sp.set(a, UInt64(bitPattern: Int64(memBase.load(at: ea, as: Int16.self)))); pc += 3
            case .i64Load16UIndexed:
                guard let ea = indexedAddress(sp, pc, 2, memSize) else { trap = .outOfBoundsMemoryAccess; break loop }
                sp.set(a, UInt64(memBase.load(at: ea, as: UInt16.self))); pc += 3
            case .i64Load32SIndexed:
                guard let ea = indexedAddress(sp, pc, 4, memSize) else { trap = .outOfBoundsMemoryAccess; break loop }
                sp.set(a, UInt64(bitPattern: Int64(memBase.load(at: ea, as: Int32.self)))); pc += 3
            case .i64Load32UIndexed:
                guard let ea = indexedAddress(sp, pc, 4, memSize) else { trap = .outOfBoundsMemoryAccess; break loop }
                sp.set(a, UInt64(memBase.load(at: ea, as: UInt32.self))); pc += 3
            case .i32StoreIndexed, .f32StoreIndexed, .i64Store32Indexed:
                let w = pc[1]
                guard let ea = indexedStoreAddress(sp, a, pc, 4, memSize) else { trap = .outOfBoundsMemoryAccess; break loop }
                memBase.store(sp.u32(high(w)), at: ea); pc += 3
            case .i64StoreIndexed, .f64StoreIndexed:
                let w = pc[1]
                guard let ea = indexedStoreAddress(sp, a, pc, 8, memSize) else { trap = .outOfBoundsMemoryAccess; break loop }
                memBase.store(sp.u64(high(w)), at: ea); pc += 3
            case .i32Store8Indexed, .i64Store8Indexed:
                let w = pc[1]
                guard let ea = indexedStoreAddress(sp, a, pc, 1, memSize) else { trap = .outOfBoundsMemoryAccess; break loop }
                memBase.store(UInt8(truncatingIfNeeded: sp[high(w)]), at: ea); pc += 3
            case .i32Store16Indexed, .i64Store16Indexed:
                let w = pc[1]
                guard let ea = indexedStoreAddress(sp, a, pc, 2, memSize) else { trap = .outOfBoundsMemoryAccess; break loop }
                memBase.store(UInt16(truncatingIfNeeded: sp[high(w)]), at: ea); pc += 3

            case .store8ImmIndexed:
                guard let ea = indexedStoreAddress(sp, a, pc, 1, memSize) else { trap = .outOfBoundsMemoryAccess; break loop }
                memBase.store(UInt8(truncatingIfNeeded: pc[1] &>> 32), at: ea); pc += 3
            case .store16ImmIndexed:
                guard let ea = indexedStoreAddress(sp, a, pc, 2, memSize) else { trap = .outOfBoundsMemoryAccess; break loop }
                memBase.store(UInt16(truncatingIfNeeded: pc[1] &>> 32), at: ea); pc += 3
            case .store32ImmIndexed:
                guard let ea = indexedStoreAddress(sp, a, pc, 4, memSize) else { trap = .outOfBoundsMemoryAccess; break loop }
                memBase.store(highU32(pc[1]), at: ea); pc += 3
            case .store64ImmIndexed:
                guard let ea = indexedStoreAddress(sp, a, pc, 8, memSize) else { trap = .outOfBoundsMemoryAccess; break loop }
                memBase.store(highI64(pc[1]), at: ea); pc += 3

            // MARK: float immediates
            case .f32AddImm: let w = pc[1]; sp.set(a, N.f32Add(sp.f32(low(w)), Float(bitPattern: highU32(w)))); pc += 2
            case .f32SubImm: let w = pc[1]; sp.set(a, N.f32Sub(sp.f32(low(w)), Float(bitPattern: highU32(w)))); pc += 2
            case .f32MulImm: let w = pc[1]; sp.set(a, N.f32Mul(sp.f32(low(w)), Float(bitPattern: highU32(w)))); pc += 2
            case .f32DivImm: let w = pc[1]; sp.set(a, N.f32Div(sp.f32(low(w)), Float(bitPattern: highU32(w)))); pc += 2
            case .f64AddImm: sp.set(a, N.f64Add(sp.f64(low(pc[1])), Double(bitPattern: pc[2]))); pc += 3
            case .f64SubImm: sp.set(a, N.f64Sub(sp.f64(low(pc[1])), Double(bitPattern: pc[2]))); pc += 3
            case .f64MulImm: sp.set(a, N.f64Mul(sp.f64(low(pc[1])), Double(bitPattern: pc[2]))); pc += 3
            case .f64DivImm: sp.set(a, N.f64Div(sp.f64(low(pc[1])), Double(bitPattern: pc[2]))); pc += 3

            // MARK: float operations on a loaded operand
            case .f64AddLoad:
                let w = pc[1]
                guard let ea = effectiveAddress(sp.u32(high(w)), UInt32(truncatingIfNeeded: pc[2]), 8, memSize) else { trap = .outOfBoundsMemoryAccess; break loop }
                sp.set(a, N.f64Add(sp.f64(low(w)), Double(bitPattern: memBase.load(at: ea, as: UInt64.self)))); pc += 3
            case .f64SubLoad:
                let w = pc[1]
                guard let ea = effectiveAddress(sp.u32(high(w)), UInt32(truncatingIfNeeded: pc[2]), 8, memSize) else { trap = .outOfBoundsMemoryAccess; break loop }
                sp.set(a, N.f64Sub(sp.f64(low(w)), Double(bitPattern: memBase.load(at: ea, as: UInt64.self)))); pc += 3
            case .f64MulLoad:
                let w = pc[1]
                guard let ea = effectiveAddress(sp.u32(high(w)), UInt32(truncatingIfNeeded: pc[2]), 8, memSize) else { trap = .outOfBoundsMemoryAccess; break loop }
                sp.set(a, N.f64Mul(sp.f64(low(w)), Double(bitPattern: memBase.load(at: ea, as: UInt64.self)))); pc += 3
            case .f64DivLoad:
                let w = pc[1]
                guard let ea = effectiveAddress(sp.u32(high(w)), UInt32(truncatingIfNeeded: pc[2]), 8, memSize) else { trap = .outOfBoundsMemoryAccess; break loop }
                sp.set(a, N.f64Div(sp.f64(low(w)), Double(bitPattern: memBase.load(at: ea, as: UInt64.self)))); pc += 3

            case .f64AddStore:
                let w = pc[1]
                guard let ea = effectiveAddress(sp.u32(a), UInt32(truncatingIfNeeded: pc[2]), 8, memSize) else { trap = .outOfBoundsMemoryAccess; break loop }
                memBase.store(unsafeBitCast(N.f64Add(sp.f64(low(w)), sp.f64(high(w))), to: UInt64.self), at: ea); pc += 3
            case .f64SubStore:
                let w = pc[1]
                guard let ea = effectiveAddress(sp.u32(a), UInt32(truncatingIfNeeded: pc[2]), 8, memSize) else { trap = .outOfBoundsMemoryAccess; break loop }
                memBase.store(unsafeBitCast(N.f64Sub(sp.f64(low(w)), sp.f64(high(w))), to: UInt64.self), at: ea); pc += 3
            case .f64MulStore:
                let w = pc[1]
                guard let ea = effectiveAddress(sp.u32(a), UInt32(truncatingIfNeeded: pc[2]), 8, memSize) else { trap = .outOfBoundsMemoryAccess; break loop }
                memBase.store(unsafeBitCast(N.f64Mul(sp.f64(low(w)), sp.f64(high(w))), to: UInt64.self), at: ea); pc += 3
            case .f64DivStore:
                let w = pc[1]
                guard let ea = effectiveAddress(sp.u32(a), UInt32(truncatingIfNeeded: pc[2]), 8, memSize) else { trap = .outOfBoundsMemoryAccess; break loop }
                memBase.store(unsafeBitCast(N.f64Div(sp.f64(low(w)), sp.f64(high(w))), to: UInt64.self), at: ea); pc += 3
            case .f64AddLoadStore:
                guard let la = effectiveAddress(sp.u32(high(pc[1])), UInt32(truncatingIfNeeded: pc[2]), 8, memSize) else { trap = .outOfBoundsMemoryAccess; break loop }
                let r = N.f64Add(sp.f64(low(pc[1])), Double(bitPattern: memBase.load(at: la, as: UInt64.self)))
                guard let ea = effectiveAddress(sp.u32(a), highU32(pc[2]), 8, memSize) else { trap = .outOfBoundsMemoryAccess; break loop }
                memBase.store(unsafeBitCast(r, to: UInt64.self), at: ea); pc += 3
            case .f64SubLoadStore:
                guard let la = effectiveAddress(sp.u32(high(pc[1])), UInt32(truncatingIfNeeded: pc[2]), 8, memSize) else { trap = .outOfBoundsMemoryAccess; break loop }
                let r = N.f64Sub(sp.f64(low(pc[1])), Double(bitPattern: memBase.load(at: la, as: UInt64.self)))
                guard let ea = effectiveAddress(sp.u32(a), highU32(pc[2]), 8, memSize) else { trap = .outOfBoundsMemoryAccess; break loop }
                memBase.store(unsafeBitCast(r, to: UInt64.self), at: ea); pc += 3
            case .f64MulLoadStore:
                guard let la = effectiveAddress(sp.u32(high(pc[1])), UInt32(truncatingIfNeeded: pc[2]), 8, memSize) else { trap = .outOfBoundsMemoryAccess; break loop }
                let r = N.f64Mul(sp.f64(low(pc[1])), Double(bitPattern: memBase.load(at: la, as: UInt64.self)))
                guard let ea = effectiveAddress(sp.u32(a), highU32(pc[2]), 8, memSize) else { trap = .outOfBoundsMemoryAccess; break loop }
                memBase.store(unsafeBitCast(r, to: UInt64.self), at: ea); pc += 3
            case .f64DivLoadStore:
                guard let la = effectiveAddress(sp.u32(high(pc[1])), UInt32(truncatingIfNeeded: pc[2]), 8, memSize) else { trap = .outOfBoundsMemoryAccess; break loop }
                let r = N.f64Div(sp.f64(low(pc[1])), Double(bitPattern: memBase.load(at: la, as: UInt64.self)))
                guard let ea = effectiveAddress(sp.u32(a), highU32(pc[2]), 8, memSize) else { trap = .outOfBoundsMemoryAccess; break loop }
                memBase.store(unsafeBitCast(r, to: UInt64.self), at: ea); pc += 3

            case .f64MulMul:
                let w = pc[1]
                sp.set(a, N.f64Mul(N.f64Mul(sp.f64(low(w)), sp.f64(high(w))), sp.f64(low(pc[2])))); pc += 3

            // MARK: consumers of an i32 comparison
            case .selectI32LtU:
                let w = pc[1], w2 = pc[2]
                sp[a] = sp.u32(low(w2)) < sp.u32(high(w2)) ? sp[low(w)] : sp[high(w)]
                pc += 3
            case .selectI32LtS:
                let w = pc[1], w2 = pc[2]
                sp[a] = Int32(bitPattern: sp.u32(low(w2))) < Int32(bitPattern: sp.u32(high(w2))) ? sp[low(w)] : sp[high(w)]
                pc += 3
            case .selectI32Eq:
                let w = pc[1], w2 = pc[2]
                sp[a] = sp.u32(low(w2)) == sp.u32(high(w2)) ? sp[low(w)] : sp[high(w)]
                pc += 3
            case .addI32LtU:
                let w2 = pc[2]
                sp.set(a, sp.u32(low(pc[1])) &+ (sp.u32(low(w2)) < sp.u32(high(w2)) ? 1 : 0)); pc += 3
            case .addI32LeU:
                let w2 = pc[2]
                sp.set(a, sp.u32(low(pc[1])) &+ (sp.u32(low(w2)) <= sp.u32(high(w2)) ? 1 : 0)); pc += 3

            case .refFunc:
                let index = low(pc[1])
                sp[a] = instance._withUnsafeGuaranteedRef { RefEncoding.function($0.functions[index].address) }
                pc += 2
            }
        }
        var leftMachineCode = false
        if trap == nil, failure == nil, let op = IROpcode(rawValue: UInt16(truncatingIfNeeded: pc.pointee)),
           op == .returnCall || op == .returnCallImport || op == .returnCallIndirect || op == .native || op == .loopEntry {
            // Tail calls, and the native tier's counters and entries into machine code.
            switch tailCall(pc.pointee, pc: pc, sp: sp, fn: fn, fp: fp, instance: instance, stacks: stacks, store: store) {
            case .success(let next):
                pc = next.pc
                fn = next.function
                instance = next.instance
                memBase = stacks.context.memoryBase
                memSize = stacks.context.memorySize
                continue resume
            case .failure(let error):
                failure = error
                // Machine code ran the rest of this call and searched its handlers itself.
                leftMachineCode = op == .native || op == .loopEntry
            }
        }
        if trap == nil, failure != nil || isThrow(pc) {
            switch catchException(failure, pc: pc, sp: sp, fn: fn, fp: fp, instance: instance, stacks: stacks, store: store,
                                  searchingFrame: !leftMachineCode) {
            case .success(let landing):
                pc = landing
                memBase = stacks.context.memoryBase
                memSize = stacks.context.memorySize
                failure = nil
                continue resume
            case .failure(let error):
                failure = error
            }
        }
        break resume
        }

        if stacks.meterFuel { store.remainingFuel = stacks.fuel }
        if let trap {
            if checks && trap == .interrupted { stacks.consumeInterrupt() }
            return SwasmError.trap(Trap(stacks.takePendingTrap(trap), backtrace: backtrace(function: fn, instance: instance, frame: fp)))
        }
        if let failure {
            // A trap raised further in (a host function, a nested entry) continues its backtrace here.
            if case SwasmError.trap(var inner) = failure {
                inner.backtrace += backtrace(function: fn, instance: instance, frame: fp)
                return SwasmError.trap(inner)
            }
            return failure
        }
        return nil
    }
}

/// Zeroes the declared locals of a new frame. Everything from the first local up is dead (the
/// caller's values end at the arguments), and the value stack has slack past its end, so the
/// common small counts take four unconditional stores instead of a loop (which would become a
/// `memset` call) or a switch (another indirect jump).
@inline(__always) func zeroLocals(_ frame: UnsafeMutablePointer<UInt64>, _ function: UnsafePointer<UInt64>) {
    let first = function.parameterSlots
    let locals = frame + first
    locals[0] = 0
    locals[1] = 0
    locals[2] = 0
    locals[3] = 0
    let count = function.localSlots - first
    if count > 4 { (locals + 4).initialize(repeating: 0, count: count - 4) }
}

@inline(__always) func lowI64(_ word: UInt64) -> UInt64 { UInt64(bitPattern: Int64(Int32(truncatingIfNeeded: word))) }

/// What the loop caches about the running instance.
struct InstanceContext {
    /// The module's compiled functions by defined index (nil: not translated yet); another
    /// thread may fill in an entry at any time, so read them with `acquire`.
    var code: UnsafeMutablePointer<UnsafePointer<UInt64>?>
    /// Engine-wide type ids of the module's types, for `call_indirect`.
    var typeIDs: UnsafePointer<Int>
    var memoryBase: UnsafeMutableRawPointer
    var memorySize: UInt64
    /// Table 0, the usual `call_indirect` table (tables are fixed once instantiated).
    var table0: Unmanaged<TableInstance>?
    /// Memory 0, whose base and size are cached above (memories are fixed once instantiated).
    var memory0: Unmanaged<MemoryInstance>?

    /// A valid pointer for instances without memory; validation guarantees it is never accessed.
    private static let noMemory = UnsafeMutableRawPointer.allocate(byteCount: 16, alignment: 16)

    private init(code: UnsafeMutablePointer<UnsafePointer<UInt64>?>, typeIDs: UnsafePointer<Int>) {
        self.code = code
        self.typeIDs = typeIDs
        memoryBase = InstanceContext.noMemory
        memorySize = 0
        table0 = nil
        memory0 = nil
    }

    /// Reads memory 0's base and size again (after code that may have grown it).
    @inline(__always)
    mutating func reloadMemory() {
        guard let memory = memory0 else { return }
        memoryBase = memory._withUnsafeGuaranteedRef { $0.base }
        memorySize = UInt64(memory._withUnsafeGuaranteedRef { $0.byteCount })
    }

    /// The context before any instance runs.
    static let none = InstanceContext(code: .allocate(capacity: 1), typeIDs: UnsafePointer(UnsafeMutablePointer<Int>.allocate(capacity: 1)))

    @inline(never)
    init(_ instance: InstanceState) {
        if let cached = instance.interpreterContext {
            self = cached
            reloadMemory()
            return
        }
        let module = instance.module
        code = module.code.entries
        typeIDs = module.code.canonicalTypeIDs(module.typeIDs)
        if let memory = instance.memories.first {
            memoryBase = memory.base
            memorySize = UInt64(memory.byteCount)
            memory0 = Unmanaged.passUnretained(memory)
        } else {
            memoryBase = InstanceContext.noMemory
            memorySize = 0
            memory0 = nil
        }
        table0 = instance.tables.first.map { Unmanaged.passUnretained($0) }
        instance.interpreterContext = self
    }
}
