import XCTest
@testable import Swasm

final class InstructionReaderTests: XCTestCase {
    private func readAll(_ bytes: [UInt8], features: InstructionReader.Features = []) throws
        -> (instructions: [Instruction], offsets: [Int], reader: InstructionReader)
    {
        var reader = InstructionReader(bytes: bytes, range: 0..<bytes.count, features: features)
        var instructions: [Instruction] = []
        var offsets: [Int] = []
        while !reader.isAtEnd {
            instructions.append(try reader.read())
            offsets.append(reader.instructionOffset)
        }
        return (instructions, offsets, reader)
    }

    private func assertMalformed(_ bytes: [UInt8], _ message: String, at expectedOffset: Int? = nil,
                                 features: InstructionReader.Features = [],
                                 file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertThrowsError(try readAll(bytes, features: features), file: file, line: line) { error in
            guard case SwasmError.malformed(let m, let offset) = error else {
                return XCTFail("expected malformed, got \(error)", file: file, line: line)
            }
            XCTAssertTrue(m.hasPrefix(message), "\(m)", file: file, line: line)
            if let expectedOffset { XCTAssertEqual(offset, expectedOffset, file: file, line: line) }
        }
    }

    private func assertUnsupported(_ bytes: [UInt8], file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertThrowsError(try readAll(bytes), file: file, line: line) { error in
            guard case SwasmError.unsupported = error else {
                return XCTFail("expected unsupported, got \(error)", file: file, line: line)
            }
        }
    }

    /// A body encoded by wat2wasm (--no-check) from a mix of every immediate kind.
    func testMixedBody() throws {
        let body: [UInt8] = [
            0x02, 0x7f, 0x03, 0x40, 0x20, 0x00, 0x0e, 0x02, 0x00, 0x01, 0x00, 0x0b, 0x41, 0x7f, 0x0b,
            0x42, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x00, 0x1a,
            0x43, 0x00, 0x00, 0xc0, 0x3f, 0x1a, 0x44, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x80, 0x1a,
            0x41, 0x00, 0x2d, 0x00, 0x10, 0x1a, 0x41, 0x00, 0x42, 0x01, 0x3e, 0x02, 0x04,
            0x3f, 0x00, 0x40, 0x00, 0x1a, 0x41, 0x00, 0x11, 0x00, 0x00, 0xfc, 0x00, 0x1a,
            0x41, 0x00, 0x41, 0x00, 0x41, 0x00, 0xfc, 0x0a, 0x00, 0x00, 0xd0, 0x6f, 0xd1,
            0x1c, 0x01, 0x7f, 0xc0, 0x0b,
        ]
        let (instructions, offsets, reader) = try readAll(body)
        let expected: [Instruction] = [
            .block(.value(.i32)), .loop(.empty), .localGet(0),
            .brTable(BrTable(targetStart: 0, targetCount: 2, defaultTarget: 0)), .end,
            .i32Const(-1), .end,
            .i64Const(Int64.max), .drop, .f32Const(0x3FC0_0000), .drop,
            .f64Const(0x8000_0000_0000_0000), .drop,
            .i32Const(0), .load(.i32Load8U, MemArg(offset: 16, alignLog2: 0)), .drop,
            .i32Const(0), .i64Const(1), .store(.i64Store32, MemArg(offset: 4, alignLog2: 2)),
            .memorySize(0), .memoryGrow(0), .drop,
            .i32Const(0), .callIndirect(typeIndex: 0, table: 0), .numeric(.i32TruncSatF32S), .drop,
            .i32Const(0), .i32Const(0), .i32Const(0), .memoryCopy(destination: 0, source: 0),
            .refNull(.extern), .refIsNull, .typedSelect(.i32), .numeric(.i32Extend8S), .end,
        ]
        XCTAssertEqual(instructions, expected)
        XCTAssertEqual(Array(reader.brTableTargets), [0, 1])
        XCTAssertEqual(offsets.prefix(5), [0, 2, 4, 6, 11])
        XCTAssertEqual(reader.offset, body.count)
    }

    func testOffsetsAreModuleOffsets() throws {
        let module: [UInt8] = [0xAA, 0xAA, 0x41, 0x05, 0x1a, 0x0b, 0xAA]
        var reader = InstructionReader(bytes: module, range: 2..<6)
        XCTAssertEqual(try reader.read(), .i32Const(5))
        XCTAssertEqual(reader.instructionOffset, 2)
        XCTAssertEqual(try reader.read(), .drop)
        XCTAssertEqual(reader.instructionOffset, 4)
        XCTAssertEqual(try reader.read(), .end)
        XCTAssertTrue(reader.isAtEnd)
        // Reading past the range is an unexpected end, not a read of the next byte.
        XCTAssertThrowsError(try reader.read())
    }

    func testNumericOpTable() throws {
        XCTAssertEqual(NumericOp.allCases.count, NumericOp.names.count)
        XCTAssertEqual(NumericOp.allCases.count, NumericOp.indexRange.count)
        for (i, op) in NumericOp.allCases.enumerated() {
            XCTAssertEqual(op.index, i)
            XCTAssertEqual(Int(op.rawValue), Int(NumericOp.indexRange.lowerBound) + i)
        }
        XCTAssertEqual(NumericOp.i32Add.name, "i32.add")
        XCTAssertEqual(NumericOp.f64PromoteF32.name, "f64.promote_f32")
        XCTAssertEqual(NumericOp.i64Extend32S.name, "i64.extend32_s")
        XCTAssertEqual(NumericOp.i64TruncSatF64U.name, "i64.trunc_sat_f64_u")
        XCTAssertEqual(NumericOp.i64TruncSatF64U.encoding.prefix, 0xFC)
        XCTAssertEqual(NumericOp.i64TruncSatF64U.encoding.opcode, 7)
        // Names carry the types, so they cross-check the range-derived signatures.
        for op in NumericOp.allCases {
            let sig = op.signature
            let name = op.name
            XCTAssertTrue(name.hasPrefix(typeName(sig.result)) || sig.shape == .test || sig.shape == .compare,
                          name)
            XCTAssertTrue(name.hasPrefix(typeName(sig.operand)) || sig.shape == .conversion, name)
            if sig.shape == .conversion {
                XCTAssertTrue(name.hasPrefix(typeName(sig.result)), name)
                XCTAssertTrue(name.hasSuffix(typeName(sig.operand)) || name.contains("_\(typeName(sig.operand))"),
                              name)
            }
        }
        XCTAssertEqual(NumericOp.i32Eqz.signature.shape, .test)
        XCTAssertEqual(NumericOp.f32Lt.signature, .init(shape: .compare, operand: .f32, result: .i32))
        XCTAssertEqual(NumericOp.i64Rotr.signature.shape, .binary)
        XCTAssertEqual(NumericOp.f64Sqrt.signature.shape, .unary)
        XCTAssertEqual(NumericOp.i32Extend16S.signature, .init(shape: .unary, operand: .i32, result: .i32))
        XCTAssertEqual(NumericOp.i64Extend32S.signature, .init(shape: .unary, operand: .i64, result: .i64))
    }

    private func typeName(_ t: ValueType) -> String {
        switch t {
        case .i32: return "i32"
        case .i64: return "i64"
        case .f32: return "f32"
        case .f64: return "f64"
        default: return "?"
        }
    }

    func testEveryNumericOpcodeDecodes() throws {
        for opcode in UInt8(0x45)...0xC4 {
            let (instructions, _, _) = try readAll([opcode])
            XCTAssertEqual(instructions, [.numeric(NumericOp(rawValue: opcode)!)])
        }
        for sub in UInt8(0)...7 {
            let (instructions, _, _) = try readAll([0xFC, sub])
            XCTAssertEqual(instructions.first?.name.contains("trunc_sat"), true)
        }
    }

    func testBulkAndTableOps() throws {
        let (instructions, _, _) = try readAll([
            0xfc, 0x08, 0x03, 0x00,  // memory.init 3
            0xfc, 0x09, 0x02,  // data.drop 2
            0xfc, 0x0b, 0x00,  // memory.fill
            0xfc, 0x0c, 0x01, 0x02,  // table.init elem 1 table 2
            0xfc, 0x0d, 0x04,  // elem.drop 4
            0xfc, 0x0e, 0x05, 0x06,  // table.copy 5 6
            0xfc, 0x0f, 0x01, 0xfc, 0x10, 0x02, 0xfc, 0x11, 0x03,  // grow, size, fill
            0x25, 0x07, 0x26, 0x08,  // table.get 7, table.set 8
            0xd2, 0x09, 0xd0, 0x70,  // ref.func 9, ref.null func
        ])
        XCTAssertEqual(instructions, [
            .memoryInit(data: 3, memory: 0), .dataDrop(2), .memoryFill(0),
            .tableInit(element: 1, table: 2), .elemDrop(4), .tableCopy(destination: 5, source: 6),
            .tableGrow(1), .tableSize(2), .tableFill(3), .tableGet(7), .tableSet(8),
            .refFunc(9), .refNull(.func),
        ])
    }

    func testCallIndirectTableIndexIsAFullLEB() throws {
        // clang ≥ 19 pads the table index to five bytes for relocation.
        let (instructions, _, _) = try readAll([0x11, 0x81, 0x80, 0x80, 0x80, 0x00, 0x80, 0x80, 0x80, 0x80, 0x00])
        XCTAssertEqual(instructions, [.callIndirect(typeIndex: 1, table: 0)])
    }

    func testBlockTypes() throws {
        let (instructions, _, _) = try readAll([0x02, 0x40, 0x03, 0x7c, 0x04, 0x6f, 0x02, 0x05, 0x02, 0x80, 0x01])
        XCTAssertEqual(instructions, [
            .block(.empty), .loop(.value(.f64)), .if(.value(.externref)),
            .block(.typeIndex(5)), .block(.typeIndex(128)),
        ])
        assertMalformed([0x02, 0x60], "malformed value type")
        assertMalformed([0x02, 0xff, 0x7f], "malformed block type")
    }

    func testTypedSelectArity() throws {
        let (instructions, _, _) = try readAll([0x1c, 0x00, 0x1c, 0x02, 0x7f, 0x7f, 0x1c, 0x01, 0x7e])
        XCTAssertEqual(instructions, [.typedSelect(nil), .typedSelect(nil), .typedSelect(.i64)])
    }

    func testReservedZeroBytes() {
        assertMalformed([0x41, 0x00, 0x40, 0x01], "zero byte expected", at: 3)
        assertMalformed([0x41, 0x00, 0x40, 0x80, 0x00], "zero byte expected")
        assertMalformed([0x3f, 0x80, 0x80, 0x80, 0x80, 0x00], "zero byte expected")
        assertMalformed([0xfc, 0x08, 0x00, 0x01], "zero byte expected")
        assertMalformed([0xfc, 0x0a, 0x00, 0x01], "zero byte expected")
        assertMalformed([0xfc, 0x0b, 0x01], "zero byte expected")
    }

    func testMultiMemoryIndices() throws {
        let (instructions, _, _) = try readAll(
            [0x3f, 0x02, 0xfc, 0x0a, 0x01, 0x02, 0x28, 0x42, 0x03, 0x08], features: .multiMemory)
        XCTAssertEqual(instructions, [
            .memorySize(2), .memoryCopy(destination: 1, source: 2),
            .load(.i32Load, MemArg(offset: 8, alignLog2: 2, memory: 3)),
        ])
    }

    func testMemopFlags() throws {
        // Alignment 2^31 decodes (validation rejects it); 2^32 and above are malformed.
        let (instructions, _, _) = try readAll([0x28, 0x1f, 0x00])
        XCTAssertEqual(instructions, [.load(.i32Load, MemArg(offset: 0, alignLog2: 31))])
        for flags: UInt8 in [0x20, 0x21, 0x3f, 0x40, 0x41] {
            assertMalformed([0x28, flags, 0x00], "malformed memop flags", at: 1)
        }
        // A 64-bit offset.
        let (wide, _, _) = try readAll([0x29, 0x03, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01])
        XCTAssertEqual(wide, [.load(.i64Load, MemArg(offset: UInt64.max, alignLog2: 3))])
    }

    func testMalformedImmediates() {
        assertMalformed([0x41], "unexpected end")
        assertMalformed([0x43, 0x00, 0x00], "unexpected end")
        assertMalformed([0x41, 0x80, 0x80, 0x80, 0x80, 0x80, 0x00], "integer representation too long")
        assertMalformed([0x41, 0x80, 0x80, 0x80, 0x80, 0x70], "integer too large")
        assertMalformed([0x20, 0xff, 0xff, 0xff, 0xff, 0x1f], "integer too large")
        assertMalformed([0x0e, 0x05, 0x00], "unexpected end")
        assertMalformed([0xd0, 0x7f], "malformed reference type")
    }

    func testIllegalAndUnsupportedOpcodes() {
        assertMalformed([0x01, 0x27], "illegal opcode 27", at: 1)
        assertMalformed([0xc5], "illegal opcode")
        assertMalformed([0xff], "illegal opcode")
        assertMalformed([0xfc, 0x12], "illegal opcode")
        assertMalformed([0xfd, 0x94, 0x02], "illegal opcode fd 276")  // past relaxed SIMD
        assertMalformed([0xfe, 0x04], "illegal opcode fe 4")
        assertMalformed([0xfe, 0x03, 0x01], "zero byte expected", at: 2)
        assertMalformed([0x14, 0x00], "illegal opcode")  // call_ref without function references
        assertUnsupported([0x12, 0x00])
        assertMalformed([0xd3], "illegal opcode d3")  // ref.eq without GC
        assertMalformed([0xfb, 0x00, 0x00], "illegal opcode fb")  // struct.new without GC
    }

    func testFunctionReferencesWhenEnabled() throws {
        let (instructions, _, _) = try readAll([0x14, 0x02, 0xd4, 0xd5, 0x01, 0xd6, 0x00, 0xd0, 0x6e, 0xd0, 0x03],
                                               features: .functionReferences)
        XCTAssertEqual(instructions, [.callRef(2), .refAsNonNull, .brOnNull(1), .brOnNonNull(0),
                                      .refNull(.any), .refNull(.concrete(3))])
        let (tail, _, _) = try readAll([0x15, 0x04], features: [.tailCall, .functionReferences])
        XCTAssertEqual(tail, [.returnCallRef(4)])
    }

    func testTailCallsWhenEnabled() throws {
        let (instructions, _, _) = try readAll([0x12, 0x03, 0x13, 0x01, 0x00], features: .tailCall)
        XCTAssertEqual(instructions, [.returnCall(3), .returnCallIndirect(typeIndex: 1, table: 0)])
    }
}
