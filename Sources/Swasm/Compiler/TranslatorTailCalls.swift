/// Tail calls (`return_call`, `return_call_indirect`): the arguments go to their home slots as
/// for a call, and the interpreter moves them down to slot 0, where the callee's frame replaces
/// the running one, so a chain of tail calls runs in constant stack.
extension Translator {
    mutating func translateReturnCall(_ index: UInt32) throws {
        guard let type = context.functionType(ofFunction: index) else {
            throw SwasmError.invalid("unknown function \(index)", function: validator.functionIndex, offset: reader.instructionOffset)
        }
        let base = try prepareArguments(type)
        if Int(index) < context.importedFunctionCount {
            emit(.returnCallImport, base)
            emitPair(Int(index), 0)
        } else {
            emit(.returnCall, base)
            emitPair(Int(index) - context.importedFunctionCount, 0)
        }
        markUnreachable()
    }

    mutating func translateReturnCallIndirect(typeIndex: UInt32, table: UInt32) throws {
        guard let type = context.type(at: typeIndex) else {
            throw SwasmError.invalid("unknown type \(typeIndex)", function: validator.functionIndex, offset: reader.instructionOffset)
        }
        let index = try pop()
        // Read by the interpreter before the arguments move (see translateCallIndirect).
        let indexSlot = slot(of: index, depth: operands.count)
        let base = try prepareArguments(type)
        emit(.returnCallIndirect, base)
        emitPair(Int(typeIndex), Int(table))
        emitPair(indexSlot, 0)
        markUnreachable()
    }
}
