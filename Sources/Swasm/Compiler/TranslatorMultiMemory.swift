// Loads and stores on memories other than memory 0. Memory 0 keeps its fused register forms
// (TranslatorInstructions.swift); the others share one IR opcode per direction, executed out
// of line, so supporting them adds nothing to memory 0's path.

extension Translator {
    /// `[loadMemory|d][address|offset32][wasmOpcode|memory]`
    mutating func translateLoad(_ op: LoadOp, otherMemory memarg: MemArg) throws {
        let offset = try otherMemoryOffset(memarg)
        let address = try pop()
        let addressSlot = slot(of: address, depth: operands.count)
        emitSIMD(.loadMemory, pushResult())
        emitPair(addressSlot, Int(offset))
        emitPair(Int(op.rawValue), Int(memarg.memory))
    }

    /// `[storeMemory|address][value|offset32][wasmOpcode|memory]`
    mutating func translateStore(_ op: StoreOp, otherMemory memarg: MemArg) throws {
        let offset = try otherMemoryOffset(memarg)
        let (address, value) = try popSlots2()
        emitSIMD(.storeMemory, address)
        emitPair(value, Int(offset))
        emitPair(Int(op.rawValue), Int(memarg.memory))
    }

    func otherMemoryOffset(_ memarg: MemArg) throws -> UInt32 {
        guard memarg.offset <= UInt64(UInt32.max) else {
            throw SwasmError.unsupported("memory offsets above 2^32 (memory64) are not supported yet")
        }
        return UInt32(memarg.offset)
    }
}
