/// Typing of the GC instructions (InstructionGC.swift): aggregate, `i31`, cast and extern
/// conversion instructions
/// (https://webassembly.github.io/spec/core/valid/instructions.html#aggregate-reference-instructions).
///
/// Static facts (the type index, the field, mutability, packing, segments) are checked before
/// any operand is popped, so that an instruction that breaks one of them reports it ("immutable
/// array") rather than a type mismatch of its operands.
extension FunctionValidator {
    mutating func validateGC(_ instruction: GCInstruction) throws {
        switch instruction {
        case .refEq:
            try pop(OperandType.eqref)
            try pop(OperandType.eqref)
            push(OperandType.i32)

        case .structNew(let typeIndex):
            let fields = try structFields(typeIndex)
            var i = fields.count
            while i > 0 {
                i -= 1
                try pop(OperandType(fields[i].storage.unpacked))
            }
            push(OperandType.reference(to: typeIndex, nullable: false))
        case .structNewDefault(let typeIndex):
            let fields = try structFields(typeIndex)
            for field in fields where !field.storage.unpacked.isDefaultable {
                throw invalid("field type is not defaultable")
            }
            push(OperandType.reference(to: typeIndex, nullable: false))
        case .structGet(let typeIndex, let fieldIndex, let extension_):
            let field = try structField(typeIndex, fieldIndex)
            try checkPacking(field.storage, extension_, what: "field")
            try pop(OperandType.reference(to: typeIndex, nullable: true))
            push(OperandType(field.storage.unpacked))
        case .structSet(let typeIndex, let fieldIndex):
            let field = try structField(typeIndex, fieldIndex)
            guard field.mutable else { throw invalid("immutable field") }
            try pop(OperandType(field.storage.unpacked))
            try pop(OperandType.reference(to: typeIndex, nullable: true))

        case .arrayNew(let typeIndex):
            let element = try arrayElement(typeIndex)
            try pop(OperandType.i32)
            try pop(OperandType(element.storage.unpacked))
            push(OperandType.reference(to: typeIndex, nullable: false))
        case .arrayNewDefault(let typeIndex):
            let element = try arrayElement(typeIndex)
            guard element.storage.unpacked.isDefaultable else { throw invalid("array type is not defaultable") }
            try pop(OperandType.i32)
            push(OperandType.reference(to: typeIndex, nullable: false))
        case .arrayNewFixed(let typeIndex, let count):
            let element = OperandType(try arrayElement(typeIndex).storage.unpacked)
            // The count is a u32: in unreachable code the polymorphic stack would supply
            // operands forever, so stop once it is the one supplying them.
            var remaining = count
            while remaining > 0 {
                if operandCount == frameHeight && frameUnreachable { break }
                try pop(element)
                remaining -= 1
            }
            push(OperandType.reference(to: typeIndex, nullable: false))
        case .arrayNewData(let typeIndex, let data):
            let element = try arrayElement(typeIndex)
            try checkNumericOrVector(element)
            try checkDataSegment(data)
            try pop(OperandType.i32)
            try pop(OperandType.i32)
            push(OperandType.reference(to: typeIndex, nullable: false))
        case .arrayNewElem(let typeIndex, let segment):
            let element = try arrayElement(typeIndex)
            try checkElementSegment(segment, storedIn: element)
            try pop(OperandType.i32)
            try pop(OperandType.i32)
            push(OperandType.reference(to: typeIndex, nullable: false))
        case .arrayGet(let typeIndex, let extension_):
            let element = try arrayElement(typeIndex)
            try checkPacking(element.storage, extension_, what: "array")
            try pop(OperandType.i32)
            try pop(OperandType.reference(to: typeIndex, nullable: true))
            push(OperandType(element.storage.unpacked))
        case .arraySet(let typeIndex):
            let element = try mutableArrayElement(typeIndex)
            try pop(OperandType(element.storage.unpacked))
            try pop(OperandType.i32)
            try pop(OperandType.reference(to: typeIndex, nullable: true))
        case .arrayLen:
            try pop(OperandType(.ref(RefType(nullable: true, heapType: .array))))
            push(OperandType.i32)
        case .arrayFill(let typeIndex):
            let element = try mutableArrayElement(typeIndex)
            try pop(OperandType.i32)
            try pop(OperandType(element.storage.unpacked))
            try pop(OperandType.i32)
            try pop(OperandType.reference(to: typeIndex, nullable: true))
        case .arrayCopy(let destinationIndex, let sourceIndex):
            let destination = try mutableArrayElement(destinationIndex)
            let source = try arrayElement(sourceIndex)
            guard isStorageSubtype(source.storage, destination.storage) else {
                throw invalid("array types do not match")
            }
            try pop(OperandType.i32)
            try pop(OperandType.i32)
            try pop(OperandType.reference(to: sourceIndex, nullable: true))
            try pop(OperandType.i32)
            try pop(OperandType.reference(to: destinationIndex, nullable: true))
        case .arrayInitData(let typeIndex, let data):
            let element = try mutableArrayElement(typeIndex)
            try checkNumericOrVector(element)
            try checkDataSegment(data)
            try popArrayInitOperands(typeIndex)
        case .arrayInitElem(let typeIndex, let segment):
            let element = try mutableArrayElement(typeIndex)
            try checkElementSegment(segment, storedIn: element)
            try popArrayInitOperands(typeIndex)

        case .refTest(let target):
            try popCastOperand(target)
            push(OperandType.i32)
        case .refCast(let target):
            try popCastOperand(target)
            push(OperandType(.ref(target)))
        case .brOnCast(let depth, let source, let target):
            let carried = try castBranchTypes(depth, source: source, target: target)
            // Taken with the operand as `target`; falls through with what `target` excludes.
            guard isSubtype(.ref(target), carried.last) else { throw typeMismatch() }
            try finishCastBranch(carried, source: source,
                                 fallthrough: RefType(nullable: source.nullable && !target.nullable,
                                                      heapType: source.heapType))
        case .brOnCastFail(let depth, let source, let target):
            let carried = try castBranchTypes(depth, source: source, target: target)
            let failed = RefType(nullable: source.nullable && !target.nullable, heapType: source.heapType)
            guard isSubtype(.ref(failed), carried.last) else { throw typeMismatch() }
            try finishCastBranch(carried, source: source, fallthrough: target)

        case .anyConvertExtern:
            try convertReference(from: .extern, to: .any)
        case .externConvertAny:
            try convertReference(from: .any, to: .extern)
        case .refI31:
            try pop(OperandType.i32)
            push(OperandType(.ref(RefType(nullable: false, heapType: .i31))))
        case .i31Get:
            try pop(OperandType(.ref(RefType(nullable: true, heapType: .i31))))
            push(OperandType.i32)
        }
    }

    // MARK: Types

    /// The composite type at `index`, or "unknown type".
    private func composite(_ index: UInt32) throws -> CompositeType {
        let composites = context.typeHierarchy.composites
        guard Int(index) < composites.count else { throw invalid("unknown type \(index)") }
        return composites[Int(index)]
    }

    private func structFields(_ index: UInt32) throws -> [FieldType] {
        guard case .structure(let fields) = try composite(index) else {
            throw invalid("type mismatch: type \(index) is not a struct type")
        }
        return fields
    }

    private func structField(_ index: UInt32, _ field: UInt32) throws -> FieldType {
        let fields = try structFields(index)
        guard Int(field) < fields.count else { throw invalid("unknown field \(field)") }
        return fields[Int(field)]
    }

    private func arrayElement(_ index: UInt32) throws -> FieldType {
        guard case .array(let element) = try composite(index) else {
            throw invalid("type mismatch: type \(index) is not an array type")
        }
        return element
    }

    private func mutableArrayElement(_ index: UInt32) throws -> FieldType {
        let element = try arrayElement(index)
        guard element.mutable else { throw invalid("immutable array") }
        return element
    }

    /// A packed field reads only with a sign (`_s`/`_u`), any other field only without.
    private func checkPacking(_ storage: StorageType, _ extension_: PackedExtension?, what: String) throws {
        let packed: Bool
        if case .value = storage { packed = false } else { packed = true }
        if packed && extension_ == nil { throw invalid("type mismatch: \(what) is packed") }
        if !packed && extension_ != nil { throw invalid("type mismatch: \(what) is not packed") }
    }

    /// Data segments hold bytes: they can only initialise numbers and vectors.
    private func checkNumericOrVector(_ element: FieldType) throws {
        if case .value(.ref) = element.storage { throw invalid("array type is not numeric or vector") }
    }

    /// The segment's references must fit the array's element type.
    private func checkElementSegment(_ segment: UInt32, storedIn element: FieldType) throws {
        let segmentType = try elementType(segment)
        guard case .value(let elementType) = element.storage,
              context.isSubtype(.ref(segmentType), elementType) else { throw typeMismatch() }
    }

    /// Whether an array of `source` elements may be copied into one of `destination` elements.
    private func isStorageSubtype(_ source: StorageType, _ destination: StorageType) -> Bool {
        switch (source, destination) {
        case (.i8, .i8), (.i16, .i16): return true
        case (.value(let a), .value(let b)): return context.isSubtype(a, b)
        default: return false
        }
    }

    private func isSubtype(_ a: ValueType, _ b: ValueType?) -> Bool {
        guard let b else { return false }
        return context.isSubtype(a, b)
    }

    private mutating func popArrayInitOperands(_ typeIndex: UInt32) throws {
        try pop(OperandType.i32)
        try pop(OperandType.i32)
        try pop(OperandType.i32)
        try pop(OperandType.reference(to: typeIndex, nullable: true))
    }

    // MARK: Casts

    /// `ref.test`/`ref.cast`: the operand may be any reference of the target's hierarchy.
    private mutating func popCastOperand(_ target: RefType) throws {
        try checkKnown(.ref(target))
        try pop(OperandType(.ref(RefType(nullable: true, heapType: top(of: target.heapType)))))
    }

    private func top(of heapType: HeapType) -> HeapType {
        let hierarchy = context.typeHierarchy
        return HeapSubtyping.top(heapType) { hierarchy.kind($0) }
    }

    /// The label types of a `br_on_cast(_fail)`, after checking both types and that the
    /// target lies below the source; the label must end in a reference.
    private func castBranchTypes(_ depth: UInt32, source: RefType, target: RefType) throws -> ValueTypeList {
        try checkKnown(.ref(source))
        try checkKnown(.ref(target))
        let types = labelTypes(of: try label(depth))
        guard let last = types.last, case .ref = last else { throw typeMismatch() }
        guard context.isSubtype(.ref(target), .ref(source)) else { throw typeMismatch() }
        return types
    }

    /// Pops the operand (`source`) and the label's other values, pushes those back and the
    /// operand as it is when the branch is not taken.
    private mutating func finishCastBranch(_ carried: ValueTypeList, source: RefType, fallthrough remaining: RefType) throws {
        try pop(OperandType(.ref(source)))
        let others = ValueTypeList(Array(carried.dropLast()))
        try pop(others)
        push(others)
        push(OperandType(.ref(remaining)))
    }

    /// `any.convert_extern`, `extern.convert_any`: the same nullability in the other hierarchy
    /// (an unknown operand converts to a non-null reference, the most precise choice).
    private mutating func convertReference(from: HeapType, to: HeapType) throws {
        let operand = try pop()
        var nullable = false
        if !operand.isUnknown {
            guard case .ref(let ref)? = operand.valueType else { throw typeMismatch() }
            try checkSubtype(operand, OperandType(.ref(RefType(nullable: true, heapType: from))))
            nullable = ref.nullable
        }
        push(OperandType(.ref(RefType(nullable: nullable, heapType: to))))
    }
}

extension OperandType {
    static let eqref = OperandType(.ref(RefType(nullable: true, heapType: .eq)))

    /// `(ref null? x)` for a type index.
    static func reference(to typeIndex: UInt32, nullable: Bool) -> OperandType {
        OperandType(.ref(RefType(nullable: nullable, heapType: .concrete(typeIndex))))
    }
}

extension StructureValidator {
    /// Types a GC instruction of a constant expression on the expression's type stack: the
    /// allocations, `ref.i31` and the extern conversions (the decoder admits no others).
    func checkConstGC(_ instruction: GCInstruction, stack: inout [ValueType], offset: Int) throws {
        func pop(_ expected: ValueType) throws {
            guard let top = stack.popLast(), isSubtype(top, expected) else {
                throw invalid("type mismatch", at: offset)
            }
        }
        func composite(_ index: UInt32) throws -> CompositeType {
            guard Int(index) < module.types.count else { throw invalid("unknown type \(index)", at: offset) }
            return module.typeDefinition(Int(index)).composite
        }
        func fields(_ index: UInt32) throws -> [FieldType] {
            guard case .structure(let fields) = try composite(index) else {
                throw invalid("type mismatch: type \(index) is not a struct type", at: offset)
            }
            return fields
        }
        func element(_ index: UInt32) throws -> ValueType {
            guard case .array(let element) = try composite(index) else {
                throw invalid("type mismatch: type \(index) is not an array type", at: offset)
            }
            return element.storage.unpacked
        }
        func convert(from: HeapType, to: HeapType) throws {
            guard case .ref(let ref)? = stack.last else { throw invalid("type mismatch", at: offset) }
            try pop(.ref(RefType(nullable: true, heapType: from)))
            stack.append(.ref(RefType(nullable: ref.nullable, heapType: to)))
        }
        func reference(_ index: UInt32) -> ValueType { .ref(RefType(nullable: false, heapType: .concrete(index))) }

        switch instruction {
        case .structNew(let typeIndex):
            for field in try fields(typeIndex).reversed() { try pop(field.storage.unpacked) }
            stack.append(reference(typeIndex))
        case .structNewDefault(let typeIndex):
            for field in try fields(typeIndex) where !field.storage.unpacked.isDefaultable {
                throw invalid("field type is not defaultable", at: offset)
            }
            stack.append(reference(typeIndex))
        case .arrayNew(let typeIndex):
            let type = try element(typeIndex)
            try pop(.i32)
            try pop(type)
            stack.append(reference(typeIndex))
        case .arrayNewDefault(let typeIndex):
            guard try element(typeIndex).isDefaultable else {
                throw invalid("array type is not defaultable", at: offset)
            }
            try pop(.i32)
            stack.append(reference(typeIndex))
        case .arrayNewFixed(let typeIndex, let count):
            let type = try element(typeIndex)
            // Each pop shortens the finite stack, so a huge count ends in "type mismatch".
            for _ in 0..<count { try pop(type) }
            stack.append(reference(typeIndex))
        case .refI31:
            try pop(.i32)
            stack.append(.ref(RefType(nullable: false, heapType: .i31)))
        case .anyConvertExtern:
            try convert(from: .extern, to: .any)
        case .externConvertAny:
            try convert(from: .any, to: .extern)
        default:
            throw invalid("constant expression required", at: offset)
        }
    }
}
