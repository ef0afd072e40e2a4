/// Exception handling: `throw`, `throw_ref`, `try_table` and the legacy `try`/`catch`/
/// `delegate`/`rethrow`. No code runs when a `try_table` or `try` is entered: the translator
/// records handlers keyed by the body's code range (`ExceptionHandler`), which the interpreter
/// searches only when something throws.
///
/// - `try_table`: after the body (and a branch over what follows), one landing pad per catch
///   clause. The interpreter puts the exception's values (and its `exnref`) in the slots just
///   above the `try_table`'s operands, which the pad then branches with like a `br` to the
///   clause's label.
/// - Legacy `try`: each `catch`/`catch_all` arm is the landing code of its handler. The arm's
///   operand stack starts with a hidden slot for the caught exception (filled only when a
///   `rethrow` names the arm), then the tag's values; at the end of the arm its results move
///   down over the hidden slot to the block's result slots.
extension Translator {
    mutating func translateThrow(_ tag: UInt32) throws {
        guard let type = context.tagType(tag) else {
            throw SwasmError.invalid("unknown tag \(tag)", function: validator.functionIndex, offset: reader.instructionOffset)
        }
        let base = try prepareArguments(type)
        emit(.throw, base)
        emitPair(Int(tag), 0)
        markUnreachable()
    }

    mutating func translateThrowRef() throws {
        let reference = try pop()
        emit(.throwRef, slot(of: reference, depth: operands.count))
        markUnreachable()
    }

    mutating func enterTryTable(_ type: BlockType, _ table: TryTable) throws {
        guard let catches = table.catches(in: reader.brTableTargets) else {
            throw SwasmError.invalid("try_table catch clauses not found", function: validator.functionIndex,
                                     offset: reader.instructionOffset)
        }
        enterBlock(.tryTable, type)
        labels[labels.count - 1].tryStart = code.count
        labels[labels.count - 1].catches = catches
    }

    mutating func enterTry(_ type: BlockType) {
        enterBlock(.try, type)
        labels[labels.count - 1].tryStart = code.count
    }

    /// A label for a `try_table` or `try` in dead code (only its structure matters).
    mutating func enterDeadTry(_ instruction: Instruction) {
        var label = Label(kind: .try, height: operands.count, parameterCount: 0, resultCount: 0)
        if case .tryTable = instruction { label.kind = .tryTable }
        label.unreachable = true
        label.enteredReachable = false
        labels.append(label)
    }

    /// Called at `end`, before the label is closed: emits a `try_table`'s landing pads, or
    /// moves a catch arm's results over its hidden exception slot.
    mutating func finishTryConstruct() {
        let index = labels.count - 1
        let label = labels[index]
        guard label.enteredReachable else { return }
        switch label.kind {
        case .tryTable:
            emitLandingPads(index)
        case .catch, .catchAll:
            if !label.unreachable { moveArmResults(label) }
        default:
            break
        }
    }

    /// The results of a catch arm sit above its hidden slot; the block's are at its height.
    private mutating func moveArmResults(_ label: Label) {
        copyToLabel(arity: label.resultCount, height: label.height)
        operands.removeSubrange(Swift.min(label.height, operands.count)...)
        for _ in 0..<label.resultCount { push(.stack) }
    }

    private mutating func emitLandingPads(_ index: Int) {
        let label = labels[index]
        let bodyEnd = code.count
        if !label.unreachable {
            materializeTop(label.resultCount)
            let start = emit(.br, 0)
            addBranch(Patch(instruction: start, word: start, high: true), toLabel: index)
            labels[index].unreachable = true
        }
        let saved = operands
        let base = Array(operands[..<Swift.min(label.height, operands.count)])
        for clause in label.catches {
            var values: [ValueType] = []
            if clause.kind == .catch || clause.kind == .catchRef {
                values = context.tagType(clause.tag)?.params ?? []
            }
            let withReference = clause.kind == .catchRef || clause.kind == .catchAllRef
            operands = base
            for type in values { pushValue(type) }
            let exceptionSlot = home(operands.count)
            if withReference { pushValue(.exnref) }
            handlers.append(ExceptionHandler(
                start: Int32(truncatingIfNeeded: label.tryStart), end: Int32(truncatingIfNeeded: bodyEnd),
                kind: clause.kind == .catch || clause.kind == .catchRef ? .tag : .all,
                tag: clause.tag, target: Int32(truncatingIfNeeded: code.count),
                payloadSlot: Int32(truncatingIfNeeded: home(label.height)),
                exceptionSlot: withReference ? Int32(truncatingIfNeeded: exceptionSlot) : -1,
                owner: Int32(truncatingIfNeeded: index)))
            // The clause's label counts from outside the try_table, one below `index`.
            emitBranch(toLabel: index - 1 - Int(clause.label))
        }
        operands = saved
    }

    /// `catch x` (tag non-nil) or `catch_all`: closes the `try` body or the previous arm and
    /// opens an arm that is the landing code of a new handler.
    mutating func translateCatch(tag: UInt32?) throws {
        let index = labels.count - 1
        var label = labels[index]
        if label.kind == .try { label.tryEnd = code.count }
        if !label.unreachable {
            if label.kind == .try {
                materializeTop(label.resultCount)
            } else {
                copyToLabel(arity: label.resultCount, height: label.height)
            }
            let start = emit(.br, 0)
            labels[index] = label
            addBranch(Patch(instruction: start, word: start, high: true), toLabel: index)
            label = labels[index]
        }
        label.kind = tag == nil ? .catchAll : .catch
        label.unreachable = !label.enteredReachable
        producer = nil
        if label.enteredReachable {
            operands.removeSubrange(Swift.min(label.height, operands.count)...)
            pushValue(.exnref)  // the hidden exception slot
            for type in tag.flatMap({ context.tagType($0)?.params }) ?? [] { pushValue(type) }
            handlers.append(ExceptionHandler(
                start: Int32(truncatingIfNeeded: label.tryStart), end: Int32(truncatingIfNeeded: label.tryEnd),
                kind: tag == nil ? .all : .tag, tag: tag ?? 0, target: Int32(truncatingIfNeeded: code.count),
                payloadSlot: Int32(truncatingIfNeeded: home(label.height + 1)),
                owner: Int32(truncatingIfNeeded: index)))
            label.handlerIndex = handlers.count - 1
        }
        labels[index] = label
    }

    /// Pushes a value of `type` in its home slot(s). Landing code's values are not on the
    /// validator's stack, so their widths come from their types, not from the validator.
    private mutating func pushValue(_ type: ValueType) {
        let depth = operands.count
        var operand = Operand.stack
        operand.width = UInt8(type.slotCount)
        operands.append(operand)
        let top = home(depth) + Int(operand.width)
        if depth + 1 < homes.count { homes[depth + 1] = top } else { homes.append(top) }
        if top - localSlots > maxHeight { maxHeight = top - localSlots }
    }

    /// `delegate l`: ends the `try`; its body's exceptions go to the handlers of label l.
    mutating func translateDelegate(_ depth: UInt32) throws {
        let index = labels.count - 1
        let label = labels[index]
        if label.enteredReachable {
            handlers.append(ExceptionHandler(
                start: Int32(truncatingIfNeeded: label.tryStart), end: Int32(truncatingIfNeeded: code.count),
                kind: .delegate, owner: Int32(truncatingIfNeeded: index),
                delegateLabel: Int32(truncatingIfNeeded: index - 1 - Int(depth))))
        }
        try translateEnd()
    }

    /// `rethrow l`: throws the exception caught by the catch arm at label l again.
    mutating func translateRethrow(_ depth: UInt32) throws {
        let index = label(atDepth: depth)
        let arm = labels[index]
        guard arm.handlerIndex >= 0, arm.handlerIndex < handlers.count else {
            // An arm entered in dead code never runs.
            emit(.unreachable, 0)
            markUnreachable()
            return
        }
        let slot = home(arm.height)
        handlers[arm.handlerIndex].exceptionSlot = Int32(truncatingIfNeeded: slot)
        emit(.throwRef, slot)
        markUnreachable()
    }
}
