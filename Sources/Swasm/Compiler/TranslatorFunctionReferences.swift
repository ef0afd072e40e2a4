/// Typed function references (IR forms: InterpreterFunctionReferences.swift): `call_ref` and
/// `return_call_ref` take the callee from a slot (read before the callee's frame is entered,
/// as `call_indirect` reads its index); `ref.as_non_null` is a check that leaves the operand
/// where it is; `br_on_null` and `br_on_non_null` are conditional branches on the reference
/// (null is 0).
extension Translator {
    mutating func translateFunctionReference(_ instruction: Instruction) throws {
        switch instruction {
        case .callRef(let typeIndex), .returnCallRef(let typeIndex):
            guard let type = context.type(at: typeIndex) else {
                throw SwasmError.invalid("unknown type \(typeIndex)", function: validator.functionIndex, offset: reader.instructionOffset)
            }
            let callee = try pop()
            let calleeSlot = slot(of: callee, depth: operands.count)
            let base = try prepareArguments(type)
            if case .callRef = instruction {
                emitSIMD(.prepareCallRef, calleeSlot)
                emitPair(Int(typeIndex), 0)
                // The instance's scratch entry follows the function index space.
                emit(.callImport, base)
                emitPair(context.functionTypeIndices.count, 0)
                for _ in type.results { push(.stack) }
            } else {
                emit(.returnCallRef, base)
                emitPair(Int(typeIndex), calleeSlot)
                markUnreachable()
            }
        case .refAsNonNull:
            let reference = try pop()
            emitSIMD(.refAsNonNull, slot(of: reference, depth: operands.count))
            emitPair(0, 0)
            push(reference)
        case .brOnNull(let depth):
            let reference = try pop()
            let referenceSlot = slot(of: reference, depth: operands.count)
            emitReferenceBranch(when: .brIfI64Eqz, otherwise: .brIfI64Nez, slot: referenceSlot, toLabel: label(atDepth: depth))
            push(reference)
        case .brOnNonNull(let depth):
            // The reference stays on the stack as the label's last value.
            let top = operands.count - 1
            guard top >= 0 else {
                throw SwasmError.invalid("type mismatch", function: validator.functionIndex, offset: reader.instructionOffset)
            }
            let referenceSlot = slot(of: operands[top], depth: top)
            emitReferenceBranch(when: .brIfI64Nez, otherwise: .brIfI64Eqz, slot: referenceSlot, toLabel: label(atDepth: depth))
            _ = try pop()
        default:
            break
        }
    }

    /// `call_indirect` of a type that is not final, whose callees may have a subtype of it:
    /// checked out of line (the loop's own check compares type ids for equality), then called
    /// through the scratch entry as `call_ref` is.
    mutating func translateCallIndirectOfOpenType(typeIndex: UInt32, table: UInt32) throws {
        guard let type = context.type(at: typeIndex) else {
            throw SwasmError.invalid("unknown type \(typeIndex)", function: validator.functionIndex, offset: reader.instructionOffset)
        }
        let index = try pop()
        let indexSlot = slot(of: index, depth: operands.count)
        let base = try prepareArguments(type)
        emit(.prepareCallIndirect, indexSlot)
        emitPair(Int(typeIndex), Int(table))
        emit(.callImport, base)
        emitPair(context.functionTypeIndices.count, 0)
        for _ in type.results { push(.stack) }
    }

    @discardableResult
    private mutating func emit(_ op: FunctionReferenceOp, _ operand: Int) -> Int {
        let start = emit(.returnCall, operand)
        code[start] = op.header(operand)
        return start
    }

    /// A conditional branch to label `index` on the reference in `slot`: `taken` branches,
    /// `notTaken` is its negation, used to skip the moves when the label's values must move.
    mutating func emitReferenceBranch(when taken: IROpcode, otherwise notTaken: IROpcode, slot: Int, toLabel index: Int) {
        prepareValues(forBranchTo: index)
        let label = labels[index]
        if label.kind != .function && valuesInPlace(for: label) {
            let start = emit(taken, slot)
            emitPair(0, 0)
            attach(Patch(instruction: start, word: start + 1, high: false), toLabel: index)
            return
        }
        let start = emit(notTaken, slot)
        emitPair(0, 0)
        emitBranch(toLabel: index)
        producer = nil
        resolve(Patch(instruction: start, word: start + 1, high: false), to: code.count)
    }
}
