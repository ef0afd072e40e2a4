/// The typing rules of the SIMD instructions
/// (https://webassembly.github.io/spec/core/valid/instructions.html#vector-instructions),
/// driven by `SIMDOp.info`: the shape gives the stack effect, the table the lane bound, the
/// scalar type and the natural alignment. A `v128` operand counts two slots in
/// `operandSlotCount` (through `OperandType.slotCount`).
extension FunctionValidator {
    /// Validates one SIMD instruction; `offset` is its module offset, as for
    /// `validate(_:offset:brTableTargets:)`.
    public mutating func validate(_ instruction: SIMDInstruction, offset: Int) throws {
        self.offset = offset
        guard !frames.isEmpty else {
            throw SwasmError.malformed("section size mismatch: instructions after the function's end",
                                       offset: offset)
        }
        let info = instruction.op.info
        // Immediates first, in the order the reference interpreter checks them: the memory,
        // the alignment, then the lane.
        var address = OperandType.i32
        switch instruction {
        case .plain, .v128Const:
            break
        case .lane(_, let lane):
            try checkLane(lane, info)
        case .memory(_, let memarg):
            address = try memArgAddressType(memarg, natural: info.accessLog2)
        case .memoryLane(_, let lane, let memarg):
            address = try memArgAddressType(memarg, natural: info.accessLog2)
            try checkLane(lane, info)
        case .shuffle(let lanes):
            // Each index byte selects one of the 32 bytes of the two operands.
            let highBits: UInt64 = 0xE0E0_E0E0_E0E0_E0E0
            guard (lanes.low | lanes.high) & highBits == 0 else { throw invalid("invalid lane index") }
        }

        switch info.shape {
        case .load:
            try pop(address)
            push(.v128)
        case .store:
            try pop(.v128)
            try pop(address)
        case .loadLane:
            try pop(.v128)
            try pop(address)
            push(.v128)
        case .storeLane:
            try pop(.v128)
            try pop(address)
        case .constant:
            push(.v128)
        case .unary:
            try pop(.v128)
            push(.v128)
        case .binary, .shuffle:
            try pop(.v128)
            try pop(.v128)
            push(.v128)
        case .ternary:
            try pop(.v128)
            try pop(.v128)
            try pop(.v128)
            push(.v128)
        case .test:
            try pop(.v128)
            push(.i32)
        case .shift:
            try pop(.i32)
            try pop(.v128)
            push(.v128)
        case .splat:
            try pop(OperandType(info.scalar ?? .i32))
            push(.v128)
        case .extractLane:
            try pop(.v128)
            push(OperandType(info.scalar ?? .i32))
        case .replaceLane:
            try pop(OperandType(info.scalar ?? .i32))
            try pop(.v128)
            push(.v128)
        }
    }

    @inline(__always)
    private func checkLane(_ lane: UInt8, _ info: SIMDOp.Info) throws {
        guard lane < info.laneCount else { throw invalid("invalid lane index") }
    }
}
