/// The native tier: translates a function's register IR (IROpcode.swift) to x86-64, one
/// template per instruction, with every slot operand addressed in the frame as the interpreter
/// addresses it. Registers: rbx the frame base, r12/r13 memory 0's base and size, r14 the
/// `NativeContext`; r8-r11, r15, rbp (and r13 when memory 0 is in a guard region) and
/// xmm2-xmm9 keep the function's most used slots; rsi, rdi, xmm14 and xmm15 hold results on
/// their way to their reader; rax, rcx, rdx and xmm0/xmm1 are scratch. A function is entered by `call`
/// with rbx at its frame and returns its status in eax (0, or a `NativeTier.Status`).
///
/// Every scalar numeric instruction has a template (rounding and popcnt need SSE4.1 and
/// POPCNT, checked once), and so do most SIMD instructions on memory 0 and the frame's v128
/// slots, in SSE4.1 code (NativeCompilerSIMD.swift: a v128 is two slots never pinned, read and
/// written with `movdqu`; xmm10 and xmm11 are scratch there too). Memory, table and segment
/// instructions and `ref.func` call `nativeOutOfLine` directly. The rest runs in the
/// interpreter: the other instructions of its out-of-line SIMD path (the SIMD ops without a
/// template, or all of them on a CPU without SSSE3 and SSE4.1; GC, atomics, 64-bit and
/// multiple memories) through that path's executor, calls it cannot make directly (callees
/// without machine code, other tables, imports) as snippets.
/// Functions with tail calls stay in the interpreter. Exceptions unwind native frames as
/// failures, and a handler covering the failed instruction catches them in its own frame
/// (NativeExceptions.swift).
///
/// Limits: a `checkpoint` (code compiled for fuel) subtracts its cost from
/// `NativeContext.fuel` and traps when it would go below zero, as the interpreter's does;
/// with an interruptible engine, loop headers and calls (checkpoints, with fuel) compare the
/// store's count of pending interrupt requests with zero and only when it is not ask a helper
/// whether the guest must stop.
struct NativeCompiler {
    typealias A = X64Assembler
    typealias Mem = A.Mem

    var a = A()
    let words: UnsafeBufferPointer<UInt64>
    private let header: UnsafePointer<UInt64>
    private let definedIndex: Int
    private var labels: [A.Label?]
    /// Machine-code position of each IR instruction already emitted (-1: not yet).
    private var positions: [Int]
    /// IR instructions some branch reaches: registers hold nothing known there.
    private var isTarget: [Bool]
    /// A slot the last instruction stored whose value is still in rax or rdx (or xmm0, for an
    /// f32 or f64), so that the next instruction reads the register instead of the slot it was just
    /// stored to (store-to-load forwarding would lengthen every dependency chain).
    var cached: (slot: Int, reg: A.Reg)?
    private var cachedDouble: Int?
    /// The same, as seen by the instruction being emitted; used by its first read only.
    private var incoming: (slot: Int, reg: A.Reg)?
    private var incomingDouble: Int?

    /// Slots (locals and operand-stack slots) kept in registers for the whole function
    /// (`pins[slot]`), chosen by a first pass over the function that counts how often each slot
    /// is read or written through the register-aware helpers (loops weigh more). Their slots
    /// are written back before anything that reads the frame from outside (calls, snippets,
    /// the SIMD path, returns) and read again after.
    private var pins: [A.Reg?] = []
    private var pinned: [(slot: Int, reg: A.Reg)] = []
    /// The same for float slots (f32 and f64 alike: an f32 is kept with bits 32...63 clear,
    /// so the register's low 64 bits are the slot's), in xmm2...xmm9.
    private var doublePins: [A.XMM?] = []
    private var pinnedDoubles: [(slot: Int, reg: A.XMM)] = []
    /// Results read by one later instruction only (`CompiledFunction.singleUseResults`) stay
    /// in a register instead of their slot: rsi or rdi for a value stored as an integer,
    /// xmm15 or xmm14 for a float (`held`). Before the instruction that produces one is
    /// emitted, `holdSlot` names its result slot when its reader is a plain reader of its
    /// operands a few instructions on, everything between is plain and does not branch, and
    /// no branch reaches any of them (`heldConsumer`); the write helpers then move the
    /// result to a free held register (none free: its slot), the read helpers read it there.
    /// Held values go to their slots (`flushHeld`) before anything that may read the frame
    /// from outside (`spillPinned`, the out-of-line helpers), before an instruction that is
    /// neither a plain reader nor a constant or is a branch target, and after their reader
    /// if it did not read them.
    private var consumerOf: [Int32]
    private var holdSlot: Int?
    private var holdConsumer = 0
    private var held: [Held] = []
    struct Held {
        var slot: Int
        var float: Bool
        /// Index in `heldRegisters` or `heldXMMs`.
        var register: Int
        /// Word index of the instruction that reads it.
        var consumer: Int
        var consumed = false
    }
    static let heldRegisters: [A.Reg] = [.rsi, .rdi]
    static let heldXMMs: [A.XMM] = [A.XMM(number: 15), A.XMM(number: 14)]
    /// Where a held value is.
    enum HeldLocation {
        case integer(A.Reg)
        case float(A.XMM)
    }
    /// First pass: counting uses instead of choosing. A slot read or written as an integer
    /// and as a float can only have a general register; moves (copies, loads and stores of
    /// its bits) count for either.
    var counting = false
    private var uses: [Int] = []
    private var doubleUses: [Int] = []
    private var rawUses: [Int] = []
    private var loopWeight: [Int] = []
    private var currentWeight = 1
    static let pinnableRegisters: [A.Reg] = [.r8, .r9, .r10, .r11, .r15, .rbp]
    /// With memory 0 in a guard region nothing compares with its size, and r13 keeps a slot
    /// too.
    var pinnable: [A.Reg] { guardedMemory ? Self.pinnableRegisters + [.r13] : Self.pinnableRegisters }
    static let pinnableDoubleRegisters: [A.XMM] = (2...9).map { A.XMM(number: UInt8($0)) }
    private let entry: A.Label
    private let epilogue: A.Label
    private let unwind: A.Label
    /// The prologue's trap: the frame was never entered, so it returns the status without
    /// recording itself (the interpreter raises the same trap at the caller's call).
    private let exhausted: A.Label
    /// Trap stubs by status (0 unused).
    private var traps: [A.Label?] = Array(repeating: nil, count: 9)
    /// Emit interrupt checks (an interruptible engine): at checkpoints when the code has them
    /// (fuel), otherwise at loop headers and before calls, where the interpreter checks.
    private var checksInterrupts = false
    /// The code has `checkpoint`s (it was compiled for fuel), which check for interrupts too.
    private let hasCheckpoints: Bool
    /// Out-of-line paths of the limit checks, emitted after the function: an interrupt check's
    /// helper call, or a checkpoint's exhaustion (which gives back the cost it subtracted),
    /// each returning to `resume`.
    private var limitPaths: [(label: A.Label, resume: A.Label, fuelCost: UInt32?)] = []
    /// Snippet words (each: a copy of the function header, the instruction, `return`).
    private var snippetWords: [UInt64] = []
    /// Positions of the imm64 fields that receive a snippet's address, and its word offset.
    private var snippetFixups: [(position: Int, offset: Int)] = []
    /// Branch tables: the table's label and its targets' IR word indices.
    private var tables: [(label: A.Label, targets: [Int])] = []
    /// `loopEntry` instructions: IR word index and the label of their entry stub.
    private var loopStubs: [(index: Int, label: A.Label)] = []
    /// Bytes of machine code and snippets past which compilation gives up (the engine's
    /// budget has no more).
    private var maxBytes = Int.max
    /// Memory 0 lies in a guard region (GuardRegions.swift): accesses are not compared with
    /// its size, an access out of bounds faults instead.
    private var guardedMemory = false
    /// Count instructions run and those sent out of line in `NativeContext.statistics`.
    private var countsStatistics = false

    /// Exception handling: which IR word indices some handler of the function covers, the
    /// instruction being emitted, and the stubs that hand a failure at a covered instruction to
    /// `catchDispatch` (which asks `nativeCatch` for a handler and jumps to its landing code
    /// through `handlerTable`).
    private var covered: [Bool]
    private var currentPC = 0
    private var catchSites: [(label: A.Label, position: Int)] = []
    private let catchDispatch: A.Label
    private let handlerTable: A.Label

    /// Snippets emitted (calls that may run the interpreter, calls through imports included)
    /// and direct calls of `nativeOutOfLine`, for `outOfLineCounts`.
    private var snippetCount = 0
    private var outOfLineCount = 0
    /// Instructions compiled to calls of the out-of-line SIMD executor, for `outOfLineCounts`.
    private var vectorPathCount = 0

    /// Slots a vector template reads or writes as half of a v128 (NativeCompilerSIMD.swift):
    /// gathered by the survey, never pinned. `vectorConflict`: a pinned one was met anyway, and
    /// the compilation fails.
    var vectorSlots: [Bool] = []
    var vectorConflict = false

    /// The native code of a function: its entry point and the snippets it runs (owned by the
    /// caller, which frees them with the function).
    struct Output {
        var code: UnsafeRawPointer
        var snippets: UnsafeMutablePointer<UInt64>?
        /// Where each `loopEntry` (by IR word index) continues a running call in machine code.
        var loopEntries: [(index: Int, code: UnsafeRawPointer)]
        /// Bytes of machine code and snippets, reserved from the budget.
        var byteCount: Int
        /// Bytes of machine code alone (from `code`).
        var codeByteCount: Int
    }

    /// Whether the tier can compile `function`: no tail calls (see `emitInstruction`).
    static func isEligible(_ function: CompiledFunction) -> Bool {
        guard NativeTier.isAvailable, function.frameSlots < 1 << 26 else { return false }
        var eligible = true
        let complete = walk(function.code, instruction: { _, op in
            switch op {
            case .returnCall, .returnCallImport, .returnCallIndirect: eligible = false
            default: break
            }
        })
        return eligible && complete
    }

    private init(function: CompiledFunction, definedIndex: Int) {
        words = function.code
        header = UnsafePointer(function.header)
        self.definedIndex = definedIndex
        labels = Array(repeating: nil, count: function.code.count + 1)
        positions = Array(repeating: -1, count: function.code.count + 1)
        isTarget = NativeCompiler.branchTargets(function.code)
        consumerOf = Array(repeating: -1, count: function.code.count)
        for record in function.singleUseResults where record.producer >= 0 && Int(record.producer) < function.code.count {
            consumerOf[Int(record.producer)] = record.consumer
        }
        covered = Array(repeating: false, count: function.code.count + 1)
        let handlers = UnsafePointer(function.header).exceptionHandlers
        if !handlers.isEmpty {
            // Coverage by a difference array: linear in the code and the table.
            var depth = Array(repeating: 0, count: function.code.count + 2)
            for handler in handlers {
                let start = Int(handler.start), end = Int(handler.end)
                guard start >= 0, start < end, end <= function.code.count else { continue }
                depth[start] += 1
                depth[end] -= 1
            }
            var running = 0
            for i in 0..<function.code.count {
                running += depth[i]
                covered[i] = running > 0
            }
            for handler in handlers where handler.kind != .delegate {
                let target = Int(handler.target)
                if target >= 0 && target <= function.code.count { isTarget[target] = true }
            }
        }
        var checkpoints = false
        NativeCompiler.walk(function.code, instruction: { _, op in if op == .checkpoint { checkpoints = true } })
        hasCheckpoints = checkpoints
        let localSlots = function.frameSlots  // locals and operand-stack slots alike
        pins = Array(repeating: nil, count: localSlots)
        doublePins = Array(repeating: nil, count: localSlots)
        uses = Array(repeating: 0, count: localSlots)
        doubleUses = Array(repeating: 0, count: localSlots)
        rawUses = Array(repeating: 0, count: localSlots)
        vectorSlots = Array(repeating: false, count: localSlots)
        loopWeight = NativeCompiler.loopWeights(function.code)
        entry = a.newLabel()
        epilogue = a.newLabel()
        unwind = a.newLabel()
        exhausted = a.newLabel()
        catchDispatch = a.newLabel()
        handlerTable = a.newLabel()
    }

    /// Native code for `function`, or nil when it has constructs the tier leaves to the
    /// interpreter.
    /// Its bytes are taken from `budget`: nil also when they do not fit, and compilation
    /// stops as soon as the code written passes what is left.
    /// With `checksInterrupts` (an interruptible engine) the code checks for interrupts.
    static func compile(_ function: CompiledFunction, definedIndex: Int, into arena: ExecutableArena,
                        budget: CompiledCodeBudget = CompiledCodeBudget(limit: Int.max),
                        guardedMemory: Bool = false, checksInterrupts: Bool = false,
                        countsStatistics: Bool = false) -> Output? {
        guard NativeTier.isAvailable, function.frameSlots < 1 << 26 else { return nil }
        let maxBytes = budget.remainingBytes
        // Both passes start from the same analysis of the code (branch targets, loop
        // weights, coverage by handlers): made once, copied.
        let fresh = NativeCompiler(function: function, definedIndex: definedIndex)
        var survey = fresh
        survey.a = fresh.a.copy()
        survey.counting = true
        survey.maxBytes = maxBytes
        survey.guardedMemory = guardedMemory
        survey.checksInterrupts = checksInterrupts
        survey.countsStatistics = countsStatistics
        guard survey.emitFunction() else { return nil }
        var compiler = fresh
        compiler.maxBytes = maxBytes
        compiler.guardedMemory = guardedMemory
        compiler.checksInterrupts = checksInterrupts
        compiler.countsStatistics = countsStatistics
        let chosen = survey.choosePins()
        compiler.pin(chosen.integers, doubles: chosen.doubles)
        guard compiler.emitFunction() else { return nil }
        guard compiler.a.resolveLabels() else { return nil }
        let byteCount = compiler.a.position + compiler.snippetWords.count * 8
        guard budget.reserve(byteCount) else { return nil }
        var installed = false
        defer { if !installed { budget.release(byteCount) } }
        var snippets: UnsafeMutablePointer<UInt64>? = nil
        if !compiler.snippetWords.isEmpty {
            let buffer = UnsafeMutablePointer<UInt64>.allocate(capacity: compiler.snippetWords.count)
            buffer.initialize(from: compiler.snippetWords, count: compiler.snippetWords.count)
            snippets = buffer
            for fixup in compiler.snippetFixups {
                compiler.a.patch64(at: fixup.position, UInt64(UInt(bitPattern: buffer + fixup.offset)))
            }
        }
        for table in compiler.tables {
            let base = compiler.a.positionOf(table.label)
            for (k, target) in table.targets.enumerated() {
                guard let label = compiler.labels[target] else { snippets?.deallocate(); return nil }
                compiler.a.patch32(at: base + 4 * k, Int32(compiler.a.positionOf(label) - base))
            }
        }
        guard let code = arena.install(compiler.a.bytes.contents) else {
            snippets?.deallocate()
            return nil
        }
        installed = true
        let loops = compiler.loopStubs.map { ($0.index, code + compiler.a.positionOf($0.label)) }
        return Output(code: code, snippets: snippets, loopEntries: loops, byteCount: byteCount,
                      codeByteCount: compiler.a.position)
    }

    /// How many instructions of `function` its machine code would hand to the interpreter as
    /// snippets, and how many it runs through `nativeOutOfLine`; nil when the tier would not
    /// compile it. The instructions compiled to templates count in neither; `vector` counts the
    /// calls of the out-of-line SIMD executor (SIMD without a template, GC, atomics, 64-bit and
    /// multiple memories).
    static func outOfLineCounts(_ function: CompiledFunction) -> (snippets: Int, helpers: Int, vector: Int)? {
        guard isEligible(function) else { return nil }
        var survey = NativeCompiler(function: function, definedIndex: -1)
        survey.counting = true
        guard survey.emitFunction() else { return nil }
        return (survey.snippetCount, survey.outOfLineCount, survey.vectorPathCount)
    }

    /// Walks the IR: `instruction` gets each instruction's word index and opcode, `branch` each
    /// branch's source and target word indices (every entry of a branch table). Stops at a
    /// malformed instruction and returns false.
    @discardableResult
    static func walk(_ words: UnsafeBufferPointer<UInt64>, instruction: (Int, IROpcode) -> Void = { _, _ in },
                     branch: (Int, Int) -> Void = { _, _ in }) -> Bool {
        var pc = 0
        while pc < words.count {
            let w0 = words[pc]
            guard let op = IROpcode(rawValue: UInt16(truncatingIfNeeded: w0)),
                  let length = length(of: op, at: pc, in: words) else { return false }
            let raw = op.rawValue
            instruction(pc, op)
            if op == .br { branch(pc, pc + Int(Int32(truncatingIfNeeded: w0 >> 32))) }
            if op == .brIfNez || op == .brIfEqz || op == .brIfI64Nez || op == .brIfI64Eqz {
                branch(pc, pc + Int(Int32(truncatingIfNeeded: words[pc + 1])))
            }
            if raw >= IROpcode.brIfI32Eq.rawValue && raw <= IROpcode.brIfI64GeUImm.rawValue {
                branch(pc, pc + Int(Int32(truncatingIfNeeded: words[pc + 1] >> 32)))
            }
            if op == .brTable {
                for k in 0..<(length - 2) { branch(pc, pc + Int(Int32(truncatingIfNeeded: words[pc + 2 + k]))) }
            }
            pc += length
        }
        return true
    }

    /// Which IR word indices branches reach, loop entries included (one past the end too).
    static func branchTargets(_ words: UnsafeBufferPointer<UInt64>) -> [Bool] {
        var targets = Array(repeating: false, count: words.count + 1)
        walk(words, instruction: { pc, op in if op == .loopEntry { targets[pc] = true } }) { _, target in
            if target >= 0 && target <= words.count { targets[target] = true }
        }
        return targets
    }

    /// Reads slot `s` into `r`: from the register still holding it when the previous
    /// instruction stored it (only the first read of an instruction may, before anything is
    /// overwritten).
    mutating func loadSlot(_ r: A.Reg, _ s: Int, w: Bool = true) {
        defer { incoming = nil }
        countUse(s)
        if let location = readHeld(s) {
            switch location {
            case .float(let x): a.movFromXMM(r, x, w: w)
            case .integer(let h): a.mov(r, h, w: w)
            }
            return
        }
        if let p = pin(of: s) {
            if p != r || !w { a.mov(r, p, w: w) }
            return
        }
        if let held = incoming, held.slot == s {
            if held.reg != r || !w { a.mov(r, held.reg, w: w) }
            return
        }
        a.load(r, memorySlot(s), w: w)
    }

    /// Stores the instruction's result from rax or rdx, which keeps it for the next one.
    mutating func storeResult(_ d: Int, _ r: A.Reg) {
        storeUncached(d, r)
        cached = (d, r)
    }

    /// Reads the f64 in slot `s` into xmm0 (from xmm0 itself when the previous instruction
    /// left it there).
    private mutating func loadDouble(_ s: Int) { loadFloat(A.xmm0, s, double: true) }

    /// Reads the f32 or f64 in slot `s` into `x` (xmm0 or xmm1). An f32 comes with bits 32...63
    /// clear, as every f32 kept in an xmm register has them: the slot's 64 bits are the
    /// register's low 64 bits whichever the type.
    private mutating func loadFloat(_ x: A.XMM, _ s: Int, double: Bool) {
        defer { incomingDouble = nil }
        countDouble(s)
        if let location = readHeld(s) {
            switch location {
            case .float(let h): a.movaps(x, h)
            case .integer(let h): a.movToXMM(x, h, w: true)
            }
            return
        }
        if let p = doublePin(of: s) { a.movaps(x, p); return }
        if let p = pin(of: s) { a.movToXMM(x, p, w: true); return }
        if incomingDouble == s {
            if x.number != 0 { a.movaps(x, A.xmm0) }
            return
        }
        a.loadFloat(x, memorySlot(s), double: double)
    }

    private mutating func storeDoubleResult(_ d: Int) { storeFloatResult(d, double: true) }

    /// Stores the f32 or f64 in xmm0 to slot `d`. An f32 result has bits 32...63 of xmm0
    /// clear (its operands had, and scalar operations keep the rest of the register), so all
    /// 64 bits are stored: the slot holds the zero-extended bits, as the interpreter writes.
    private mutating func storeFloatResult(_ d: Int, double: Bool) {
        countDouble(d)
        if let x = doublePin(of: d) { a.movaps(x, A.xmm0) }
        else if let p = pin(of: d) { a.movFromXMM(p, A.xmm0, w: true) }
        else if case .float(let h)? = holds(d, float: true) { a.movaps(h, A.xmm0) }
        else { a.storeFloat(memorySlot(d), A.xmm0, double: true); wroteSlot(d) }
        cachedDouble = d
    }

    // MARK: Helpers

    func memorySlot(_ s: Int) -> Mem { Mem(base: .rbx, disp: Int32(truncatingIfNeeded: s &* 8)) }

    @inline(__always) func pin(of s: Int) -> A.Reg? { s >= 0 && s < pins.count ? pins[s] : nil }
    @inline(__always) func doublePin(of s: Int) -> A.XMM? { s >= 0 && s < doublePins.count ? doublePins[s] : nil }

    private mutating func countUse(_ s: Int) {
        if counting && s >= 0 && s < uses.count { uses[s] += currentWeight }
    }

    private mutating func countDouble(_ s: Int) {
        if counting && s >= 0 && s < doubleUses.count { doubleUses[s] += currentWeight }
    }

    private mutating func countRaw(_ s: Int) {
        if counting && s >= 0 && s < rawUses.count { rawUses[s] += currentWeight }
    }

    /// Slots to keep in registers: the most used, integers in general registers and floats
    /// in xmm registers. A slot used both ways (bit tricks on floats) competes for a general
    /// register with all its uses: a float helper reads it with a `movq`, which costs less
    /// than a trip through memory.
    func choosePins() -> (integers: [(slot: Int, reg: A.Reg)], doubles: [(slot: Int, reg: A.XMM)]) {
        let free = (0..<uses.count).filter { !vectorSlots[$0] }
        let integers = free.filter { uses[$0] > 0 }
            .map { ($0, uses[$0] + doubleUses[$0] + rawUses[$0]) }.sorted { $0.1 > $1.1 || ($0.1 == $1.1 && $0.0 < $1.0) }
        let doubles = free.filter { doubleUses[$0] > 0 && uses[$0] == 0 }
            .map { ($0, doubleUses[$0] + rawUses[$0]) }.sorted { $0.1 > $1.1 || ($0.1 == $1.1 && $0.0 < $1.0) }
        return (zip(integers.map(\.0), pinnable).map { ($0, $1) },
                zip(doubles.map(\.0), NativeCompiler.pinnableDoubleRegisters).map { ($0, $1) })
    }

    private mutating func pin(_ chosen: [(slot: Int, reg: A.Reg)], doubles: [(slot: Int, reg: A.XMM)]) {
        pinned = chosen
        for (slot, reg) in chosen { pins[slot] = reg }
        pinnedDoubles = doubles
        for (slot, reg) in doubles { doublePins[slot] = reg }
    }

    /// Writes the pinned locals to their slots (before the frame is read from outside).
    private mutating func spillPinned() {
        flushHeld()
        for (slot, reg) in pinned { a.store(memorySlot(slot), reg) }
        for (slot, reg) in pinnedDoubles { a.storeFloat(memorySlot(slot), reg, double: true) }
    }

    /// Reads the pinned locals from their slots (after the frame may have changed outside).
    private mutating func reloadPinned() {
        for (slot, reg) in pinned { a.load(reg, memorySlot(slot)) }
        for (slot, reg) in pinnedDoubles { a.loadFloat(reg, memorySlot(slot), double: true) }
    }

    /// `op xmm0, slot` on an f64 (or f32) slot in a register or in memory.
    private mutating func floatOpSlot(_ op: A.FloatOp, _ s: Int, double: Bool = true) {
        countDouble(s)
        if let location = readHeld(s) {
            switch location {
            case .float(let h): a.floatOp(op, A.xmm0, h, double: double)
            case .integer(let h): a.movToXMM(A.xmm1, h, w: true); a.floatOp(op, A.xmm0, A.xmm1, double: double)
            }
            return
        }
        if let x = doublePin(of: s) { a.floatOp(op, A.xmm0, x, double: double) }
        else if let p = pin(of: s) { a.movToXMM(A.xmm1, p, w: true); a.floatOp(op, A.xmm0, A.xmm1, double: double) }
        else { a.floatOp(op, A.xmm0, memorySlot(s), double: double) }
    }

    /// `ucomiss`/`ucomisd xmm0, slot`.
    private mutating func compareFloatSlot(_ s: Int, double: Bool) {
        countDouble(s)
        if let location = readHeld(s) {
            switch location {
            case .float(let h): a.ucomis(A.xmm0, h, double: double)
            case .integer(let h): a.movToXMM(A.xmm1, h, w: true); a.ucomis(A.xmm0, A.xmm1, double: double)
            }
            return
        }
        if let r = doublePin(of: s) { a.ucomis(A.xmm0, r, double: double) }
        else if let p = pin(of: s) { a.movToXMM(A.xmm1, p, w: true); a.ucomis(A.xmm0, A.xmm1, double: double) }
        else { a.ucomis(A.xmm0, memorySlot(s), double: double) }
    }

    /// Reads the 64 bits of slot `s` into `r` whatever keeps them (a move: no class).
    mutating func loadRaw(_ r: A.Reg, _ s: Int, w: Bool) {
        countRaw(s)
        if let location = readHeld(s) {
            switch location {
            case .float(let x): a.movFromXMM(r, x, w: w)
            case .integer(let h): a.mov(r, h, w: w)
            }
            return
        }
        if let x = doublePin(of: s) { a.movFromXMM(r, x, w: w) }
        else if let p = pin(of: s) { a.mov(r, p, w: w) }
        else { a.load(r, memorySlot(s), w: w) }
    }

    /// Writes the 64 bits in `r` to slot `d` wherever it is kept (a move: no class).
    mutating func storeRaw(_ d: Int, _ r: A.Reg) {
        countRaw(d)
        if let x = doublePin(of: d) { a.movToXMM(x, r, w: true) }
        else if let p = pin(of: d) { a.mov(p, r) }
        else if case .integer(let h)? = holds(d, float: false) { a.mov(h, r) }
        else { a.store(memorySlot(d), r); wroteSlot(d) }
    }

    /// `op r, slot` on a register or memory slot.
    private mutating func aluSlot(_ op: A.ALU, _ r: A.Reg, _ s: Int, w: Bool) {
        countUse(s)
        if let h = readHeldInteger(s) { a.alu(op, r, h, w: w); return }
        if let p = pin(of: s) { a.alu(op, r, p, w: w) } else { a.alu(op, r, memorySlot(s), w: w) }
    }

    mutating func cmpSlot(_ s: Int, imm: Int32, w: Bool) {
        countUse(s)
        if let h = readHeldInteger(s) { a.alu(.cmp, h, imm: imm, w: w); return }
        if let p = pin(of: s) { a.alu(.cmp, p, imm: imm, w: w) } else { a.alu(.cmp, memorySlot(s), imm: imm, w: w) }
    }

    private mutating func imulSlot(_ r: A.Reg, _ s: Int, w: Bool) {
        countUse(s)
        if let h = readHeldInteger(s) { a.imul(r, h, w: w); return }
        if let p = pin(of: s) { a.imul(r, p, w: w) } else { a.imul(r, memorySlot(s), w: w) }
    }

    /// Stores a result without keeping it for the next instruction (from a register other
    /// than rax or rdx, which a template may overwrite before its first read).
    private mutating func storeUncached(_ d: Int, _ r: A.Reg) {
        countUse(d)
        if let p = pin(of: d) { a.mov(p, r) }
        else if case .integer(let h)? = holds(d, float: false) { a.mov(h, r) }
        else { a.store(memorySlot(d), r); wroteSlot(d) }
    }

    /// The register to compute `d = x op ...` in, in place, when `d` is `x` and that slot is
    /// pinned to a general register (a 32-bit operation there clears bits 32...63 as the
    /// slot's value needs); nothing is then left in rax for the next instruction.
    private mutating func inPlace(_ d: Int, _ x: Int) -> A.Reg? {
        guard d == x, let p = pin(of: d) else { return nil }
        incoming = nil
        cached = nil
        return p
    }

    // MARK: Held results

    /// Where the result being written to `d` is to stay, when it is held: the instruction's
    /// result has one later reader (`holdSlot`) and a held register of its kind is free. A
    /// value held for `d` before is replaced.
    private mutating func holds(_ d: Int, float: Bool) -> HeldLocation? {
        guard holdSlot == d else { return nil }
        held.removeAll { $0.slot == d }
        let pool = float ? Self.heldXMMs.count : Self.heldRegisters.count
        guard let free = (0..<pool).first(where: { k in !held.contains { $0.float == float && $0.register == k } }) else {
            wroteSlot(d)
            return nil
        }
        held.append(Held(slot: d, float: float, register: free, consumer: holdConsumer))
        return float ? .float(Self.heldXMMs[free]) : .integer(Self.heldRegisters[free])
    }

    /// A write to slot `d`'s memory: a value held for it is no longer its latest.
    @inline(__always) private mutating func wroteSlot(_ d: Int) {
        if !held.isEmpty { held.removeAll { $0.slot == d } }
    }

    /// The entry of `held` for slot `s`, if it has one.
    @inline(__always) private func heldIndex(of s: Int) -> Int? {
        held.isEmpty ? nil : held.firstIndex { $0.slot == s }
    }

    /// Where slot `s` is held, if it is; marks it read.
    @inline(__always) private mutating func readHeld(_ s: Int) -> HeldLocation? {
        guard let k = heldIndex(of: s) else { return nil }
        held[k].consumed = true
        return held[k].float ? .float(Self.heldXMMs[held[k].register]) : .integer(Self.heldRegisters[held[k].register])
    }

    /// For the integer operand forms: the register holding slot `s`, if one does. A float
    /// held in an xmm register goes to its slot first, so that the memory operand form reads it.
    private mutating func readHeldInteger(_ s: Int) -> A.Reg? {
        guard let k = heldIndex(of: s) else { return nil }
        guard !held[k].float else { flushHeld(at: k); return nil }
        held[k].consumed = true
        return Self.heldRegisters[held[k].register]
    }

    /// Writes the held value `k` to its slot.
    private mutating func flushHeld(at k: Int) {
        let h = held.remove(at: k)
        if h.float { a.storeFloat(memorySlot(h.slot), Self.heldXMMs[h.register], double: true) }
        else { a.store(memorySlot(h.slot), Self.heldRegisters[h.register]) }
    }

    /// Writes every held value to its slot.
    private mutating func flushHeld() {
        while !held.isEmpty { flushHeld(at: held.count - 1) }
    }

    /// After the instruction at `pc`: the values it was to read have served (or, unread, go
    /// to their slots).
    private mutating func retireHeld(after pc: Int) {
        var k = held.count - 1
        while k >= 0 {
            if held[k].consumer <= pc {
                if held[k].consumed { held.remove(at: k) } else { flushHeld(at: k) }
            }
            k -= 1
        }
    }

    /// The reader of the result of the instruction at `pc` (`length` words) when that result
    /// can be held until it: a plain reader, no more than `maxHeldDistance` instructions on,
    /// with only plain instructions that do not branch (or constants) between, and no
    /// branch reaching any of them. A branch between could carry the value to a target
    /// that reads its slot.
    private func heldConsumer(of pc: Int, length: Int) -> Int? {
        let consumer = Int(consumerOf[pc])
        guard consumer > pc, consumer < words.count else { return nil }
        var next = pc + length, count = 0
        while next < consumer {
            count += 1
            guard count < Self.maxHeldDistance, !isTarget[next],
                  let op = IROpcode(rawValue: UInt16(truncatingIfNeeded: words[next])),
                  op == .const || (op.readsOperandsDirectly && !op.branches),
                  let length = Self.length(of: op, at: next, in: words) else { return nil }
            next += length
        }
        guard next == consumer, !isTarget[consumer],
              let op = IROpcode(rawValue: UInt16(truncatingIfNeeded: words[consumer])), op.readsOperandsDirectly else {
            return nil
        }
        return consumer
    }

    static let maxHeldDistance = 12
    /// Locals zeroed by unrolled 16-byte stores at entry; more take `rep stosq`.
    static let maxUnrolledZeroing = 96

    /// Weight of each IR word index: 1, times 8 per enclosing loop (up to three).
    static func loopWeights(_ words: UnsafeBufferPointer<UInt64>) -> [Int] {
        // A backward branch closes a loop from its target to itself.
        var depth = Array(repeating: 0, count: words.count + 2)
        walk(words, branch: { source, target in
            guard target >= 0 && target <= source else { return }
            depth[target] += 1
            depth[source + 1] -= 1
        })
        var weights = Array(repeating: 1, count: words.count + 1)
        var running = 0
        for i in 0...words.count {
            running += depth[i]
            weights[i] = [1, 8, 64, 512][Swift.min(Swift.max(running, 0), 3)]
        }
        return weights
    }

    static func lo(_ w: UInt64) -> Int { Int(UInt32(truncatingIfNeeded: w)) }
    static func hi(_ w: UInt64) -> Int { Int(UInt32(truncatingIfNeeded: w >> 32)) }
    private static func loSigned(_ w: UInt64) -> Int { Int(Int32(truncatingIfNeeded: w)) }
    private static func hiSigned(_ w: UInt64) -> Int { Int(Int32(truncatingIfNeeded: w >> 32)) }

    private mutating func label(at index: Int) -> A.Label? {
        guard index >= 0, index < labels.count else { return nil }
        if let l = labels[index] { return l }
        let l = a.newLabel()
        labels[index] = l
        if positions[index] >= 0 { a.bind(l, at: positions[index]) }
        return l
    }

    private mutating func trap(_ status: NativeTier.Status) -> A.Label {
        let index = Int(status.rawValue)
        if let l = traps[index] { return l }
        let l = a.newLabel()
        traps[index] = l
        return l
    }

    /// The conditions of the integer comparisons in `NumericOp` order (eq ne lt_s lt_u gt_s
    /// gt_u le_s le_u ge_s ge_u).
    private static let conditions: [A.Condition] = [.e, .ne, .l, .b, .g, .a, .le, .be, .ge, .ae]

    // MARK: Function

    private mutating func emitFunction() -> Bool {
        let frameSlots = header.frameSlots
        let first = header.parameterSlots
        let locals = header.localSlots - first
        a.bind(entry)
        a.alu(.sub, .rsp, imm: 8, w: true)
        a.alu(.cmp, .rsp, NativeContext.field(\.stackLimit), w: true)
        a.jcc(.b, exhausted)
        a.lea(.rax, memorySlot(frameSlots))
        a.alu(.cmp, .rax, NativeContext.field(\.slotsEnd), w: true)
        a.jcc(.a, exhausted)
        if locals > 0 {
            a.alu(.xor, .rax, .rax, w: false)
            if locals <= 4 {
                for i in 0..<locals { a.store(memorySlot(first + i), .rax) }
            } else if locals <= Self.maxUnrolledZeroing {
                // 16 bytes a store (`rep stos` costs tens of cycles to start, a call's worth).
                a.vector(.pxor, A.xmm0, A.xmm0)
                for i in stride(from: 0, to: locals - 1, by: 2) { a.movdqu(memorySlot(first + i), A.xmm0) }
                if locals % 2 == 1 { a.store(memorySlot(first + locals - 1), .rax) }
            } else {
                a.lea(.rdi, memorySlot(first))
                a.movImm(.rcx, UInt64(locals))
                a.repStosq()
            }
        }
        reloadPinned()
        var pc = 0
        while pc < words.count {
            let op = IROpcode(rawValue: UInt16(truncatingIfNeeded: words[pc]))
            // A held value never meets a branch target or an instruction that is not a plain
            // reader of its operands: it is in its slot by then.
            if !held.isEmpty && (isTarget[pc] || !(op.map { $0.readsOperandsDirectly || $0 == .const } ?? false)) {
                flushHeld()
            }
            holdSlot = nil
            if consumerOf[pc] >= 0, let op, let length = Self.length(of: op, at: pc, in: words),
               let consumer = heldConsumer(of: pc, length: length) {
                holdSlot = Self.hi(words[pc])
                holdConsumer = consumer
            }
            positions[pc] = a.position
            if let l = labels[pc] { a.bind(l) }
            currentWeight = loopWeight[pc]
            incoming = isTarget[pc] ? nil : cached
            incomingDouble = isTarget[pc] ? nil : cachedDouble
            cached = nil
            cachedDouble = nil
            currentPC = pc
            if countsStatistics, let op, op != .native && op != .loopEntry {
                // Touches no register (the previous result may still be in one), only flags.
                count(\.instructions)
            }
            guard let length = emitInstruction(at: pc) else { return false }
            guard a.position + snippetWords.count * 8 <= maxBytes else { return false }
            if !held.isEmpty { retireHeld(after: pc) }
            holdSlot = nil
            pc += length
        }
        positions[pc] = a.position
        if let l = labels[pc] { a.bind(l) }
        spillPinned()
        a.jmp(epilogue)

        // Shared tails: the normal return, traps, and the unwind path that records this
        // function in the trap's backtrace before returning the status.
        a.bind(epilogue)
        a.alu(.xor, .rax, .rax, w: false)
        a.alu(.add, .rsp, imm: 8, w: true)
        a.ret()
        a.bind(exhausted)
        a.movImm(.rax, UInt64(NativeTier.Status.callStackExhausted.rawValue))
        a.alu(.add, .rsp, imm: 8, w: true)
        a.ret()
        for path in limitPaths {
            a.bind(path.label)
            if let cost = path.fuelCost {
                // Exhausted: the interpreter leaves the fuel as it was.
                emitFuel(.add, cost)
                a.jmp(trap(.fuelExhausted))
                continue
            }
            spillPinned()
            a.mov(.rdi, .r14)
            a.movImm(.rax, NativeTier.interruptAddress)
            a.call(.rax)
            a.test(.rax, .rax, w: false)
            a.jcc(.ne, unwind)
            reloadPinned()
            a.jmp(path.resume)
        }
        for (status, l) in traps.enumerated() {
            guard let l else { continue }
            a.bind(l)
            a.movImm(.rax, UInt64(status))
            a.jmp(unwind)
        }
        a.bind(unwind)
        a.store(Mem(base: .rsp), .rax, w: false)
        a.mov(.rdi, .r14)
        a.movImm(.rsi, UInt64(header.functionIndex))
        a.movImm(.rax, NativeTier.recordFrameAddress)
        a.call(.rax)
        a.load(.rax, Mem(base: .rsp), w: false)
        a.alu(.add, .rsp, imm: 8, w: true)
        a.ret()
        for stub in loopStubs {
            guard let loop = label(at: stub.index) else { return false }
            a.bind(stub.label)
            a.alu(.sub, .rsp, imm: 8, w: true)
            reloadPinned()
            a.jmp(loop)
        }
        if !catchSites.isEmpty && !emitCatchDispatch() { return false }
        for table in tables {
            a.bind(table.label)
            for _ in table.targets { a.imm32(0) }
        }
        return !vectorConflict
    }

    /// The stubs of instructions a handler covers and the dispatch they share: a failure
    /// (status in eax) goes to `nativeCatch` with the instruction's word index; a handler that
    /// takes it continues at its landing code with the frame's registers read again, anything
    /// else goes on unwinding.
    private mutating func emitCatchDispatch() -> Bool {
        for site in catchSites {
            a.bind(site.label)
            a.movImm(.rdx, UInt64(site.position))
            a.jmp(catchDispatch)
        }
        let handlers = UnsafePointer(header).exceptionHandlers
        var targets: [Int] = []
        for handler in handlers {
            // A delegate entry never lands (`nativeCatch` returns catching entries only); its
            // slot in the table jumps to the first instruction.
            let target = handler.kind == .delegate ? 0 : Int(handler.target)
            guard label(at: target) != nil else { return false }
            targets.append(target)
        }
        let notCaught = a.newLabel()
        a.bind(catchDispatch)
        a.store(Mem(base: .rsp), .rax, w: false)
        a.mov(.r8, .rax, w: false)
        a.mov(.rcx, .rdx, w: false)
        a.mov(.rdi, .r14)
        a.mov(.rsi, .rbx)
        a.movImm64(.rdx, UInt64(UInt(bitPattern: header)))
        a.movImm(.rax, NativeTier.catchAddress)
        a.call(.rax)
        a.test(.rax, .rax, w: false)
        a.jcc(.s, notCaught)
        reloadMemory()
        reloadPinned()
        tables.append((handlerTable, targets))
        a.leaRIP(.rcx, handlerTable)
        a.loadSX32(.rax, Mem(base: .rcx, index: .rax, scale: 2))
        a.alu(.add, .rax, .rcx, w: true)
        a.jmp(.rax)
        a.bind(notCaught)
        a.load(.rax, Mem(base: .rsp), w: false)
        a.jmp(unwind)
        return true
    }

    /// Where a failure at the instruction being emitted goes: its catch stub when a handler
    /// covers it, otherwise the unwind path.
    private mutating func failureTarget() -> A.Label {
        guard currentPC < covered.count, covered[currentPC] else { return unwind }
        if let site = catchSites.last, site.position == currentPC { return site.label }
        let l = a.newLabel()
        catchSites.append((l, currentPC))
        return l
    }

    /// `op` (add or sub) of `cost` on the context's fuel.
    private mutating func emitFuel(_ op: A.ALU, _ cost: UInt32) {
        if cost <= UInt32(Int32.max) {
            a.alu(op, NativeContext.field(\.fuel), imm: Int32(cost), w: true)
        } else {
            a.movImm(.rax, UInt64(cost))
            a.alu(op, NativeContext.field(\.fuel), .rax, w: true)
        }
    }

    /// Compares the store's count of pending interrupt requests (kept by its `InterruptHandle`
    /// just past the context) with zero; when it is not, a helper traps with "interrupted" if
    /// the request is still pending (scratch registers are lost then).
    private mutating func emitInterruptCheck() {
        let slow = a.newLabel(), resume = a.newLabel()
        a.alu(.cmp, Mem(base: .r14, disp: Int32(InterruptHandle.machineFlagOffset)), imm: 0, w: true)
        a.jcc(.ne, slow)
        a.bind(resume)
        limitPaths.append((slow, resume, nil))
        // What the previous instruction left in scratch registers is gone.
        incoming = nil
        incomingDouble = nil
    }

    /// Before a call, where the interpreter checks without fuel (with fuel, the callee's
    /// entry checkpoint does).
    private mutating func emitCallInterruptCheck() {
        if checksInterrupts && !hasCheckpoints { emitInterruptCheck() }
    }

    /// `checkpoint` [op|cost]: the interpreter's fuel accounting (and its interrupt check).
    private mutating func emitCheckpoint(cost: UInt32) {
        let runsOut = a.newLabel(), resume = a.newLabel()
        emitFuel(.sub, cost)
        a.jcc(.b, runsOut)
        a.bind(resume)
        limitPaths.append((runsOut, resume, cost))
        if checksInterrupts { emitInterruptCheck() }
    }

    /// After a call or a snippet: propagate a failure, reload memory (it may have grown).
    private mutating func afterCall() {
        a.test(.rax, .rax, w: false)
        a.jcc(.ne, failureTarget())
        reloadMemory()
        reloadPinned()
    }

    /// Reads memory 0's base and size again after code that may have grown it. A memory in a
    /// guard region grows in place and its size is never compared with, so r12 and r13 (which
    /// every callee preserves) still hold what they need.
    private mutating func reloadMemory() {
        guard !guardedMemory else { return }
        a.load(.r12, NativeContext.field(\.memoryBase))
        a.load(.r13, NativeContext.field(\.memorySize))
    }

    /// Runs the instruction at `pc` (`length` words) in the interpreter.
    private mutating func emitSnippet(at pc: Int, length: Int) {
        spillPinned()
        emitSnippetCall(at: pc, length: length)
        afterCall()
    }

    /// The instruction's length in words; nil for one that keeps the function interpreted.
    /// The length in words of the instruction `op` at `pc`; nil for a malformed one (a
    /// truncated branch table, an unknown SIMD opcode, or one running past the end).
    static func length(of op: IROpcode, at pc: Int, in words: UnsafeBufferPointer<UInt64>) -> Int? {
        let length: Int
        switch op.layout {
        case .table:
            guard pc + 1 < words.count else { return nil }
            length = 3 + Int(UInt32(truncatingIfNeeded: words[pc + 1]))
        case .simd:
            guard let simd = SIMDIROpcode(header: words[pc]) else { return nil }
            length = simd.wordCount
        default:
            length = op.fixedWordCount
        }
        return pc + length <= words.count ? length : nil
    }

    // MARK: Instructions

    private mutating func emitInstruction(at pc: Int) -> Int? {
        let w0 = words[pc]
        guard let op = IROpcode(rawValue: UInt16(truncatingIfNeeded: w0)),
              let length = Self.length(of: op, at: pc, in: words) else { return nil }
        let d = Self.hi(w0)
        let w1 = length > 1 ? words[pc + 1] : 0
        let w2 = length > 2 ? words[pc + 2] : 0
        let raw = op.rawValue
        let extra = UInt16(truncatingIfNeeded: w0 >> 16)

        switch op {
        case .returnCall, .returnCallImport, .returnCallIndirect:
            return nil
        case .throw, .throwRef:
            // The exception is raised out of line and travels as a failure: to a handler of
            // this function covering the instruction, or out through the unwind path.
            spillPinned()
            a.mov(.rdi, .r14)
            a.mov(.rsi, .rbx)
            a.movImm64(.rdx, UInt64(UInt(bitPattern: words.baseAddress! + pc)))
            a.movImm(.rax, NativeTier.throwAddress)
            a.call(.rax)
            a.jmp(failureTarget())
            return length
        case .native:
            // The function's entry counter: nothing to do in machine code.
            return length
        case .loopEntry:
            // A running call continues here from the interpreter, through a stub that sets
            // up the frame as the function's prologue does. Every iteration passes here (a
            // back-edge jumps to the loop's first instruction): without fuel, the interrupt
            // check of the interpreter's back-edges.
            loopStubs.append((pc, a.newLabel()))
            if checksInterrupts && !hasCheckpoints { emitInterruptCheck() }
            return length
        case .checkpoint:
            emitCheckpoint(cost: UInt32(truncatingIfNeeded: w0 >> 32))
            return length
        case .simd:
            // `prepareCallRef` names the `callImport` after it: the two run as one snippet.
            // SIMD instructions with a template are compiled in line (NativeCompilerSIMD.swift);
            // the other SIMD ones, GC, atomics, 64-bit and multiple memories run through the
            // interpreter's own out-of-line executor, called directly (a snippet would cost a
            // pass through the interpreter loop per instruction).
            if SIMDIROpcode(header: w0) == .copySlots {
                return emitCopySlots(d, w1) ? length : nil
            }
            if let simd = SIMDIROpcode(header: w0), simd != .prepareCallRef, emitVector(simd, at: pc, d, w1, w2) {
                return length
            }
            guard SIMDIROpcode(header: w0) == .prepareCallRef else {
                vectorPathCount += 1
                spillPinned()
                a.mov(.rdi, .r14)
                a.mov(.rsi, .rbx)
                a.movImm64(.rdx, UInt64(UInt(bitPattern: words.baseAddress! + pc)))
                if countsStatistics { count(\.vectorPath) }
                a.movImm(.rax, NativeTier.simdAddress)
                a.call(.rax)
                afterCall()
                return length
            }
            let total = length + 2
            guard pc + total <= words.count else { return nil }
            spillPinned()
            emitCallInterruptCheck()
            a.mov(.rdi, .r14)
            loadSlot(.rsi, d)
            a.movImm(.rax, NativeTier.referenceTargetAddress)
            emitDynamicCall(base: Self.hi(words[pc + length]), snippetAt: pc, length: total)
            return total
        default:
            break
        }
        // Everything else has nothing in bits 16...31 of its header.
        if extra != 0 { emitSnippet(at: pc, length: length); return length }

        if raw <= IROpcode.i64TruncSatF64U.rawValue {
            if !emitNumeric(op, d, w1) { emitSnippet(at: pc, length: length) }
            return length
        }
        if raw >= IROpcode.i32EqImm.rawValue && raw <= IROpcode.i64GeUImm.rawValue {
            let wide = raw >= IROpcode.i64EqImm.rawValue
            let index = Int(raw - (wide ? IROpcode.i64EqImm.rawValue : IROpcode.i32EqImm.rawValue))
            a.alu(.xor, .rcx, .rcx, w: false)
            cmpSlot(Self.lo(w1), imm: Int32(truncatingIfNeeded: w1 >> 32), w: wide)
            a.setcc(Self.conditions[index], .rcx)
            storeUncached(d, .rcx)
            return length
        }
        if raw >= IROpcode.i32AddImm.rawValue && raw <= IROpcode.i64RotrImm.rawValue {
            let wide = raw >= IROpcode.i64AddImm.rawValue
            let index = Int(raw - (wide ? IROpcode.i64AddImm.rawValue : IROpcode.i32AddImm.rawValue))
            emitBinaryImmediate(index, wide: wide, d, Self.lo(w1), Int32(truncatingIfNeeded: w1 >> 32))
            return length
        }
        if raw >= IROpcode.brIfI32Eq.rawValue && raw <= IROpcode.brIfI64GeUImm.rawValue {
            var index = Int(raw - IROpcode.brIfI32Eq.rawValue)
            let immediate = index >= 20
            if immediate { index -= 20 }
            let wide = index >= 10
            guard let target = label(at: pc + Self.hiSigned(w1)) else { return nil }
            if immediate {
                cmpSlot(d, imm: Int32(truncatingIfNeeded: w1), w: wide)
            } else {
                loadSlot(.rax, d, w: wide)
                aluSlot(.cmp, .rax, Self.lo(w1), w: wide)
            }
            a.jcc(Self.conditions[index % 10], target)
            return length
        }
        if raw >= IROpcode.i32Load.rawValue && raw <= IROpcode.i64Store32.rawValue {
            emitLoadStore(op, d, w1)
            return length
        }
        if raw >= IROpcode.i32LoadIndexed.rawValue && raw <= IROpcode.store64ImmIndexed.rawValue {
            emitIndexed(op, d, w1, w2)
            return length
        }

        switch op {
        case .unreachable:
            a.jmp(trap(.unreachable))
        case .br:
            guard let target = label(at: pc + Self.hiSigned(w0)) else { return nil }
            a.jmp(target)
        case .brIfNez, .brIfEqz, .brIfI64Nez, .brIfI64Eqz:
            guard let target = label(at: pc + Self.loSigned(w1)) else { return nil }
            cmpSlot(d, imm: 0, w: op == .brIfI64Nez || op == .brIfI64Eqz)
            a.jcc(op == .brIfNez || op == .brIfI64Nez ? .ne : .e, target)
        case .brTable:
            let count = Self.lo(w1)
            var targets: [Int] = []
            for k in 0...count { targets.append(pc + Self.loSigned(words[pc + 2 + k])) }
            for t in targets { guard label(at: t) != nil else { return nil } }
            let table = a.newLabel()
            tables.append((table, targets))
            loadSlot(.rax, d, w: false)
            a.movImm(.rcx, UInt64(count))
            a.alu(.cmp, .rax, .rcx, w: false)
            a.cmov(.a, .rax, .rcx, w: false)
            a.leaRIP(.rcx, table)
            a.loadSX32(.rax, Mem(base: .rcx, index: .rax, scale: 2))
            a.alu(.add, .rax, .rcx, w: true)
            a.jmp(.rax)
        case .return:
            spillPinned()
            a.jmp(epilogue)
        case .returnValue:
            loadSlot(.rax, d)
            spillPinned()
            a.store(memorySlot(0), .rax)
            a.jmp(epilogue)
        case .call:
            spillPinned()
            emitCallInterruptCheck()
            let callee = Self.lo(w1)
            let offset = Int32(truncatingIfNeeded: d &* 8)
            if callee == definedIndex {
                a.alu(.add, .rbx, imm: offset, w: true)
                a.call(entry)
                a.alu(.sub, .rbx, imm: offset, w: true)
                afterCall()
            } else {
                a.load(.rax, NativeContext.field(\.entries))
                a.load(.rax, Mem(base: .rax, disp: Int32(truncatingIfNeeded: callee &* 8)))
                emitCallOrSnippet(base: d, snippetAt: pc, length: length)
            }
        case .callImport:
            // A host callee is called without a pass through the interpreter loop (see
            // `nativeCallImport`); a Wasm callee of another instance runs as the snippet.
            spillPinned()
            emitCallInterruptCheck()
            emitSnippetCall(at: pc, length: length, helper: NativeTier.callImportAddress)
            afterCall()
        case .callIndirect where Self.hi(w1) == 0:
            spillPinned()
            emitCallInterruptCheck()
            // Table 0: a callee with native code in this instance is called directly; anything
            // else (a trap, a host function, another instance) takes the interpreter's path.
            a.mov(.rdi, .r14)
            loadSlot(.rsi, Self.lo(w2), w: false)
            a.movImm(.rdx, UInt64(Self.lo(w1)))
            a.movImm(.rax, NativeTier.indirectTargetAddress)
            emitDynamicCall(base: d, snippetAt: pc, length: length)
        case .copy:
            // A move of 64 bits: it leaves the locals' classes to their other uses.
            let source = Self.lo(w1)
            if let x = doublePin(of: d) {
                countRaw(source)
                countRaw(d)
                if let location = readHeld(source) {
                    switch location {
                    case .float(let h): a.movaps(x, h)
                    case .integer(let h): a.movToXMM(x, h, w: true)
                    }
                } else if let y = doublePin(of: source) { a.movaps(x, y) }
                else if let p = pin(of: source) { a.movToXMM(x, p, w: true) }
                else { a.loadFloat(x, memorySlot(source), double: true) }
            } else {
                loadRaw(.rax, source, w: true)
                storeRaw(d, .rax)
            }
        case .const:
            let value = Int64(bitPattern: w1)
            if value >= Int64(Int32.min) && value <= Int64(Int32.max) {
                countUse(d)
                if let p = pin(of: d) { a.movImm(p, w1) }
                else if doublePin(of: d) == nil, case .integer(let h)? = holds(d, float: false) { a.movImm(h, w1) }
                else { a.storeImm(memorySlot(d), Int32(value), w: true); wroteSlot(d) }
            } else {
                a.movImm(.rax, w1)
                storeResult(d, .rax)
            }
        case .select, .select64:
            loadSlot(.rax, Self.lo(w1))
            loadSlot(.rcx, Self.hi(w1))
            cmpSlot(Self.lo(w2), imm: 0, w: op == .select64)
            a.cmov(.e, .rax, .rcx, w: true)
            storeResult(d, .rax)
        case .globalGet:
            a.load(.rax, NativeContext.field(\.globals))
            a.load(.rax, Mem(base: .rax, disp: Int32(truncatingIfNeeded: Self.lo(w1) &* 8)))
            a.load(.rax, Mem(base: .rax))
            storeResult(d, .rax)
        case .globalSet:
            loadSlot(.rcx, d)
            a.load(.rax, NativeContext.field(\.globals))
            a.load(.rax, Mem(base: .rax, disp: Int32(truncatingIfNeeded: Self.lo(w1) &* 8)))
            a.store(Mem(base: .rax), .rcx)
        case .store8Imm, .store16Imm, .store32Imm, .store64Imm:
            loadSlot(.rax, d, w: false)
            let width = [1, 2, 4, 8][Int(raw - IROpcode.store8Imm.rawValue)]
            let m = checkedAddress(offset: UInt32(truncatingIfNeeded: w1 >> 32), width: width)
            storeImmediate(m, width: width, Int32(truncatingIfNeeded: w1))
        case .f32AddImm, .f32SubImm, .f32MulImm, .f32DivImm:
            let fop: [A.FloatOp] = [.add, .sub, .mul, .div]
            loadFloat(A.xmm0, Self.lo(w1), double: false)
            a.movImm(.rcx, UInt64(UInt32(truncatingIfNeeded: w1 >> 32)))
            a.movToXMM(A.xmm1, .rcx, w: false)
            a.floatOp(fop[Int(raw - IROpcode.f32AddImm.rawValue)], A.xmm0, A.xmm1, double: false)
            storeFloatResult(d, double: false)
        case .f64AddImm, .f64SubImm, .f64MulImm, .f64DivImm:
            let fop: [A.FloatOp] = [.add, .sub, .mul, .div]
            loadDouble(Self.lo(w1))
            a.movImm(.rcx, w2)
            a.movToXMM(A.xmm1, .rcx, w: true)
            a.floatOp(fop[Int(raw - IROpcode.f64AddImm.rawValue)], A.xmm0, A.xmm1, double: true)
            storeDoubleResult(d)
        case .f64AddLoad, .f64SubLoad, .f64MulLoad, .f64DivLoad:
            let fop: [A.FloatOp] = [.add, .sub, .mul, .div]
            loadSlot(.rax, Self.hi(w1), w: false)
            let m = checkedAddress(offset: UInt32(truncatingIfNeeded: w2), width: 8)
            loadDouble(Self.lo(w1))
            a.floatOp(fop[Int(raw - IROpcode.f64AddLoad.rawValue)], A.xmm0, m, double: true)
            storeDoubleResult(d)
        case .f64AddStore, .f64SubStore, .f64MulStore, .f64DivStore:
            let fop: [A.FloatOp] = [.add, .sub, .mul, .div]
            loadSlot(.rax, d, w: false)
            let m = checkedAddress(offset: UInt32(truncatingIfNeeded: w2), width: 8)
            loadDouble(Self.lo(w1))
            floatOpSlot(fop[Int(raw - IROpcode.f64AddStore.rawValue)], Self.hi(w1))
            a.storeFloat(m, A.xmm0, double: true)
        case .f64AddLoadStore, .f64SubLoadStore, .f64MulLoadStore, .f64DivLoadStore:
            let fop: [A.FloatOp] = [.add, .sub, .mul, .div]
            loadSlot(.rax, Self.hi(w1), w: false)
            let load = checkedAddress(offset: UInt32(truncatingIfNeeded: w2), width: 8)
            loadDouble(Self.lo(w1))
            a.floatOp(fop[Int(raw - IROpcode.f64AddLoadStore.rawValue)], A.xmm0, load, double: true)
            loadSlot(.rax, d, w: false)
            let store = checkedAddress(offset: UInt32(truncatingIfNeeded: w2 >> 32), width: 8)
            a.storeFloat(store, A.xmm0, double: true)
        case .f64MulMul:
            loadDouble(Self.lo(w1))
            floatOpSlot(.mul, Self.hi(w1))
            floatOpSlot(.mul, Self.lo(w2))
            storeDoubleResult(d)
        case .selectI32LtU, .selectI32LtS, .selectI32Eq:
            loadSlot(.rax, Self.lo(w2), w: false)
            aluSlot(.cmp, .rax, Self.hi(w2), w: false)
            loadSlot(.rax, Self.lo(w1))
            loadSlot(.rcx, Self.hi(w1))
            a.cmov(op == .selectI32LtU ? .ae : op == .selectI32LtS ? .ge : .ne, .rax, .rcx, w: true)
            storeResult(d, .rax)
        case .addI32LtU, .addI32LeU:
            a.alu(.xor, .rcx, .rcx, w: false)
            loadSlot(.rax, Self.lo(w2), w: false)
            aluSlot(.cmp, .rax, Self.hi(w2), w: false)
            a.setcc(op == .addI32LtU ? .b : .be, .rcx)
            aluSlot(.add, .rcx, Self.lo(w1), w: false)
            storeUncached(d, .rcx)
        case .memorySize, .memoryGrow, .memoryFill, .memoryCopy, .memoryInit, .dataDrop, .tableGet, .tableSet,
             .tableSize, .tableGrow, .tableFill, .tableCopy, .tableInit, .elemDrop, .refFunc:
            emitOutOfLine(at: pc, d, w1)
        default:
            // Calls through tables other than table 0: the interpreter's own code.
            emitSnippet(at: pc, length: length)
        }
        return length
    }

    /// An instruction that works on the instance (memories, tables, segments, functions)
    /// rather than on values: a direct call of `nativeOutOfLine`, which runs it on the frame
    /// with the IR instruction at `pc` as its operands, without the interpreter. The slots it
    /// may read or write are the instruction's own, so of the pinned slots only those and the
    /// ones in registers a C call clobbers (r8-r11, the xmm registers) are written back before
    /// and read again after; r15, rbp and r13 keep theirs. Memory 0 is reloaded (`memory.grow`,
    /// or a shared memory grown by another thread).
    private mutating func emitOutOfLine(at pc: Int, _ d: Int, _ w1: UInt64) {
        flushHeld()
        let operands = [d, Self.lo(w1), Self.hi(w1)]
        let saved = pinned.filter { operands.contains($0.slot) || ![.r15, .rbp, .r13].contains($0.reg) }
        for (slot, reg) in saved { a.store(memorySlot(slot), reg) }
        for (slot, reg) in pinnedDoubles { a.storeFloat(memorySlot(slot), reg, double: true) }
        a.mov(.rdi, .r14)
        a.mov(.rsi, .rbx)
        a.movImm64(.rdx, UInt64(UInt(bitPattern: words.baseAddress! + pc)))
        a.movImm(.rax, NativeTier.outOfLineAddress)
        a.call(.rax)
        outOfLineCount += 1
        if countsStatistics { count(\.helperCalls) }
        a.test(.rax, .rax, w: false)
        a.jcc(.ne, unwind)
        reloadMemory()
        for (slot, reg) in saved { a.load(reg, memorySlot(slot)) }
        for (slot, reg) in pinnedDoubles { a.loadFloat(reg, memorySlot(slot), double: true) }
    }

    /// `copySlots` [simd op|d][s|count]: one `rep movsq` through the frame, so the template's
    /// size does not depend on the count. The pinned slots the run reads are written back
    /// first, those it writes read again after. False for an upward copy, which would need a
    /// descending one (the translator never emits it).
    private mutating func emitCopySlots(_ d: Int, _ w1: UInt64) -> Bool {
        let source = Self.lo(w1), count = Self.hi(w1)
        guard d <= source else { return false }
        flushHeld()
        let read = source..<(source + count), written = d..<(d + count)
        for (slot, reg) in pinned where read.contains(slot) { a.store(memorySlot(slot), reg) }
        for (slot, reg) in pinnedDoubles where read.contains(slot) { a.storeFloat(memorySlot(slot), reg, double: true) }
        a.lea(.rsi, memorySlot(source))
        a.lea(.rdi, memorySlot(d))
        a.movImm(.rcx, UInt64(count))
        a.repMovsq()
        for (slot, reg) in pinned where written.contains(slot) { a.load(reg, memorySlot(slot)) }
        for (slot, reg) in pinnedDoubles where written.contains(slot) { a.loadFloat(reg, memorySlot(slot), double: true) }
        return true
    }

    /// Adds one to a counter of `NativeContext.statistics`.
    private mutating func count(_ counter: KeyPath<NativeStatistics, UInt64>) {
        let offset = MemoryLayout<NativeContext>.offset(of: \NativeContext.statistics)!
            + MemoryLayout<NativeStatistics>.offset(of: counter)!
        a.alu(.add, Mem(base: .r14, disp: Int32(offset)), imm: 1, w: true)
    }

    /// The snippet call of a `call` whose callee has no native code (yet): the interpreter
    /// translates it if needed and runs it (natively, once it has native code). The pinned
    /// locals must be in their slots already (a helper call before may have overwritten
    /// their registers).
    private mutating func emitSnippetCall(at pc: Int, length: Int, helper: UInt64 = NativeTier.runSnippetAddress) {
        snippetCount += 1
        if countsStatistics { count(\.snippets) }
        let offset = snippetWords.count
        // The function's header without its exception handlers or tier-up count (which other
        // threads may be updating, and which a snippet has no use for).
        snippetWords += [header[0], header[1], UInt64(header.functionIndex), 0, 0]
        assert(snippetWords.count - offset == CompiledFunction.headerWords)
        for i in 0..<length { snippetWords.append(words[pc + i]) }
        snippetWords.append(UInt64(IROpcode.return.rawValue))
        a.mov(.rdi, .r14)
        a.mov(.rsi, .rbx)
        a.movImm64(.rdx, 0)
        snippetFixups.append((a.position - 8, offset))
        a.mov(.rcx, .rsp)
        a.movImm(.rax, helper)
        a.call(.rax)
    }

    /// A call whose callee a helper finds (its arguments set, its address in rax): native
    /// code it returns is called with the frame at `base`; 0 runs the instructions at `pc`
    /// as a snippet instead.
    private mutating func emitDynamicCall(base: Int, snippetAt pc: Int, length: Int) {
        a.call(.rax)
        emitCallOrSnippet(base: base, snippetAt: pc, length: length)
    }

    /// Calls the native code in rax with the frame at `base`, or when rax is 0 runs the
    /// instructions at `pc` as a snippet; then propagates a failure and reloads.
    private mutating func emitCallOrSnippet(base: Int, snippetAt pc: Int, length: Int) {
        let offset = Int32(truncatingIfNeeded: base &* 8)
        let slow = a.newLabel(), done = a.newLabel()
        a.test(.rax, .rax, w: true)
        a.jcc(.e, slow)
        a.alu(.add, .rbx, imm: offset, w: true)
        a.call(.rax)
        a.alu(.sub, .rbx, imm: offset, w: true)
        a.jmp(done)
        a.bind(slow)
        emitSnippetCall(at: pc, length: length)
        a.bind(done)
        afterCall()
    }

    // MARK: Numeric register forms

    /// Emits a numeric instruction [op|d][a|b]; false for one left to a snippet.
    private mutating func emitNumeric(_ op: IROpcode, _ d: Int, _ w1: UInt64) -> Bool {
        let x = Self.lo(w1), y = Self.hi(w1)
        let raw = op.rawValue
        switch op {
        case .i32Eqz, .i64Eqz:
            a.alu(.xor, .rcx, .rcx, w: false)
            cmpSlot(x, imm: 0, w: op == .i64Eqz)
            a.setcc(.e, .rcx)
            storeUncached(d, .rcx)
        case .i32Eq, .i32Ne, .i32LtS, .i32LtU, .i32GtS, .i32GtU, .i32LeS, .i32LeU, .i32GeS, .i32GeU,
             .i64Eq, .i64Ne, .i64LtS, .i64LtU, .i64GtS, .i64GtU, .i64LeS, .i64LeU, .i64GeS, .i64GeU:
            let wide = raw >= IROpcode.i64Eq.rawValue
            let index = Int(raw - (wide ? IROpcode.i64Eq.rawValue : IROpcode.i32Eq.rawValue))
            a.alu(.xor, .rcx, .rcx, w: false)
            loadSlot(.rax, x, w: wide)
            aluSlot(.cmp, .rax, y, w: wide)
            a.setcc(Self.conditions[index], .rcx)
            storeUncached(d, .rcx)
        case .f32Eq, .f32Ne, .f32Lt, .f32Gt, .f32Le, .f32Ge, .f64Eq, .f64Ne, .f64Lt, .f64Gt, .f64Le, .f64Ge:
            let double = raw >= IROpcode.f64Eq.rawValue
            let index = Int(raw - (double ? IROpcode.f64Eq.rawValue : IROpcode.f32Eq.rawValue))
            a.alu(.xor, .rax, .rax, w: false)
            a.alu(.xor, .rcx, .rcx, w: false)
            // lt and le compare b with a: "above" is false when unordered.
            let swapped = index == 2 || index == 4
            loadFloat(A.xmm0, swapped ? y : x, double: double)
            compareFloatSlot(swapped ? x : y, double: double)
            switch index {
            case 0: a.setcc(.e, .rax); a.setcc(.np, .rcx); a.alu(.and, .rax, .rcx, w: false)
            case 1: a.setcc(.ne, .rax); a.setcc(.p, .rcx); a.alu(.or, .rax, .rcx, w: false)
            case 2, 3: a.setcc(.a, .rax)
            default: a.setcc(.ae, .rax)
            }
            storeResult(d, .rax)
        case .i32Clz, .i64Clz:
            let wide = op == .i64Clz
            loadSlot(.rcx, x, w: wide)
            a.movImm(.rax, UInt64.max)
            a.bsr(.rcx, .rcx, w: wide)
            a.cmov(.e, .rcx, .rax, w: wide)
            a.movImm(.rax, wide ? 63 : 31)
            a.alu(.sub, .rax, .rcx, w: wide)
            storeResult(d, .rax)
        case .i32Ctz, .i64Ctz:
            let wide = op == .i64Ctz
            loadSlot(.rcx, x, w: wide)
            a.movImm(.rax, wide ? 64 : 32)
            a.bsf(.rcx, .rcx, w: wide)
            a.cmov(.e, .rcx, .rax, w: wide)
            storeUncached(d, .rcx)
        case .i32Add, .i32Sub, .i32And, .i32Or, .i32Xor, .i64Add, .i64Sub, .i64And, .i64Or, .i64Xor:
            let wide = raw >= IROpcode.i64Add.rawValue
            let alu: A.ALU
            switch op {
            case .i32Add, .i64Add: alu = .add
            case .i32Sub, .i64Sub: alu = .sub
            case .i32And, .i64And: alu = .and
            case .i32Or, .i64Or: alu = .or
            default: alu = .xor
            }
            if let p = inPlace(d, x) { aluSlot(alu, p, y, w: wide); return true }
            loadSlot(.rax, x, w: wide)
            aluSlot(alu, .rax, y, w: wide)
            storeResult(d, .rax)
        case .i32Mul, .i64Mul:
            let wide = op == .i64Mul
            loadSlot(.rax, x, w: wide)
            imulSlot(.rax, y, w: wide)
            storeResult(d, .rax)
        case .i32Shl, .i32ShrS, .i32ShrU, .i32Rotl, .i32Rotr, .i64Shl, .i64ShrS, .i64ShrU, .i64Rotl, .i64Rotr:
            let wide = raw >= IROpcode.i64Shl.rawValue
            loadSlot(.rax, x, w: wide)
            loadSlot(.rcx, y, w: false)
            a.shift(Self.shiftKind(op), .rax, w: wide)
            storeResult(d, .rax)
        case .i32DivS, .i32DivU, .i32RemS, .i32RemU, .i64DivS, .i64DivU, .i64RemS, .i64RemU:
            loadSlot(.rcx, y, w: true)
            emitDivision(op, d, x)
        case .f32Add, .f32Sub, .f32Mul, .f32Div, .f64Add, .f64Sub, .f64Mul, .f64Div:
            let double = raw >= IROpcode.f64Add.rawValue
            let fop: A.FloatOp
            switch op {
            case .f32Add, .f64Add: fop = .add
            case .f32Sub, .f64Sub: fop = .sub
            case .f32Mul, .f64Mul: fop = .mul
            default: fop = .div
            }
            loadFloat(A.xmm0, x, double: double)
            floatOpSlot(fop, y, double: double)
            storeFloatResult(d, double: double)
        case .f32Sqrt, .f64Sqrt:
            let double = op == .f64Sqrt
            a.xorps(A.xmm0, A.xmm0)
            floatOpSlot(.sqrt, x, double: double)
            storeFloatResult(d, double: double)
        case .f32Min, .f32Max, .f64Min, .f64Max:
            emitMinMax(d, x, y, double: op == .f64Min || op == .f64Max, min: op == .f32Min || op == .f64Min)
        case .f32Ceil, .f32Floor, .f32Trunc, .f32Nearest, .f64Ceil, .f64Floor, .f64Trunc, .f64Nearest:
            guard NativeTier.hasSSE41 else { return false }
            let double = raw >= IROpcode.f64Abs.rawValue
            let mode: UInt8
            switch op {
            case .f32Nearest, .f64Nearest: mode = 0
            case .f32Floor, .f64Floor: mode = 1
            case .f32Ceil, .f64Ceil: mode = 2
            default: mode = 3
            }
            // A NaN comes out quieted, as the interpreter's `x + x` leaves it; ±0, ±∞ and
            // integral values unchanged, the sign of a result rounded to zero kept.
            loadFloat(A.xmm0, x, double: double)
            a.round(A.xmm0, A.xmm0, mode: mode | 8, double: double)
            storeFloatResult(d, double: double)
        case .f32Abs, .f32Neg, .f64Abs, .f64Neg:
            // Bit operations in the xmm register, so that float slots stay float slots.
            let double = op == .f64Abs || op == .f64Neg
            let abs = op == .f32Abs || op == .f64Abs
            loadFloat(A.xmm0, x, double: double)
            let sign: UInt64 = double ? 1 << 63 : 1 << 31
            a.movImm(.rcx, abs ? sign - 1 : sign)
            a.movToXMM(A.xmm1, .rcx, w: true)
            if abs { a.andps(A.xmm0, A.xmm1) } else { a.xorps(A.xmm0, A.xmm1) }
            storeFloatResult(d, double: double)
        case .f32Copysign, .f64Copysign:
            let double = op == .f64Copysign
            let sign: UInt8 = double ? 63 : 31
            loadFloat(A.xmm0, x, double: double)
            loadRaw(.rcx, y, w: double)
            a.shift(.shr, .rcx, imm: sign, w: double)
            a.shift(.shl, .rcx, imm: sign, w: double)
            a.movImm(.rax, (1 << UInt64(sign)) - 1)
            a.movToXMM(A.xmm1, .rax, w: true)
            a.andps(A.xmm0, A.xmm1)
            a.movToXMM(A.xmm1, .rcx, w: true)
            a.orps(A.xmm0, A.xmm1)
            storeFloatResult(d, double: double)
        case .i32Popcnt, .i64Popcnt:
            guard NativeTier.hasPOPCNT else { return false }
            let wide = op == .i64Popcnt
            loadSlot(.rcx, x, w: wide)
            a.alu(.xor, .rax, .rax, w: false)  // popcnt's false dependency on its destination
            a.popcnt(.rax, .rcx, w: wide)
            storeResult(d, .rax)
        case .i32WrapI64, .i64ExtendI32U:
            loadSlot(.rax, x, w: false)
            storeResult(d, .rax)
        case .i32ReinterpretF32, .f32ReinterpretI32:
            // Moves of bits: they leave the slots' classes to their other uses.
            loadRaw(.rax, x, w: false)
            storeRaw(d, .rax)
        case .i64ReinterpretF64, .f64ReinterpretI64:
            loadRaw(.rax, x, w: true)
            storeRaw(d, .rax)
        case .i64ExtendI32S, .i64Extend32S:
            loadSlot(.rax, x, w: false)
            a.movsxd(.rax, .rax)
            storeResult(d, .rax)
        case .i32Extend8S, .i64Extend8S:
            loadSlot(.rax, x, w: false)
            a.movsx8(.rax, .rax, w: op == .i64Extend8S)
            storeResult(d, .rax)
        case .i32Extend16S, .i64Extend16S:
            loadSlot(.rax, x, w: false)
            a.movsx16(.rax, .rax, w: op == .i64Extend16S)
            storeResult(d, .rax)
        case .f32ConvertI32S, .f64ConvertI32S, .f32ConvertI64S, .f64ConvertI64S:
            let double = op == .f64ConvertI32S || op == .f64ConvertI64S
            let wide = op == .f32ConvertI64S || op == .f64ConvertI64S
            loadSlot(.rax, x, w: wide)
            a.xorps(A.xmm0, A.xmm0)
            a.convertIntToFloat(A.xmm0, .rax, w: wide, double: double)
            storeFloatResult(d, double: double)
        case .f32ConvertI32U, .f64ConvertI32U:
            let double = op == .f64ConvertI32U
            loadSlot(.rax, x, w: false)
            a.xorps(A.xmm0, A.xmm0)
            a.convertIntToFloat(A.xmm0, .rax, w: true, double: double)
            storeFloatResult(d, double: double)
        case .f32ConvertI64U, .f64ConvertI64U:
            // Below 2^63 the signed conversion is exact in its rounding. Above, the value is
            // halved with the lost bit kept as a sticky bit (so one rounding still decides,
            // nearest-even), converted and doubled: what the interpreter's `Float(UInt64)` does.
            let double = op == .f64ConvertI64U
            let large = a.newLabel(), done = a.newLabel()
            loadSlot(.rax, x, w: true)
            a.xorps(A.xmm0, A.xmm0)
            a.test(.rax, .rax, w: true)
            a.jcc(.s, large)
            a.convertIntToFloat(A.xmm0, .rax, w: true, double: double)
            a.jmp(done)
            a.bind(large)
            a.mov(.rcx, .rax)
            a.shift(.shr, .rcx, imm: 1, w: true)
            a.alu(.and, .rax, imm: 1, w: false)
            a.alu(.or, .rcx, .rax, w: true)
            a.convertIntToFloat(A.xmm0, .rcx, w: true, double: double)
            a.floatOp(.add, A.xmm0, A.xmm0, double: double)
            a.bind(done)
            storeFloatResult(d, double: double)
        case .f32DemoteF64:
            loadFloat(A.xmm1, x, double: true)
            a.xorps(A.xmm0, A.xmm0)
            a.convertFloat(A.xmm0, A.xmm1, toDouble: false)
            storeFloatResult(d, double: false)
        case .f64PromoteF32:
            loadFloat(A.xmm1, x, double: false)
            a.xorps(A.xmm0, A.xmm0)
            a.convertFloat(A.xmm0, A.xmm1, toDouble: true)
            storeFloatResult(d, double: true)
        case .i32TruncF32S, .i32TruncF32U, .i32TruncF64S, .i32TruncF64U,
             .i64TruncF32S, .i64TruncF32U, .i64TruncF64S, .i64TruncF64U:
            let double = op == .i32TruncF64S || op == .i32TruncF64U || op == .i64TruncF64S || op == .i64TruncF64U
            let wide = raw >= IROpcode.i64TruncF32S.rawValue
            let signed = op == .i32TruncF32S || op == .i32TruncF64S || op == .i64TruncF32S || op == .i64TruncF64S
            emitTruncation(d, x, double: double, wide: wide, signed: signed, saturating: false)
        case .i32TruncSatF32S, .i32TruncSatF32U, .i32TruncSatF64S, .i32TruncSatF64U,
             .i64TruncSatF32S, .i64TruncSatF32U, .i64TruncSatF64S, .i64TruncSatF64U:
            let index = Int(raw - IROpcode.i32TruncSatF32S.rawValue)
            emitTruncation(d, x, double: index & 2 != 0, wide: index >= 4, signed: index & 1 == 0, saturating: true)
        default:
            // Outside the numeric range: not reached.
            return false
        }
        return true
    }

    /// f32/f64 min and max as the interpreter computes them: the smaller (larger) of two
    /// ordered unequal values; of equal ones the bits ORed (ANDed), so that -0 is below +0;
    /// with a NaN operand `x + y`, which quiets it (of two NaNs, x's).
    private mutating func emitMinMax(_ d: Int, _ x: Int, _ y: Int, double: Bool, min: Bool) {
        let unordered = a.newLabel(), unequal = a.newLabel(), done = a.newLabel()
        loadFloat(A.xmm0, x, double: double)
        loadFloat(A.xmm1, y, double: double)
        a.ucomis(A.xmm0, A.xmm1, double: double)
        a.jcc(.p, unordered)
        a.jcc(.ne, unequal)
        if min { a.orps(A.xmm0, A.xmm1) } else { a.andps(A.xmm0, A.xmm1) }
        a.jmp(done)
        a.bind(unequal)
        a.floatOp(min ? .min : .max, A.xmm0, A.xmm1, double: double)
        a.jmp(done)
        a.bind(unordered)
        a.floatOp(.add, A.xmm0, A.xmm1, double: double)
        a.bind(done)
        storeFloatResult(d, double: double)
    }

    /// Loads the float constant `value` (as an f32 unless `double`) into xmm1.
    private mutating func loadFloatConstant(_ value: Double, double: Bool) {
        a.movImm(.rcx, double ? value.bitPattern : UInt64(Float(value).bitPattern))
        a.movToXMM(A.xmm1, .rcx, w: true)
    }

    /// Float → integer truncation of slot `x` into slot `d`. The valid inputs are those
    /// strictly between the interpreter's bounds (`WasmNumerics.i32TruncF32S` and the others);
    /// outside them the trapping forms trap (NaN: invalid conversion, otherwise integer
    /// overflow) and the saturating ones give 0 for NaN or the nearest bound.
    private mutating func emitTruncation(_ d: Int, _ x: Int, double: Bool, wide: Bool, signed: Bool, saturating: Bool) {
        let done = a.newLabel()
        loadFloat(A.xmm0, x, double: double)
        if signed && saturating {
            // cvtt gives the lowest integer for NaN and out of range values (and for the
            // lowest itself): only then is the input looked at.
            a.truncateFloat(.rax, A.xmm0, w: wide, double: double)
            if wide {
                a.movImm(.rcx, 1 << 63)
                a.alu(.cmp, .rax, .rcx, w: true)
            } else {
                a.alu(.cmp, .rax, imm: Int32.min, w: false)
            }
            a.jcc(.ne, done)
            let nan = a.newLabel()
            a.ucomis(A.xmm0, A.xmm0, double: double)
            a.jcc(.p, nan)
            a.xorps(A.xmm1, A.xmm1)
            a.ucomis(A.xmm0, A.xmm1, double: double)
            a.jcc(.b, done)                      // below zero: the lowest integer
            a.alu(.sub, .rax, imm: 1, w: wide)   // above: the highest
            a.jmp(done)
            a.bind(nan)
            a.alu(.xor, .rax, .rax, w: false)
            a.bind(done)
            storeResult(d, .rax)
            return
        }
        let lower: Double, upper: Double
        switch (signed, wide) {
        case (true, false): (lower, upper) = (double ? -2147483649.0 : -2147483904.0, 2147483648.0)
        case (false, false): (lower, upper) = (-1.0, 4294967296.0)
        case (true, true): (lower, upper) = (double ? -9223372036854777856.0 : -9223373136366403584.0, 9223372036854775808.0)
        case (false, true): (lower, upper) = (-1.0, 18446744073709551616.0)
        }
        let tooLow: A.Label, tooHigh: A.Label
        if saturating {
            tooLow = a.newLabel()
            tooHigh = a.newLabel()
        } else {
            a.ucomis(A.xmm0, A.xmm0, double: double)
            a.jcc(.p, trap(.invalidConversionToInteger))
            tooLow = trap(.integerOverflow)
            tooHigh = tooLow
        }
        // Unordered compares set CF and ZF: a NaN fails the lower bound (0 when saturating).
        loadFloatConstant(lower, double: double)
        a.ucomis(A.xmm0, A.xmm1, double: double)
        a.jcc(.be, tooLow)
        loadFloatConstant(upper, double: double)
        a.ucomis(A.xmm1, A.xmm0, double: double)
        a.jcc(.be, tooHigh)
        if signed {
            a.truncateFloat(.rax, A.xmm0, w: wide, double: double)
        } else if !wide {
            // Below 2^32: the 64-bit conversion is exact and has the upper half clear.
            a.truncateFloat(.rax, A.xmm0, w: true, double: double)
        } else {
            // From 2^63 up: convert x - 2^63 and put the top bit back.
            let large = a.newLabel()
            loadFloatConstant(9223372036854775808.0, double: double)
            a.ucomis(A.xmm0, A.xmm1, double: double)
            a.jcc(.ae, large)
            a.truncateFloat(.rax, A.xmm0, w: true, double: double)
            a.jmp(done)
            a.bind(large)
            a.floatOp(.sub, A.xmm0, A.xmm1, double: double)
            a.truncateFloat(.rax, A.xmm0, w: true, double: double)
            a.bitFlip(.rax, 63, w: true)
        }
        if saturating {
            a.jmp(done)
            a.bind(tooLow)
            a.alu(.xor, .rax, .rax, w: false)
            a.jmp(done)
            a.bind(tooHigh)
            a.movImm(.rax, wide ? UInt64.max : UInt64(UInt32.max))
        }
        a.bind(done)
        storeResult(d, .rax)
    }

    private static func shiftKind(_ op: IROpcode) -> A.Shift {
        switch op {
        case .i32Shl, .i64Shl, .i32ShlImm, .i64ShlImm: return .shl
        case .i32ShrS, .i64ShrS, .i32ShrSImm, .i64ShrSImm: return .sar
        case .i32ShrU, .i64ShrU, .i32ShrUImm, .i64ShrUImm: return .shr
        case .i32Rotl, .i64Rotl, .i32RotlImm, .i64RotlImm: return .rol
        default: return .ror
        }
    }

    /// Division and remainder of slot `x` by rcx into slot `d`, with Wasm's traps.
    private mutating func emitDivision(_ op: IROpcode, _ d: Int, _ x: Int) {
        let wide: Bool
        let signed: Bool
        let remainder: Bool
        switch op {
        case .i32DivS, .i32DivSImm: (wide, signed, remainder) = (false, true, false)
        case .i32DivU, .i32DivUImm: (wide, signed, remainder) = (false, false, false)
        case .i32RemS, .i32RemSImm: (wide, signed, remainder) = (false, true, true)
        case .i32RemU, .i32RemUImm: (wide, signed, remainder) = (false, false, true)
        case .i64DivS, .i64DivSImm: (wide, signed, remainder) = (true, true, false)
        case .i64DivU, .i64DivUImm: (wide, signed, remainder) = (true, false, false)
        case .i64RemS, .i64RemSImm: (wide, signed, remainder) = (true, true, true)
        default: (wide, signed, remainder) = (true, false, true)
        }
        loadSlot(.rax, x, w: wide)
        a.test(.rcx, .rcx, w: wide)
        a.jcc(.e, trap(.integerDivideByZero))
        if signed {
            let normal = a.newLabel(), done = a.newLabel()
            a.alu(.cmp, .rcx, imm: -1, w: wide)
            a.jcc(.ne, normal)
            if remainder {
                // x rem -1 is 0 (idiv would fault on INT_MIN).
                a.alu(.xor, .rdx, .rdx, w: false)
                a.jmp(done)
            } else {
                // INT_MIN / -1 overflows; anything else is its negation.
                a.neg(.rax, w: wide)
                a.jcc(.o, trap(.integerOverflow))
                storeResult(d, .rax)
                a.jmp(done)
            }
            a.bind(normal)
            a.signExtendAccumulator(w: wide)
            a.div(.rcx, signed: true, w: wide)
            if !remainder { storeResult(d, .rax) }
            a.bind(done)
            if remainder { storeResult(d, .rdx) }
        } else {
            a.alu(.xor, .rdx, .rdx, w: false)
            a.div(.rcx, signed: false, w: wide)
            storeResult(d, remainder ? .rdx : .rax)
        }
    }

    /// [op|d][a|imm32] integer arithmetic with an immediate (`index` in `i32AddImm` order).
    private mutating func emitBinaryImmediate(_ index: Int, wide: Bool, _ d: Int, _ x: Int, _ imm: Int32) {
        let base = wide ? IROpcode.i64AddImm.rawValue : IROpcode.i32AddImm.rawValue
        let op = IROpcode(rawValue: base + UInt16(index))!
        switch index {
        case 0, 1, 7, 8, 9:  // add sub and or xor
            let alu: [A.ALU] = [.add, .sub, .add, .add, .add, .add, .add, .and, .or, .xor]
            if let p = inPlace(d, x) { a.alu(alu[index], p, imm: imm, w: wide); return }
            loadSlot(.rax, x, w: wide)
            a.alu(alu[index], .rax, imm: imm, w: wide)
            storeResult(d, .rax)
        case 2:
            loadSlot(.rax, x, w: wide)
            a.imul(.rax, .rax, imm: imm, w: wide)
            storeResult(d, .rax)
        case 3, 4, 5, 6:
            a.movImm(.rcx, wide ? UInt64(bitPattern: Int64(imm)) : UInt64(UInt32(bitPattern: imm)))
            emitDivision(op, d, x)
        default:  // shifts and rotations
            if let p = inPlace(d, x) {
                a.shift(Self.shiftKind(op), p, imm: UInt8(truncatingIfNeeded: imm) & (wide ? 63 : 31), w: wide)
                return
            }
            loadSlot(.rax, x, w: wide)
            a.shift(Self.shiftKind(op), .rax, imm: UInt8(truncatingIfNeeded: imm) & (wide ? 63 : 31), w: wide)
            storeResult(d, .rax)
        }
    }

    // MARK: Memory

    /// Checks that [rax + offset, + width) lies in memory 0 (rax: the zero-extended address)
    /// and returns the operand addressing it.
    mutating func checkedAddress(offset: UInt32, width: Int) -> Mem {
        if guardedMemory {
            // The address, offset and width stay within the reservation's 8 GiB + 64 KiB.
            if offset <= UInt32(Int32.max) { return Mem(base: .r12, index: .rax, scale: 0, disp: Int32(offset)) }
            a.movImm(.rcx, UInt64(offset))
            a.alu(.add, .rax, .rcx, w: true)
            return Mem(base: .r12, index: .rax)
        }
        let end = UInt64(offset) + UInt64(width)
        if end <= UInt64(Int32.max) {
            a.lea(.rcx, Mem(base: .rax, disp: Int32(end)))
        } else {
            a.movImm(.rcx, end)
            a.alu(.add, .rcx, .rax, w: true)
        }
        a.alu(.cmp, .rcx, .r13, w: true)
        a.jcc(.a, trap(.outOfBoundsMemoryAccess))
        if offset <= UInt32(Int32.max) {
            return Mem(base: .r12, index: .rax, scale: 0, disp: Int32(offset))
        }
        a.movImm(.rcx, UInt64(offset))
        a.alu(.add, .rax, .rcx, w: true)
        return Mem(base: .r12, index: .rax)
    }

    private mutating func loadValue(_ op: IROpcode, _ m: Mem, into d: Int) {
        switch op {
        case .i32Load, .f32Load, .i64Load32U: a.load(.rdx, m, w: false)
        case .i64Load, .f64Load: a.load(.rdx, m, w: true)
        case .i32Load8S: a.loadSX8(.rdx, m, w: false)
        case .i32Load8U, .i64Load8U: a.loadZX8(.rdx, m)
        case .i32Load16S: a.loadSX16(.rdx, m, w: false)
        case .i32Load16U, .i64Load16U: a.loadZX16(.rdx, m)
        case .i64Load8S: a.loadSX8(.rdx, m, w: true)
        case .i64Load16S: a.loadSX16(.rdx, m, w: true)
        default: a.loadSX32(.rdx, m)  // i64.load32_s
        }
        storeRaw(d, .rdx)
        cached = (d, .rdx)
    }

    private static func loadWidth(_ op: IROpcode) -> Int {
        switch op {
        case .i64Load, .f64Load: return 8
        case .i32Load, .f32Load, .i64Load32S, .i64Load32U: return 4
        case .i32Load16S, .i32Load16U, .i64Load16S, .i64Load16U: return 2
        default: return 1
        }
    }

    private static func storeWidth(_ op: IROpcode) -> Int {
        switch op {
        case .i64Store, .f64Store: return 8
        case .i32Store, .f32Store, .i64Store32: return 4
        case .i32Store16, .i64Store16: return 2
        default: return 1
        }
    }

    private mutating func storeValue(_ m: Mem, width: Int, from s: Int) {
        loadRaw(.rdx, s, w: width == 8)
        switch width {
        case 8: a.store(m, .rdx, w: true)
        case 4: a.store(m, .rdx, w: false)
        case 2: a.store16(m, .rdx)
        default: a.store8(m, .rdx)
        }
    }

    private mutating func storeImmediate(_ m: Mem, width: Int, _ value: Int32) {
        switch width {
        case 8: a.storeImm(m, value, w: true)
        case 4: a.storeImm(m, value, w: false)
        case 2: a.storeImm16(m, UInt16(truncatingIfNeeded: value))
        default: a.storeImm8(m, UInt8(truncatingIfNeeded: value))
        }
    }

    /// Loads [op|d][addr|offset32] and stores [op|addr][value|offset32].
    private mutating func emitLoadStore(_ op: IROpcode, _ d: Int, _ w1: UInt64) {
        let isLoad = op.rawValue <= IROpcode.i64Load32U.rawValue
        loadSlot(.rax, isLoad ? Self.lo(w1) : d, w: false)
        let offset = UInt32(truncatingIfNeeded: w1 >> 32)
        if op.rawValue <= IROpcode.i64Load32U.rawValue {
            let m = checkedAddress(offset: offset, width: Self.loadWidth(op))
            loadValue(op, m, into: d)
        } else {
            let width = Self.storeWidth(op)
            let m = checkedAddress(offset: offset, width: width)
            storeValue(m, width: width, from: Self.lo(w1))
        }
    }

    /// The indexed forms: address x + (y << shift), wrapping at 32 bits, plus offset32.
    private mutating func emitIndexed(_ op: IROpcode, _ d: Int, _ w1: UInt64, _ w2: UInt64) {
        let raw = op.rawValue
        let offset = UInt32(truncatingIfNeeded: w2)
        let shift = UInt8(truncatingIfNeeded: w2 >> 32) & 31
        let isLoad = raw <= IROpcode.i64Load32UIndexed.rawValue
        let x = isLoad ? Self.lo(w1) : d
        let y = isLoad ? Self.hi(w1) : Self.lo(w1)
        loadSlot(.rax, x, w: false)
        loadSlot(.rcx, y, w: false)
        if shift != 0 { a.shift(.shl, .rcx, imm: shift, w: false) }
        a.alu(.add, .rax, .rcx, w: false)
        if isLoad {
            let plain = IROpcode(rawValue: IROpcode.i32Load.rawValue + (raw - IROpcode.i32LoadIndexed.rawValue))!
            let m = checkedAddress(offset: offset, width: Self.loadWidth(plain))
            loadValue(plain, m, into: d)
        } else if raw <= IROpcode.i64Store32Indexed.rawValue {
            let plain = IROpcode(rawValue: IROpcode.i32Store.rawValue + (raw - IROpcode.i32StoreIndexed.rawValue))!
            let width = Self.storeWidth(plain)
            let m = checkedAddress(offset: offset, width: width)
            storeValue(m, width: width, from: Self.hi(w1))
        } else {
            let width = [1, 2, 4, 8][Int(raw - IROpcode.store8ImmIndexed.rawValue)]
            let m = checkedAddress(offset: offset, width: width)
            storeImmediate(m, width: width, Int32(truncatingIfNeeded: w1 >> 32))
        }
    }
}
