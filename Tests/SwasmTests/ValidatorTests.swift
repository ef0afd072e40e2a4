import XCTest
@testable import Swasm

/// Function-body validation, one instruction family at a time. Bodies are hand-assembled
/// bytes (with the text form in comments) inside hand-built `ModuleSections`.
final class ValidatorTests: XCTestCase {
    // MARK: Fixtures

    struct Fixture {
        var types: [FuncType] = [FuncType(params: [], results: [])]
        var imports: [Import] = []
        var tables: [TableType] = []
        var memories: [MemoryType] = []
        var globals: [GlobalType] = []
        var elements: [ElementSegment] = []
        var dataCount: UInt32?
        var exports: [Export] = []
        var features: InstructionReader.Features = []

        /// A module whose function 0 (defined) has `type` and `locals` and the body `code`
        /// (the final `end` appended), plus `extraFunctions` more functions of type 0.
        func module(type: UInt32 = 0, locals: [ValueType] = [], code: [UInt8],
                    extraFunctions: Int = 0, appendEnd: Bool = true) -> ModuleSections {
            var m = ModuleSections()
            let body = appendEnd ? code + [0x0B] : code
            m.bytes = [0xAA, 0xAA] + body  // a prefix so offsets are module offsets
            m.types = types
            m.imports = imports
            m.functions = [type] + Array(repeating: 0, count: extraFunctions)
            m.tables = tables
            m.memories = memories
            m.globals = globals.map {
                GlobalDefinition(type: $0, initializer: ConstExpr(instructions: [], offset: 0))
            }
            m.elements = elements
            m.dataCount = dataCount
            m.exports = exports
            let runs = locals.map { FunctionBody.LocalRun(count: 1, type: $0) }
            m.code = [FunctionBody(localRuns: runs, localCount: locals.count, code: 2..<m.bytes.count)]
            for _ in 0..<extraFunctions {
                m.code.append(FunctionBody(localRuns: [], localCount: 0, code: 2..<m.bytes.count))
            }
            return m
        }
    }

    private func validate(_ fixture: Fixture, type: UInt32 = 0, locals: [ValueType] = [],
                          _ code: [UInt8], appendEnd: Bool = true) throws {
        let m = fixture.module(type: type, locals: locals, code: code, appendEnd: appendEnd)
        let context = FunctionValidationContext(module: m, features: fixture.features)
        try FunctionValidator.validateFunction(module: m, context: context, definedIndex: 0)
    }

    private func assertValid(_ fixture: Fixture, type: UInt32 = 0, locals: [ValueType] = [],
                             _ code: [UInt8], file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertNoThrow(try validate(fixture, type: type, locals: locals, code), file: file, line: line)
    }

    private func assertInvalid(_ fixture: Fixture, type: UInt32 = 0, locals: [ValueType] = [],
                               _ code: [UInt8], _ message: String, at expectedOffset: Int? = nil,
                               file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertThrowsError(try validate(fixture, type: type, locals: locals, code), file: file, line: line) {
            guard case SwasmError.invalid(let m, let function, let offset) = $0 else {
                return XCTFail("expected invalid, got \($0)", file: file, line: line)
            }
            XCTAssertEqual(m, message, file: file, line: line)
            let imported = fixture.imports.filter {
                if case .function = $0.descriptor { return true } else { return false }
            }.count
            XCTAssertEqual(function, UInt32(imported), file: file, line: line)
            if let expectedOffset { XCTAssertEqual(offset, expectedOffset + 2, file: file, line: line) }
        }
    }

    private func assertMalformed(_ fixture: Fixture, _ code: [UInt8], _ message: String,
                                 appendEnd: Bool = true, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertThrowsError(try validate(fixture, code, appendEnd: appendEnd), file: file, line: line) {
            guard case SwasmError.malformed(let m, _) = $0 else {
                return XCTFail("expected malformed, got \($0)", file: file, line: line)
            }
            XCTAssertTrue(m.hasPrefix(message), m, file: file, line: line)
        }
    }

    private func assertValid(_ code: [UInt8], file: StaticString = #filePath, line: UInt = #line) {
        assertValid(Fixture(), code, file: file, line: line)
    }

    private func assertInvalid(_ code: [UInt8], _ message: String, at expectedOffset: Int? = nil,
                               file: StaticString = #filePath, line: UInt = #line) {
        assertInvalid(Fixture(), code, message, at: expectedOffset, file: file, line: line)
    }

    private func assertMalformed(_ code: [UInt8], _ message: String, appendEnd: Bool = true,
                                 file: StaticString = #filePath, line: UInt = #line) {
        assertMalformed(Fixture(), code, message, appendEnd: appendEnd, file: file, line: line)
    }

    private let i32Result = Fixture(types: [FuncType(params: [], results: [.i32])])
    private var withMemory: Fixture { Fixture(memories: [MemoryType(limits: Limits(min: 1))]) }

    // MARK: Numeric and constants

    func testNumeric() {
        assertValid([0x41, 0x01, 0x41, 0x02, 0x6A, 0x1A])  // i32.const 1 i32.const 2 i32.add drop
        assertValid(i32Result, [0x42, 0x01, 0x50])  // i64.const 1 i64.eqz
        assertValid([0x43, 0, 0, 0, 0, 0xBB, 0xB0, 0xBF, 0xBD, 0x1A])  // f32 → f64 → i64 → f64 → i64
        assertValid(i32Result, [0x44, 0, 0, 0, 0, 0, 0, 0, 0, 0xFC, 0x03])  // i32.trunc_sat_f64_u
        assertValid(i32Result, [0x41, 0x00, 0xC0])  // i32.extend8_s
        assertInvalid([0x41, 0x01, 0x42, 0x02, 0x6A, 0x1A], "type mismatch", at: 4)
        assertInvalid([0x6A], "type mismatch", at: 0)
        assertInvalid([0x41, 0x00, 0x46, 0x1A], "type mismatch")  // i32.eq needs two
        assertInvalid([0x42, 0x00, 0xA8, 0x1A], "type mismatch")  // i32.trunc_f32_s of i64
        // Leftover operand at the end of the function.
        assertInvalid([0x41, 0x00], "type mismatch")
        assertInvalid(i32Result, [], "type mismatch")
        assertInvalid(i32Result, [0x42, 0x00], "type mismatch")
    }

    // MARK: Locals and globals

    func testLocals() {
        let f = Fixture(types: [FuncType(params: [.i32], results: [.i32])])
        assertValid(f, locals: [.i64], [0x42, 0x05, 0x21, 0x01, 0x20, 0x00, 0x22, 0x00])
        assertInvalid(f, locals: [.i64], [0x20, 0x02], "unknown local 2")
        assertInvalid(f, locals: [.i64], [0x20, 0x01], "type mismatch")
        assertInvalid(f, [0x42, 0x00, 0x21, 0x00, 0x20, 0x00], "type mismatch")
    }

    func testGlobals() {
        let f = Fixture(
            types: [FuncType(params: [], results: [.i32])],
            imports: [Import(module: "m", name: "g", descriptor: .global(GlobalType(valueType: .i32, mutable: false)))],
            globals: [GlobalType(valueType: .i64, mutable: true)])
        assertValid(f, [0x42, 0x01, 0x24, 0x01, 0x23, 0x00])
        assertInvalid(f, [0x41, 0x01, 0x24, 0x00, 0x41, 0x00], "global is immutable")
        assertInvalid(f, [0x23, 0x02], "unknown global 2")
        assertInvalid(f, [0x23, 0x01], "type mismatch")
    }

    // MARK: Control

    func testBlocks() {
        assertValid(i32Result, [0x02, 0x7F, 0x41, 0x01, 0x0B])  // block (result i32) ... end
        assertValid([0x03, 0x40, 0x0B])
        assertInvalid(i32Result, [0x02, 0x7F, 0x0B], "type mismatch")
        assertInvalid([0x02, 0x40, 0x41, 0x01, 0x0B], "type mismatch")
        // Operands outside a block are not visible inside it.
        assertInvalid([0x41, 0x01, 0x02, 0x40, 0x1A, 0x0B, 0x1A], "type mismatch")
        // Multi-value block type: (type 1) = [i32 i32] -> [i32]
        var f = Fixture(types: [FuncType(params: [], results: [.i32]),
                                FuncType(params: [.i32, .i32], results: [.i32])])
        assertValid(f, [0x41, 0x01, 0x41, 0x02, 0x02, 0x01, 0x6A, 0x0B])
        assertValid(f, [0x41, 0x01, 0x41, 0x02, 0x03, 0x01, 0x6A, 0x0B])
        assertInvalid(f, [0x41, 0x01, 0x02, 0x01, 0x6A, 0x0B], "type mismatch")
        assertInvalid(f, [0x02, 0x05, 0x0B], "unknown type 5")
        f.types.append(FuncType(params: [.i32], results: [.i32]))
        // if without else: parameters must equal results.
        assertValid(f, [0x41, 0x01, 0x41, 0x00, 0x04, 0x02, 0x0B])
        assertInvalid(f, [0x41, 0x01, 0x41, 0x02, 0x41, 0x00, 0x04, 0x01, 0x6A, 0x0B], "type mismatch")
    }

    func testIfElse() {
        // if (result i32) i32.const 1 else i32.const 2 end
        assertValid(i32Result, [0x41, 0x00, 0x04, 0x7F, 0x41, 0x01, 0x05, 0x41, 0x02, 0x0B])
        assertInvalid(i32Result, [0x41, 0x00, 0x04, 0x7F, 0x41, 0x01, 0x0B], "type mismatch")
        assertInvalid(i32Result, [0x41, 0x00, 0x04, 0x7F, 0x41, 0x01, 0x05, 0x0B], "type mismatch")
        assertInvalid(i32Result, [0x04, 0x7F, 0x41, 0x01, 0x05, 0x41, 0x02, 0x0B], "type mismatch")
        assertMalformed([0x02, 0x40, 0x05, 0x0B], "else without matching if")
        assertMalformed([0x41, 0x00, 0x04, 0x40, 0x05, 0x05, 0x0B], "else without matching if")
    }

    func testFunctionEnd() {
        assertMalformed([0x01], "unexpected end", appendEnd: false)
        assertMalformed([0x0B, 0x01], "section size mismatch")
        assertMalformed([0x02, 0x40, 0x0B], "unexpected end", appendEnd: false)
    }

    func testBranches() {
        assertValid(i32Result, [0x41, 0x01, 0x0C, 0x00])  // br 0 to the function
        assertValid(i32Result, [0x02, 0x7F, 0x41, 0x01, 0x0C, 0x00, 0x0B])
        assertValid([0x03, 0x40, 0x0C, 0x00, 0x0B])
        assertInvalid([0x0C, 0x01], "unknown label")
        assertInvalid(i32Result, [0x02, 0x7F, 0x0C, 0x00, 0x0B], "type mismatch")
        // br_if keeps the label's values.
        assertValid(i32Result, [0x02, 0x7F, 0x41, 0x01, 0x41, 0x00, 0x0D, 0x00, 0x0B])
        assertInvalid(i32Result, [0x02, 0x7F, 0x41, 0x01, 0x0D, 0x00, 0x0B], "type mismatch")
        assertInvalid([0x41, 0x00, 0x0D, 0x02], "unknown label")
        // Loop labels carry the loop's parameters, not its results.
        assertValid(i32Result, [0x03, 0x7F, 0x41, 0x01, 0x41, 0x00, 0x0D, 0x00, 0x0B])
        let loopWithParameter = Fixture(types: [FuncType(params: [], results: [.i32]),
                                                FuncType(params: [.i32], results: [.i32])])
        assertValid(loopWithParameter, [0x41, 0x01, 0x03, 0x01, 0x41, 0x00, 0x0D, 0x00, 0x0B])
        assertInvalid(loopWithParameter, [0x41, 0x01, 0x03, 0x01, 0x1A, 0x0C, 0x00, 0x0B], "type mismatch")
        // return
        assertValid(i32Result, [0x41, 0x01, 0x0F])
        assertInvalid(i32Result, [0x0F], "type mismatch")
        assertInvalid(i32Result, [0x42, 0x01, 0x0F], "type mismatch")
    }

    func testBrTable() {
        // block block (i32.const 0) br_table 0 1 1 end end
        assertValid([0x02, 0x40, 0x02, 0x40, 0x41, 0x00, 0x0E, 0x02, 0x00, 0x01, 0x01, 0x0B, 0x0B])
        assertInvalid([0x02, 0x40, 0x41, 0x00, 0x0E, 0x01, 0x00, 0x03, 0x0B], "unknown label")
        assertInvalid([0x02, 0x40, 0x41, 0x00, 0x0E, 0x01, 0x05, 0x00, 0x0B], "unknown label")
        // Arity mismatch: block (result i32) block; br_table 0 1 with i32 on stack.
        assertInvalid(i32Result, [0x02, 0x7F, 0x02, 0x40, 0x41, 0x01, 0x41, 0x00, 0x0E, 0x01, 0x00, 0x01,
                                  0x0B, 0x41, 0x00, 0x0B], "type mismatch")
        // After unreachable, labels of different types but the same arity meet at bottom.
        // block (result f64) block (result f32) unreachable (i32.const 1) br_table 0 1 1 end drop f64.const 0 end drop
        assertValid([0x02, 0x7C, 0x02, 0x7D, 0x00, 0x41, 0x01, 0x0E, 0x02, 0x00, 0x01, 0x01, 0x0B, 0x1A,
                     0x44, 0, 0, 0, 0, 0, 0, 0, 0, 0x0B, 0x1A])
        // ... but a known operand must match every label.
        assertInvalid([0x02, 0x7C, 0x02, 0x7D, 0x00, 0x43, 0, 0, 0, 0, 0x41, 0x01, 0x0E, 0x01, 0x00, 0x01, 0x0B,
                       0x1A, 0x44, 0, 0, 0, 0, 0, 0, 0, 0, 0x0B, 0x1A], "type mismatch")
    }

    func testUnreachableCode() {
        // unreachable makes the stack polymorphic: i32.add with nothing is fine.
        assertValid(i32Result, [0x00, 0x6A])
        assertValid(i32Result, [0x00])
        assertValid([0x00, 0x1A, 0x1A, 0x1B, 0x1A])
        // ... but known types still must match.
        assertInvalid(i32Result, [0x00, 0x42, 0x00, 0x6A], "type mismatch")
        assertInvalid([0x00, 0x41, 0x00], "type mismatch")
        // Polymorphism ends with the frame.
        assertInvalid([0x02, 0x40, 0x00, 0x0B, 0x1A], "type mismatch")
        // br_if pushes the label types concretely.
        let i64Result = Fixture(types: [FuncType(params: [], results: [.i64])])
        assertInvalid(i64Result, [0x00, 0x0D, 0x00, 0xAD], "type mismatch")
        assertValid(i64Result, [0x00, 0x0D, 0x00])
        // select after unreachable: one known operand gives the result type.
        assertValid(i32Result, [0x00, 0x41, 0x00, 0x41, 0x01, 0x1B])
        assertInvalid(i32Result, [0x00, 0x42, 0x00, 0x41, 0x01, 0x1B], "type mismatch")
    }

    // MARK: Calls

    func testCalls() {
        var f = Fixture(types: [FuncType(params: [], results: []), FuncType(params: [.i32, .i64], results: [.f32])])
        f.imports = [Import(module: "m", name: "f", descriptor: .function(typeIndex: 1))]
        // Function 0 is the import, function 1 the body under test (type 0).
        assertValid(f, [0x41, 0x00, 0x42, 0x00, 0x10, 0x00, 0x1A, 0x10, 0x01])
        assertInvalid(f, [0x42, 0x00, 0x41, 0x00, 0x10, 0x00, 0x1A], "type mismatch")
        assertInvalid(f, [0x10, 0x02], "unknown function 2")
        // call_indirect needs a funcref table.
        assertInvalid(f, [0x41, 0x00, 0x11, 0x00, 0x00], "unknown table 0")
        f.tables = [TableType(elementType: .funcref, limits: Limits(min: 1)),
                    TableType(elementType: .externref, limits: Limits(min: 1))]
        assertValid(f, [0x41, 0x00, 0x42, 0x00, 0x41, 0x00, 0x11, 0x01, 0x00, 0x1A])
        assertInvalid(f, [0x41, 0x00, 0x42, 0x00, 0x11, 0x01, 0x00, 0x1A], "type mismatch")
        assertInvalid(f, [0x41, 0x00, 0x11, 0x00, 0x01], "type mismatch")
        assertInvalid(f, [0x41, 0x00, 0x11, 0x07, 0x00], "unknown type 7")
    }

    func testTailCalls() {
        var f = Fixture(types: [FuncType(params: [], results: [.i32]), FuncType(params: [], results: [.i64])],
                        features: .tailCall)
        f.imports = [Import(module: "m", name: "f", descriptor: .function(typeIndex: 0)),
                     Import(module: "m", name: "g", descriptor: .function(typeIndex: 1))]
        assertValid(f, [0x12, 0x00])
        assertInvalid(f, [0x12, 0x01], "type mismatch")
        // Code after a tail call is unreachable.
        assertValid(f, [0x12, 0x00, 0x6A])
    }

    // MARK: Parametric

    func testDropAndSelect() {
        assertValid([0x41, 0x00, 0x1A])
        assertInvalid([0x1A], "type mismatch")
        assertValid(i32Result, [0x41, 0x01, 0x41, 0x02, 0x41, 0x00, 0x1B])
        assertInvalid(i32Result, [0x41, 0x01, 0x42, 0x02, 0x41, 0x00, 0x1B], "type mismatch")
        // Untyped select rejects references; typed select accepts them.
        let f = Fixture(types: [FuncType(params: [], results: [.funcref])])
        assertInvalid(f, [0xD0, 0x70, 0xD0, 0x70, 0x41, 0x00, 0x1B], "type mismatch")
        assertValid(f, [0xD0, 0x70, 0xD0, 0x70, 0x41, 0x00, 0x1C, 0x01, 0x70])
        assertInvalid(f, [0xD0, 0x70, 0xD0, 0x6F, 0x41, 0x00, 0x1C, 0x01, 0x70], "type mismatch")
        assertInvalid(i32Result, [0x41, 0x01, 0x41, 0x02, 0x41, 0x00, 0x1C, 0x00], "invalid result arity")
        assertInvalid(i32Result, [0x41, 0x01, 0x41, 0x02, 0x41, 0x00, 0x1C, 0x02, 0x7F, 0x7F],
                      "invalid result arity")
    }

    // MARK: Memory

    func testLoadsAndStores() {
        let m = withMemory
        assertValid(m, [0x41, 0x00, 0x28, 0x02, 0x00, 0x1A])  // i32.load align=4
        assertValid(m, [0x41, 0x00, 0x42, 0x00, 0x37, 0x03, 0x08])  // i64.store align=8 offset=8
        assertValid(m, [0x41, 0x00, 0x31, 0x00, 0x00, 0x1A])  // i64.load8_u
        assertInvalid(m, [0x41, 0x00, 0x28, 0x03, 0x00, 0x1A], "alignment must not be larger than natural")
        assertInvalid(m, [0x41, 0x00, 0x2C, 0x01, 0x00, 0x1A], "alignment must not be larger than natural")
        assertInvalid(m, [0x41, 0x00, 0x28, 0x1F, 0x00, 0x1A], "alignment must not be larger than natural")
        assertInvalid(m, [0x42, 0x00, 0x28, 0x02, 0x00, 0x1A], "type mismatch")
        assertInvalid(m, [0x41, 0x00, 0x41, 0x00, 0x37, 0x03, 0x00], "type mismatch")
        assertInvalid([0x41, 0x00, 0x28, 0x02, 0x00, 0x1A], "unknown memory 0")
        // memory64: addresses are i64.
        let m64 = Fixture(memories: [MemoryType(limits: Limits(min: 1, is64: true))])
        assertValid(m64, [0x42, 0x00, 0x28, 0x02, 0x00, 0x1A, 0x3F, 0x00, 0x1A])
        assertInvalid(m64, [0x41, 0x00, 0x28, 0x02, 0x00, 0x1A], "type mismatch")
    }

    func testMemoryInstructions() {
        var m = withMemory
        assertValid(m, [0x3F, 0x00, 0x40, 0x00, 0x1A])
        assertInvalid([0x3F, 0x00, 0x1A], "unknown memory 0")
        assertInvalid(m, [0x42, 0x00, 0x40, 0x00, 0x1A], "type mismatch")
        // memory.fill / memory.copy: three i32
        assertValid(m, [0x41, 0x00, 0x41, 0x00, 0x41, 0x00, 0xFC, 0x0B, 0x00])
        assertValid(m, [0x41, 0x00, 0x41, 0x00, 0x41, 0x00, 0xFC, 0x0A, 0x00, 0x00])
        assertInvalid(m, [0x41, 0x00, 0x41, 0x00, 0xFC, 0x0B, 0x00], "type mismatch")
        assertInvalid([0x41, 0x00, 0x41, 0x00, 0x41, 0x00, 0xFC, 0x0A, 0x00, 0x00], "unknown memory 0")
        // memory.init / data.drop need the data count section.
        assertMalformed(m, [0x41, 0x00, 0x41, 0x00, 0x41, 0x00, 0xFC, 0x08, 0x00, 0x00], "data count section required")
        assertMalformed(m, [0xFC, 0x09, 0x00], "data count section required")
        m.dataCount = 1
        assertValid(m, [0x41, 0x00, 0x41, 0x00, 0x41, 0x00, 0xFC, 0x08, 0x00, 0x00, 0xFC, 0x09, 0x00])
        assertInvalid(m, [0xFC, 0x09, 0x01], "unknown data segment 1")
        assertInvalid(m, [0x41, 0x00, 0x41, 0x00, 0x41, 0x00, 0xFC, 0x08, 0x01, 0x00], "unknown data segment 1")
    }

    // MARK: References and tables

    func testReferences() {
        var f = Fixture(types: [FuncType(params: [], results: [.i32])])
        assertValid(f, [0xD0, 0x6F, 0xD1])
        assertInvalid(f, [0x41, 0x00, 0xD1], "type mismatch")
        assertValid(f, [0x00, 0xD1])
        f.types.append(FuncType(params: [], results: [.funcref]))
        // ref.func needs the function declared outside bodies (here: by an export).
        assertInvalid(f, type: 1, [0xD2, 0x00], "undeclared function reference")
        assertInvalid(f, type: 1, [0xD2, 0x05], "unknown function 5")
        f.exports = [Export(name: "f", kind: .function, index: 0)]
        assertValid(f, type: 1, [0xD2, 0x00])
        // ... or by an element segment.
        f.exports = []
        f.elements = [ElementSegment(type: .funcref, mode: .declarative, items: .functions([0]))]
        assertValid(f, type: 1, [0xD2, 0x00])
        assertInvalid(f, type: 1, [0xD0, 0x6F], "type mismatch")
    }

    func testTableInstructions() {
        var f = Fixture(types: [FuncType(params: [], results: [.i32])])
        f.tables = [TableType(elementType: .funcref, limits: Limits(min: 1)),
                    TableType(elementType: .externref, limits: Limits(min: 1))]
        f.elements = [ElementSegment(type: .funcref, mode: .passive, items: .functions([])),
                      ElementSegment(type: .externref, mode: .passive, items: .expressions([]))]
        // table.get 1; ref.is_null
        assertValid(f, [0x41, 0x00, 0x25, 0x01, 0xD1])
        assertInvalid(f, [0x41, 0x00, 0x25, 0x02, 0xD1], "unknown table 2")
        // table.set 0 (i32.const 0) (ref.null func)
        assertValid(f, [0x41, 0x00, 0xD0, 0x70, 0x26, 0x00, 0x41, 0x00])
        assertInvalid(f, [0x41, 0x00, 0xD0, 0x6F, 0x26, 0x00, 0x41, 0x00], "type mismatch")
        // table.size, table.grow, table.fill
        assertValid(f, [0xFC, 0x10, 0x00])
        assertValid(f, [0xD0, 0x6F, 0x41, 0x01, 0xFC, 0x0F, 0x01])
        assertInvalid(f, [0xD0, 0x70, 0x41, 0x01, 0xFC, 0x0F, 0x01], "type mismatch")
        assertValid(f, [0x41, 0x00, 0xD0, 0x70, 0x41, 0x01, 0xFC, 0x11, 0x00, 0x41, 0x00])
        // table.copy between tables of different element types
        assertValid(f, [0x41, 0x00, 0x41, 0x00, 0x41, 0x00, 0xFC, 0x0E, 0x00, 0x00, 0x41, 0x00])
        assertInvalid(f, [0x41, 0x00, 0x41, 0x00, 0x41, 0x00, 0xFC, 0x0E, 0x00, 0x01, 0x41, 0x00], "type mismatch")
        // table.init elem 0 into table 0 is fine, elem 1 (externref) into table 0 is not.
        assertValid(f, [0x41, 0x00, 0x41, 0x00, 0x41, 0x00, 0xFC, 0x0C, 0x00, 0x00, 0x41, 0x00])
        assertInvalid(f, [0x41, 0x00, 0x41, 0x00, 0x41, 0x00, 0xFC, 0x0C, 0x01, 0x00, 0x41, 0x00], "type mismatch")
        assertInvalid(f, [0x41, 0x00, 0x41, 0x00, 0x41, 0x00, 0xFC, 0x0C, 0x02, 0x00, 0x41, 0x00],
                      "unknown elem segment 2")
        assertValid(f, [0xFC, 0x0D, 0x01, 0x41, 0x00])
        assertInvalid(f, [0xFC, 0x0D, 0x02, 0x41, 0x00], "unknown elem segment 2")
    }

    // MARK: State for the translator

    func testExposedState() throws {
        // (func (param i32) (result i32)
        //   block (result i32) local.get 0 v128-free drop-test; i64.const 1 drop end)
        let f = Fixture(types: [FuncType(params: [.i32], results: [.i32])])
        let m = f.module(locals: [.v128], code: [
            0x02, 0x7F,  // block (result i32)
            0x20, 0x01,  // local.get 1 (v128)
            0x1A,  // drop
            0x20, 0x00,  // local.get 0
            0x0B,  // end
        ])
        let context = FunctionValidationContext(module: m)
        var validator = try FunctionValidator(module: m, context: context, definedIndex: 0)
        var reader = InstructionReader(bytes: m.bytes, range: m.code[0].code)
        XCTAssertEqual(validator.localTypes, [.i32, .v128])

        try validator.validate(try reader.read(), offset: reader.instructionOffset)  // block
        XCTAssertEqual(validator.frames.count, 2)
        XCTAssertEqual(validator.frames.last?.kind, .block)
        XCTAssertEqual(validator.frame(atDepth: 1)?.kind, .function)
        XCTAssertNil(validator.frame(atDepth: 2))
        XCTAssertEqual(Array(validator.labelTypes(of: validator.frames[1])), [.i32])

        try validator.validate(try reader.read(), offset: reader.instructionOffset)  // local.get 1
        XCTAssertEqual(validator.operandCount, 1)
        XCTAssertEqual(validator.operandSlotCount, 2)
        XCTAssertEqual(validator.operandType(fromTop: 0), .v128)
        XCTAssertNil(validator.operandType(fromTop: 1))

        try validator.validate(try reader.read(), offset: reader.instructionOffset)  // drop
        XCTAssertEqual(validator.lastOperandType, .v128)
        XCTAssertEqual(validator.operandSlotCount, 0)

        try validator.validate(try reader.read(), offset: reader.instructionOffset)  // local.get 0
        try validator.validate(try reader.read(), offset: reader.instructionOffset)  // end
        XCTAssertEqual(validator.closedFrame?.kind, .block)
        XCTAssertEqual(validator.closedFrame?.offset, 2)
        XCTAssertEqual(validator.operandCount, 1)
        XCTAssertFalse(validator.isFinished)

        try validator.validate(try reader.read(), offset: reader.instructionOffset)  // end (function)
        XCTAssertTrue(validator.isFinished)
        XCTAssertEqual(validator.closedFrame?.kind, .function)
        XCTAssertEqual(validator.operandType(fromTop: 0), .i32)
        XCTAssertTrue(reader.isAtEnd)
        try validator.finish(offset: reader.offset)
    }

    func testUnreachableState() throws {
        let m = Fixture().module(code: [0x41, 0x00, 0x00, 0x1A])
        var validator = try FunctionValidator(module: m, context: FunctionValidationContext(module: m), definedIndex: 0)
        var reader = InstructionReader(bytes: m.bytes, range: m.code[0].code)
        try validator.validate(try reader.read(), offset: reader.instructionOffset)  // i32.const
        XCTAssertFalse(validator.isUnreachable)
        try validator.validate(try reader.read(), offset: reader.instructionOffset)  // unreachable
        XCTAssertTrue(validator.isUnreachable)
        XCTAssertEqual(validator.operandCount, 0)
        try validator.validate(try reader.read(), offset: reader.instructionOffset)  // drop
        XCTAssertNil(validator.lastOperandType)
    }

    func testRestartReusesTheValidator() throws {
        let m = i32Result.module(code: [0x41, 0x00], extraFunctions: 0)
        let context = FunctionValidationContext(module: m)
        var validator = try FunctionValidator(module: m, context: context, definedIndex: 0)
        try validator.validate(.i32Const(1), offset: 2)
        try validator.restart(module: m, definedIndex: 0)
        XCTAssertEqual(validator.operandCount, 0)
        XCTAssertThrowsError(try validator.restart(module: m, definedIndex: 3))
    }

    func testErrorsNameTheFunctionIndex() {
        var f = Fixture()
        f.imports = [Import(module: "m", name: "a", descriptor: .function(typeIndex: 0)),
                     Import(module: "m", name: "b", descriptor: .function(typeIndex: 0))]
        XCTAssertThrowsError(try validate(f, [0x6A])) {
            guard case SwasmError.invalid(_, let function, let offset) = $0 else { return XCTFail("\($0)") }
            XCTAssertEqual(function, 2)
            XCTAssertEqual(offset, 2)
        }
    }

    func testElseState() throws {
        // (func (result i32) i32.const 0 if (result i32) i32.const 1 else i32.const 2 end)
        let m = i32Result.module(code: [0x41, 0x00, 0x04, 0x7F, 0x41, 0x01, 0x05, 0x41, 0x02, 0x0B])
        var validator = try FunctionValidator(module: m, context: FunctionValidationContext(module: m), definedIndex: 0)
        var reader = InstructionReader(bytes: m.bytes, range: m.code[0].code)
        for _ in 0..<3 { try validator.validate(try reader.read(), offset: reader.instructionOffset) }
        XCTAssertEqual(validator.frames.last?.kind, .if)
        try validator.validate(try reader.read(), offset: reader.instructionOffset)  // else
        XCTAssertEqual(validator.closedFrame?.kind, .if)
        XCTAssertEqual(validator.frames.last?.kind, .else)
        XCTAssertEqual(validator.frames.last?.height, 0)
        XCTAssertEqual(validator.operandCount, 0)
        while !reader.isAtEnd { try validator.validate(try reader.read(), offset: reader.instructionOffset) }
        try validator.finish(offset: reader.offset)
    }

    func testBrTableNeedsTheReadersTargets() throws {
        let m = Fixture().module(code: [0x41, 0x00, 0x0E, 0x01, 0x00, 0x00])
        var validator = try FunctionValidator(module: m, context: FunctionValidationContext(module: m), definedIndex: 0)
        var reader = InstructionReader(bytes: m.bytes, range: m.code[0].code)
        try validator.validate(try reader.read(), offset: reader.instructionOffset)
        let brTable = try reader.read()
        XCTAssertThrowsError(try validator.validate(brTable, offset: reader.instructionOffset))
        try validator.validate(brTable, offset: reader.instructionOffset, brTableTargets: reader.brTableTargets)
        XCTAssertTrue(validator.isUnreachable)
    }

    func testOperandTypeRoundTrip() {
        let types: [ValueType] = [
            .i32, .i64, .f32, .f64, .v128, .funcref, .externref,
            .ref(RefType(nullable: false, heapType: .func)),
            .ref(RefType(nullable: true, heapType: .concrete(7))),
            .ref(RefType(nullable: false, heapType: .concrete(UInt32.max))),
            .ref(RefType(nullable: true, heapType: .noexn)),
        ]
        for t in types { XCTAssertEqual(OperandType(t).valueType, t) }
        XCTAssertEqual(Set(types.map { OperandType($0) }).count, types.count)
        XCTAssertNil(OperandType.unknown.valueType)
        XCTAssertEqual(OperandType(.v128).slotCount, 2)
        XCTAssertTrue(OperandType(.externref).isReference)
        XCTAssertFalse(OperandType(.f64).isReference)
    }
}
