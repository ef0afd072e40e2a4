import XCTest
@testable import Swasm

private typealias F = DecoderFixture
private typealias Check = DecoderCheck

final class DecoderModuleTests: XCTestCase {
    // MARK: Header and section framing

    func testHeader() throws {
        XCTAssertNoThrow(try ModuleDecoder.decode(F.header))
        Check.malformed([], "unexpected end")
        Check.malformed([0x00, 0x61, 0x73], "unexpected end")
        Check.malformed([0x00, 0x61, 0x73, 0x6D], "unexpected end")
        Check.malformed([0x00, 0x41, 0x53, 0x4D, 0x01, 0x00, 0x00, 0x00], "magic header not detected")
        Check.malformed([0x00, 0x61, 0x73, 0x6D, 0x02, 0x00, 0x00, 0x00], "unknown binary version")
        Check.malformed([0x00, 0x61, 0x73, 0x6D, 0x0D, 0x00, 0x01, 0x00], "unknown binary version")
    }

    func testSectionFraming() {
        Check.malformed(F.header + [0x0E, 0x01, 0x00], "malformed section id")
        Check.malformed(F.header + [0x80, 0x01, 0x00], "malformed section id")
        Check.malformed(F.header + [0x01, 0x05, 0x00], "length out of bounds")
        // One type declared, two given.
        Check.malformed(F.module(F.section(1, [0x01, 0x60, 0x00, 0x00, 0x60, 0x00, 0x00])), "section size mismatch")
        // Two types declared, one given.
        Check.malformed(F.module(F.section(1, [0x02, 0x60, 0x00, 0x00])), "unexpected end of section or function")
        // A concatenated module reads as a custom section whose size runs past the end.
        Check.malformed(F.header + F.header, "length out of bounds")
    }

    func testSectionOrder() {
        let empty: (UInt8) -> [UInt8] = { F.section($0, [0x00]) }
        Check.malformed(F.module(empty(1), empty(1)), "unexpected content after last section")
        Check.malformed(F.module(empty(2), empty(1)), "unexpected content after last section")
        Check.malformed(F.module(empty(10), F.section(12, [0x00])), "unexpected content after last section")
        Check.malformed(F.module(F.section(12, [0x00]), empty(9)), "unexpected content after last section")
        Check.malformed(F.module(empty(11), empty(10)), "unexpected content after last section")
        // Data count sits between element and code; custom sections go anywhere.
        let custom = F.section(0, F.name("x") + [1, 2, 3])
        XCTAssertNoThrow(try ModuleDecoder.decode(F.module(
            custom, empty(1), custom, empty(9), F.section(12, [0x00]), custom, empty(10), empty(11), custom)))
    }

    func testTagSection() throws {
        let m = try ModuleDecoder.decode(F.module(F.types([F.funcType([0x7f], [])]), F.section(13, F.vec([[0x00, 0x00]]))))
        XCTAssertEqual(m.tags, [0])
        Check.malformed(F.module(F.section(13, F.vec([[0x01, 0x00]]))), "malformed tag attribute")
    }

    // MARK: Types, imports, functions, tables, memories, globals

    func testTypeSection() throws {
        let m = try ModuleDecoder.decode(F.module(F.types([
            F.funcType([], []),
            F.funcType([0x7F, 0x7E, 0x7D, 0x7C], [0x70, 0x6F]),
            F.funcType([0x7B], [0x7F, 0x7F]),
            [0x60, 0x01, 0x63, 0x00, 0x01, 0x64, 0x70],  // (ref null 0) -> (ref func)
        ])))
        XCTAssertEqual(m.types.count, 4)
        XCTAssertEqual(m.types[0], FuncType(params: [], results: []))
        XCTAssertEqual(m.types[1], FuncType(params: [.i32, .i64, .f32, .f64], results: [.funcref, .externref]))
        XCTAssertEqual(m.types[2], FuncType(params: [.v128], results: [.i32, .i32]))
        XCTAssertEqual(m.types[3].params, [.ref(RefType(nullable: true, heapType: .concrete(0)))])
        XCTAssertEqual(m.types[3].results, [.ref(RefType(nullable: false, heapType: .func))])
        Check.malformed(F.module(F.types([[0x61, 0x00, 0x00]])), "malformed function type")
        Check.malformed(F.module(F.types([[0x60, 0x01, 0x40, 0x00]])), "malformed value type")
        // A recursion group of two function types, the second an open subtype of the first.
        let grouped = try ModuleDecoder.decode(F.module(F.types([[0x4E, 0x02, 0x50, 0x00, 0x60, 0x00, 0x00,
                                                                   0x4F, 0x01, 0x00, 0x60, 0x00, 0x00]])))
        XCTAssertEqual(grouped.types.count, 2)
        XCTAssertEqual(grouped.typeDefinitions, [TypeDefinitionInfo(isFinal: false, supertypes: [], recGroup: 0..<2),
                                                 TypeDefinitionInfo(isFinal: true, supertypes: [0], recGroup: 0..<2)])
        // A group of one empty struct type (GC): its function-type slot is an empty signature.
        let structure = try ModuleDecoder.decode(F.module(F.types([[0x4E, 0x01, 0x5F, 0x00]])))
        XCTAssertEqual(structure.typeDefinitions, [TypeDefinitionInfo(recGroup: 0..<1, composite: .structure([]))])
    }

    func testImportSection() throws {
        let imports = F.section(2, F.vec([
            F.name("env") + F.name("f") + [0x00, 0x00],
            F.name("env") + F.name("t") + [0x01, 0x70, 0x01, 0x02, 0x10],
            F.name("env") + F.name("m") + [0x02, 0x00, 0x01],
            F.name("env") + F.name("g") + [0x03, 0x7E, 0x01],
            F.name("env") + F.name("m64") + [0x02, 0x05, 0x01, 0x02],
            F.name("env") + F.name("shared") + [0x02, 0x03, 0x01, 0x02],
        ]))
        let m = try ModuleDecoder.decode(F.module(F.types([F.funcType([], [])]), imports))
        XCTAssertEqual(m.imports.count, 6)
        XCTAssertEqual(m.imports[0], Import(module: "env", name: "f", descriptor: .function(typeIndex: 0)))
        XCTAssertEqual(m.imports[1].descriptor,
                       .table(TableType(elementType: .funcref, limits: Limits(min: 2, max: 16))))
        XCTAssertEqual(m.imports[2].descriptor, .memory(MemoryType(limits: Limits(min: 1))))
        XCTAssertEqual(m.imports[3].descriptor, .global(GlobalType(valueType: .i64, mutable: true)))
        XCTAssertEqual(m.imports[4].descriptor, .memory(MemoryType(limits: Limits(min: 1, max: 2, is64: true))))
        XCTAssertEqual(m.imports[5].descriptor, .memory(MemoryType(limits: Limits(min: 1, max: 2, shared: true))))

        for kind: UInt8 in [0x05, 0x80] {
            Check.malformed(F.module(F.section(2, F.vec([F.name("") + F.name("") + [kind, 0x00]]))),
                            "malformed import kind")
        }
        Check.malformed(F.module(F.section(2, F.vec([F.name("a") + F.name("b") + [0x03, 0x7F, 0x02]]))),
                        "malformed mutability")
        // Names must be UTF-8.
        Check.malformed(F.module(F.section(2, F.vec([[0x01, 0xFF] + F.name("b") + [0x00, 0x00]]))),
                        "malformed UTF-8 encoding")
    }

    func testLimitsFlags() {
        // Tables accept neither the shared bit nor unknown bits.
        for flags: UInt8 in [0x02, 0x03, 0x08] {
            Check.malformed(F.module(F.section(4, [0x01, 0x70, flags, 0x00, 0x00])), "integer too large")
        }
        for flags: UInt8 in [0x08, 0x10] {
            Check.malformed(F.module(F.section(5, [0x01, flags, 0x00, 0x00])), "integer too large")
        }
        // A shared memory without a maximum decodes (validation refuses it).
        for flags: UInt8 in [0x02, 0x06] {
            let sections = try? ModuleDecoder.decode(F.module(F.section(5, [0x01, flags, 0x00])))
            XCTAssertEqual(sections?.memories.first?.limits.shared, true)
            XCTAssertNil(sections?.memories.first?.limits.max)
        }
        Check.malformed(F.module(F.section(5, [0x01, 0x81, 0x00, 0x00, 0x00])), "integer representation too long")
        Check.malformed(F.module(F.section(4, [0x01, 0x7F, 0x00, 0x00])), "malformed reference type")
        // Wasm 3.0 reads bounds as u64 (memory64); Wasm 2.0 as u32.
        let sixBytes = F.module(F.section(5, [0x01, 0x00, 0x82, 0x80, 0x80, 0x80, 0x80, 0x00]))
        XCTAssertEqual(try ModuleDecoder.decode(sixBytes).memories.first?.limits.min, 2)
        XCTAssertThrowsError(try ModuleDecoder.decode(sixBytes, memory64: false)) { error in
            XCTAssertEqual("\(error)".contains("integer representation too long"), true, "\(error)")
        }
        XCTAssertThrowsError(try ModuleDecoder.decode(F.module(F.section(5, [0x01, 0x04, 0x00])), memory64: false)) { error in
            XCTAssertEqual("\(error)".contains("integer too large"), true, "\(error)")
        }
        Check.malformed(F.module(F.section(5, [0x01, 0x00] + [UInt8](repeating: 0x82, count: 10) + [0x00])),
                        "integer representation too long")
    }

    func testTablesMemoriesGlobals() throws {
        let m = try ModuleDecoder.decode(F.module(
            F.section(4, F.vec([[0x70, 0x00, 0x05], [0x6F, 0x01, 0x00, 0x80, 0x01]])),
            F.section(5, F.vec([[0x01, 0x01, 0x80, 0x80, 0x04]])),
            F.section(6, F.vec([
                [0x7F, 0x00, 0x41, 0x7F, 0x0B],
                [0x7E, 0x01, 0x42, 0x80, 0x01, 0x0B],
                [0x7D, 0x00, 0x43, 0x00, 0x00, 0x80, 0x3F, 0x0B],
                [0x7C, 0x00, 0x44, 0, 0, 0, 0, 0, 0, 0xF0, 0x3F, 0x0B],
                [0x70, 0x00, 0xD0, 0x70, 0x0B],
                [0x6F, 0x00, 0xD0, 0x6F, 0x0B],
                [0x7F, 0x00, 0x23, 0x00, 0x0B],
                [0x7F, 0x00, 0x41, 0x02, 0x41, 0x03, 0x6C, 0x0B],
            ]))))
        XCTAssertEqual(m.tables, [TableType(elementType: .funcref, limits: Limits(min: 5)),
                                  TableType(elementType: .externref, limits: Limits(min: 0, max: 128))])
        XCTAssertEqual(m.memories, [MemoryType(limits: Limits(min: 1, max: 65536))])
        XCTAssertEqual(m.globals.map(\.initializer.instructions), [
            [.i32Const(-1)], [.i64Const(128)], [.f32Const(0x3F80_0000)], [.f64Const(0x3FF0_0000_0000_0000)],
            [.refNull(.func)], [.refNull(.extern)], [.globalGet(0)], [.i32Const(2), .i32Const(3), .i32Mul],
        ])
        XCTAssertEqual(m.globals[1].type, GlobalType(valueType: .i64, mutable: true))
        Check.malformed(F.module(F.section(6, F.vec([[0x7F, 0x02, 0x41, 0x00, 0x0B]]))), "malformed mutability")
        Check.malformed(F.module(F.section(6, F.vec([[0x7F, 0xFF, 0x41, 0x00, 0x0B]]))), "malformed mutability")
    }

    func testConstantExpressionErrors() {
        // A missing `end` runs off the section.
        Check.malformed(F.module(F.section(6, F.vec([[0x7F, 0x00, 0x41, 0x00]]))),
                        "unexpected end of section or function")
        // An undefined opcode is malformed, a defined non-constant one invalid.
        Check.malformed(F.module(F.section(6, F.vec([[0x7F, 0x00, 0xF3, 0x0B]]))), "illegal opcode")
        Check.malformed(F.module(F.section(6, F.vec([[0x7F, 0x00, 0xFC, 0x7F, 0x0B]]))), "illegal opcode")
        for nonConstant: [UInt8] in [[0x01], [0x41, 0x00, 0x68], [0x20, 0x00], [0xFC, 0x00]] {
            XCTAssertThrowsError(try ModuleDecoder.decode(F.module(
                F.section(6, F.vec([[0x7F, 0x00] + nonConstant + [0x0B]]))))) { error in
                guard case SwasmError.invalid(let m, _, _) = error else { return XCTFail("\(error)") }
                XCTAssertEqual(m, "constant expression required")
            }
        }
    }

    func testExportsAndStart() throws {
        let m = try ModuleDecoder.decode(F.module(
            F.types([F.funcType([], [])]), F.functions([0]),
            F.section(7, F.vec([F.name("f") + [0x00, 0x00], F.name("t") + [0x01, 0x00],
                                F.name("m") + [0x02, 0x00], F.name("g") + [0x03, 0x00]])),
            F.section(8, [0x00]),
            F.code([F.emptyBody])))
        XCTAssertEqual(m.exports.map(\.kind), [.function, .table, .memory, .global])
        XCTAssertEqual(m.exports.map(\.name), ["f", "t", "m", "g"])
        XCTAssertEqual(m.start, 0)
        Check.malformed(F.module(F.section(7, F.vec([F.name("x") + [0x05, 0x00]]))), "malformed export kind")
    }

    // MARK: Element and data segments

    func testElementSegmentForms() throws {
        let i32Zero: [UInt8] = [0x41, 0x00, 0x0B]
        let refFunc0: [UInt8] = [0xD2, 0x00, 0x0B]
        let nullFunc: [UInt8] = [0xD0, 0x70, 0x0B]
        let segments: [[UInt8]] = [
            [0x00] + i32Zero + F.vec([[0x00], [0x00]]),                     // 0: active, table 0, indices
            [0x01, 0x00] + F.vec([[0x00]]),                                  // 1: passive, indices
            [0x02, 0x01] + i32Zero + [0x00] + F.vec([[0x00]]),               // 2: active, table 1, indices
            [0x03, 0x00] + F.vec([[0x00]]),                                  // 3: declarative, indices
            [0x04] + i32Zero + F.vec([refFunc0, nullFunc]),                  // 4: active, table 0, exprs
            [0x05, 0x6F] + F.vec([[0xD0, 0x6F, 0x0B]]),                      // 5: passive, exprs
            [0x06, 0x01] + i32Zero + [0x70] + F.vec([refFunc0]),             // 6: active, table 1, exprs
            [0x07, 0x70] + F.vec([refFunc0]),                                // 7: declarative, exprs
        ]
        let m = try DecoderCheck.decodeAndValidate(F.module(
            F.types([F.funcType([], [])]), F.functions([0]),
            F.section(4, F.vec([[0x70, 0x00, 0x02], [0x70, 0x00, 0x02]])),
            F.section(9, F.vec(segments)),
            F.code([F.emptyBody])))
        XCTAssertEqual(m.elements.count, 8)
        let offset0 = ConstExpr(instructions: [.i32Const(0)], offset: 0)
        func mode(_ s: ElementSegment) -> String {
            switch s.mode {
            case .passive: return "passive"
            case .declarative: return "declarative"
            case .active(let t, let o):
                XCTAssertEqual(o.instructions, offset0.instructions)
                return "active \(t)"
            }
        }
        XCTAssertEqual(m.elements.map(mode), ["active 0", "passive", "active 1", "declarative",
                                              "active 0", "passive", "active 1", "declarative"])
        // Function indices are `(ref func)` in Wasm 3.0.
        let funcIndices = RefType(nullable: false, heapType: .func)
        XCTAssertEqual(m.elements.map(\.type), [funcIndices, funcIndices, funcIndices, funcIndices,
                                                .funcref, .externref, .funcref, .funcref])
        XCTAssertEqual(m.elements[0].items, .functions([0, 0]))
        XCTAssertEqual(m.elements[4].count, 2)
        if case .expressions(let e) = m.elements[4].items {
            XCTAssertEqual(e.map(\.instructions), [[.refFunc(0)], [.refNull(.func)]])
        } else {
            XCTFail("expected expressions")
        }
        Check.malformed(F.module(F.section(9, F.vec([[0x08]]))), "malformed elements segment kind")
        Check.malformed(F.module(F.section(9, F.vec([[0x01, 0x01, 0x00]]))), "malformed element kind")
        Check.malformed(F.module(F.section(9, F.vec([[0x05, 0x7F, 0x01] + refFunc0]))), "malformed reference type")
    }

    func testDataSegmentForms() throws {
        let m = try DecoderCheck.decodeAndValidate(F.module(
            F.section(5, F.vec([[0x00, 0x01]])),
            F.section(12, [0x03]),
            F.section(11, F.vec([
                [0x00, 0x41, 0x08, 0x0B, 0x03, 0x61, 0x62, 0x63],
                [0x01, 0x02, 0x78, 0x79],
                [0x02, 0x00, 0x41, 0x00, 0x0B, 0x00],
            ]))))
        XCTAssertEqual(m.dataCount, 3)
        XCTAssertEqual(m.data.count, 3)
        XCTAssertEqual(Array(m.bytes[m.data[0].bytes]), Array("abc".utf8))
        XCTAssertEqual(Array(m.bytes[m.data[1].bytes]), Array("xy".utf8))
        XCTAssertEqual(m.data[1].mode, .passive)
        XCTAssertTrue(m.data[2].bytes.isEmpty)
        Check.malformed(F.module(F.section(11, F.vec([[0x03]]))), "malformed data segment kind")
        // Declared length past the end of the section.
        Check.malformed(F.module(F.section(11, F.vec([[0x01, 0x07, 0x61]]))),
                        "unexpected end of section or function")
        // Data count must match the data section, and a non-zero one needs the section.
        Check.malformed(F.module(F.section(12, [0x02]), F.section(11, F.vec([[0x01, 0x00]]))),
                        "data count and data section have inconsistent lengths")
        Check.malformed(F.module(F.section(12, [0x01])), "data count and data section have inconsistent lengths")
        XCTAssertNoThrow(try ModuleDecoder.decode(F.module(F.section(12, [0x00]))))
    }

    // MARK: Code

    func testFunctionBodies() throws {
        let body: [UInt8] = [0x03, 0x02, 0x7F, 0x01, 0x7E, 0x00, 0x7D, 0x41, 0x01, 0x1A, 0x0B]
        let bytes = F.module(
            F.types([F.funcType([], [])]), F.functions([0, 0]),
            F.section(10, F.vec([F.u32(UInt32(body.count)) + body, [0x02, 0x00, 0x0B]])))
        let m = try DecoderCheck.decodeAndValidate(bytes)
        XCTAssertEqual(m.code.count, 2)
        XCTAssertEqual(m.code[0].localRuns.map(\.count), [2, 1, 0])
        XCTAssertEqual(m.code[0].localRuns.map(\.type), [.i32, .i64, .f32])
        XCTAssertEqual(m.code[0].localCount, 3)
        XCTAssertEqual(Array(m.bytes[m.code[0].code]), [0x41, 0x01, 0x1A, 0x0B])
        XCTAssertEqual(Array(m.bytes[m.code[1].code]), [0x0B])
    }

    func testFunctionBodyErrors() {
        let types = F.types([F.funcType([], [])])
        Check.malformed(F.module(types, F.functions([0, 0])), "function and code section have inconsistent lengths")
        Check.malformed(F.module(F.code([F.emptyBody])), "function and code section have inconsistent lengths")
        Check.malformed(F.module(types, F.functions([0]), F.code([F.emptyBody, F.emptyBody])),
                        "function and code section have inconsistent lengths")
        XCTAssertNoThrow(try ModuleDecoder.decode(F.module(F.section(3, [0x00]))))
        XCTAssertNoThrow(try ModuleDecoder.decode(F.module(F.section(10, [0x00]))))
        // A body must end with `end`.
        Check.malformed(F.module(types, F.functions([0]), F.code([[0x41, 0x01, 0x1A]])), "END opcode expected")
        // Local counts: a u32 each, at most 2^32-1 in total.
        Check.malformed(F.module(types, F.functions([0]), F.section(10, F.vec([
            [0x0A, 0x02, 0x80, 0x80, 0x80, 0x80, 0x10, 0x7F, 0x02, 0x7E, 0x0B]]))), "integer too large")
        Check.malformed(F.module(types, F.functions([0]), F.section(10, F.vec([
            [0x0A, 0x02, 0xFF, 0xFF, 0xFF, 0xFF, 0x0F, 0x7F, 0x02, 0x7E, 0x0B]]))), "too many locals")
        // Within the binary format's limit but beyond the engine's: unsupported, not malformed.
        XCTAssertThrowsError(try ModuleDecoder.decode(F.module(types, F.functions([0]), F.section(10, F.vec([
            [0x05, 0x01, 0x80, 0x80, 0x04, 0x7F, 0x0B]]))))) { error in
            guard case SwasmError.unsupported = error else { return XCTFail("\(error)") }
        }
        // Body size past the end of the section.
        Check.malformed(F.module(types, F.functions([0]), F.section(10, [0x01, 0x05, 0x00, 0x0B])))
    }

    // MARK: Custom sections

    func testCustomAndNameSections() throws {
        let nameSection = F.section(0, F.name("name")
            + F.section(0, F.name("mod"))
            + F.section(1, F.vec([F.u32(0) + F.name("main"), F.u32(1) + F.name("helper")]))
            + F.section(2, F.vec([F.u32(0) + F.vec([F.u32(0) + F.name("x"), F.u32(1) + F.name("y")])]))
            + F.section(7, [0x00]))
        let m = try ModuleDecoder.decode(F.module(F.section(0, F.name("producers") + [1, 2, 3]), nameSection))
        XCTAssertEqual(m.customSections.map(\.name), ["producers", "name"])
        XCTAssertEqual(Array(m.bytes[m.customSections[0].bytes]), [1, 2, 3])
        XCTAssertEqual(m.names.moduleName, "mod")
        XCTAssertEqual(m.names.functionNames, [0: "main", 1: "helper"])
        XCTAssertEqual(m.names.localNames, [0: [0: "x", 1: "y"]])
        XCTAssertEqual(m.sectionLayout.map(\.name), ["producers", "name"])
    }

    func testMalformedNameSectionIsIgnored() throws {
        let broken = F.section(0, F.name("name") + F.section(0, F.name("mod"))
            + [0x01, 0x7F, 0x05])  // function names subsection running past the end
        let m = try ModuleDecoder.decode(F.module(broken))
        XCTAssertEqual(m.names.moduleName, "mod")
        XCTAssertTrue(m.names.functionNames.isEmpty)
        let badUTF8 = F.section(0, F.name("name") + F.section(1, F.vec([F.u32(0) + [0x01, 0xFF]])))
        XCTAssertTrue(try ModuleDecoder.decode(F.module(badUTF8)).names.functionNames.isEmpty)
    }

    func testCustomSectionErrors() {
        Check.malformed(F.header + [0x00], "unexpected end")
        Check.malformed(F.header + [0x00, 0x00], "unexpected end of section or function")
        Check.malformed(F.header + [0x00, 0x02, 0x05, 0x61], "length out of bounds")
        Check.malformed(F.module(F.section(0, [0x02, 0xC0, 0x80])), "malformed UTF-8 encoding")
    }

    // MARK: Performance

    func testLargeModuleDecodesQuickly() throws {
        // About 10 MB: 100,000 functions of 100 bytes each, plus a 1 MB data segment.
        let body: [UInt8] = [0x01, 0x02, 0x7F] + Array(repeating: 0x01, count: 96) + [0x0B]
        let count = 100_000
        var code = F.u32(UInt32(count))
        code.reserveCapacity(count * (body.count + 2) + 8)
        for _ in 0..<count { code += F.u32(UInt32(body.count)) + body }
        let bytes = F.module(
            F.types([F.funcType([], [])]),
            F.section(3, F.u32(UInt32(count)) + Array(repeating: 0x00, count: count)),
            F.section(5, F.vec([[0x00, 0x20]])),
            F.section(10, code),
            F.section(11, F.vec([[0x00, 0x41, 0x00, 0x0B] + F.u32(1 << 20) + Array(repeating: 0xAB, count: 1 << 20)])))
        let start = Date()
        let m = try DecoderCheck.decodeAndValidate(bytes)
        let elapsed = Date().timeIntervalSince(start)
        XCTAssertEqual(m.code.count, count)
        XCTAssertEqual(m.data[0].bytes.count, 1 << 20)
        // Generous bound for debug builds on a loaded machine; release builds take milliseconds.
        XCTAssertLessThan(elapsed, 5.0, "decoding \(bytes.count) bytes took \(elapsed) s")
    }
}
