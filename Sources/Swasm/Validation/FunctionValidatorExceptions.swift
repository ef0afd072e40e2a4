/// Typing of the exception-handling instructions
/// (https://webassembly.github.io/spec/core/valid/instructions.html#control-instructions),
/// and of the legacy `try`/`catch`/`delegate`/`rethrow` form (the legacy appendix of the
/// exception-handling proposal).
extension FunctionValidator {
    mutating func validateException(_ instruction: Instruction, brTableTargets: [UInt32]) throws {
        switch instruction {
        case .throw(let tag):
            try pop(try tagType(tag).params)
            setUnreachable()
        case .throwRef:
            let operand = try pop()
            guard operand.isUnknown || operand.isExceptionReference else { throw typeMismatch() }
            setUnreachable()
        case .tryTable(let blockType, let table):
            guard let catches = table.catches(in: brTableTargets) else {
                throw invalid("try_table catch clauses were not supplied to the validator")
            }
            let parameters = try checkedParameters(of: blockType)
            // Catch labels are resolved outside the try_table, before its frame exists.
            for clause in catches {
                var carried: [ValueType] = []
                if clause.kind == .catch || clause.kind == .catchRef {
                    carried = try tagType(clause.tag).params
                }
                // The caught exception's reference is never null.
                if clause.kind == .catchRef || clause.kind == .catchAllRef {
                    carried.append(.ref(RefType(nullable: false, heapType: .exn)))
                }
                guard context.isSubtype(carried, labelTypes(of: try label(clause.label))) else {
                    throw typeMismatch()
                }
            }
            try pop(parameters)
            pushFrame(.tryTable, blockType, parameters: parameters)
        case .try(let blockType):
            let parameters = try checkedParameters(of: blockType)
            try pop(parameters)
            pushFrame(.try, blockType, parameters: parameters)
        case .catch(let tag):
            let frame = try closeTryArm()
            pushFrame(.catch, frame.blockType, parameters: ValueTypeList(try tagType(tag).params))
        case .catchAll:
            let frame = try closeTryArm()
            pushFrame(.catchAll, frame.blockType, parameters: ValueTypeList())
        case .delegate(let depth):
            guard let current = frames.last, current.kind == .try else {
                throw SwasmError.malformed("delegate without matching try", offset: offset)
            }
            let frame = try popFrame()
            closedFrame = frame
            // The label counts from outside the try.
            guard frames.count > Int(depth) else { throw invalid("unknown label") }
            push(context.results(of: frame.blockType))
        case .rethrow(let depth):
            let frame = try label(depth)
            guard frame.kind == .catch || frame.kind == .catchAll else { throw invalid("invalid rethrow label") }
            setUnreachable()
        default:
            break
        }
    }

    /// Ends a `try` body or `catch` arm before the next `catch`/`catch_all`.
    private mutating func closeTryArm() throws -> ControlFrame {
        guard let current = frames.last, current.kind == .try || current.kind == .catch else {
            throw SwasmError.malformed("catch without matching try", offset: offset)
        }
        let frame = try popFrame()
        closedFrame = frame
        return frame
    }

    func tagType(_ index: UInt32) throws -> FuncType {
        guard let type = context.tagType(index) else { throw invalid("unknown tag \(index)") }
        return type
    }
}

extension OperandType {
    /// `exnref` or `(ref null? noexn)`, what `throw_ref` accepts.
    var isExceptionReference: Bool {
        guard isReference else { return false }
        let kind = (raw >> 8) & 0xFF
        return kind == 11 || kind == 12
    }
}
