/// The translation of each instruction (after the validator accepted it). See Translator.swift
/// for the operand model and IROpcode.swift for the instruction layouts.
extension Translator {
    mutating func translate(_ instruction: Instruction) throws {
        if isUnreachable {
            // Dead code: only the block structure matters.
            switch instruction {
            case .block, .loop, .if:
                var label = Label(kind: .block, height: operands.count, parameterCount: 0, resultCount: 0)
                label.unreachable = true
                label.enteredReachable = false
                if case .loop = instruction { label.kind = .loop }
                if case .if = instruction { label.kind = .if }
                labels.append(label)
            case .else:
                try translateElse()
            case .end:
                try translateEnd()
            case .tryTable, .try:
                enterDeadTry(instruction)
            case .catch(let tag):
                try translateCatch(tag: tag)
            case .catchAll:
                try translateCatch(tag: nil)
            case .delegate(let depth):
                try translateDelegate(depth)
            default:
                break
            }
            return
        }

        instructionCount += 1
        if hasWideAddresses, try translateAddress64(instruction) { return }
        switch instruction {
        case .simd(let simd):
            try translateSIMD(simd)
        case .atomic(let op, let memarg):
            try translateAtomic(op, memarg)
        case .gc(let gc):
            try translateGC(gc)
        // MARK: Control
        case .unreachable:
            emit(.unreachable, 0)
            markUnreachable()
        case .nop:
            break
        case .block(let type):
            enterBlock(.block, type)
        case .loop(let type):
            enterBlock(.loop, type)
        case .if(let type):
            let condition = try pop()
            materializeAll()
            let branch = emitConditionalBranch(condition, depth: operands.count, negate: true)
            enterBlock(.if, type)
            labels[labels.count - 1].elseBranch = branch
        case .else:
            try translateElse()
        case .end:
            try translateEnd()
        case .br(let depth):
            prepareValues(forBranchTo: label(atDepth: depth))
            emitBranch(toLabel: label(atDepth: depth))
            markUnreachable()
        case .brIf(let depth):
            try translateBrIf(label(atDepth: depth))
        case .brTable(let table):
            try translateBrTable(table)
        case .return:
            prepareValues(forBranchTo: 0)
            emitReturn()
            markUnreachable()
        case .call(let index):
            try translateCall(index)
        case .callIndirect(let typeIndex, let table):
            try translateCallIndirect(typeIndex: typeIndex, table: table)
        case .returnCall(let index):
            try translateReturnCall(index)
        case .returnCallIndirect(let typeIndex, let table):
            try translateReturnCallIndirect(typeIndex: typeIndex, table: table)
        case .callRef, .returnCallRef, .refAsNonNull, .brOnNull, .brOnNonNull:
            try translateFunctionReference(instruction)

        // MARK: Exceptions (TranslatorExceptions.swift)
        case .throw(let tag):
            try translateThrow(tag)
        case .throwRef:
            try translateThrowRef()
        case .tryTable(let type, let table):
            try enterTryTable(type, table)
        case .try(let type):
            enterTry(type)
        case .catch(let tag):
            try translateCatch(tag: tag)
        case .catchAll:
            try translateCatch(tag: nil)
        case .delegate(let depth):
            try translateDelegate(depth)
        case .rethrow(let depth):
            try translateRethrow(depth)

        // MARK: References
        case .refNull:
            push(.constant(RefEncoding.null))
        case .refIsNull:
            try unary(.i64Eqz)
        case .refFunc(let index):
            emit(.refFunc, pushResult())
            emitPair(Int(index), 0)

        // MARK: Parametric
        case .drop:
            _ = try pop()
        case .select, .typedSelect:
            try translateSelect()

        // MARK: Variables
        case .localGet(let index):
            push(.local(UInt32(truncatingIfNeeded: localSlot(index))))
        case .localSet(let index):
            try translateLocalSet(index, tee: false)
        case .localTee(let index):
            try translateLocalSet(index, tee: true)
        case .globalGet(let index):
            let result = pushResult()
            let start = operands[operands.count - 1].width == 2
                ? emitSIMD(.globalGet128, result) : emit(.globalGet, result)
            emitPair(Int(index), 0)
            producer = Producer(start: start, depth: operands.count - 1)
        case .globalSet(let index):
            let value = try pop()
            let source = slot(of: value, depth: operands.count)
            if value.width == 2 { emitSIMD(.globalSet128, source) } else { emit(.globalSet, source) }
            emitPair(Int(index), 0)

        // MARK: Tables
        case .tableGet(let table):
            let index = try pop()
            let indexSlot = slot(of: index, depth: operands.count)
            emit(.tableGet, pushResult())
            emitPair(indexSlot, Int(table))
        case .tableSet(let table):
            let (index, value) = try popSlots2()
            emit(.tableSet, index)
            emitPair(value, Int(table))
        case .tableSize(let table):
            emit(.tableSize, pushResult())
            emitPair(Int(table), 0)
        case .tableGrow(let table):
            let (initial, delta) = try popSlots2()
            emit(.tableGrow, pushResult())
            emitPair(initial, delta)
            emitPair(Int(table), 0)
        case .tableFill(let table):
            let (start, value, count) = try popSlots3()
            emit(.tableFill, start)
            emitPair(value, count)
            emitPair(Int(table), 0)
        case .tableCopy(let destination, let source):
            let (d, s, n) = try popSlots3()
            emit(.tableCopy, d)
            emitPair(s, n)
            emitPair(Int(destination), Int(source))
        case .tableInit(let element, let table):
            let (d, s, n) = try popSlots3()
            emit(.tableInit, d)
            emitPair(s, n)
            emitPair(Int(element), Int(table))
        case .elemDrop(let element):
            emit(.elemDrop, Int(element))

        // MARK: Memory
        case .load(let op, let memarg):
            if memarg.memory != 0 { try translateLoad(op, otherMemory: memarg) } else { try translateLoad(op, offset: memoryOffset(memarg)) }
        case .store(let op, let memarg):
            if memarg.memory != 0 { try translateStore(op, otherMemory: memarg) } else { try translateStore(op, offset: memoryOffset(memarg)) }
        case .memorySize(let memory):
            let start = emit(.memorySize, pushResult())
            emitPair(Int(memory), 0)
            producer = Producer(start: start, depth: operands.count - 1)
        case .memoryGrow(let memory):
            let delta = try pop()
            let deltaSlot = slot(of: delta, depth: operands.count)
            emit(.memoryGrow, pushResult())
            emitPair(deltaSlot, Int(memory))
        case .memoryFill(let memory):
            let (d, value, n) = try popSlots3()
            emit(.memoryFill, d)
            emitPair(value, n)
            emitPair(Int(memory), 0)
        case .memoryCopy(let destination, let source):
            let (d, s, n) = try popSlots3()
            emit(.memoryCopy, d)
            emitPair(s, n)
            emitPair(Int(destination), Int(source))
        case .memoryInit(let data, let memory):
            let (d, s, n) = try popSlots3()
            emit(.memoryInit, d)
            emitPair(s, n)
            emitPair(Int(data), Int(memory))
        case .dataDrop(let data):
            emit(.dataDrop, Int(data))

        // MARK: Numeric
        case .i32Const(let v):
            push(.constant(UInt64(UInt32(bitPattern: v))))
        case .i64Const(let v):
            push(.constant(UInt64(bitPattern: v)))
        case .f32Const(let bits):
            push(.constant(UInt64(bits)))
        case .f64Const(let bits):
            push(.constant(bits))
        case .numeric(let op):
            try translateNumeric(op)
        }
    }

    // MARK: Blocks

    mutating func enterBlock(_ kind: FunctionValidator.FrameKind, _ type: BlockType) {
        let parameters = context.parameters(of: type).count
        let results = context.results(of: type).count
        // Joins need every value in its home slot (see the invariants in Translator.swift).
        materializeAll()
        producer = nil
        var label = Label(kind: kind, height: operands.count - parameters, parameterCount: parameters,
                          resultCount: results)
        if kind == .loop {
            label.loopStart = code.count
            if emitTierChecks {
                _ = emit(.loopEntry, 0)
                emitWord(0)
            }
            if emitCheckpoints {
                label.checkpoint = emit(.checkpoint, 0)
                label.instructionsBefore = instructionCount
            }
        }
        labels.append(label)
    }

    mutating func translateElse() throws {
        if !labels[labels.count - 1].unreachable {
            materializeTop(labels[labels.count - 1].resultCount)
            let start = emit(.br, 0)
            addBranch(Patch(instruction: start, word: start, high: true), toLabel: labels.count - 1)
        }
        var label = labels[labels.count - 1]
        if let branch = label.elseBranch { resolve(branch, to: code.count) }
        label.elseBranch = nil
        label.hasElse = true
        label.unreachable = !label.enteredReachable
        labels[labels.count - 1] = label
        producer = nil
        if label.enteredReachable {
            operands.removeSubrange(Swift.min(label.height, operands.count)...)
            for _ in 0..<label.parameterCount { push(.stack) }
        }
    }

    mutating func translateEnd() throws {
        finishTryConstruct()
        let label = labels.removeLast()
        closeCheckpointRegion(label)
        if label.kind == .function {
            if !label.unreachable { emitReturn() }
            return
        }
        if !label.unreachable { materializeTop(label.resultCount) }
        let target = code.count
        if let branch = label.elseBranch { resolve(branch, to: target) }
        resolveBranches(of: label, to: target)
        producer = nil
        guard label.enteredReachable else { return }
        let reachable = !label.unreachable || label.lastBranch >= 0 || label.elseBranch != nil
        operands.removeSubrange(Swift.min(label.height, operands.count)...)
        for _ in 0..<label.resultCount { push(.stack) }
        if !reachable { markUnreachable() }
    }

    mutating func translateBrIf(_ index: Int) throws {
        let condition = try pop()
        let depth = operands.count
        prepareValues(forBranchTo: index)
        let label = labels[index]
        if label.kind != .function && valuesInPlace(for: label) {
            if let patch = emitConditionalBranch(condition, depth: depth, negate: false) {
                attach(patch, toLabel: index)
            }
            return
        }
        // Values must move (or the function returns): skip over the moves when not taken.
        let skip = emitConditionalBranch(condition, depth: depth, negate: true)
        emitBranch(toLabel: index)
        producer = nil
        if let skip { resolve(skip, to: code.count) }
    }

    mutating func translateBrTable(_ table: BrTable) throws {
        let index = try pop()
        let targets = reader.brTableTargets[table.targets] + [table.defaultTarget]
        try reserveCode(words: targets.count + 2)
        // Every target carries values of the same types.
        prepareValues(forBranchTo: label(atDepth: table.defaultTarget))
        let indexSlot = slot(of: index, depth: operands.count)
        let start = emit(.brTable, indexSlot)
        emitPair(Int(table.targetCount), 0)
        let tableStart = code.count
        for _ in targets { emitWord(0) }
        // One trampoline per label whose values must move, shared by all its entries.
        var trampolineOfLabel: [Int: Int] = [:]
        var trampolines: [(label: Int, entries: [Int])] = []
        for (i, depth) in targets.enumerated() {
            let labelIndex = label(atDepth: depth)
            let target = labels[labelIndex]
            if target.kind != .function && valuesInPlace(for: target) {
                attach(Patch(instruction: start, word: tableStart + i, high: false), toLabel: labelIndex)
            } else if let existing = trampolineOfLabel[labelIndex] {
                trampolines[existing].entries.append(tableStart + i)
            } else {
                trampolineOfLabel[labelIndex] = trampolines.count
                trampolines.append((labelIndex, [tableStart + i]))
            }
        }
        for trampoline in trampolines {
            for entry in trampoline.entries {
                resolve(Patch(instruction: start, word: entry, high: false), to: code.count)
            }
            emitBranch(toLabel: trampoline.label)
        }
        markUnreachable()
    }

    // MARK: Calls

    mutating func translateCall(_ index: UInt32) throws {
        guard let type = context.functionType(ofFunction: index) else {
            throw SwasmError.invalid("unknown function \(index)", function: validator.functionIndex, offset: reader.instructionOffset)
        }
        let base = try prepareArguments(type)
        if Int(index) < context.importedFunctionCount {
            emit(.callImport, base)
            emitPair(Int(index), 0)
        } else {
            emit(.call, base)
            emitPair(Int(index) - context.importedFunctionCount, 0)
        }
        for _ in type.results { push(.stack) }
    }

    mutating func translateCallIndirect(typeIndex: UInt32, table: UInt32) throws {
        if !context.typeHierarchy.isFinal(typeIndex) {
            return try translateCallIndirectOfOpenType(typeIndex: typeIndex, table: table)
        }
        guard let type = context.type(at: typeIndex) else {
            throw SwasmError.invalid("unknown type \(typeIndex)", function: validator.functionIndex, offset: reader.instructionOffset)
        }
        let index = try pop()
        // The index's home slot is just above the arguments, outside the callee's parameters,
        // and the interpreter reads it before entering the callee.
        let indexSlot = slot(of: index, depth: operands.count)
        let base = try prepareArguments(type)
        emit(.callIndirect, base)
        emitPair(Int(typeIndex), Int(table))
        emitPair(indexSlot, 0)
        for _ in type.results { push(.stack) }
    }

    /// Puts the arguments in their home slots, pops them and returns the callee's frame base.
    mutating func prepareArguments(_ type: FuncType) throws -> Int {
        let count = type.params.count
        guard operands.count >= count else {
            throw SwasmError.invalid("type mismatch", function: validator.functionIndex, offset: reader.instructionOffset)
        }
        materializeTop(count)
        operands.removeLast(count)
        return home(operands.count)
    }

    // MARK: Variables

    mutating func translateLocalSet(_ index: UInt32, tee: Bool) throws {
        let value = try pop()
        let depth = operands.count
        let local = localSlot(index)
        if value.kind == .local && value.value == UInt64(local) {
            if tee { push(value) }
            return
        }
        materializeReads(ofLocal: local)
        if value.kind == .stack, let last = producer, last.depth == depth {
            // Redirect the producing instruction's destination to the local.
            code[last.start] = (code[last.start] & 0xFFFF_FFFF) | UInt64(UInt32(truncatingIfNeeded: local)) << 32
            producer = nil
            if tee { push(.local(UInt32(truncatingIfNeeded: local))) }
            return
        }
        emitCopy(to: local, from: value, depth: depth)
        if tee { push(value.kind == .constant ? value : .stack) }
        if tee && value.kind == .local { operands[operands.count - 1] = value }
    }

    mutating func translateSelect() throws {
        let condition = try pop()
        var second = try pop()
        var first = try pop()
        let depth = operands.count
        if condition.kind == .constant, first.kind != .stack, second.kind != .stack {
            push(UInt32(truncatingIfNeeded: condition.value) != 0 ? first : second)
            return
        }
        if translateComparisonSelect(first: first, second: second, condition: condition, depth: depth) { return }
        var firstDepth = depth, secondDepth = depth + 1
        let c: Int
        let wide = first.width == 2
        var op = IROpcode.select
        if condition.kind == .stack, !wide,
           let eqz = takeProducer(.i32Eqz, depth: depth + 2) ?? takeProducer(.i64Eqz, depth: depth + 2) {
            // select(a, b, x == 0) is select(b, a, x).
            c = eqz.lhs
            if eqz.numeric == .i64Eqz { op = .select64 }
            swap(&first, &second)
            swap(&firstDepth, &secondDepth)
        } else {
            c = slot(of: condition, depth: depth + 2)
        }
        let a = slot(of: first, depth: firstDepth)
        let b = slot(of: second, depth: secondDepth)
        let start = wide ? emitSIMD(.select128, pushResult()) : emit(op, pushResult())
        emitPair(a, b)
        emitPair(c, 0)
        producer = Producer(start: start, depth: depth)
    }

    // MARK: Numeric

    mutating func unary(_ op: NumericOp) throws {
        let operand = try pop()
        let depth = operands.count
        let source = slot(of: operand, depth: depth)
        let start = emit(IROpcode.register(op), pushResult())
        emitPair(source, 0)
        var result = Producer(start: start, depth: depth)
        if op == .i32Eqz || op == .i64Eqz {
            result.numeric = op
            result.lhs = source
        }
        producer = result
    }

    mutating func translateNumeric(_ op: NumericOp) throws {
        switch op {
        case .i32ReinterpretF32, .i64ReinterpretF64, .f32ReinterpretI32, .f64ReinterpretI64:
            // Same bits in the same slot: nothing to do.
            return
        default:
            break
        }
        guard op.signature.operandCount == 2 else {
            try unary(op)
            return
        }
        var rhs = try pop()
        var lhs = try pop()
        let depth = operands.count
        var lhsDepth = depth, rhsDepth = depth + 1
        var op = op
        let isInteger = op.signature.operand == .i32 || op.signature.operand == .i64

        // A constant on the left of a commutative op or comparison moves to the right.
        if isInteger, lhs.kind == .constant, rhs.kind != .constant {
            if op.isCommutative {
                swap(&lhs, &rhs)
                swap(&lhsDepth, &rhsDepth)
            } else if let swapped = op.swappedComparison {
                op = swapped
                swap(&lhs, &rhs)
                swap(&lhsDepth, &rhsDepth)
            }
        }
        if rhs.kind == .constant, let immediateOp = IROpcode.immediate(op), let immediate = immediateField(rhs.value, op) {
            let left = slot(of: lhs, depth: lhsDepth)
            let start = emit(immediateOp, pushResult())
            emitPair(left, Int(immediate))
            producer = Producer(start: start, depth: depth, numeric: op, lhs: left, rhs: UInt64(immediate),
                                rhsIsImmediate: true)
            return
        }
        if rhs.kind == .constant, let immediateOp = IROpcode.floatImmediate(op) {
            let left = slot(of: lhs, depth: lhsDepth)
            let start = emit(immediateOp, pushResult())
            if op.signature.operand == .f32 {
                emitPair(left, Int(truncatingIfNeeded: rhs.value))
            } else {
                emitPair(left, 0)
                emitWord(rhs.value)
            }
            producer = Producer(start: start, depth: depth)
            return
        }
        if let fusedOp = IROpcode.floatLoadOperand(op), let load = producer, let address = load.loadAddress {
            // The operand the load just computed is consumed only here. A loaded left operand
            // qualifies when the op commutes and the right one needed no code.
            var other: Operand?
            if rhs.kind == .stack, load.depth == rhsDepth {
                other = lhs
            } else if op == .f64Add || op == .f64Mul, lhs.kind == .stack, load.depth == lhsDepth, rhs.kind == .local {
                other = rhs
            }
            if let other {
                code.removeSubrange(load.start...)
                producer = nil
                // A constant goes to the lower home slot, never the address's.
                let left = slot(of: other, depth: lhsDepth)
                let start = emit(fusedOp, pushResult())
                emitPair(left, address)
                emitPair(Int(load.loadOffset), 0)
                producer = Producer(start: start, depth: depth, lhs: left, rhs: UInt64(address))
                producer?.loadOffset = load.loadOffset
                producer?.storing = fusedOp.storingResult
                return
            }
        }
        if op == .i32Add, translateComparisonAdd(lhs: lhs, rhs: rhs, depth: depth) { return }
        if op == .f64Mul, translateProductOfThree(lhs: lhs, rhs: rhs, depth: depth) { return }
        let left = slot(of: lhs, depth: lhsDepth)
        let right = slot(of: rhs, depth: rhsDepth)
        // A shift computed just before an add of its result (x + (y << k), array indexing).
        var shifted: ShiftedOperand?
        if op == .i32Add, let shift = producer, shift.numeric == .i32Shl, shift.rhsIsImmediate {
            if rhs.kind == .stack, shift.depth == rhsDepth {
                shifted = ShiftedOperand(start: shift.start, source: shift.lhs, shift: UInt32(shift.rhs & 31), base: left)
            } else if lhs.kind == .stack, shift.depth == lhsDepth {
                shifted = ShiftedOperand(start: shift.start, source: shift.lhs, shift: UInt32(shift.rhs & 31), base: right)
            }
        }
        let registerOp = IROpcode.register(op)
        let start = emit(registerOp, pushResult())
        emitPair(left, right)
        producer = Producer(start: start, depth: depth, numeric: isInteger ? op : nil, lhs: left, rhs: UInt64(right),
                            shiftedOperand: shifted)
        producer?.storing = registerOp.storingResult
    }

    /// The 32-bit immediate field for constant `bits` as the right operand of `op`, or nil
    /// when it does not fit (i64 immediates are sign-extended from 32 bits).
    func immediateField(_ bits: UInt64, _ op: NumericOp) -> UInt32? {
        if op.signature.operand == .i32 { return UInt32(truncatingIfNeeded: bits) }
        let value = Int64(bitPattern: bits)
        guard value >= Int64(Int32.min), value <= Int64(Int32.max) else { return nil }
        return UInt32(bitPattern: Int32(value))
    }

    // MARK: Memory

    /// An address computed by the instruction(s) just emitted as `x + (y << shift)`, removed
    /// so that the access can compute it: (x, y, shift).
    mutating func takeIndexedAddress(depth: Int) -> (x: Int, y: Int, shift: UInt32)? {
        guard let add = takeProducer(.i32Add, depth: depth) else { return nil }
        if let shifted = add.shiftedOperand {
            code.removeSubrange(shifted.start...)
            return (shifted.base, shifted.source, shifted.shift)
        }
        return (add.lhs, Int(add.rhs), 0)
    }

    mutating func translateLoad(_ op: LoadOp, offset: UInt32) throws {
        let address = try pop()
        let depth = operands.count
        if address.kind == .stack, let indexed = takeIndexedAddress(depth: depth) {
            let start = emit(IROpcode.load(op, indexed: true), pushResult())
            emitPair(indexed.x, indexed.y)
            emitPair(Int(offset), Int(indexed.shift))
            producer = Producer(start: start, depth: depth)
            return
        }
        let addressSlot = slot(of: address, depth: depth)
        let start = emit(IROpcode.load(op, indexed: false), pushResult())
        emitPair(addressSlot, Int(offset))
        producer = Producer(start: start, depth: depth)
        if op == .f64Load {
            producer?.loadAddress = addressSlot
            producer?.loadOffset = offset
        }
    }

    mutating func translateStore(_ op: StoreOp, offset: UInt32) throws {
        let value = try pop()
        let address = try pop()
        let depth = operands.count
        // The address's i32.add is the last instruction only if the value needed no code; a
        // local or constant value needs no slot of its own either, so fusing cannot clobber
        // the add's inputs.
        let immediate = value.kind == .constant ? storeImmediate(value.value, op) : nil
        if op == .f64Store, value.kind == .stack, address.kind != .constant, let last = producer,
           last.depth == depth + 1, let storing = last.storing {
            // The f64 arithmetic just emitted computed the value: it stores its result itself.
            // Its operands were read where it stood, and nothing ran since; the address slot
            // is a local or the home below the value, which it did not write.
            code.removeSubrange(last.start...)
            producer = nil
            emit(storing, slot(of: address, depth: depth))
            emitPair(last.lhs, Int(truncatingIfNeeded: last.rhs))
            if storing.rawValue >= IROpcode.f64AddLoadStore.rawValue {
                emitPair(Int(last.loadOffset), Int(offset))
            } else {
                emitPair(Int(offset), 0)
            }
            return
        }
        if address.kind == .stack, value.kind == .local || immediate != nil,
           let indexed = takeIndexedAddress(depth: depth) {
            if let immediate {
                emit(IROpcode.storeImmediateIndexed(op), indexed.x)
                emitPair(indexed.y, Int(immediate))
            } else {
                emit(IROpcode.store(op, indexed: true), indexed.x)
                emitPair(indexed.y, Int(value.value))
            }
            emitPair(Int(offset), Int(indexed.shift))
            return
        }
        let addressSlot = slot(of: address, depth: depth)
        if let immediate {
            emit(IROpcode.storeImmediate(op), addressSlot)
            emitPair(Int(immediate), Int(offset))
            return
        }
        let valueSlot = slot(of: value, depth: depth + 1)
        emit(IROpcode.store(op, indexed: false), addressSlot)
        emitPair(valueSlot, Int(offset))
    }

    /// The 32-bit immediate of a constant stored by `op`, or nil when it does not fit (the
    /// 64-bit store sign-extends it).
    func storeImmediate(_ bits: UInt64, _ op: StoreOp) -> UInt32? {
        guard op.byteWidth == 8 else { return UInt32(truncatingIfNeeded: bits) }
        let value = Int64(bitPattern: bits)
        guard value >= Int64(Int32.min), value <= Int64(Int32.max) else { return nil }
        return UInt32(bitPattern: Int32(value))
    }

    // MARK: Helpers

    /// Pops two operands (pushed in order a, b) and returns their slots.
    mutating func popSlots2() throws -> (Int, Int) {
        let b = try pop(), a = try pop()
        let depth = operands.count
        return (slot(of: a, depth: depth), slot(of: b, depth: depth + 1))
    }

    mutating func popSlots3() throws -> (Int, Int, Int) {
        let c = try pop(), b = try pop(), a = try pop()
        let depth = operands.count
        return (slot(of: a, depth: depth), slot(of: b, depth: depth + 1), slot(of: c, depth: depth + 2))
    }

    func memoryOffset(_ memarg: MemArg) throws -> UInt32 {
        guard memarg.memory == 0 else { throw SwasmError.unsupported("multiple memories are not supported yet") }
        guard memarg.offset <= UInt64(UInt32.max) else {
            throw SwasmError.unsupported("memory offsets above 2^32 (memory64) are not supported yet")
        }
        return UInt32(memarg.offset)
    }
}
