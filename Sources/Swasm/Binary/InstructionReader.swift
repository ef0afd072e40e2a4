/// Decodes the instructions of one function body (or any instruction sequence) from the
/// module's bytes, one at a time, without allocating per instruction.
///
/// Usage (what the validator's `validateFunction` and the compiler do):
/// ```
/// var reader = InstructionReader(bytes: module.bytes, range: body.code)
/// while !reader.isAtEnd {
///     let instruction = try reader.read()       // reader.instructionOffset: where it began
///     try validator.validate(instruction, offset: reader.instructionOffset,
///                            brTableTargets: reader.brTableTargets)
///     ...                                       // translate using the validator's state
/// }
/// try validator.finish(offset: reader.offset)
/// ```
///
/// Errors are `SwasmError.malformed` with the module offset of the offending byte, using the
/// spec reference interpreter's messages: "illegal opcode", "zero byte expected",
/// "malformed memop flags", "integer representation too long", "integer too large",
/// "unexpected end of section or function". Opcodes of a proposal missing from `features` are
/// "illegal opcode" (tail calls and wide arithmetic: `SwasmError.unsupported`). See https://webassembly.github.io/spec/core/binary/instructions.html
public struct InstructionReader {
    /// Proposals beyond Wasm 2.0 whose instruction encodings the reader accepts.
    public struct Features: OptionSet, Hashable, Sendable {
        /// The set's bits, one per proposal.
        public let rawValue: UInt32
        /// The set with these bits.
        public init(rawValue: UInt32) { self.rawValue = rawValue }
        /// `return_call`, `return_call_indirect`.
        public static let tailCall = Features(rawValue: 1 << 0)
        /// Memory indices in `memarg` (flag bit 6) and in `memory.size/grow/fill/copy/init`.
        public static let multiMemory = Features(rawValue: 1 << 1)
        /// `call_ref`, `return_call_ref`, `ref.as_non_null`, `br_on_null`, `br_on_non_null`.
        public static let functionReferences = Features(rawValue: 1 << 2)
        /// The GC instructions: `ref.eq` and the `0xFB` prefix (InstructionGC.swift).
        public static let gc = Features(rawValue: 1 << 3)
    }

    private var input: ByteReader
    /// The proposals whose encodings this reader accepts.
    public let features: Features

    /// Targets of every `br_table` read so far, in order; a `BrTable` immediate names its
    /// range. The buffer is reused (only appended to) for the reader's lifetime.
    public private(set) var brTableTargets: [UInt32] = []

    /// Module offset of the first byte of the instruction last returned by `read()`.
    public private(set) var instructionOffset: Int = 0

    /// Reads the instructions in `range` of `bytes` (a `FunctionBody.code` range, whose
    /// offsets are module offsets).
    public init(bytes: [UInt8], range: Range<Int>, features: Features = []) {
        self.input = ByteReader(bytes: bytes, range: range)
        self.features = features
    }

    /// Module offset of the next byte to read.
    public var offset: Int { input.offset }

    /// Whether every byte of the range has been read.
    public var isAtEnd: Bool { input.isAtEnd }

    /// Decodes the next instruction.
    public mutating func read() throws -> Instruction {
        instructionOffset = input.offset
        let opcode = try input.readU8()
        if let op = NumericOp.fromOpcode(opcode) { return .numeric(op) }
        switch opcode {
        case 0x00: return .unreachable
        case 0x01: return .nop
        case 0x02: return .block(try readBlockType())
        case 0x03: return .loop(try readBlockType())
        case 0x04: return .if(try readBlockType())
        case 0x05: return .else
        case 0x0B: return .end
        case 0x0C: return .br(try input.readU32())
        case 0x0D: return .brIf(try input.readU32())
        case 0x0E: return .brTable(try readBrTable())
        case 0x0F: return .return
        case 0x10: return .call(try input.readU32())
        case 0x11:
            let type = try input.readU32()
            // A full u32 table index since reference types; clang ≥ 19 pads it to 5 bytes.
            return .callIndirect(typeIndex: type, table: try input.readU32())
        case 0x12, 0x13:
            guard features.contains(.tailCall) else { throw unsupported("tail calls", opcode) }
            if opcode == 0x12 { return .returnCall(try input.readU32()) }
            let type = try input.readU32()
            return .returnCallIndirect(typeIndex: type, table: try input.readU32())
        case 0x1A: return .drop
        case 0x1B: return .select
        case 0x1C: return .typedSelect(try readSelectTypes())
        case 0x20: return .localGet(try input.readU32())
        case 0x21: return .localSet(try input.readU32())
        case 0x22: return .localTee(try input.readU32())
        case 0x23: return .globalGet(try input.readU32())
        case 0x24: return .globalSet(try input.readU32())
        case 0x25: return .tableGet(try input.readU32())
        case 0x26: return .tableSet(try input.readU32())
        case 0x28...0x35:
            guard let op = LoadOp(rawValue: opcode) else { throw illegalOpcode(opcode) }
            return .load(op, try readMemArg())
        case 0x36...0x3E:
            guard let op = StoreOp(rawValue: opcode) else { throw illegalOpcode(opcode) }
            return .store(op, try readMemArg())
        case 0x3F: return .memorySize(try readMemoryIndex())
        case 0x40: return .memoryGrow(try readMemoryIndex())
        case 0x41: return .i32Const(try input.readS32())
        case 0x42: return .i64Const(try input.readS64())
        case 0x43: return .f32Const(try input.readF32Bits())
        case 0x44: return .f64Const(try input.readF64Bits())
        case 0xD0: return .refNull(try readRefNullType())
        case 0xD1: return .refIsNull
        case 0xD2: return .refFunc(try input.readU32())
        case 0xFC: return try readPrefixedFC()
        case 0x06: return .try(try readBlockType())
        case 0x07: return .catch(try input.readU32())
        case 0x08: return .throw(try input.readU32())
        case 0x09: return .rethrow(try input.readU32())
        case 0x0A: return .throwRef
        case 0x18: return .delegate(try input.readU32())
        case 0x19: return .catchAll
        case 0x1F:
            let type = try readBlockType()
            return .tryTable(type, try readCatchClauses())
        case 0x14, 0x15, 0xD4, 0xD5, 0xD6:
            return try readFunctionReferenceInstruction(opcode)
        case 0xD3:
            guard features.contains(.gc) else { throw illegalOpcode(opcode) }
            return .gc(.refEq)
        case 0xFB:
            guard features.contains(.gc) else { throw illegalOpcode(opcode) }
            return .gc(try readGCAfterPrefix())
        case 0xFD: return .simd(try readSIMDAfterPrefix())
        case 0xFE: return try readAtomicAfterPrefix()
        default: throw illegalOpcode(opcode)
        }
    }

    // MARK: Immediates

    private mutating func readFunctionReferenceInstruction(_ opcode: UInt8) throws -> Instruction {
        guard features.contains(.functionReferences) else { throw illegalOpcode(opcode) }
        switch opcode {
        case 0x14: return .callRef(try input.readU32())
        case 0x15:
            guard features.contains(.tailCall) else { throw unsupported("tail calls", opcode) }
            return .returnCallRef(try input.readU32())
        case 0xD4: return .refAsNonNull
        case 0xD5: return .brOnNull(try input.readU32())
        default: return .brOnNonNull(try input.readU32())
        }
    }

    private mutating func readBlockType() throws -> BlockType {
        let start = input.offset
        let byte = try input.peekU8()
        if byte == 0x40 {
            input.offset += 1
            return .empty
        }
        // One-byte negative s33 values are value types; non-negative ones are type indices.
        if byte & 0xC0 == 0x40 {
            return .value(try readSupportedValueType())
        }
        let index = try input.readS33()
        guard index >= 0 else { throw SwasmError.malformed("malformed block type", offset: start) }
        guard index <= Int64(UInt32.max) else {
            throw SwasmError.malformed("integer too large", offset: start)
        }
        return .typeIndex(UInt32(index))
    }

    private mutating func readBrTable() throws -> BrTable {
        // Each target takes at least one byte, so the count is bounded by the bytes left.
        let count = try input.readCount(minElementSize: 1)
        let start = brTableTargets.count
        guard start + count <= Int(UInt32.max) else {
            throw SwasmError.malformed("too many br_table targets", offset: instructionOffset)
        }
        brTableTargets.reserveCapacity(start + count)
        for _ in 0..<count { brTableTargets.append(try input.readU32()) }
        let defaultTarget = try input.readU32()
        return BrTable(targetStart: UInt32(start), targetCount: UInt32(count), defaultTarget: defaultTarget)
    }

    private mutating func readCatchClauses() throws -> TryTable {
        // A clause takes at least two bytes.
        let count = try input.readCount(minElementSize: 2)
        let start = brTableTargets.count
        guard start + 3 * count <= Int(UInt32.max) else {
            throw SwasmError.malformed("too many catch clauses", offset: instructionOffset)
        }
        for _ in 0..<count {
            let kindOffset = input.offset
            let code = try input.readU8()
            guard let kind = TryTable.CatchKind(rawValue: UInt32(code)) else {
                throw SwasmError.malformed("malformed catch clause", offset: kindOffset)
            }
            let tag = kind == .catch || kind == .catchRef ? try input.readU32() : 0
            brTableTargets.append(kind.rawValue)
            brTableTargets.append(tag)
            brTableTargets.append(try input.readU32())
        }
        return TryTable(start: UInt32(start), count: UInt32(count))
    }

    private mutating func readSelectTypes() throws -> ValueType? {
        let count = try input.readCount(minElementSize: 1)
        var first: ValueType?
        for _ in 0..<count {
            let type = try readSupportedValueType()
            if first == nil { first = type }
        }
        return count == 1 ? first : nil
    }

    private mutating func readSupportedValueType() throws -> ValueType {
        try input.readValueType()
    }

    private mutating func readRefNullType() throws -> HeapType {
        let start = input.offset
        let byte = try input.peekU8()
        // A one-byte negative code that names no heap type (a value type such as i32).
        if byte & 0xC0 == 0x40 && ByteReader.abstractHeapType(byte) == nil {
            throw SwasmError.malformed("malformed reference type", offset: start)
        }
        return try input.readHeapType()
    }

    /// `memarg`: alignment flags then offset. Without multi-memory the flags are a plain
    /// exponent, and a value ≥ 32 cannot be an exponent of a u32 alignment.
    private mutating func readMemArg() throws -> MemArg {
        let start = input.offset
        let flags = try input.readU32()
        var memory: UInt32 = 0
        var alignLog2 = flags
        if features.contains(.multiMemory), flags & 0x40 != 0, flags < 0x80 {
            alignLog2 = flags & ~0x40
            memory = try input.readU32()
        }
        // Wasm 3.0 decodes any exponent below 64 (bit 6 is the memory flag) and leaves its size
        // to validation; Wasm 2.0 called one of 32 or more malformed.
        guard alignLog2 < (features.contains(.multiMemory) ? 64 : 32) else {
            throw SwasmError.malformed("malformed memop flags", offset: start)
        }
        let offset = try input.readU64()
        return MemArg(offset: offset, alignLog2: alignLog2, memory: memory)
    }

    /// The memory index of `memory.*`: a reserved zero byte in Wasm 2.0 (a long LEB128 zero is
    /// malformed too), a u32 with multi-memory.
    private mutating func readMemoryIndex() throws -> UInt32 {
        if features.contains(.multiMemory) { return try input.readU32() }
        let start = input.offset
        guard try input.readU8() == 0 else {
            throw SwasmError.malformed("zero byte expected", offset: start)
        }
        return 0
    }

    private mutating func readPrefixedFC() throws -> Instruction {
        let subOpcode = try input.readU32()
        if let op = NumericOp.fromPrefixedOpcode(subOpcode) { return .numeric(op) }
        switch subOpcode {
        case 8:
            let data = try input.readU32()
            return .memoryInit(data: data, memory: try readMemoryIndex())
        case 9: return .dataDrop(try input.readU32())
        case 10:
            let destination = try readMemoryIndex()
            return .memoryCopy(destination: destination, source: try readMemoryIndex())
        case 11: return .memoryFill(try readMemoryIndex())
        case 12:
            let element = try input.readU32()
            return .tableInit(element: element, table: try input.readU32())
        case 13: return .elemDrop(try input.readU32())
        case 14:
            let destination = try input.readU32()
            return .tableCopy(destination: destination, source: try input.readU32())
        case 15: return .tableGrow(try input.readU32())
        case 16: return .tableSize(try input.readU32())
        case 17: return .tableFill(try input.readU32())
        case 19...22: throw unsupported("wide arithmetic", 0xFC, subOpcode)
        default:
            throw SwasmError.malformed(
                "illegal opcode fc \(subOpcode)", offset: instructionOffset)
        }
    }

    /// The rest of an atomic instruction after its `0xFE` prefix: the sub-opcode, then a
    /// memarg, or for `atomic.fence` a reserved zero byte (its memarg is then all zeros).
    private mutating func readAtomicAfterPrefix() throws -> Instruction {
        let subOpcode = try input.readU32()
        guard let op = AtomicOp.fromOpcode(subOpcode) else {
            throw SwasmError.malformed("illegal opcode fe \(subOpcode)", offset: instructionOffset)
        }
        guard op == .atomicFence else { return .atomic(op, try readMemArg()) }
        let start = input.offset
        guard try input.readU8() == 0 else { throw SwasmError.malformed("zero byte expected", offset: start) }
        return .atomic(op, MemArg(offset: 0, alignLog2: 0))
    }

    // MARK: GC

    /// The rest of a GC instruction after its `0xFB` prefix: the sub-opcode, then type, field,
    /// segment and label indices, heap types, and for `br_on_cast(_fail)` a flags byte (bit 0:
    /// the source type is nullable, bit 1: the target type is).
    private mutating func readGCAfterPrefix() throws -> GCInstruction {
        let subOpcode = try input.readU32()
        switch subOpcode {
        case 0: return .structNew(try input.readU32())
        case 1: return .structNewDefault(try input.readU32())
        case 2...4:
            let type = try input.readU32()
            return .structGet(type, field: try input.readU32(), extension: Self.packedExtension(subOpcode - 2))
        case 5:
            let type = try input.readU32()
            return .structSet(type, field: try input.readU32())
        case 6: return .arrayNew(try input.readU32())
        case 7: return .arrayNewDefault(try input.readU32())
        case 8:
            let type = try input.readU32()
            return .arrayNewFixed(type, count: try input.readU32())
        case 9:
            let type = try input.readU32()
            return .arrayNewData(type, data: try input.readU32())
        case 10:
            let type = try input.readU32()
            return .arrayNewElem(type, element: try input.readU32())
        case 11...13: return .arrayGet(try input.readU32(), extension: Self.packedExtension(subOpcode - 11))
        case 14: return .arraySet(try input.readU32())
        case 15: return .arrayLen
        case 16: return .arrayFill(try input.readU32())
        case 17:
            let destination = try input.readU32()
            return .arrayCopy(destination: destination, source: try input.readU32())
        case 18:
            let type = try input.readU32()
            return .arrayInitData(type, data: try input.readU32())
        case 19:
            let type = try input.readU32()
            return .arrayInitElem(type, element: try input.readU32())
        case 20, 21: return .refTest(RefType(nullable: subOpcode == 21, heapType: try input.readHeapType()))
        case 22, 23: return .refCast(RefType(nullable: subOpcode == 23, heapType: try input.readHeapType()))
        case 24, 25:
            let flagsOffset = input.offset
            let flags = try input.readU8()
            guard flags & ~0b11 == 0 else {
                throw SwasmError.malformed("malformed br_on_cast flags", offset: flagsOffset)
            }
            let label = try input.readU32()
            let source = RefType(nullable: flags & 1 != 0, heapType: try input.readHeapType())
            let target = RefType(nullable: flags & 2 != 0, heapType: try input.readHeapType())
            return subOpcode == 24 ? .brOnCast(label, from: source, to: target)
                                   : .brOnCastFail(label, from: source, to: target)
        case 26: return .anyConvertExtern
        case 27: return .externConvertAny
        case 28: return .refI31
        case 29: return .i31Get(.signed)
        case 30: return .i31Get(.unsigned)
        default:
            throw SwasmError.malformed("illegal opcode fb \(subOpcode)", offset: instructionOffset)
        }
    }

    /// The extension of `get`, `get_s`, `get_u` (0, 1, 2 after the family's first sub-opcode).
    private static func packedExtension(_ variant: UInt32) -> PackedExtension? {
        switch variant {
        case 0: return nil
        case 1: return .signed
        default: return .unsigned
        }
    }

    // MARK: SIMD

    /// Reads the next instruction if it is a SIMD one (the `0xFD` prefix), setting
    /// `instructionOffset`; otherwise consumes nothing and returns nil. Until `Instruction`
    /// carries SIMD instructions, a driver loop calls this before `read()`, which still
    /// reports `0xFD` as unsupported.
    public mutating func readSIMDInstruction() throws -> SIMDInstruction? {
        guard !input.isAtEnd, try input.peekU8() == 0xFD else { return nil }
        instructionOffset = input.offset
        input.offset += 1
        return try readSIMDAfterPrefix()
    }

    /// The rest of a SIMD instruction after its `0xFD` prefix: the sub-opcode, then the
    /// immediates its `SIMDOp.Shape` calls for. Lane indices are single bytes (never LEB128),
    /// so their range is a validation matter ("invalid lane index"), not a decoding one.
    private mutating func readSIMDAfterPrefix() throws -> SIMDInstruction {
        let subOpcode = try input.readU32()
        guard let op = SIMDOp.fromOpcode(subOpcode) else {
            throw SwasmError.malformed("illegal opcode fd \(subOpcode)", offset: instructionOffset)
        }
        switch op.info.shape {
        case .load, .store:
            return .memory(op, try readMemArg())
        case .loadLane, .storeLane:
            let memarg = try readMemArg()
            return .memoryLane(op, lane: try input.readU8(), memarg)
        case .extractLane, .replaceLane:
            return .lane(op, try input.readU8())
        case .constant:
            let (low, high) = try input.readV128()
            return .v128Const(V128(low: low, high: high))
        case .shuffle:
            let (low, high) = try input.readV128()
            return .shuffle(V128(low: low, high: high))
        case .splat, .unary, .binary, .ternary, .test, .shift:
            return .plain(op)
        }
    }

    // MARK: Errors

    private func illegalOpcode(_ opcode: UInt8) -> SwasmError {
        .malformed("illegal opcode \(hex(opcode))", offset: instructionOffset)
    }

    private func unsupported(_ proposal: String, _ opcode: UInt8, _ subOpcode: UInt32? = nil) -> SwasmError {
        let code = subOpcode.map { "\(hex(opcode)) \($0)" } ?? hex(opcode)
        return .unsupported("\(proposal) instruction (opcode \(code)) at offset \(instructionOffset)")
    }

    private func hex(_ byte: UInt8) -> String {
        let digits = String(byte, radix: 16)
        return byte < 0x10 ? "0" + digits : digits
    }
}
