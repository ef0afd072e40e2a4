extension Instantiation {
    /// Evaluates a GC instruction of a constant expression.
    static func evaluateGC(_ instruction: GCInstruction, stack: inout [(low: UInt64, high: UInt64)],
                           in state: InstanceState, offset: Int) throws {
        throw SwasmError.unsupported("garbage collection instruction \(instruction.name)")
    }
}
