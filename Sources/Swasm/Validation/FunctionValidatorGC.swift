/// Validation of the GC instructions (InstructionGC.swift).
extension FunctionValidator {
    mutating func validateGC(_ instruction: GCInstruction) throws {
        throw SwasmError.unsupported("garbage collection instruction \(instruction.name)")
    }
}

extension StructureValidator {
    /// Types a GC instruction of a constant expression on the expression's type stack.
    func checkConstGC(_ instruction: GCInstruction, stack: inout [ValueType], offset: Int) throws {
        throw SwasmError.unsupported("garbage collection instruction \(instruction.name)")
    }
}
