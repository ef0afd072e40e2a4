/// The translation of the atomic instructions (threads proposal). They all become one
/// out-of-line IR opcode, `SIMDIROpcode.atomic`, reached through the loop's `.simd` case like
/// the loads and stores of other memories, so atomics add nothing to the loop's own code:
/// `[atomic|d][address|a][b|op8 memory24][offset64]`, where `a` and `b` are the operand slots
/// after the address in stack order (the value; cmpxchg's expected and replacement values;
/// wait's expected value and timeout; notify's count). The result, if any, goes to `d`.
///
/// `atomic.fence` emits nothing: a Store runs on one thread, and every atomic access below is
/// sequentially consistent, which already orders it against other threads' atomics.
extension Translator {
    mutating func translateAtomic(_ op: AtomicOp, _ memarg: MemArg) throws {
        if op == .atomicFence { return }
        guard memarg.memory < 1 << 24 else {
            throw SwasmError.unsupported("atomic accesses to memory \(memarg.memory) (more than 2^24 memories)")
        }
        var a = 0, b = 0, address = 0
        switch op.kind {
        case .load:
            address = try popSlot()
        case .wait, .cmpxchg:
            (address, a, b) = try popSlots3()
        default:
            (address, a) = try popSlots2()
        }
        let hasResult = op.kind != .store
        emitSIMD(.atomic, hasResult ? pushResult() : 0)
        emitPair(address, a)
        emitPair(b, Int(op.rawValue) | Int(memarg.memory) << 8)
        emitWord(memarg.offset)
    }
}
