/// Typing of the typed function reference instructions
/// (https://webassembly.github.io/spec/core/valid/instructions.html#reference-instructions) and
/// the initialisation rule for non-defaultable locals
/// (https://webassembly.github.io/spec/core/valid/instructions.html#local-instructions).
extension FunctionValidator {
    mutating func validateFunctionReference(_ instruction: Instruction) throws {
        switch instruction {
        case .callRef(let typeIndex):
            let type = try referencedFunctionType(typeIndex)
            try pop(type.params)
            push(type.results)
        case .returnCallRef(let typeIndex):
            let type = try referencedFunctionType(typeIndex)
            guard context.isSubtype(type.results, functionType.results) else { throw typeMismatch() }
            try pop(type.params)
            setUnreachable()
        case .refAsNonNull:
            let operand = try popReference()
            push(operand.nonNullable)
        case .brOnNull(let depth):
            let operand = try popReference()
            let types = labelTypes(of: try label(depth))
            try pop(types)
            push(types)
            push(operand.nonNullable)
        case .brOnNonNull(let depth):
            let operand = try popReference()
            let types = labelTypes(of: try label(depth))
            guard let last = types.last, case .ref = last else { throw typeMismatch() }
            if !operand.isUnknown { try checkSubtype(operand.nonNullable, OperandType(last)) }
            let carried = ValueTypeList(Array(types.dropLast()))
            try pop(carried)
            push(carried)
        default:
            break
        }
    }

    /// `call_ref x`'s function type, after popping the `(ref null x)` callee.
    private mutating func referencedFunctionType(_ typeIndex: UInt32) throws -> FuncType {
        guard let type = context.type(at: typeIndex) else { throw invalid("unknown type \(typeIndex)") }
        try pop(OperandType(.ref(RefType(nullable: true, heapType: .concrete(typeIndex)))))
        return type
    }

    /// Pops a reference of any type (or the unknown operand of unreachable code).
    private mutating func popReference() throws -> OperandType {
        let operand = try pop()
        guard operand.isUnknown || operand.isReference else { throw typeMismatch() }
        return operand
    }

    // MARK: Local initialisation

    /// Starts tracking when the function declares a local without a default value.
    mutating func startLocalInitTracking(parameterCount: Int) {
        initializedLocals.removeAll(keepingCapacity: true)
        tracksLocalInit = localTypes.dropFirst(parameterCount).contains { !$0.isDefaultable }
        guard tracksLocalInit else { return }
        localInitialized = localTypes.indices.map { $0 < parameterCount || localTypes[$0].isDefaultable }
    }

    /// "uninitialized local" unless a write to `index` precedes this read on every path.
    func checkInitialized(_ index: UInt32) throws {
        guard Int(index) < localInitialized.count, localInitialized[Int(index)] else {
            throw invalid("uninitialized local \(index)")
        }
    }

    mutating func setInitialized(_ index: UInt32) {
        let i = Int(index)
        guard i < localInitialized.count, !localInitialized[i] else { return }
        localInitialized[i] = true
        initializedLocals.append(i)
    }

    /// Forgets the writes made inside a frame that has just ended.
    mutating func unsetLocals(above height: Int) {
        while initializedLocals.count > height, let i = initializedLocals.popLast() {
            if i < localInitialized.count { localInitialized[i] = false }
        }
    }
}

extension OperandType {
    /// The same reference type without null (unknown stays unknown).
    var nonNullable: OperandType {
        isReference ? OperandType(raw: raw & ~(1 << 4)) : self
    }
}
