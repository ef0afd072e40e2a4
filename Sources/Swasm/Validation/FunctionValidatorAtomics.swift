/// The typing rules of the atomic instructions (threads proposal,
/// https://webassembly.github.io/threads/core/valid/instructions.html#atomic-memory-instructions).
/// They need a memory, shared or not: atomics on an unshared memory are valid (C and C++
/// toolchains emit them for single-threaded builds too). Unlike plain loads and stores, an
/// atomic access's alignment immediate must equal its natural alignment.
extension FunctionValidator {
    mutating func validateAtomic(_ op: AtomicOp, _ memarg: MemArg) throws {
        if op == .atomicFence { return }
        let address = try memArgAddressType(memarg, natural: op.widthLog2)
        guard memarg.alignLog2 == op.widthLog2 else {
            throw invalid("atomic alignment must be natural")
        }
        let value = OperandType(op.valueType)
        switch op.kind {
        case .notify:
            try pop(.i32)
            try pop(address)
            push(.i32)
        case .wait:
            try pop(.i64)
            try pop(value)
            try pop(address)
            push(.i32)
        case .load:
            try pop(address)
            push(value)
        case .store:
            try pop(value)
            try pop(address)
        case .add, .sub, .and, .or, .xor, .xchg:
            try pop(value)
            try pop(address)
            push(value)
        case .cmpxchg:
            try pop(value)
            try pop(value)
            try pop(address)
            push(value)
        case .fence:
            break
        }
    }
}
