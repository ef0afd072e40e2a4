import XCTest
@testable import Swasm

private typealias F = DecoderFixture
private typealias Check = DecoderCheck

final class ModuleValidatorTests: XCTestCase {
    private let voidType = F.types([F.funcType([], [])])
    private func importGlobal(_ type: UInt8, mutable: Bool) -> [UInt8] {
        F.section(2, F.vec([F.name("env") + F.name("g") + [0x03, type, mutable ? 0x01 : 0x00]]))
    }
    private func global(_ type: UInt8, _ initializer: [UInt8]) -> [UInt8] {
        F.section(6, F.vec([[type, 0x00] + initializer + [0x0B]]))
    }

    func testTypeIndices() {
        Check.invalid(F.module(F.functions([0]), F.code([F.emptyBody])), "unknown type")
        Check.invalid(F.module(voidType, F.functions([1]), F.code([F.emptyBody])), "unknown type 1")
        Check.invalid(F.module(F.section(2, F.vec([F.name("a") + F.name("b") + [0x00, 0x00]]))), "unknown type")
    }

    func testMemoryLimits() throws {
        _ = try Check.decodeAndValidate(F.module(F.section(5, F.vec([[0x01, 0x00, 0x80, 0x80, 0x04]]))))
        Check.invalid(F.module(F.section(5, F.vec([[0x00, 0x81, 0x80, 0x04]]))),
                      "memory size must be at most 65536 pages (4GiB)")
        Check.invalid(F.module(F.section(5, F.vec([[0x01, 0x00, 0x81, 0x80, 0x04]]))),
                      "memory size must be at most 65536 pages (4GiB)")
        Check.invalid(F.module(F.section(5, F.vec([[0x01, 0x02, 0x01]]))),
                      "size minimum must not be greater than maximum")
        // Two memories are valid in Wasm 3.0 and invalid when multiple memories are off.
        for twoMemories in [F.module(F.section(5, F.vec([[0x00, 0x00], [0x00, 0x00]]))),
                            F.module(F.section(2, F.vec([F.name("a") + F.name("m") + [0x02, 0x00, 0x00]])),
                                     F.section(5, F.vec([[0x00, 0x00]])))] {
            let sections = try ModuleDecoder.decode(twoMemories)
            XCTAssertNoThrow(try ModuleValidator.validate(sections))
            XCTAssertThrowsError(try ModuleValidator.validate(sections, multipleMemories: false)) { error in
                XCTAssertTrue("\(error)".contains("multiple memories"), "\(error)")
            }
        }
        // memory64: 2^48 pages at most, and a 32-bit memory's bound read as a u64.
        let wide = try Check.decodeAndValidate(F.module(F.section(5, F.vec([[0x04, 0x01]]))))
        XCTAssertEqual(wide.memories.first?.limits, Limits(min: 1, is64: true))
        _ = try Check.decodeAndValidate(F.module(F.section(5, F.vec([[0x05, 0x00, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x40]]))))
        Check.invalid(F.module(F.section(5, F.vec([[0x04, 0x81, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x40]]))),
                      "memory size must be at most 2^48 pages")
        Check.invalid(F.module(F.section(5, F.vec([[0x00, 0x80, 0x80, 0x80, 0x80, 0x10]]))),
                      "memory size must be at most 65536 pages (4GiB)")
        // Shared memories (threads) need a maximum.
        _ = try Check.decodeAndValidate(F.module(F.section(5, F.vec([[0x03, 0x01, 0x02]]))))
        Check.invalid(F.module(F.section(5, F.vec([[0x02, 0x01]]))), "shared memory must have maximum")
    }

    func testTableLimits() throws {
        // Any number of tables in Wasm 2.0.
        _ = try Check.decodeAndValidate(F.module(F.section(4, F.vec([[0x70, 0x00, 0x00], [0x6F, 0x01, 0x00, 0x00]]))))
        Check.invalid(F.module(F.section(4, F.vec([[0x70, 0x01, 0x02, 0x01]]))),
                      "size minimum must not be greater than maximum")
        // A non-nullable element type needs an initialiser (0x40 0x00 form) to fill the table.
        Check.invalid(F.module(F.section(4, F.vec([[0x64, 0x70, 0x00, 0x00]]))), "type mismatch")
        Check.invalid(F.module(F.section(4, F.vec([[0x40, 0x00, 0x64, 0x70, 0x00, 0x00, 0xD0, 0x70, 0x0B]]))),
                      "type mismatch")
        _ = try Check.decodeAndValidate(F.module(voidType, F.functions([0]),
                                                 F.section(4, F.vec([[0x40, 0x00, 0x64, 0x70, 0x00, 0x00, 0xD2, 0x00, 0x0B]])),
                                                 F.section(7, F.vec([F.name("f") + [0x00, 0x00]])),
                                                 F.code([F.emptyBody])))
        // GC heap types are types like any other; a concrete one must name a type.
        _ = try Check.decodeAndValidate(F.module(F.section(4, F.vec([[0x6E, 0x00, 0x00]]))))
        Check.invalid(F.module(F.section(4, F.vec([[0x63, 0x05, 0x00, 0x00]]))), "unknown type 5")
    }

    func testExports() throws {
        let base: [[UInt8]] = [voidType, F.functions([0])]
        func module(_ exports: [[UInt8]]) -> [UInt8] {
            F.module(base[0], base[1], F.section(7, F.vec(exports)), F.code([F.emptyBody]))
        }
        _ = try Check.decodeAndValidate(module([F.name("a") + [0x00, 0x00], F.name("b") + [0x00, 0x00]]))
        Check.invalid(module([F.name("a") + [0x00, 0x00], F.name("a") + [0x00, 0x00]]), "duplicate export name")
        // NFC and NFD spellings are different names.
        _ = try Check.decodeAndValidate(module([F.name("\u{C5}") + [0x00, 0x00], F.name("A\u{30A}") + [0x00, 0x00]]))
        Check.invalid(module([F.name("f") + [0x00, 0x01]]), "unknown function 1")
        Check.invalid(module([F.name("t") + [0x01, 0x00]]), "unknown table 0")
        Check.invalid(module([F.name("m") + [0x02, 0x00]]), "unknown memory 0")
        Check.invalid(module([F.name("g") + [0x03, 0x00]]), "unknown global 0")
    }

    func testStartFunction() throws {
        _ = try Check.decodeAndValidate(F.module(voidType, F.functions([0]), F.section(8, [0x00]),
                                                 F.code([F.emptyBody])))
        Check.invalid(F.module(voidType, F.functions([0]), F.section(8, [0x01]), F.code([F.emptyBody])),
                      "unknown function")
        let returnsI32 = F.types([F.funcType([], [0x7F])])
        Check.invalid(F.module(returnsI32, F.functions([0]), F.section(8, [0x00]),
                               F.code([[0x41, 0x00, 0x0B]])), "start function")
        let takesI32 = F.types([F.funcType([0x7F], [])])
        Check.invalid(F.module(takesI32, F.functions([0]), F.section(8, [0x00]), F.code([F.emptyBody])),
                      "start function")
    }

    func testGlobalInitializers() throws {
        _ = try Check.decodeAndValidate(F.module(importGlobal(0x7F, mutable: false), global(0x7F, [0x23, 0x00])))
        _ = try Check.decodeAndValidate(F.module(global(0x7E, [0x42, 0x01, 0x42, 0x02, 0x7C])))
        _ = try Check.decodeAndValidate(F.module(voidType, F.functions([0]), global(0x70, [0xD2, 0x00]),
                                                 F.code([F.emptyBody])))
        Check.invalid(F.module(global(0x7F, [0x42, 0x00])), "type mismatch")
        Check.invalid(F.module(global(0x7F, [])), "type mismatch")
        Check.invalid(F.module(global(0x7F, [0x41, 0x00, 0x41, 0x00])), "type mismatch")
        Check.invalid(F.module(global(0x7F, [0x41, 0x00, 0x42, 0x00, 0x6A])), "type mismatch")
        Check.invalid(F.module(global(0x6F, [0xD0, 0x70])), "type mismatch")
        Check.invalid(F.module(importGlobal(0x7E, mutable: false), global(0x7F, [0x23, 0x00])), "type mismatch")
        // Only imported, immutable globals are constant in Wasm 2.0; Wasm 3.0 adds the defined
        // globals before the one being initialised.
        Check.invalid(F.module(global(0x7F, [0x23, 0x00])), "unknown global 0")
        let secondReadsFirst = F.module(F.section(6, F.vec([[0x7F, 0x00, 0x41, 0x00, 0x0B], [0x7F, 0x00, 0x23, 0x00, 0x0B]])))
        Check.invalid(secondReadsFirst, "unknown global 0", functionReferences: false)
        _ = try Check.decodeAndValidate(secondReadsFirst)
        let firstReadsSecond = F.module(F.section(6, F.vec([[0x7F, 0x00, 0x23, 0x01, 0x0B], [0x7F, 0x00, 0x41, 0x00, 0x0B]])))
        Check.invalid(firstReadsSecond, "unknown global 1")
        Check.invalid(F.module(importGlobal(0x7F, mutable: true), global(0x7F, [0x23, 0x00])),
                      "constant expression required")
        Check.invalid(F.module(global(0x70, [0xD2, 0x00])), "unknown function 0")
    }

    func testElementSegments() throws {
        let table = F.section(4, F.vec([[0x70, 0x00, 0x01]]))
        let externTable = F.section(4, F.vec([[0x6F, 0x00, 0x01]]))
        let funcs = F.functions([0])
        let code = F.code([F.emptyBody])
        Check.invalid(F.module(voidType, funcs, F.section(9, F.vec([[0x00, 0x41, 0x00, 0x0B, 0x01, 0x00]])), code),
                      "unknown table 0")
        Check.invalid(F.module(voidType, funcs, table, F.section(9, F.vec([[0x00, 0x41, 0x00, 0x0B, 0x01, 0x01]])), code),
                      "unknown function 1")
        Check.invalid(F.module(voidType, funcs, table, F.section(9, F.vec([[0x00, 0x42, 0x00, 0x0B, 0x01, 0x00]])), code),
                      "type mismatch")
        // A funcref segment into an externref table.
        Check.invalid(F.module(voidType, funcs, externTable,
                               F.section(9, F.vec([[0x00, 0x41, 0x00, 0x0B, 0x01, 0x00]])), code), "type mismatch")
        // An expression of the wrong reference type.
        Check.invalid(F.module(F.section(9, F.vec([[0x05, 0x70, 0x01, 0xD0, 0x6F, 0x0B]]))), "type mismatch")
        Check.invalid(F.module(F.section(9, F.vec([[0x05, 0x70, 0x01, 0xD2, 0x00, 0x0B]]))), "unknown function 0")
        // Offsets may read imported immutable globals only in Wasm 2.0, defined ones too in 3.0.
        let readsDefined = F.module(voidType, funcs, table, global(0x7F, [0x41, 0x00]),
                                    F.section(9, F.vec([[0x00, 0x23, 0x00, 0x0B, 0x01, 0x00]])), code)
        Check.invalid(readsDefined, "unknown global 0", functionReferences: false)
        _ = try Check.decodeAndValidate(readsDefined)
        _ = try Check.decodeAndValidate(F.module(voidType, importGlobal(0x7F, mutable: false), funcs, table,
                                                 F.section(9, F.vec([[0x00, 0x23, 0x00, 0x0B, 0x01, 0x00]])), code))
    }

    func testDataSegments() throws {
        let memory = F.section(5, F.vec([[0x00, 0x01]]))
        Check.invalid(F.module(F.section(11, F.vec([[0x00, 0x41, 0x00, 0x0B, 0x00]]))), "unknown memory 0")
        Check.invalid(F.module(memory, F.section(11, F.vec([[0x02, 0x01, 0x41, 0x00, 0x0B, 0x00]]))), "unknown memory 1")
        Check.invalid(F.module(memory, F.section(11, F.vec([[0x00, 0x42, 0x00, 0x0B, 0x00]]))), "type mismatch")
        // Passive segments need no memory.
        _ = try Check.decodeAndValidate(F.module(F.section(11, F.vec([[0x01, 0x01, 0x61]]))))
    }

    func testReferenceLocalTypes() throws {
        // A non-nullable local (module level: fine; reading it before a write is for the body's
        // validation) and a concrete type that names no type.
        _ = try Check.decodeAndValidate(F.module(voidType, F.functions([0]), F.section(10, F.vec([[0x05, 0x01, 0x01, 0x64, 0x70, 0x0B]]))))
        Check.invalid(F.module(voidType, F.functions([0]), F.section(10, F.vec([[0x05, 0x01, 0x01, 0x64, 0x07, 0x0B]]))),
                      "unknown type 7")
    }

    func testDeclaredFunctionReferences() throws {
        let types = F.types([F.funcType([], [])])
        let m = try Check.decodeAndValidate(F.module(
            types, F.functions([0, 0, 0, 0, 0, 0]),
            F.section(4, F.vec([[0x70, 0x00, 0x01]])),
            F.section(6, F.vec([[0x70, 0x00, 0xD2, 0x01, 0x0B]])),
            F.section(7, F.vec([F.name("f") + [0x00, 0x02]])),
            F.section(9, F.vec([
                [0x03, 0x00, 0x01, 0x03],                      // declarative, function 3
                [0x05, 0x70, 0x01, 0xD2, 0x04, 0x0B],          // passive, ref.func 4
            ])),
            F.code(Array(repeating: F.emptyBody, count: 6))))
        XCTAssertEqual(ModuleValidator.declaredFunctionReferences(m), [1, 2, 3, 4])
    }

    func testIndexSpaceHelpers() throws {
        let imports = F.section(2, F.vec([
            F.name("a") + F.name("f") + [0x00, 0x00],
            F.name("a") + F.name("g") + [0x03, 0x7E, 0x00],
            F.name("a") + F.name("t") + [0x01, 0x6F, 0x00, 0x00],
        ]))
        let m = try Check.decodeAndValidate(F.module(
            F.types([F.funcType([], []), F.funcType([0x7F], [])]), imports, F.functions([1]),
            F.section(4, F.vec([[0x70, 0x00, 0x00]])), global(0x7F, [0x41, 0x00]), F.code([F.emptyBody])))
        XCTAssertEqual(m.functionTypeIndices, [0, 1])
        XCTAssertEqual(m.allTables.map(\.elementType), [.externref, .funcref])
        XCTAssertEqual(m.allGlobalTypes.map(\.valueType), [.i64, .i32])
        XCTAssertTrue(m.allMemories.isEmpty)
    }
}
