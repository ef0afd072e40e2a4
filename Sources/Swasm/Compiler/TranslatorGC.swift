/// Translation of the GC instructions (IR forms: InterpreterGC.swift).
extension Translator {
    mutating func translateGC(_ instruction: GCInstruction) throws {
        throw SwasmError.unsupported("garbage collection instruction \(instruction.name)")
    }
}
