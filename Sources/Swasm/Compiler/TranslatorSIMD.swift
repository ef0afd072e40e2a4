/// The translation of SIMD instructions (after the validator accepted them), driven by
/// `SIMDOp.info.shape`: one path per shape, not per op. An op with an IR opcode of its own
/// (`SIMDIROpcode.direct`) gets it; every other op becomes `.lanes` or `.memory` carrying
/// its `SIMDOp.index` and lane (see IROpcodeSIMD.swift for the layouts).
///
/// Every SIMD instruction writes its result to the slot in its header, so a `local.set` right
/// after it redirects the result to the local like for scalar instructions. `v128` values
/// never stay pending as constants: `v128.const` writes its home slots at once.
extension Translator {
    mutating func translateSIMD(_ instruction: SIMDInstruction) throws {
        let op = instruction.op
        let info = op.info
        let start: Int
        switch instruction {
        case .v128Const(let value):
            start = emitSIMD(.v128Const, pushResult())
            emitWord(value.low)
            emitWord(value.high)

        case .shuffle(let lanes):
            let (a, b) = try popSlots2()
            start = emitSIMD(.i8x16Shuffle, pushResult())
            emitPair(a, b)
            emitWord(lanes.low)
            emitWord(lanes.high)

        case .memory(_, let memarg):
            let offset = try memoryOffset(memarg)
            if info.shape == .store {
                let (address, value) = try popSlots2()
                emitSIMD(.v128Store, address)
                emitPair(value, Int(offset))
                return
            }
            let address = try pop()
            let addressSlot = slot(of: address, depth: operands.count)
            if op == .v128Load {
                start = emitSIMD(.v128Load, pushResult())
                emitPair(addressSlot, Int(offset))
            } else {
                start = emitSIMD(.memory, pushResult())
                emitPair(addressSlot, 0)
                emitPair(Int(offset), SIMDIROpcode.selector(op))
            }

        case .memoryLane(_, let lane, let memarg):
            let offset = try memoryOffset(memarg)
            let (address, vector) = try popSlots2()
            if info.shape == .storeLane {
                emitSIMD(.memory, 0)
                emitPair(address, vector)
                emitPair(Int(offset), SIMDIROpcode.selector(op, lane: lane))
                return
            }
            start = emitSIMD(.memory, pushResult())
            emitPair(address, vector)
            emitPair(Int(offset), SIMDIROpcode.selector(op, lane: lane))

        case .lane(_, let lane):
            let a: Int, b: Int
            if info.shape == .replaceLane {
                (a, b) = try popSlots2()
            } else {
                (a, b) = (try popSlot(), 0)
            }
            start = emitSIMD(.lanes, pushResult())
            emitPair(a, b)
            emitPair(0, SIMDIROpcode.selector(op, lane: lane))

        case .plain:
            var a = 0, b = 0, c = 0
            switch info.shape {
            case .binary, .shift: (a, b) = try popSlots2()
            case .ternary: (a, b, c) = try popSlots3()
            default: a = try popSlot()
            }
            if let direct = SIMDIROpcode.direct(op) {
                start = emitSIMD(direct, pushResult())
                emitPair(a, b)
            } else {
                start = emitSIMD(.lanes, pushResult())
                emitPair(a, b)
                emitPair(c, SIMDIROpcode.selector(op))
            }
        }
        producer = Producer(start: start, depth: operands.count - 1)
    }

    /// Appends the header of a SIMD instruction; returns its word index.
    @discardableResult
    mutating func emitSIMD(_ op: SIMDIROpcode, _ operand: Int) -> Int {
        let start = emit(.simd, operand)
        code[start] |= UInt64(op.rawValue) << 16
        return start
    }

    /// `copy` [op|d][s], or `copy128` for a v128.
    mutating func emitCopyInstruction(to destination: Int, width: UInt8) {
        if width == 2 { emitSIMD(.copy128, destination) } else { emit(.copy, destination) }
    }

    /// Pops one operand and returns its slot.
    mutating func popSlot() throws -> Int {
        let value = try pop()
        return slot(of: value, depth: operands.count)
    }
}
