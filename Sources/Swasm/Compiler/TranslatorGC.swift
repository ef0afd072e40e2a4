/// Translation of the GC instructions (IR forms: InterpreterGC.swift). Operands are slots, as
/// for every instruction; the values an allocation takes (struct fields, `array.new_fixed`'s
/// elements) are materialized into consecutive slots first, as call arguments are.
/// `ref.eq` compares slots as i64s; `any.convert_extern` and `extern.convert_any` emit nothing
/// (the two hierarchies share one encoding, GCHeap.swift).
extension Translator {
    mutating func translateGC(_ instruction: GCInstruction) throws {
        switch instruction {
        case .refEq:
            try translateNumeric(.i64Eq)
        case .anyConvertExtern, .externConvertAny:
            break
        case .structNew(let type):
            let count = try structFields(type).count
            let liveEnd = home(operands.count)
            let base = try takeConsecutive(count)
            emitSIMD(.gcStructNew, pushResult())
            emitPair(Int(type), base)
            emitPair(liveEnd, 0)
        case .structNewDefault(let type):
            let liveEnd = home(operands.count)
            emitSIMD(.gcStructNewDefault, pushResult())
            emitPair(Int(type), 0)
            emitPair(liveEnd, 0)
        case .structGet(let type, let field, let ext):
            let (storage, offset) = try structField(type, field)
            let reference = try popSlot()
            emitSIMD(.gcStructGet, pushResult())
            emitPair(reference, offset)
            emitPair(Int(storage.rawValue), ext == .signed ? 1 : 0)
        case .structSet(let type, let field):
            let (storage, offset) = try structField(type, field)
            let (reference, value) = try popSlots2()
            emitSIMD(.gcStructSet, reference)
            emitPair(value, offset)
            emitPair(Int(storage.rawValue), 0)
        case .arrayNew(let type):
            let liveEnd = home(operands.count)
            let (value, length) = try popSlots2()
            emitSIMD(.gcArrayNew, pushResult())
            emitPair(Int(type), value)
            emitPair(length, liveEnd)
        case .arrayNewDefault(let type):
            let liveEnd = home(operands.count)
            let length = try popSlot()
            emitSIMD(.gcArrayNewDefault, pushResult())
            emitPair(Int(type), length)
            emitPair(liveEnd, 0)
        case .arrayNewFixed(let type, let count):
            let liveEnd = home(operands.count)
            let base = try takeConsecutive(Int(count))
            emitSIMD(.gcArrayNewFixed, pushResult())
            emitPair(Int(type), base)
            emitPair(Int(count), liveEnd)
        case .arrayNewData(let type, let segment), .arrayNewElem(let type, let segment):
            let (offset, length) = try popSlots2()
            emitGC(instruction == .arrayNewData(type, data: segment) ? .arrayNewData : .arrayNewElem, pushResult())
            emitPair(Int(type), Int(segment))
            emitPair(offset, length)
        case .arrayGet(let type, let ext):
            let storage = try arrayElement(type)
            let (reference, index) = try popSlots2()
            emitSIMD(.gcArrayGet, pushResult())
            emitPair(reference, index)
            emitPair(Int(storage.rawValue), ext == .signed ? 1 : 0)
        case .arraySet(let type):
            let storage = try arrayElement(type)
            let (reference, index, value) = try popSlots3()
            emitSIMD(.gcArraySet, reference)
            emitPair(index, value)
            emitPair(Int(storage.rawValue), 0)
        case .arrayLen:
            let reference = try popSlot()
            emitSIMD(.gcArrayLen, pushResult())
            emitPair(reference, 0)
        case .arrayFill(let type):
            let (reference, offset, value, count) = try popSlots4()
            emitGC(.arrayFill, reference)
            emitPair(offset, value)
            emitPair(count, Int(type))
        case .arrayCopy(let destination, let source):
            let (sourceArray, sourceOffset, count) = try popSlots3()
            let (destinationArray, destinationOffset) = try popSlots2()
            emitGC(.arrayCopy, destinationArray)
            emitPair(destinationOffset, sourceArray)
            emitPair(sourceOffset, count)
            emitPair(Int(destination), Int(source))
        case .arrayInitData(let type, let segment), .arrayInitElem(let type, let segment):
            let (reference, d, s, n) = try popSlots4()
            emitGC(instruction == .arrayInitData(type, data: segment) ? .arrayInitData : .arrayInitElem, reference)
            emitPair(d, s)
            emitPair(n, Int(segment))
            emitPair(Int(type), 0)
        case .refTest(let target), .refCast(let target):
            let reference = try popSlot()
            emitSIMD(instruction == .refTest(target) ? .gcRefTest : .gcRefCast, pushResult())
            emitPair(reference, castCode(target))
            emitPair(castTypeIndex(target), 0)
        case .brOnCast(let depth, _, let target), .brOnCastFail(let depth, _, let target):
            // The reference stays where it is as the label's last value (or the fallthrough's):
            // test it into the slot above the operands, then branch on that.
            let top = operands.count - 1
            guard top >= 0 else {
                throw SwasmError.invalid("type mismatch", function: validator.functionIndex, offset: reader.instructionOffset)
            }
            let reference = slot(of: operands[top], depth: top)
            let test = pushResult()
            _ = try pop()
            emitSIMD(.gcRefTest, test)
            emitPair(reference, castCode(target))
            emitPair(castTypeIndex(target), 0)
            if case .brOnCast = instruction {
                emitReferenceBranch(when: .brIfNez, otherwise: .brIfEqz, slot: test, toLabel: label(atDepth: depth))
            } else {
                emitReferenceBranch(when: .brIfEqz, otherwise: .brIfNez, slot: test, toLabel: label(atDepth: depth))
            }
        case .refI31:
            let value = try popSlot()
            emitSIMD(.gcRefI31, pushResult())
            emitPair(value, 0)
        case .i31Get(let ext):
            let reference = try popSlot()
            emitSIMD(.gcI31Get, pushResult())
            emitPair(reference, ext == .signed ? 1 : 0)
        }
    }

    // MARK: Operands

    @discardableResult
    private mutating func emitGC(_ op: GCIROp, _ operand: Int) -> Int {
        let start = emit(.returnCall, operand)
        code[start] = op.header(operand)
        return start
    }

    private mutating func popSlots4() throws -> (Int, Int, Int, Int) {
        let d = try pop(), c = try pop(), b = try pop(), a = try pop()
        let depth = operands.count
        return (slot(of: a, depth: depth), slot(of: b, depth: depth + 1),
                slot(of: c, depth: depth + 2), slot(of: d, depth: depth + 3))
    }

    /// Pops the top `count` operands after moving them into their home slots, which are
    /// consecutive; returns the first.
    private mutating func takeConsecutive(_ count: Int) throws -> Int {
        guard operands.count >= count else {
            throw SwasmError.invalid("type mismatch", function: validator.functionIndex, offset: reader.instructionOffset)
        }
        materializeTop(count)
        operands.removeLast(count)
        return home(operands.count)
    }

    /// A field's storage and offset in every struct of type `type` or a subtype.
    private func structField(_ type: UInt32, _ field: UInt32) throws -> (GCStorage, Int) {
        let fields = GCLayout.structFields(try structFields(type))
        guard Int(field) < fields.count else {
            throw SwasmError.invalid("unknown field \(field)", function: validator.functionIndex, offset: reader.instructionOffset)
        }
        return (fields[Int(field)].storage, fields[Int(field)].offset)
    }

    /// The element storage of array type `type` (and its subtypes).
    private func arrayElement(_ type: UInt32) throws -> GCStorage {
        let composites = context.typeHierarchy.composites
        guard Int(type) < composites.count, case .array(let element) = composites[Int(type)] else {
            throw SwasmError.invalid("unknown type \(type)", function: validator.functionIndex, offset: reader.instructionOffset)
        }
        return GCStorage(element.storage)
    }

    private func structFields(_ type: UInt32) throws -> [FieldType] {
        let composites = context.typeHierarchy.composites
        guard Int(type) < composites.count, case .structure(let fields) = composites[Int(type)] else {
            throw SwasmError.invalid("unknown type \(type)", function: validator.functionIndex, offset: reader.instructionOffset)
        }
        return fields
    }

    // MARK: Casts

    /// The cast target's code (`GCCastTarget`) with the nullable flag in bit 8.
    private func castCode(_ target: RefType) -> Int {
        let code: GCCastTarget
        switch target.heapType {
        case .any, .func, .extern, .exn: code = .top
        case .eq: code = .eq
        case .i31: code = .i31
        case .struct: code = .structure
        case .array: code = .array
        case .none, .nofunc, .noextern, .noexn: code = .bottom
        case .concrete(let index):
            let composites = context.typeHierarchy.composites
            let isFunction = Int(index) >= composites.count || composites[Int(index)] == .function
            code = isFunction ? .concreteFunction : .concreteObject
        }
        return Int(code.rawValue) | (target.nullable ? 0x100 : 0)
    }

    private func castTypeIndex(_ target: RefType) -> Int {
        if case .concrete(let index) = target.heapType { return Int(index) }
        return 0
    }
}
