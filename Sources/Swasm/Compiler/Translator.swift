/// Validates and translates one function body to the register IR in a single pass: each
/// instruction is read, validated by `FunctionValidator`, then emitted.
///
/// Every operand stack position has a home slot: `localSlots` plus the slots of the operands
/// below it (a `v128` takes two slots, everything else one; `homes`). The translator keeps
/// its own operand stack of `Operand`s saying where each value is right now: in its home slot,
/// still in a local (`local.get` emits nothing), or a constant (`i32.const` emits nothing).
/// Consumers read locals and constants directly (constants as immediate forms where one
/// exists); anything else materializes the value into its home slot first. Invariants:
/// - Before `local.set x`/`local.tee x` overwrites x, every pending `.local(x)` operand is
///   materialized (copied to its home slot), so it keeps the value it had when pushed.
/// - At every control-flow join (block/loop/if entry, else, end, branch targets) values below
///   the frame's height are in their home slots, and a label's values are in the label's
///   slots (`localSlots + label.height + i`), so every path agrees on where values are.
/// - A `local.set` right after the instruction that produced its value rewrites that
///   instruction's destination to the local instead of emitting a copy.
struct Translator {
    struct Operand {
        enum Kind: UInt8 { case stack, local, constant }
        var kind: Kind
        /// Slots the value occupies: 2 for a `v128` (never a `.constant`), else 1. Set by `push`.
        var width: UInt8 = 1
        /// `.stack`: word index of the instruction that wrote the value to its home slot,
        /// when known (-1 otherwise; TranslatorSingleUse.swift).
        var producedAt: Int32 = -1
        /// The local's first slot, or constant bits.
        var value: UInt64

        init(kind: Kind, value: UInt64) {
            self.kind = kind
            self.value = value
        }

        static let stack = Operand(kind: .stack, value: 0)
        static func local(_ index: UInt32) -> Operand { Operand(kind: .local, value: UInt64(index)) }
        static func constant(_ bits: UInt64) -> Operand { Operand(kind: .constant, value: bits) }
    }

    /// A branch offset to fill in once its target is known.
    struct Patch {
        /// Word index of the branch instruction's header (offsets are relative to it).
        var instruction: Int
        /// Word holding the offset.
        var word: Int
        /// Whether the offset is the word's high 32 bits (else the low 32 bits).
        var high: Bool
        /// The label's previous pending branch in `pendingBranches` (-1: none).
        var previous = -1
    }

    /// A control frame as the translator sees it.
    struct Label {
        var kind: FunctionValidator.FrameKind
        /// Operand count below the frame's parameters.
        var height: Int
        var parameterCount: Int
        var resultCount: Int
        /// Loop: word index of the loop header (the target of its branches).
        var loopStart = 0
        /// The last of the forward branches to the frame's end, an index in
        /// `pendingBranches` (-1: none); each links to the one before. One array shared by
        /// every label, so a label costs no allocation.
        var lastBranch = -1
        /// `if`: the branch taken when the condition is false (to `else` or `end`).
        var elseBranch: Patch?
        var hasElse = false
        /// No code is emitted for the rest of the frame (dead code).
        var unreachable = false
        /// The frame was entered in live code.
        var enteredReachable = true
        /// Loops and the function: word index of their checkpoint, whose cost is the number of
        /// Wasm instructions in the body outside nested loops (filled in at `end`).
        var checkpoint: Int?
        /// Instructions translated before the frame began, and inside its nested loops.
        var instructionsBefore = 0
        var nestedLoopInstructions = 0
        /// `try_table`/`try`: word index where the body begins, and (`try`) where it ended.
        var tryStart = 0
        var tryEnd = 0
        /// `try_table`: its catch clauses.
        var catches: [TryTable.Catch] = []
        /// A legacy `catch` arm: its entry in `handlers` (a `rethrow` asks it for the exnref).
        var handlerIndex = -1

        var branchArity: Int { kind == .loop ? parameterCount : resultCount }
    }

    /// The last emitted instruction, when its result can be redirected or fused.
    struct Producer {
        /// Word index of the instruction.
        var start: Int
        /// Operand depth whose home slot it wrote (in its header operand).
        var depth: Int
        /// Set for integer binary ops and eqz: the op and its operand slots (or immediate), so
        /// a following branch, load, store or select can fuse with it.
        var numeric: NumericOp?
        var lhs: Int = 0
        var rhs: UInt64 = 0
        var rhsIsImmediate = false
        /// For an `i32.add`: the `i32.shl` by a constant just before it that computed one of
        /// its operands, so an address `x + (y << k)` can fuse into a scaled access.
        var shiftedOperand: ShiftedOperand?
        /// For a plain `f64.load`: its address slot and offset, so that the arithmetic
        /// consuming the value can load it itself.
        var loadAddress: Int?
        var loadOffset: UInt32 = 0
        /// For f64 arithmetic: the form that stores the result, and its operands (the left
        /// slot, then the right slot or the load's address; the load's offset).
        var storing: IROpcode?
    }

    struct ShiftedOperand {
        /// Word index of the shift instruction (right before the add).
        var start: Int
        /// The slot shifted, and by how much.
        var source: Int
        var shift: UInt32
        /// The add's other operand.
        var base: Int
    }

    let context: FunctionValidationContext
    private(set) var definedIndex: Int
    let emitCheckpoints: Bool
    /// Whether the module has a 64-bit memory or table, or more than one memory: only then
    /// can an instruction need `translateAddress64`'s forms, and only then is it asked.
    let hasWideAddresses: Bool

    var validator: FunctionValidator
    var reader: InstructionReader

    /// Parameters and declared locals.
    private(set) var localSlots = 0
    private(set) var resultCount = 0
    /// Slots of the results (`resultCount` plus one per `v128`).
    private(set) var resultSlots = 0
    /// The first slot of each local, when a `v128` local makes slots differ from indices
    /// (empty otherwise).
    private(set) var localSlotMap: [Int] = []

    var code: [UInt64] = []
    var operands: [Operand] = []
    /// `homes[d]`: the home slot of the operand at depth `d`, valid for every depth up to one
    /// past the highest operand pushed since depth `d - 1` was (popped operands keep theirs).
    var homes: [Int] = []
    var labels: [Label] = []
    var pendingBranches: [Patch] = []
    /// The exception handler table (see TranslatorExceptions.swift).
    var handlers: [ExceptionHandler] = []
    var maxHeight = 0
    var producer: Producer? {
        didSet {
            // The operand the producer wrote remembers it, for `noteConsumption`.
            if let written = producer, written.depth < operands.count, operands[written.depth].kind == .stack {
                operands[written.depth].producedAt = Int32(truncatingIfNeeded: written.start)
            }
        }
    }
    /// Results only one later instruction reads (TranslatorSingleUse.swift), and the
    /// bookkeeping that finds them: the producer whose result `pop()` just took and the
    /// constants materialized for the instruction being translated, and the records the last
    /// `emit` made (withdrawn if their operand is pushed back).
    var singleUseResults: [SingleUseResult] = []
    var consumptions: [Consumption] = []
    var lastRecorded: [(start: Int, slot: Int)] = []
    /// `slot(of:)` is materializing a constant operand; `pushResult` is pushing a new value.
    var materializingOperand = false
    var pushingResult = false
    /// Word index of the last instruction `emit` started: a later one starting at or before
    /// it means code was removed.
    var lastEmitStart = -1

    struct Consumption {
        var producerStart: Int
        /// The producer's header word, to see that it was not rewritten since.
        var header: UInt64
        var slot: Int
    }
    /// Live (not dead-code) Wasm instructions translated so far, for checkpoint costs.
    var instructionCount = 0

    /// Emit the native tier's `native` and `loopEntry` instructions (see IROpcode.swift).
    var emitTierChecks = false

    /// A branch that carries at most this many slots moves each value on its own (the common
    /// case, where a value may go straight from a local or a constant to the label's slot);
    /// more move as one `copySlots` run, so that no branch costs more than a few words
    /// whatever its arity (each `br_table` entry, each `br_if` would otherwise repeat a move
    /// per value).
    static let maxSlotsMovedOneByOne = 4

    /// IR words allowed per byte of function body. Translation is linear by construction:
    /// an instruction emits a bounded number of words, a branch's value moves included (see
    /// `prepareValues`), and moves of values pushed earlier happen once per value. The spec
    /// suites' functions need at most 1.2 words per byte (bodies of 32 bytes or more; smaller
    /// ones have the fixed cost the constant term covers); past this bound a translator bug
    /// would be at work, and it stops with a limit error instead of taking the memory.
    static let maxCodeWordsPerBodyByte = 16

    /// The most IR words a body of `bodyBytes` bytes may translate to.
    static func maxCodeWords(bodyBytes: Int) -> Int { 256 + maxCodeWordsPerBodyByte * bodyBytes }

    /// The most IR words this function's code may take: `maxCodeWords(bodyBytes:)`, or less
    /// when the engine's budget for compiled code has less left (`CodeCache` sets it). Checked
    /// after each instruction, and before a branch table's words are appended.
    var codeWordLimit = Int.max
    /// Why translation stops at `codeWordLimit`, for the limit error.
    var codeWordLimitReason = ""

    init(sections: ModuleSections, context: FunctionValidationContext, definedIndex: Int,
         emitCheckpoints: Bool = false) throws {
        self.context = context
        self.definedIndex = definedIndex
        self.emitCheckpoints = emitCheckpoints
        hasWideAddresses = context.memories.count > 1 || context.memories.contains { $0.limits.is64 }
            || context.tables.contains { $0.limits.is64 }
        validator = try FunctionValidator(module: sections, context: context, definedIndex: definedIndex)
        let body = sections.code[definedIndex]
        reader = InstructionReader(bytes: sections.bytes, range: body.code, features: context.features)
        homes.reserveCapacity(33)
        layOutFrame()
        code.reserveCapacity(body.code.count + 16)
        limitCodeToBodySize(body.code.count)
        operands.reserveCapacity(32)
        labels.reserveCapacity(16)
        labels.append(Label(kind: .function, height: 0, parameterCount: 0, resultCount: resultCount))
    }

    /// Starts over with another function of the same module, keeping the storage of the
    /// stacks and of the code buffer (eager compilation translates thousands in a row).
    mutating func restart(sections: ModuleSections, definedIndex: Int) throws {
        self.definedIndex = definedIndex
        try validator.restart(module: sections, definedIndex: definedIndex)
        let body = sections.code[definedIndex]
        reader = InstructionReader(bytes: sections.bytes, range: body.code, features: context.features)
        layOutFrame()
        code.removeAll(keepingCapacity: true)
        code.reserveCapacity(body.code.count + 16)
        limitCodeToBodySize(body.code.count)
        operands.removeAll(keepingCapacity: true)
        labels.removeAll(keepingCapacity: true)
        pendingBranches.removeAll(keepingCapacity: true)
        handlers.removeAll(keepingCapacity: true)
        maxHeight = 0
        producer = nil
        singleUseResults.removeAll(keepingCapacity: true)
        consumptions.removeAll(keepingCapacity: true)
        lastRecorded.removeAll(keepingCapacity: true)
        materializingOperand = false
        lastEmitStart = -1
        instructionCount = 0
        labels.append(Label(kind: .function, height: 0, parameterCount: 0, resultCount: resultCount))
    }

    /// The slots of the validator's function: locals, results, the first operand's home.
    private mutating func layOutFrame() {
        localSlots = validator.localTypes.reduce(0) { $0 + $1.slotCount }
        resultCount = validator.functionType.results.count
        resultSlots = validator.functionType.results.reduce(0) { $0 + $1.slotCount }
        localSlotMap.removeAll(keepingCapacity: true)
        if localSlots != validator.localTypes.count {
            var slot = 0
            for type in validator.localTypes {
                localSlotMap.append(slot)
                slot += type.slotCount
            }
        }
        homes.removeAll(keepingCapacity: true)
        homes.append(localSlots)
    }

    mutating func translate() throws -> CompiledFunction {
        // `native` comes first: it enters machine code before the entry's checkpoint, which
        // machine code then runs itself, so the entry is charged once on either tier.
        if emitTierChecks {
            _ = emit(.native, 0)
            emitWord(0)
        }
        if emitCheckpoints { labels[0].checkpoint = emit(.checkpoint, 0) }
        while !reader.isAtEnd {
            let instruction = try reader.read()
            try validator.validate(instruction, offset: reader.instructionOffset,
                                   brTableTargets: reader.brTableTargets)
            try translate(instruction)
            if code.count > codeWordLimit { throw codeLimitExceeded() }
        }
        try validator.finish(offset: reader.offset)
        let params = validator.functionType.params.reduce(0) { $0 + $1.slotCount }
        return CompiledFunction(
            code: code, functionIndex: validator.functionIndex,
            frameSlots: Swift.max(localSlots + maxHeight, resultSlots, 1),
            parameterSlots: params, localSlots: localSlots, resultSlots: resultSlots,
            handlers: handlers, singleUseResults: singleUseResults)
    }

    // MARK: Emission

    private mutating func limitCodeToBodySize(_ bodyBytes: Int) {
        codeWordLimit = Self.maxCodeWords(bodyBytes: bodyBytes)
        codeWordLimitReason = "more than \(Self.maxCodeWordsPerBodyByte) IR words per byte of its body"
    }

    /// Fails before `words` more words would pass `codeWordLimit`.
    mutating func reserveCode(words: Int) throws {
        if code.count + words > codeWordLimit { throw codeLimitExceeded() }
    }

    func codeLimitExceeded() -> SwasmError {
        .limit("the compiled code of function \(validator.functionIndex) would need \(codeWordLimitReason)")
    }

    /// Appends an instruction header; returns its word index. Anything emitted ends the
    /// window in which the previous instruction's result may be redirected.
    @discardableResult
    mutating func emit(_ op: IROpcode, _ operand: Int) -> Int {
        let start = code.count
        recordConsumptions(by: op, at: start, materializing: materializingOperand && op == .const)
        producer = nil
        code.append(UInt64(op.rawValue) | UInt64(UInt32(truncatingIfNeeded: operand)) << 32)
        return start
    }

    mutating func emitPair(_ lowField: Int, _ highField: Int) {
        code.append(UInt64(UInt32(truncatingIfNeeded: lowField)) | UInt64(UInt32(truncatingIfNeeded: highField)) << 32)
    }

    mutating func emitWord(_ word: UInt64) { code.append(word) }

    /// Home slot of the operand at `depth`.
    @inline(__always) func home(_ depth: Int) -> Int {
        depth < homes.count ? homes[depth] : homes[homes.count - 1] + depth - (homes.count - 1)
    }

    /// The first slot of local `index`.
    @inline(__always) func localSlot(_ index: UInt32) -> Int {
        Int(index) < localSlotMap.count ? localSlotMap[Int(index)] : Int(index)
    }

    // MARK: Operand stack

    var isUnreachable: Bool { labels[labels.count - 1].unreachable }

    /// Pushes a value whose type the validator has just pushed at the same depth, which
    /// decides its width.
    @inline(__always)
    mutating func push(_ operand: Operand) {
        let depth = operands.count
        if !pushingResult { noteRepush(operand, depth: depth) }
        var operand = operand
        if depth < validator.operandCount && validator.operands[depth].slotCount == 2 { operand.width = 2 }
        operands.append(operand)
        let top = home(depth) + Int(operand.width)
        if depth + 1 < homes.count { homes[depth + 1] = top } else { homes.append(top) }
        if top - localSlots > maxHeight { maxHeight = top - localSlots }
    }

    @inline(__always)
    mutating func pushResult() -> Int {
        // A new value: the consumptions the instruction being translated noted still hold.
        pushingResult = true
        push(.stack)
        pushingResult = false
        return home(operands.count - 1)
    }

    @inline(__always)
    mutating func pop() throws -> Operand {
        guard !operands.isEmpty else {
            throw SwasmError.invalid("type mismatch", function: validator.functionIndex, offset: reader.instructionOffset)
        }
        let operand = operands.removeLast()
        noteConsumption(of: operand)
        return operand
    }

    /// The slot holding operand `operand` that was at `depth`, materializing a constant
    /// into the home slot.
    mutating func slot(of operand: Operand, depth: Int) -> Int {
        switch operand.kind {
        case .stack: return home(depth)
        case .local: return Int(operand.value)
        case .constant:
            let start = code.count
            materializingOperand = true
            emitConstant(operand.value, to: home(depth))
            materializingOperand = false
            // Only for an operand popped for the instruction being translated: one read in
            // place (`br_on_null` and the like) stays on the stack, where a branch target may
            // expect it in its slot.
            if depth >= operands.count { noteMaterializedConstant(at: start, slot: home(depth)) }
            return home(depth)
        }
    }

    mutating func emitConstant(_ bits: UInt64, to slot: Int) {
        emit(.const, slot)
        emitWord(bits)
    }

    mutating func emitCopy(to destination: Int, from operand: Operand, depth: Int) {
        switch operand.kind {
        case .constant:
            emitConstant(operand.value, to: destination)
        case .local:
            if Int(operand.value) != destination {
                emitCopyInstruction(to: destination, width: operand.width)
                emitPair(Int(operand.value), 0)
            }
        case .stack:
            if home(depth) != destination {
                emitCopyInstruction(to: destination, width: operand.width)
                emitPair(home(depth), 0)
            }
        }
    }

    /// Moves the operand at `depth` into its home slot.
    mutating func materialize(depth: Int) {
        let operand = operands[depth]
        guard operand.kind != .stack else { return }
        emitCopy(to: home(depth), from: operand, depth: depth)
        operands[depth].kind = .stack
    }

    mutating func materializeAll() {
        for depth in operands.indices { materialize(depth: depth) }
    }

    mutating func materializeTop(_ count: Int) {
        for depth in Swift.max(0, operands.count - count)..<operands.count { materialize(depth: depth) }
    }

    /// Materializes every pending read of the local at `slot` before it is overwritten.
    mutating func materializeReads(ofLocal slot: Int) {
        for depth in operands.indices where operands[depth].kind == .local && operands[depth].value == UInt64(slot) {
            materialize(depth: depth)
        }
    }

    // MARK: Labels and branches

    mutating func label(atDepth depth: UInt32) -> Int { labels.count - 1 - Int(depth) }

    /// Points the branch described by `patch` at word `target`.
    mutating func resolve(_ patch: Patch, to target: Int) {
        let offset = UInt64(UInt32(bitPattern: Int32(truncatingIfNeeded: target - patch.instruction)))
        if patch.high {
            code[patch.word] = (code[patch.word] & 0xFFFF_FFFF) | offset << 32
        } else {
            code[patch.word] = (code[patch.word] & 0xFFFF_FFFF_0000_0000) | offset
        }
    }

    /// Records a branch to label `index`: resolved now for loops, at `end` otherwise.
    mutating func attach(_ patch: Patch, toLabel index: Int) {
        if labels[index].kind == .loop {
            resolve(patch, to: labels[index].loopStart)
        } else {
            addBranch(patch, toLabel: index)
        }
    }

    /// Records a forward branch to the end of label `index`.
    mutating func addBranch(_ patch: Patch, toLabel index: Int) {
        var patch = patch
        patch.previous = labels[index].lastBranch
        labels[index].lastBranch = pendingBranches.count
        pendingBranches.append(patch)
    }

    /// Points every forward branch of `label` at word `target`.
    mutating func resolveBranches(of label: Label, to target: Int) {
        var next = label.lastBranch
        while next >= 0 {
            let patch = pendingBranches[next]
            resolve(patch, to: target)
            next = patch.previous
        }
    }

    /// Whether the values a branch to `label` carries are already in the label's slots.
    func valuesInPlace(for label: Label) -> Bool {
        let arity = label.branchArity
        guard arity > 0 else { return true }
        guard operands.count - arity == label.height else { return false }
        for depth in (operands.count - arity)..<operands.count where operands[depth].kind != .stack {
            return false
        }
        return true
    }

    /// Slots the top `count` operands take.
    func slotsOfTop(_ count: Int) -> Int { home(operands.count) - home(operands.count - count) }

    /// Before a branch to label `index` that may be conditional (on the path both of its
    /// successors share): when the branch carries more than `maxSlotsMovedOneByOne` slots,
    /// puts its values in their home slots, where they form one run that `moveRun` moves with
    /// a single instruction. An operand is materialized at most once, so over the whole
    /// function this costs at most one move per value pushed, however many branches follow.
    mutating func prepareValues(forBranchTo index: Int) {
        let arity = labels[index].branchArity
        guard arity <= operands.count, slotsOfTop(arity) > Self.maxSlotsMovedOneByOne else { return }
        materializeTop(arity)
    }

    /// Moves the operands from depth `first` up, as one run, to the slots from `destination`
    /// (never above their home slots). A value not in its home slot goes there first, without
    /// changing the operand: the path may be conditional. After `prepareValues` there is none,
    /// and the move is one `copySlots`, or nothing when the run is already in place.
    mutating func moveRun(fromDepth first: Int, to destination: Int) {
        for depth in first..<operands.count where operands[depth].kind != .stack {
            emitCopy(to: home(depth), from: operands[depth], depth: depth)
        }
        let source = home(first)
        guard source != destination else { return }
        emitSIMD(.copySlots, destination)
        emitPair(source, home(operands.count) - source)
    }

    /// Copies the top `arity` operands into the slots of a label at `height` (which start at
    /// `home(height)` and follow the values' widths). Ascending order is safe: a destination
    /// is never above its source, and locals are below both.
    mutating func copyToLabel(arity: Int, height: Int) {
        let first = operands.count - arity
        var destination = home(height)
        if slotsOfTop(arity) > Self.maxSlotsMovedOneByOne {
            moveRun(fromDepth: first, to: destination)
            return
        }
        for i in 0..<arity {
            emitCopy(to: destination, from: operands[first + i], depth: first + i)
            destination += Int(operands[first + i].width)
        }
    }

    /// Unconditional branch to label `index` with its values (a return for the function).
    mutating func emitBranch(toLabel index: Int) {
        let label = labels[index]
        if label.kind == .function {
            emitReturn()
            return
        }
        copyToLabel(arity: label.branchArity, height: label.height)
        let start = emit(.br, 0)
        attach(Patch(instruction: start, word: start, high: true), toLabel: index)
    }

    /// Emits the function's return: results to slots 0..., then `return`.
    mutating func emitReturn() {
        let count = resultCount
        let first = operands.count - count
        if slotsOfTop(count) > Self.maxSlotsMovedOneByOne {
            // Home slots start above the locals: the run moves down, which an ascending copy
            // does correctly even where source and destination overlap.
            moveRun(fromDepth: first, to: 0)
            emit(.return, 0)
            return
        }
        if count == 1 && operands[first].width == 1 {
            let operand = operands[first]
            if operand.kind == .constant {
                emitConstant(operand.value, to: 0)
                emit(.return, 0)
            } else {
                emit(.returnValue, slot(of: operand, depth: first))
            }
            return
        }
        // A result read from local x must not be overwritten by an earlier result's copy into
        // slot x; such a result goes through its home slot first. The operand stack itself is
        // left alone: this may be a conditional path (br_if, br_table) that others fall past.
        var sources = Array(operands[first...])
        var depths = Array(first..<operands.count)
        var destinations = [Int](repeating: 0, count: count)
        for i in 1..<Swift.max(count, 1) { destinations[i] = destinations[i - 1] + Int(sources[i - 1].width) }
        for i in 0..<count where sources[i].kind == .local && Int(sources[i].value) < destinations[i] {
            emitCopy(to: home(first + i), from: sources[i], depth: first + i)
            sources[i].kind = .stack
            depths[i] = first + i
        }
        for i in 0..<count { emitCopy(to: destinations[i], from: sources[i], depth: depths[i]) }
        emit(.return, 0)
    }

    /// Emits a branch taken when `condition` (popped from `depth`) is non-zero, or zero when
    /// `negate`; fuses a comparison emitted just before. Returns the offset patch, or nil
    /// when the condition is a constant that never branches.
    mutating func emitConditionalBranch(_ condition: Operand, depth: Int, negate: Bool) -> Patch? {
        if condition.kind == .constant {
            let taken = (UInt32(truncatingIfNeeded: condition.value) != 0) != negate
            guard taken else { return nil }
            let start = emit(.br, 0)
            return Patch(instruction: start, word: start, high: true)
        }
        if condition.kind == .stack, let last = producer, last.depth == depth, let comparison = last.numeric,
           comparison == .i32Eqz || comparison == .i64Eqz || comparison.signature.shape == .compare {
            // The comparison's result is consumed only by this branch: branch on its operands.
            var fused: (op: IROpcode, rhsInHigh: Bool)?
            switch comparison {
            case .i32Eqz: fused = (negate ? .brIfNez : .brIfEqz, false)
            case .i64Eqz: fused = (negate ? .brIfI64Nez : .brIfI64Eqz, false)
            default:
                if let effective = negate ? comparison.negatedComparison : comparison,
                   let op = IROpcode.branch(on: effective, immediate: last.rhsIsImmediate) {
                    fused = (op, true)
                }
            }
            if let fused {
                code.removeSubrange(last.start...)
                let start = emit(fused.op, last.lhs)
                if fused.rhsInHigh {
                    emitPair(Int(truncatingIfNeeded: last.rhs), 0)
                    return Patch(instruction: start, word: start + 1, high: true)
                }
                emitPair(0, 0)
                return Patch(instruction: start, word: start + 1, high: false)
            }
        }
        let start = emit(negate ? .brIfEqz : .brIfNez, slot(of: condition, depth: depth))
        emitPair(0, 0)
        return Patch(instruction: start, word: start + 1, high: false)
    }

    /// The last instruction, if it computed the operand at `depth` with `op` (and nothing
    /// else reads that result): removes it so its operands can feed a fused instruction.
    mutating func takeProducer(_ op: NumericOp, depth: Int, immediate: Bool = false) -> Producer? {
        guard let last = producer, last.depth == depth, last.numeric == op, last.rhsIsImmediate == immediate else {
            return nil
        }
        code.removeSubrange(last.start...)
        producer = nil
        return last
    }

    /// Closes the checkpoint region of a loop or the function: sets its checkpoint's cost and
    /// excludes its instructions from the enclosing region's cost.
    mutating func closeCheckpointRegion(_ label: Label) {
        guard let checkpoint = label.checkpoint else { return }
        let total = instructionCount - label.instructionsBefore
        let cost = Swift.max(1, total - label.nestedLoopInstructions)
        code[checkpoint] = (code[checkpoint] & 0xFFFF_FFFF) | UInt64(UInt32(truncatingIfNeeded: cost)) << 32
        if let enclosing = labels.lastIndex(where: { $0.checkpoint != nil }) {
            labels[enclosing].nestedLoopInstructions += total
        }
    }

    mutating func markUnreachable() {
        labels[labels.count - 1].unreachable = true
    }
}
