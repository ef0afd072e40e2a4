// 64-bit memories and tables (memory64, table64). Memory 0 as a 32-bit memory keeps its own
// register forms; an instruction on a 64-bit memory becomes one of the out-of-line `.simd`
// sub-opcodes of InterpreterMemory64.swift, as does a SIMD access to a memory other than 0.
// The table instructions that trap keep their 32-bit forms: their i64 operands are narrowed
// first (`narrowIndex`), which turns every index past 2^32 - 2 into one out of bounds.

extension Translator {
    /// Translates `instruction` when it involves a 64-bit memory or table (or is a SIMD
    /// access to a memory other than 0) and returns true; returns false for everything else,
    /// having at most narrowed a table64 instruction's operands for its 32-bit translation.
    mutating func translateAddress64(_ instruction: Instruction) throws -> Bool {
        switch instruction {
        case .load(let op, let memarg):
            guard isMemory64(memarg.memory) else { return false }
            let selector = MemoryAccessSelector.scalar(.load, opcode: op.rawValue, widthLog2: op.naturalAlignmentLog2, address64: true)
            let start = try emitMemoryAccess(selector, memarg: memarg, value: false, result: true)
            producer = Producer(start: start, depth: operands.count - 1)
        case .store(let op, let memarg):
            guard isMemory64(memarg.memory) else { return false }
            let selector = MemoryAccessSelector.scalar(.store, opcode: op.rawValue, widthLog2: op.naturalAlignmentLog2, address64: true)
            try emitMemoryAccess(selector, memarg: memarg, value: true, result: false)
        case .simd(let simd):
            return try translateSIMDAccess(simd)

        case .memorySize(let memory):
            guard isMemory64(memory) else { return false }
            let start = emitSIMD(.memorySize64, pushResult())
            emitPair(Int(memory), 0)
            producer = Producer(start: start, depth: operands.count - 1)
        case .memoryGrow(let memory):
            guard isMemory64(memory) else { return false }
            let delta = try pop()
            let deltaSlot = slot(of: delta, depth: operands.count)
            emitSIMD(.memoryGrow64, pushResult())
            emitPair(deltaSlot, Int(memory))
        case .memoryFill(let memory):
            guard isMemory64(memory) else { return false }
            let (d, value, n) = try popSlots3()
            emitSIMD(.memoryFill64, d)
            emitPair(value, n)
            emitPair(Int(memory), 0)
        case .memoryCopy(let destination, let source):
            let destination64 = isMemory64(destination), source64 = isMemory64(source)
            guard destination64 || source64 else { return false }
            let (d, s, n) = try popSlots3()
            emitSIMD(.memoryCopy64, d)
            emitPair(s, n)
            emitPair(Int(destination), Int(source))
            // The count has the smaller address type of the two (spec: memory.copy typing).
            emitWord((destination64 ? 1 : 0) | (source64 ? 2 : 0) | (destination64 && source64 ? 4 : 0))
        case .memoryInit(let data, let memory):
            guard isMemory64(memory) else { return false }
            let (d, s, n) = try popSlots3()
            emitSIMD(.memoryInit64, d)
            emitPair(s, n)
            emitPair(Int(data), Int(memory))

        case .tableGrow(let table):
            guard isTable64(table) else { return false }
            let (value, delta) = try popSlots2()
            emitSIMD(.tableGrow64, pushResult())
            emitPair(value, delta)
            emitPair(Int(table), 0)
        case .tableGet(let table), .callIndirect(_, let table), .returnCallIndirect(_, let table):
            if isTable64(table) { narrowOperand(fromTop: 0) }
            return false
        case .tableSet(let table):
            if isTable64(table) { narrowOperand(fromTop: 1) }
            return false
        case .tableFill(let table):
            if isTable64(table) {
                narrowOperand(fromTop: 2)
                narrowOperand(fromTop: 0)
            }
            return false
        case .tableCopy(let destination, let source):
            let destination64 = isTable64(destination), source64 = isTable64(source)
            if destination64 { narrowOperand(fromTop: 2) }
            if source64 { narrowOperand(fromTop: 1) }
            if destination64 && source64 { narrowOperand(fromTop: 0) }
            return false
        case .tableInit(_, let table):
            if isTable64(table) { narrowOperand(fromTop: 2) }
            return false
        default:
            return false
        }
        return true
    }

    func isMemory64(_ index: UInt32) -> Bool {
        Int(index) < context.memories.count && context.memories[Int(index)].limits.is64
    }

    func isTable64(_ index: UInt32) -> Bool {
        Int(index) < context.tables.count && context.tables[Int(index)].limits.is64
    }

    /// A SIMD load or store on a 64-bit memory or a memory other than 0 (memory 0 as a 32-bit
    /// memory has its own forms in TranslatorSIMD.swift); false for every other SIMD op.
    private mutating func translateSIMDAccess(_ simd: SIMDInstruction) throws -> Bool {
        switch simd {
        case .memory(let op, let memarg):
            guard memarg.memory != 0 || isMemory64(memarg.memory) else { return false }
            let selector = MemoryAccessSelector.simd(op, lane: 0, address64: isMemory64(memarg.memory))
            if op.info.shape == .store {
                try emitMemoryAccess(selector, memarg: memarg, value: true, result: false)
            } else {
                let start = try emitMemoryAccess(selector, memarg: memarg, value: false, result: true)
                producer = Producer(start: start, depth: operands.count - 1)
            }
        case .memoryLane(let op, let lane, let memarg):
            guard memarg.memory != 0 || isMemory64(memarg.memory) else { return false }
            let selector = MemoryAccessSelector.simd(op, lane: lane, address64: isMemory64(memarg.memory))
            if op.info.shape == .storeLane {
                try emitMemoryAccess(selector, memarg: memarg, value: true, result: false)
            } else {
                let start = try emitMemoryAccess(selector, memarg: memarg, value: true, result: true)
                producer = Producer(start: start, depth: operands.count - 1)
            }
        default:
            return false
        }
        return true
    }

    /// `memoryAccess` [simd op|d][addr|value][memory|selector][offset64]: pops the address
    /// (and the value or vector operand above it) and pushes the result if there is one.
    @discardableResult
    private mutating func emitMemoryAccess(_ selector: Int, memarg: MemArg, value: Bool, result: Bool) throws -> Int {
        let address: Int, operand: Int
        if value {
            (address, operand) = try popSlots2()
        } else {
            let popped = try pop()
            (address, operand) = (slot(of: popped, depth: operands.count), 0)
        }
        let start = emitSIMD(.memoryAccess, result ? pushResult() : 0)
        emitPair(address, operand)
        emitPair(Int(memarg.memory), selector)
        emitWord(memarg.offset)
        return start
    }

    /// Narrows the i64 operand `depth` places below the top of the stack to a u32, saturating,
    /// in its home slot, for a table instruction's 32-bit form.
    private mutating func narrowOperand(fromTop position: Int) {
        let depth = operands.count - 1 - position
        guard depth >= 0 else { return }
        let operand = operands[depth]
        switch operand.kind {
        case .constant:
            operands[depth].value = Swift.min(operand.value, UInt64(UInt32.max))
        case .local, .stack:
            let source = operand.kind == .local ? Int(operand.value) : home(depth)
            emitSIMD(.narrowIndex, home(depth))
            emitPair(source, 0)
            operands[depth].kind = .stack
        }
    }
}
