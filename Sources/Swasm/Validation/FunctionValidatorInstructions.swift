/// The typing rule of each instruction
/// (https://webassembly.github.io/spec/core/valid/instructions.html), applied to the
/// validator's stacks.
extension FunctionValidator {
    /// Validates one instruction. `offset` is its module offset (for messages and frames);
    /// `brTableTargets` is the reader's target buffer, needed for `br_table`.
    public mutating func validate(_ instruction: Instruction, offset: Int,
                                  brTableTargets: [UInt32] = []) throws {
        self.offset = offset
        guard !frames.isEmpty else {
            throw SwasmError.malformed("section size mismatch: instructions after the function's end",
                                       offset: offset)
        }
        switch instruction {
        case .numeric(let op):
            let signature = op.signature
            let operand = OperandType(signature.operand)
            try pop(operand)
            if signature.operandCount == 2 { try pop(operand) }
            push(OperandType(signature.result))

        case .i32Const: push(.i32)
        case .i64Const: push(.i64)
        case .f32Const: push(.f32)
        case .f64Const: push(.f64)

        case .localGet(let index):
            let type = try local(index)
            if tracksLocalInit { try checkInitialized(index) }
            push(type)
        case .localSet(let index):
            try pop(try local(index))
            if tracksLocalInit { setInitialized(index) }
        case .localTee(let index):
            let type = try local(index)
            try pop(type)
            if tracksLocalInit { setInitialized(index) }
            push(type)
        case .globalGet(let index):
            push(OperandType(try global(index).valueType))
        case .globalSet(let index):
            let global = try global(index)
            guard global.mutable else { throw invalid("global is immutable") }
            try pop(OperandType(global.valueType))

        case .load(let op, let memarg):
            let addressType = try memArgAddressType(memarg, natural: op.naturalAlignmentLog2)
            try pop(addressType)
            push(OperandType(op.valueType))
        case .store(let op, let memarg):
            let addressType = try memArgAddressType(memarg, natural: op.naturalAlignmentLog2)
            try pop(OperandType(op.valueType))
            try pop(addressType)

        case .block(let blockType):
            let parameters = try checkedParameters(of: blockType)
            try pop(parameters)
            pushFrame(.block, blockType, parameters: parameters)
        case .loop(let blockType):
            let parameters = try checkedParameters(of: blockType)
            try pop(parameters)
            pushFrame(.loop, blockType, parameters: parameters)
        case .if(let blockType):
            let parameters = try checkedParameters(of: blockType)
            try pop(.i32)
            try pop(parameters)
            pushFrame(.if, blockType, parameters: parameters)
        case .else:
            guard let current = frames.last, current.kind == .if else {
                throw SwasmError.malformed("else without matching if", offset: offset)
            }
            let frame = try popFrame()
            closedFrame = frame
            pushFrame(.else, frame.blockType, parameters: context.parameters(of: frame.blockType))
        case .end:
            let frame = try popFrame()
            let results = context.results(of: frame.blockType)
            if frame.kind == .if, !context.isSubtype(context.parameters(of: frame.blockType), results) {
                // Without `else` the parameters fall through as the results.
                throw typeMismatch()
            }
            closedFrame = frame
            push(results)

        case .br(let depth):
            try pop(labelTypes(of: try label(depth)))
            setUnreachable()
        case .brIf(let depth):
            let types = labelTypes(of: try label(depth))
            try pop(.i32)
            try pop(types)
            push(types)
        case .return:
            try pop(functionType.results)
            setUnreachable()
        case .unreachable:
            setUnreachable()
        case .nop:
            break

        case .call(let index):
            let type = try calleeType(index)
            try pop(type.params)
            push(type.results)
        case .drop:
            lastOperand = try pop()
        case .select:
            try pop(OperandType.i32)
            let first = try pop()
            let second = try pop()
            // Untyped select is for numeric and vector operands only.
            if first.isReference || second.isReference { throw typeMismatch() }
            if first != second, !first.isUnknown, !second.isUnknown { throw typeMismatch() }
            let result = first.isUnknown ? second : first
            lastOperand = result
            push(result)
        default:
            try validateLessCommon(instruction, brTableTargets: brTableTargets)
        }
    }

    /// The instructions outside the hot path, kept out of `validate` so that the optimizer
    /// inlines the stack operations into the frequent cases.
    @inline(never)
    private mutating func validateLessCommon(_ instruction: Instruction, brTableTargets: [UInt32]) throws {
        switch instruction {
        case .brTable(let table):
            try validateBrTable(table, targets: brTableTargets)
        case .callIndirect(let typeIndex, let table):
            let type = try indirectCalleeType(typeIndex, table: table)
            try pop(type.params)
            push(type.results)
        case .returnCall(let index):
            let type = try calleeType(index)
            guard context.isSubtype(type.results, functionType.results) else { throw typeMismatch() }
            try pop(type.params)
            setUnreachable()
        case .returnCallIndirect(let typeIndex, let table):
            let type = try indirectCalleeType(typeIndex, table: table)
            guard context.isSubtype(type.results, functionType.results) else { throw typeMismatch() }
            try pop(type.params)
            setUnreachable()

        case .typedSelect(let type):
            guard let type else { throw invalid("invalid result arity") }
            try checkKnown(type)
            let operand = OperandType(type)
            try pop(OperandType.i32)
            try pop(operand)
            try pop(operand)
            lastOperand = operand
            push(operand)

        case .refNull(let heapType):
            try checkKnown(.ref(RefType(nullable: true, heapType: heapType)))
            push(OperandType(.ref(RefType(nullable: true, heapType: heapType))))
        case .refIsNull:
            let operand = try pop()
            guard operand.isReference || operand.isUnknown else { throw typeMismatch() }
            push(OperandType.i32)
        case .refFunc(let index):
            guard Int(index) < context.functionTypeIndices.count else {
                throw invalid("unknown function \(index)")
            }
            guard context.declaredFunctionReferences.contains(index) else {
                throw invalid("undeclared function reference")
            }
            // Typed: the function's own type, never null.
            let typeIndex = context.functionTypeIndices[Int(index)]
            push(OperandType(.ref(RefType(nullable: false, heapType: .concrete(typeIndex)))))

        case .tableGet(let index):
            let table = try self.table(index)
            try pop(addressType(table.limits))
            push(OperandType(.ref(table.elementType)))
        case .tableSet(let index):
            let table = try self.table(index)
            try pop(OperandType(.ref(table.elementType)))
            try pop(addressType(table.limits))
        case .tableSize(let index):
            push(addressType(try table(index).limits))
        case .tableGrow(let index):
            let table = try self.table(index)
            let address = addressType(table.limits)
            try pop(address)
            try pop(OperandType(.ref(table.elementType)))
            push(address)
        case .tableFill(let index):
            let table = try self.table(index)
            let address = addressType(table.limits)
            try pop(address)
            try pop(OperandType(.ref(table.elementType)))
            try pop(address)
        case .tableCopy(let destinationIndex, let sourceIndex):
            let destination = try table(destinationIndex)
            let source = try table(sourceIndex)
            guard context.isSubtype(.ref(source.elementType), .ref(destination.elementType)) else { throw typeMismatch() }
            let destinationAddress = addressType(destination.limits)
            let sourceAddress = addressType(source.limits)
            try pop(destinationAddress == .i64 && sourceAddress == .i64 ? .i64 : .i32)
            try pop(sourceAddress)
            try pop(destinationAddress)
        case .tableInit(let element, let tableIndex):
            let table = try self.table(tableIndex)
            let elementType = try self.elementType(element)
            guard context.isSubtype(.ref(elementType), .ref(table.elementType)) else { throw typeMismatch() }
            try pop(.i32)
            try pop(.i32)
            try pop(addressType(table.limits))
        case .elemDrop(let element):
            _ = try elementType(element)

        case .memorySize(let memory):
            push(try memoryAddressType(memory))
        case .memoryGrow(let memory):
            let address = try memoryAddressType(memory)
            try pop(address)
            push(address)
        case .memoryFill(let memory):
            let address = try memoryAddressType(memory)
            try pop(address)
            try pop(.i32)
            try pop(address)
        case .memoryCopy(let destinationMemory, let sourceMemory):
            let destination = try memoryAddressType(destinationMemory)
            let source = try memoryAddressType(sourceMemory)
            try pop(destination == .i64 && source == .i64 ? .i64 : .i32)
            try pop(source)
            try pop(destination)
        case .memoryInit(let data, let memory):
            let address = try memoryAddressType(memory)
            try checkDataSegment(data)
            try pop(.i32)
            try pop(.i32)
            try pop(address)
        case .dataDrop(let data):
            try checkDataSegment(data)
        case .simd(let simd):
            try validate(simd, offset: offset)
        case .atomic(let op, let memarg):
            try validateAtomic(op, memarg)
        case .throw, .throwRef, .tryTable, .try, .catch, .catchAll, .delegate, .rethrow:
            try validateException(instruction, brTableTargets: brTableTargets)
        case .callRef, .returnCallRef, .refAsNonNull, .brOnNull, .brOnNonNull:
            try validateFunctionReference(instruction)
        case .gc(let gc):
            try validateGC(gc)
        case .numeric, .i32Const, .i64Const, .f32Const, .f64Const, .localGet, .localSet, .localTee,
             .globalGet, .globalSet, .load, .store, .block, .loop, .if, .else, .end, .br, .brIf,
             .return, .unreachable, .nop, .call, .drop, .select:
            break  // handled by `validate`
        }
    }

    // MARK: Helpers

    mutating func validateBrTable(_ table: BrTable, targets buffer: [UInt32]) throws {
        let targets = table.targets
        guard targets.upperBound <= buffer.count else {
            throw invalid("br_table targets were not supplied to the validator")
        }
        try pop(.i32)
        let defaultTypes = labelTypes(of: try label(table.defaultTarget))
        let arity = defaultTypes.count
        for i in targets {
            let types = labelTypes(of: try label(buffer[i]))
            guard types.count == arity else { throw typeMismatch() }
            try checkTop(types)
        }
        try pop(defaultTypes)
        setUnreachable()
    }

    @inline(__always)
    private func local(_ index: UInt32) throws -> OperandType {
        guard Int(index) < localOperandTypes.count else { throw invalid("unknown local \(index)") }
        return localOperandTypes[Int(index)]
    }

    @inline(__always)
    private func global(_ index: UInt32) throws -> GlobalType {
        guard Int(index) < context.globals.count else { throw invalid("unknown global \(index)") }
        return context.globals[Int(index)]
    }

    @inline(__always)
    private func table(_ index: UInt32) throws -> TableType {
        guard Int(index) < context.tables.count else { throw invalid("unknown table \(index)") }
        return context.tables[Int(index)]
    }

    @inline(__always)
    func elementType(_ index: UInt32) throws -> RefType {
        guard Int(index) < context.elementTypes.count else {
            throw invalid("unknown elem segment \(index)")
        }
        return context.elementTypes[Int(index)]
    }

    @inline(__always)
    func checkDataSegment(_ index: UInt32) throws {
        guard let count = context.dataCount else {
            // A binary-format rule (the section makes single-pass decoding possible).
            throw SwasmError.malformed("data count section required", offset: offset)
        }
        guard index < count else { throw invalid("unknown data segment \(index)") }
    }

    /// The address type of memory `index` (i64 for memory64), or "unknown memory".
    @inline(__always)
    func memoryAddressType(_ index: UInt32) throws -> OperandType {
        guard Int(index) < context.memories.count else { throw invalid("unknown memory \(index)") }
        return context.memories[Int(index)].limits.is64 ? .i64 : .i32
    }

    @inline(__always)
    private func addressType(_ limits: Limits) -> OperandType { limits.is64 ? .i64 : .i32 }

    @inline(__always)
    func checkAlignment(_ memarg: MemArg, natural: UInt32) throws {
        guard memarg.alignLog2 <= natural else {
            throw invalid("alignment must not be larger than natural")
        }
    }

    /// Checks a load's or store's memarg (the memory exists, the alignment is at most
    /// `natural`, the offset fits the memory's address type) and returns the address type.
    @inline(__always)
    func memArgAddressType(_ memarg: MemArg, natural: UInt32) throws -> OperandType {
        let address = try memoryAddressType(memarg.memory)
        try checkAlignment(memarg, natural: natural)
        // The binary offset is a u64 (memory64); a 32-bit memory's is a u32.
        guard address == .i64 || memarg.offset <= UInt64(UInt32.max) else {
            throw invalid("offset out of range")
        }
        return address
    }

    @inline(__always)
    func checkedParameters(of blockType: BlockType) throws -> ValueTypeList {
        if case .typeIndex(let index) = blockType {
            guard let type = context.type(at: index) else { throw invalid("unknown type \(index)") }
            return ValueTypeList(type.params)
        }
        if case .value(.ref(let ref)) = blockType, case .concrete = ref.heapType { try checkKnown(.ref(ref)) }
        return ValueTypeList()
    }

    @inline(__always)
    private func calleeType(_ index: UInt32) throws -> FuncType {
        guard Int(index) < context.functionTypeIndices.count else {
            throw invalid("unknown function \(index)")
        }
        let typeIndex = context.functionTypeIndices[Int(index)]
        guard let type = context.type(at: typeIndex) else { throw invalid("unknown type \(typeIndex)") }
        return type
    }

    /// Checks `call_indirect`'s table and type and pops the element index.
    private mutating func indirectCalleeType(_ typeIndex: UInt32, table tableIndex: UInt32) throws -> FuncType {
        let table = try self.table(tableIndex)
        guard let type = context.type(at: typeIndex) else { throw invalid("unknown type \(typeIndex)") }
        guard context.isSubtype(.ref(table.elementType), .funcref) else { throw typeMismatch() }
        try pop(addressType(table.limits))
        return type
    }
}
