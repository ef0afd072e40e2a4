import Foundation
import SwasmText
import XCTest
@testable import Swasm

/// The SIMD reader and validator: every module of the spec's SIMD scripts decodes and
/// validates, every `assert_invalid` is rejected as invalid with the script's message, every
/// binary `assert_malformed` as malformed; plus hand-assembled bodies for the edges (lane
/// bounds, shuffle indices, alignment, unknown opcodes, truncated immediates, v128 slots).
final class SIMDValidationTests: XCTestCase {

    // MARK: The table

    func testTableAgreesWithTheEnum() {
        XCTAssertTrue(SIMDOp.tableIsConsistent)
        XCTAssertEqual(SIMDOp.count, 256)  // 236 fixed-width + 20 relaxed
        XCTAssertEqual(SIMDOp.allCases.filter { !$0.isRelaxed }.count, 236)
        var names = Set<String>()
        for (i, op) in SIMDOp.allCases.enumerated() {
            XCTAssertEqual(op.index, i)
            XCTAssertEqual(SIMDOp.byIndex(i), op)
            XCTAssertEqual(SIMDOp.fromOpcode(UInt32(op.rawValue)), op)
            XCTAssertTrue(names.insert(op.name).inserted, "duplicate name \(op.name)")
        }
        let unassigned: [UInt32] = [0x9A, 0xA2, 0xA5, 0xA6, 0xAF, 0xB0, 0xB2, 0xB3, 0xB4, 0xBB,
                                    0xC2, 0xC5, 0xC6, 0xCF, 0xD0, 0xD2, 0xD3, 0xD4, 0xE2, 0xEE]
        for opcode in unassigned { XCTAssertNil(SIMDOp.fromOpcode(opcode), "0x\(String(opcode, radix: 16))") }
        XCTAssertNil(SIMDOp.fromOpcode(0x114))
        XCTAssertNil(SIMDOp.fromOpcode(UInt32.max))
    }

    func testTableEntries() {
        XCTAssertEqual(SIMDOp.v128Load.info.shape, .load)
        XCTAssertEqual(SIMDOp.v128Load.info.accessLog2, 4)
        XCTAssertEqual(SIMDOp.v128Load8x8S.info.accessLog2, 3)
        XCTAssertEqual(SIMDOp.v128Load16Splat.info.accessLog2, 1)
        XCTAssertEqual(SIMDOp.v128Load32Zero.info.accessLog2, 2)
        XCTAssertEqual(SIMDOp.v128Store16Lane.info.laneCount, 8)
        XCTAssertEqual(SIMDOp.v128Load64Lane.info.laneCount, 2)
        XCTAssertEqual(SIMDOp.i8x16ExtractLaneS.info.laneCount, 16)
        XCTAssertEqual(SIMDOp.i8x16ExtractLaneS.info.scalar, .i32)
        XCTAssertEqual(SIMDOp.i64x2ReplaceLane.info.scalar, .i64)
        XCTAssertEqual(SIMDOp.f32x4Splat.info.scalar, .f32)
        XCTAssertEqual(SIMDOp.f64x2ExtractLane.info.laneCount, 2)
        XCTAssertEqual(SIMDOp.i16x8Shl.info.shape, .shift)
        XCTAssertEqual(SIMDOp.i8x16Bitmask.info.shape, .test)
        XCTAssertEqual(SIMDOp.v128Bitselect.info.shape, .ternary)
        XCTAssertEqual(SIMDOp.i32x4RelaxedDotI8x16I7x16AddS.info.shape, .ternary)
        XCTAssertEqual(SIMDOp.i32x4RelaxedDotI8x16I7x16AddS.rawValue, 0x113)
        XCTAssertEqual(SIMDOp.f64x2ConvertLowI32x4U.name, "f64x2.convert_low_i32x4_u")
        XCTAssertEqual(SIMDOp.i16x8AvgrU.rawValue, 0x9B)
        XCTAssertTrue(SIMDOp.v128Store8Lane.info.hasMemArg && SIMDOp.v128Store8Lane.info.hasLane)
        XCTAssertFalse(SIMDOp.i8x16Shuffle.info.hasLane)
    }

    // MARK: The spec scripts

    func testSpecScripts() throws {
        guard let dir = SIMDSpecVectorTests.directory("2.0") else {
            throw XCTSkip("spec test suite not found (set SWASM_SPEC_TESTSUITE)")
        }
        var scripts = try FileManager.default.contentsOfDirectory(atPath: dir.path)
            .filter { $0.hasPrefix("simd_") && $0.hasSuffix(".wast") }.sorted()
            .map { (dir.appendingPathComponent($0), WATOptions.wasm2) }
        if let dir3 = SIMDSpecVectorTests.directory("3.0") {
            // The Wasm 3.0 versions that differ (offsets beyond 32 bits are invalid there);
            // simd_memory-multi.wast waits for multiple memories in the module validator.
            scripts += ["simd_address", "simd_const", "simd_lane"]
                .map { (dir3.appendingPathComponent($0 + ".wast"), WATOptions.wasm3) }
            scripts += ["i16x8_relaxed_q15mulr_s", "i32x4_relaxed_trunc", "i8x16_relaxed_swizzle", "relaxed_dot_product",
                        "relaxed_laneselect", "relaxed_madd_nmadd", "relaxed_min_max"]
                .map { (dir3.appendingPathComponent($0 + ".wast"), WATOptions.wasm3) }
        }
        XCTAssertGreaterThanOrEqual(scripts.count, 61)
        var counts = (valid: 0, invalid: 0, malformed: 0)
        var failures: [String] = []
        for (url, options) in scripts {
            let directives = try WAST.parse(String(contentsOf: url, encoding: .utf8))
            for directive in directives {
                let place = "\(url.lastPathComponent):\(directive.line)"
                switch directive.kind {
                case .module(let module):
                    guard let bytes = try? module.encode(options: options) else { continue }
                    do {
                        try Self.validate(bytes)
                        counts.valid += 1
                    } catch {
                        failures.append("\(place): valid module rejected: \(error)")
                    }
                case .assertInvalid(let module, let message):
                    guard let bytes = try? module.encode(options: options) else {
                        failures.append("\(place): invalid module does not encode"); continue
                    }
                    do {
                        try Self.validate(bytes)
                        failures.append("\(place): expected invalid (\"\(message)\"), but it validated")
                    } catch SwasmError.invalid(let actual, _, _) {
                        if actual.hasPrefix(message) { counts.invalid += 1 } else {
                            failures.append("\(place): expected \"\(message)\", got \"\(actual)\"")
                        }
                    } catch {
                        failures.append("\(place): expected invalid (\"\(message)\"), got \(error)")
                    }
                case .assertMalformed(let module, let message):
                    guard case .binary(let bytes) = module.source else { continue }
                    do {
                        try Self.validate(bytes)
                        failures.append("\(place): expected malformed (\"\(message)\"), but it validated")
                    } catch SwasmError.malformed {
                        counts.malformed += 1
                    } catch {
                        failures.append("\(place): expected malformed (\"\(message)\"), got \(error)")
                    }
                default:
                    continue
                }
            }
        }
        print("SIMDValidationTests: \(counts.valid) modules valid, \(counts.invalid) assert_invalid rejected, "
              + "\(counts.malformed) binary assert_malformed rejected")
        XCTAssertTrue(failures.isEmpty, failures.prefix(40).joined(separator: "\n"))
        XCTAssertGreaterThan(counts.valid, 700)
        XCTAssertGreaterThanOrEqual(counts.invalid, 750)
    }

    /// Decodes and validates a module and all its function bodies.
    static func validate(_ bytes: [UInt8]) throws {
        let module = try ModuleDecoder.decode(bytes)
        try ModuleValidator.validate(module)
        try FunctionValidator.validateAllFunctions(module: module)
    }

    // MARK: Hand-assembled bodies

    private typealias F = DecoderFixture

    /// A module with one memory and one function `[params] -> [results]` whose body is `code`
    /// (`end` appended).
    private func module(_ params: [UInt8] = [], _ results: [UInt8] = [], memory: Bool = true,
                        _ code: [UInt8]) -> [UInt8] {
        F.module(F.types([F.funcType(params, results)]), F.functions([0]),
                 memory ? F.section(5, F.vec([[0x00, 0x01]])) : [],
                 F.code([code + [0x0B]]))
    }

    private func assertValid(_ bytes: [UInt8], file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertNoThrow(try Self.validate(bytes), file: file, line: line)
    }

    private func assertInvalid(_ bytes: [UInt8], _ message: String, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertThrowsError(try Self.validate(bytes), file: file, line: line) { error in
            guard case SwasmError.invalid(let m, _, _) = error else {
                return XCTFail("expected invalid, got \(error)", file: file, line: line)
            }
            XCTAssertTrue(m.hasPrefix(message), "\"\(m)\" is not \"\(message)\"", file: file, line: line)
        }
    }

    private func assertMalformed(_ bytes: [UInt8], _ message: String, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertThrowsError(try Self.validate(bytes), file: file, line: line) { error in
            guard case SwasmError.malformed(let m, _) = error else {
                return XCTFail("expected malformed, got \(error)", file: file, line: line)
            }
            XCTAssertTrue(m.hasPrefix(message), "\"\(m)\" is not \"\(message)\"", file: file, line: line)
        }
    }

    private static let v128: UInt8 = 0x7B
    private static let i32: UInt8 = 0x7F
    private static let zero16 = [UInt8](repeating: 0, count: 16)
    private static let constZero: [UInt8] = [0xFD, 0x0C] + zero16

    func testReaderDecodesEveryImmediateShape() throws {
        // v128.const, i8x16.shuffle, extract_lane, load with memarg, load lane, relaxed
        let code: [UInt8] = [0xFD, 0x0C] + Array(0..<16)
            + [0xFD, 0x0D] + Array(16..<32)
            + [0xFD, 0x15, 0x0F]
            + [0xFD, 0x00, 0x04, 0x80, 0x01]
            + [0xFD, 0x57, 0x03, 0x08, 0x01]
            + [0xFD, 0x93, 0x02]
            + [0xFD, 0x6E]
        var reader = InstructionReader(bytes: code, range: 0..<code.count)
        XCTAssertEqual(try reader.readSIMDInstruction(), .v128Const(V128(bytes: Array(0..<16))))
        XCTAssertEqual(reader.instructionOffset, 0)
        XCTAssertEqual(try reader.readSIMDInstruction(), .shuffle(V128(bytes: Array(16..<32))))
        XCTAssertEqual(try reader.readSIMDInstruction(), .lane(.i8x16ExtractLaneS, 15))
        XCTAssertEqual(try reader.readSIMDInstruction(), .memory(.v128Load, MemArg(offset: 128, alignLog2: 4)))
        XCTAssertEqual(try reader.readSIMDInstruction(), .memoryLane(.v128Load64Lane, lane: 1, MemArg(offset: 8, alignLog2: 3)))
        // A sub-opcode in a two-byte LEB128 (0x113 = relaxed dot add).
        XCTAssertEqual(try reader.readSIMDInstruction(), .plain(.i32x4RelaxedDotI8x16I7x16AddS))
        XCTAssertEqual(try reader.readSIMDInstruction(), .plain(.i8x16Add))
        XCTAssertTrue(reader.isAtEnd)
        XCTAssertNil(try reader.readSIMDInstruction())
        // A non-SIMD instruction is left for read().
        let plain: [UInt8] = [0x41, 0x00]
        var other = InstructionReader(bytes: plain, range: 0..<2)
        XCTAssertNil(try other.readSIMDInstruction())
        XCTAssertEqual(try other.read(), .i32Const(0))
        // The sub-opcode may be padded (LEB128 is not minimal here).
        let padded: [UInt8] = [0xFD, 0xEE, 0x80, 0x80, 0x80, 0x00]
        var paddedReader = InstructionReader(bytes: padded, range: 0..<padded.count)
        XCTAssertEqual(try paddedReader.readSIMDInstruction(), .plain(.i8x16Add))
    }

    func testMalformedEncodings() {
        // Unknown sub-opcodes: a gap below 0x100 and the first past relaxed SIMD.
        assertMalformed(module([], [], [0xFD, 0x9A, 0x01]), "illegal opcode")
        assertMalformed(module([], [], [0xFD, 0x94, 0x02]), "illegal opcode")
        // A sub-opcode whose LEB128 runs past 5 bytes or overflows 32 bits.
        assertMalformed(module([], [], [0xFD, 0x80, 0x80, 0x80, 0x80, 0x80, 0x00]), "integer representation too long")
        assertMalformed(module([], [], [0xFD, 0xFF, 0xFF, 0xFF, 0xFF, 0x7F]), "integer too large")
        // Immediates cut off by the end of the body (whose last byte, 0x0B, is read as one).
        assertMalformed(F.module(F.types([F.funcType([], [])]), F.functions([0]),
                                 F.code([[0xFD, 0x0C, 0x00, 0x00, 0x0B]])), "unexpected end")
        assertMalformed(F.module(F.types([F.funcType([], [])]), F.functions([0]),
                                 F.code([[0xFD, 0x54, 0x00, 0x0B]])), "unexpected end")
        // memarg flags beyond a u32 alignment exponent.
        assertMalformed(module([Self.i32], [Self.v128], Array([0x20, 0x00, 0xFD, 0x00, 0x20, 0x00])), "malformed memop flags")
    }

    func testLaneIndices() {
        let v: [UInt8] = [0x20, 0x00]  // local.get 0 (v128)
        assertValid(module([Self.v128], [Self.i32], v + [0xFD, 0x15, 15]))
        assertInvalid(module([Self.v128], [Self.i32], v + [0xFD, 0x15, 16]), "invalid lane index")
        assertInvalid(module([Self.v128], [Self.i32], v + [0xFD, 0x18, 8]), "invalid lane index")
        assertValid(module([Self.v128], [Self.i32], v + [0xFD, 0x1B, 3]))
        assertInvalid(module([Self.v128], [Self.i32], v + [0xFD, 0x1B, 4]), "invalid lane index")
        assertInvalid(module([Self.v128], [0x7E], v + [0xFD, 0x1D, 2]), "invalid lane index")
        assertInvalid(module([Self.v128], [0x7C], v + [0xFD, 0x21, 0xFF]), "invalid lane index")
        // Lane loads and stores bound the lane by their width.
        let address: [UInt8] = [0x41, 0x00]
        assertValid(module([Self.v128], [Self.v128], address + v + [0xFD, 0x54, 0x00, 0x00, 15]))
        assertInvalid(module([Self.v128], [Self.v128], address + v + [0xFD, 0x54, 0x00, 0x00, 16]), "invalid lane index")
        assertInvalid(module([Self.v128], [], address + v + [0xFD, 0x5B, 0x00, 0x00, 2]), "invalid lane index")
        // Shuffle indices select among 32 bytes.
        let two = v + v
        assertValid(module([Self.v128], [Self.v128], two + [0xFD, 0x0D] + [UInt8](repeating: 31, count: 16)))
        assertInvalid(module([Self.v128], [Self.v128], two + [0xFD, 0x0D] + [UInt8](repeating: 0, count: 15) + [32]),
                      "invalid lane index")
        assertInvalid(module([Self.v128], [Self.v128], two + [0xFD, 0x0D, 0xFF] + [UInt8](repeating: 0, count: 15)),
                      "invalid lane index")
    }

    func testAlignmentAndMemory() {
        let address: [UInt8] = [0x41, 0x00]
        // v128.load: natural alignment 2^4; load8x8 2^3; load8_splat 2^0; load32_zero 2^2.
        assertValid(module([], [Self.v128], address + [0xFD, 0x00, 0x04, 0x00]))
        assertInvalid(module([], [Self.v128], address + [0xFD, 0x00, 0x05, 0x00]), "alignment must not be larger than natural")
        assertInvalid(module([], [Self.v128], address + [0xFD, 0x01, 0x04, 0x00]), "alignment must not be larger than natural")
        assertInvalid(module([], [Self.v128], address + [0xFD, 0x07, 0x01, 0x00]), "alignment must not be larger than natural")
        assertInvalid(module([], [Self.v128], address + [0xFD, 0x5C, 0x03, 0x00]), "alignment must not be larger than natural")
        assertInvalid(module([Self.v128], [], address + [0x20, 0x00, 0xFD, 0x59, 0x02, 0x00, 0x00]),
                      "alignment must not be larger than natural")
        // Memory instructions need a memory.
        assertInvalid(module([], [Self.v128], memory: false, address + [0xFD, 0x00, 0x04, 0x00]), "unknown memory")
        // The address is an i32 and the stored value a v128.
        assertInvalid(module([], [], address + Self.constZero + [0xFD, 0x0B, 0x04, 0x00] + [0x1A]), "type mismatch")
        assertValid(module([], [], address + Self.constZero + [0xFD, 0x0B, 0x04, 0x00]))
        assertInvalid(module([], [], Self.constZero + address + [0xFD, 0x0B, 0x04, 0x00]), "type mismatch")
    }

    func testOperandTypes() {
        let c = Self.constZero
        // binary, unary, ternary, test, shift, splat, replace_lane
        assertValid(module([], [Self.v128], c + c + [0xFD, 0x6E]))
        assertInvalid(module([], [Self.v128], c + [0x41, 0x00, 0xFD, 0x6E]), "type mismatch")
        assertValid(module([], [Self.v128], c + c + c + [0xFD, 0x52]))
        assertInvalid(module([], [Self.v128], c + c + [0xFD, 0x52]), "type mismatch")
        assertValid(module([], [Self.i32], c + [0xFD, 0x64]))
        assertInvalid(module([], [Self.v128], c + [0xFD, 0x64]), "type mismatch")
        assertValid(module([], [Self.v128], c + [0x41, 0x01, 0xFD, 0x6B]))
        assertInvalid(module([], [Self.v128], c + [0x42, 0x01, 0xFD, 0x6B]), "type mismatch")
        assertValid(module([], [Self.v128], [0x42, 0x01, 0xFD, 0x12]))
        assertInvalid(module([], [Self.v128], [0x41, 0x01, 0xFD, 0x12]), "type mismatch")
        assertValid(module([], [Self.v128], c + [0x43, 0, 0, 0, 0, 0xFD, 0x20, 3]))
        assertInvalid(module([], [Self.v128], c + [0x41, 0x00, 0xFD, 0x20, 3]), "type mismatch")
        assertValid(module([], [Self.v128], c + c + c + [0xFD, 0x93, 0x02]))
        // Unreachable code: the polymorphic stack supplies v128 operands.
        assertValid(module([], [Self.v128], [0x00, 0xFD, 0x6E]))
        assertValid(module([], [Self.i32], [0x00, 0xFD, 0x15, 0x00]))
    }

    func testV128OperandsCountTwoSlots() throws {
        // (param v128 i32) local.get 0; local.get 1; v128.const; i8x16.add; ...
        let code: [UInt8] = [0x20, 0x00, 0x20, 0x01] + Self.constZero + Self.constZero + [0xFD, 0x6E, 0x1A, 0x1A, 0x1A]
        let bytes = module([Self.v128, Self.i32], [], code)
        let module = try ModuleDecoder.decode(bytes)
        let context = FunctionValidationContext(module: module)
        var validator = try FunctionValidator(module: module, context: context, definedIndex: 0)
        var reader = InstructionReader(bytes: module.bytes, range: module.code[0].code)
        var slotCounts: [Int] = []
        while !reader.isAtEnd {
            if let simd = try reader.readSIMDInstruction() {
                try validator.validate(simd, offset: reader.instructionOffset)
            } else {
                try validator.validate(try reader.read(), offset: reader.instructionOffset)
            }
            slotCounts.append(validator.operandSlotCount)
        }
        // v128 (2), i32 (3), const (5), const (7), add (5), drop (3), drop (2), drop (0), end
        XCTAssertEqual(slotCounts, [2, 3, 5, 7, 5, 3, 2, 0, 0])
        XCTAssertTrue(validator.isFinished)
    }

    func testInstructionsAfterTheEnd() {
        let bytes = F.module(F.types([F.funcType([], [])]), F.functions([0]),
                             F.code([[0x0B] + Self.constZero + [0x0B]]))
        assertMalformed(bytes, "section size mismatch")
    }

    func testV128GlobalsParamsAndLocals() {
        // (global v128 (v128.const ...)) exported, a v128 local, v128 params and results.
        let global = F.section(6, F.vec([[Self.v128, 0x00] + Self.constZero + [0x0B]]))
        let code = F.section(10, F.vec([{
            let body: [UInt8] = [0x01, 0x01, Self.v128, 0x23, 0x00, 0x21, 0x01, 0x20, 0x00, 0x0B]
            return F.u32(UInt32(body.count)) + body
        }()]))
        let bytes = F.module(F.types([F.funcType([Self.v128], [Self.v128])]), F.functions([0]), global, code)
        assertValid(bytes)
        // A global of another type initialised by v128.const.
        let wrong = F.section(6, F.vec([[Self.i32, 0x00] + Self.constZero + [0x0B]]))
        assertInvalid(F.module(wrong), "type mismatch")
    }
}

extension SIMDValidationTests {
    func testOffsetsBeyond32BitsAreInvalidFor32BitMemories() {
        // v128.load offset=2^32 (a 10-byte u64 LEB128), and i32.load likewise.
        let bigOffset: [UInt8] = [0x80, 0x80, 0x80, 0x80, 0x10]
        let f = DecoderFixture.self
        func module(_ code: [UInt8], result: UInt8) -> [UInt8] {
            f.module(f.types([f.funcType([], [result])]), f.functions([0]), f.section(5, f.vec([[0x00, 0x01]])),
                     f.code([code + [0x0B]]))
        }
        XCTAssertThrowsError(try Self.validate(module([0x41, 0x00, 0xFD, 0x00, 0x04] + bigOffset, result: 0x7B))) { error in
            guard case SwasmError.invalid(let m, _, _) = error else { return XCTFail("\(error)") }
            XCTAssertEqual(m, "offset out of range")
        }
        XCTAssertThrowsError(try Self.validate(module([0x41, 0x00, 0x28, 0x02] + bigOffset, result: 0x7F))) { error in
            guard case SwasmError.invalid(let m, _, _) = error else { return XCTFail("\(error)") }
            XCTAssertEqual(m, "offset out of range")
        }
        XCTAssertNoThrow(try Self.validate(module([0x41, 0x00, 0xFD, 0x00, 0x04, 0xFF, 0xFF, 0xFF, 0xFF, 0x0F], result: 0x7B)))
    }
}
