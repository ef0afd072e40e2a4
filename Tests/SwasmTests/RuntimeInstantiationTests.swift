import XCTest
@testable import Swasm

/// Instantiation in spec order, import resolution and matching, exports.
/// Modules are written in WAT (shown above each) and encoded with wat2wasm.
final class RuntimeInstantiationTests: XCTestCase {
    /*
    (module
      (import "host" "f" (func $hf (param i32) (result i32)))
      (import "host" "mem" (memory 1 2))
      (import "host" "tab" (table 2 funcref))
      (import "host" "g" (global $g i32))
      (func $double (export "double") (param i32) (result i32) local.get 0 i32.const 2 i32.mul)
      (global $h (export "h") (mut i64) (i64.const 7))
      (global $fromImport (export "fromImport") i32 (global.get $g))
      (global $fref (export "fref") funcref (ref.func $double))
      (export "mem" (memory 0))
      (export "tab" (table 0))
      (export "hf" (func $hf))
      (elem (i32.const 0) $double $hf)
      (data (i32.const 8) "hello"))
    */
    static let importsAndExports: [UInt8] = [
        0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, 0x01, 0x06, 0x01, 0x60, 0x01, 0x7f, 0x01, 0x7f,
        0x02, 0x2e, 0x04, 0x04, 0x68, 0x6f, 0x73, 0x74, 0x01, 0x66, 0x00, 0x00, 0x04, 0x68, 0x6f, 0x73,
        0x74, 0x03, 0x6d, 0x65, 0x6d, 0x02, 0x01, 0x01, 0x02, 0x04, 0x68, 0x6f, 0x73, 0x74, 0x03, 0x74,
        0x61, 0x62, 0x01, 0x70, 0x00, 0x02, 0x04, 0x68, 0x6f, 0x73, 0x74, 0x01, 0x67, 0x03, 0x7f, 0x00,
        0x03, 0x02, 0x01, 0x00, 0x06, 0x10, 0x03, 0x7e, 0x01, 0x42, 0x07, 0x0b, 0x7f, 0x00, 0x23, 0x00,
        0x0b, 0x70, 0x00, 0xd2, 0x01, 0x0b, 0x07, 0x33, 0x07, 0x06, 0x64, 0x6f, 0x75, 0x62, 0x6c, 0x65,
        0x00, 0x01, 0x01, 0x68, 0x03, 0x01, 0x0a, 0x66, 0x72, 0x6f, 0x6d, 0x49, 0x6d, 0x70, 0x6f, 0x72,
        0x74, 0x03, 0x02, 0x04, 0x66, 0x72, 0x65, 0x66, 0x03, 0x03, 0x03, 0x6d, 0x65, 0x6d, 0x02, 0x00,
        0x03, 0x74, 0x61, 0x62, 0x01, 0x00, 0x02, 0x68, 0x66, 0x00, 0x00, 0x09, 0x08, 0x01, 0x00, 0x41,
        0x00, 0x0b, 0x02, 0x01, 0x00, 0x0a, 0x09, 0x01, 0x07, 0x00, 0x20, 0x00, 0x41, 0x02, 0x6c, 0x0b,
        0x0b, 0x0b, 0x01, 0x00, 0x41, 0x08, 0x0b, 0x05, 0x68, 0x65, 0x6c, 0x6c, 0x6f,
    ]

    /*
    (module
      (import "M" "tab" (table 3 funcref))
      (import "M" "mem" (memory 1))
      (func $f)
      (elem (i32.const 0) $f)
      (elem (i32.const 2) $f $f)      ;; out of bounds: traps after the first segment
      (data (i32.const 0) "abc"))     ;; never reached
    */
    static let elementTrap: [UInt8] = [
        0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, 0x01, 0x04, 0x01, 0x60, 0x00, 0x00, 0x02, 0x14,
        0x02, 0x01, 0x4d, 0x03, 0x74, 0x61, 0x62, 0x01, 0x70, 0x00, 0x03, 0x01, 0x4d, 0x03, 0x6d, 0x65,
        0x6d, 0x02, 0x00, 0x01, 0x03, 0x02, 0x01, 0x00, 0x09, 0x0e, 0x02, 0x00, 0x41, 0x00, 0x0b, 0x01,
        0x00, 0x00, 0x41, 0x02, 0x0b, 0x02, 0x00, 0x00, 0x0a, 0x04, 0x01, 0x02, 0x00, 0x0b, 0x0b, 0x09,
        0x01, 0x00, 0x41, 0x00, 0x0b, 0x03, 0x61, 0x62, 0x63,
    ]

    /*
    (module
      (import "M" "tab" (table 3 funcref))
      (import "M" "mem" (memory 1))
      (func $f)
      (elem (i32.const 1) $f)
      (data (i32.const 0) "xyz")
      (data (i32.const 65534) "abc"))  ;; out of bounds: traps after the first data segment
    */
    static let dataTrap: [UInt8] = [
        0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, 0x01, 0x04, 0x01, 0x60, 0x00, 0x00, 0x02, 0x14,
        0x02, 0x01, 0x4d, 0x03, 0x74, 0x61, 0x62, 0x01, 0x70, 0x00, 0x03, 0x01, 0x4d, 0x03, 0x6d, 0x65,
        0x6d, 0x02, 0x00, 0x01, 0x03, 0x02, 0x01, 0x00, 0x09, 0x07, 0x01, 0x00, 0x41, 0x01, 0x0b, 0x01,
        0x00, 0x0a, 0x04, 0x01, 0x02, 0x00, 0x0b, 0x0b, 0x13, 0x02, 0x00, 0x41, 0x00, 0x0b, 0x03, 0x78,
        0x79, 0x7a, 0x00, 0x41, 0xfe, 0xff, 0x03, 0x0b, 0x03, 0x61, 0x62, 0x63,
    ]

    let engine = Engine()

    private struct HostEnvironment {
        var function: Function
        var memory: Memory
        var table: Table
        var global: Global
        var linker: Linker
    }

    private func hostEnvironment(_ store: Store) throws -> HostEnvironment {
        let function = Function(store: store, type: FuncType(params: [.i32], results: [.i32])) { _, args in
            guard case .i32(let x)? = args.first else { return [] }
            return [.i32(x &+ 1)]
        }
        let memory = try Memory(store: store, type: MemoryType(limits: Limits(min: 1, max: 2)))
        let table = try Table(store: store, type: TableType(elementType: .funcref, limits: Limits(min: 2)), initial: .null(.func))
        let global = try Global(store: store, type: GlobalType(valueType: .i32, mutable: false), value: .i32(42))
        let linker = Linker()
        linker.define(module: "host", name: "f", .function(function))
        linker.define(module: "host", name: "mem", .memory(memory))
        linker.define(module: "host", name: "tab", .table(table))
        linker.define(module: "host", name: "g", .global(global))
        return HostEnvironment(function: function, memory: memory, table: table, global: global, linker: linker)
    }

    private func assertUnlinkable(
        _ prefix: String, file: StaticString = #filePath, line: UInt = #line, _ body: () throws -> Void
    ) {
        XCTAssertThrowsError(try body(), file: file, line: line) { error in
            guard case SwasmError.unlinkable(let message) = error else {
                return XCTFail("expected unlinkable, got \(error)", file: file, line: line)
            }
            XCTAssertTrue(message.hasPrefix(prefix), "\(message)", file: file, line: line)
        }
    }

    private func assertTrap(
        _ reason: TrapReason, file: StaticString = #filePath, line: UInt = #line, _ body: () throws -> Void
    ) {
        XCTAssertThrowsError(try body(), file: file, line: line) { error in
            guard case SwasmError.trap(let trap) = error else {
                return XCTFail("expected trap, got \(error)", file: file, line: line)
            }
            XCTAssertEqual(trap.reason, reason, file: file, line: line)
        }
    }

    func testModuleDescribesImportsAndExports() throws {
        let module = try Module(engine: engine, bytes: Self.importsAndExports)
        XCTAssertEqual(module.imports.map { "\($0.module).\($0.name)" }, ["host.f", "host.mem", "host.tab", "host.g"])
        XCTAssertEqual(module.imports.map(\.type), [
            .function(FuncType(params: [.i32], results: [.i32])),
            .memory(MemoryType(limits: Limits(min: 1, max: 2))),
            .table(TableType(elementType: .funcref, limits: Limits(min: 2))),
            .global(GlobalType(valueType: .i32, mutable: false)),
        ])
        XCTAssertEqual(module.exports.map(\.name), ["double", "h", "fromImport", "fref", "mem", "tab", "hf"])
        XCTAssertEqual(module.exports.map(\.type), [
            .function(FuncType(params: [.i32], results: [.i32])),
            .global(GlobalType(valueType: .i64, mutable: true)),
            .global(GlobalType(valueType: .i32, mutable: false)),
            .global(GlobalType(valueType: .funcref, mutable: false)),
            .memory(MemoryType(limits: Limits(min: 1, max: 2))),
            .table(TableType(elementType: .funcref, limits: Limits(min: 2))),
            .function(FuncType(params: [.i32], results: [.i32])),
        ])
    }

    func testInstantiateInitialisesGlobalsSegmentsAndExports() throws {
        let module = try Module(engine: engine, bytes: Self.importsAndExports)
        let store = Store(engine: engine)
        let host = try hostEnvironment(store)
        let instance = try host.linker.instantiate(store: store, module: module)

        XCTAssertEqual(instance.exports.map(\.name), ["double", "h", "fromImport", "fref", "mem", "tab", "hf"])
        let double = try XCTUnwrap(instance.function("double"))
        XCTAssertEqual(double.type, FuncType(params: [.i32], results: [.i32]))
        // Re-exporting an import yields the same store function.
        XCTAssertEqual(instance.function("hf")?.address, host.function.address)

        let h = try XCTUnwrap(instance.global("h"))
        XCTAssertEqual(h.value, .i64(7))
        try h.set(.i64(9))
        XCTAssertEqual(instance.global("h")?.value, .i64(9))
        XCTAssertEqual(instance.global("fromImport")?.value, .i32(42))
        XCTAssertEqual(instance.global("fref")?.value, .ref(.function(double.address)))

        // Segments wrote into the imported (shared) table and memory.
        XCTAssertEqual(try host.table.get(0), .function(double.address))
        XCTAssertEqual(try host.table.get(1), .function(host.function.address))
        XCTAssertEqual(try host.memory.read(offset: 8, count: 5), Array("hello".utf8))
        XCTAssertEqual(try instance.memory("mem")?.read(offset: 7, count: 7), [0] + Array("hello".utf8) + [0])
        XCTAssertEqual(instance.table("tab")?.size, 2)

        // Active segments are dropped once applied.
        XCTAssertEqual(instance.state.elementSegments, [[]])
        XCTAssertEqual(instance.state.dataSegments, [0..<0])

        // The imported host function is callable through the export.
        XCTAssertEqual(try instance.function("hf")?.call([.i32(41)]), [.i32(42)])
    }

    func testUnknownImport() throws {
        let module = try Module(engine: engine, bytes: Self.importsAndExports)
        let store = Store(engine: engine)
        assertUnlinkable("unknown import: \"host\" \"f\"") {
            _ = try Linker().instantiate(store: store, module: module)
        }
        let host = try hostEnvironment(store)
        let linker = Linker()
        linker.define(module: "host", name: "f", .function(host.function))
        linker.define(module: "host", name: "mem", .memory(host.memory))
        assertUnlinkable("unknown import: \"host\" \"tab\"") {
            _ = try linker.instantiate(store: store, module: module)
        }
    }

    func testIncompatibleImportTypes() throws {
        let module = try Module(engine: engine, bytes: Self.importsAndExports)
        let store = Store(engine: engine)
        let host = try hostEnvironment(store)

        func attempt(_ name: String, _ value: Extern, file: StaticString = #filePath, line: UInt = #line) {
            let linker = Linker()
            linker.define(module: "host", name: "f", .function(host.function))
            linker.define(module: "host", name: "mem", .memory(host.memory))
            linker.define(module: "host", name: "tab", .table(host.table))
            linker.define(module: "host", name: "g", .global(host.global))
            linker.define(module: "host", name: name, value)
            assertUnlinkable("incompatible import type", file: file, line: line) {
                _ = try linker.instantiate(store: store, module: module)
            }
        }
        // Function types must be equal.
        attempt("f", .function(Function(store: store, type: FuncType(params: [.i64], results: [.i32])) { _, _ in [.i32(0)] }))
        attempt("f", .function(Function(store: store, type: FuncType(params: [.i32], results: []) ) { _, _ in [] }))
        // Kinds must agree.
        attempt("f", .global(host.global))
        attempt("mem", .table(host.table))
        // Memory limits: min too small; a maximum is required and must not exceed 2.
        attempt("mem", .memory(try Memory(store: store, type: MemoryType(limits: Limits(min: 0, max: 2)))))
        attempt("mem", .memory(try Memory(store: store, type: MemoryType(limits: Limits(min: 1)))))
        attempt("mem", .memory(try Memory(store: store, type: MemoryType(limits: Limits(min: 1, max: 3)))))
        // Table element type and minimum.
        attempt("tab", .table(try Table(store: store, type: TableType(elementType: .externref, limits: Limits(min: 2)), initial: .null(.extern))))
        attempt("tab", .table(try Table(store: store, type: TableType(elementType: .funcref, limits: Limits(min: 1)), initial: .null(.func))))
        // Global value type and mutability.
        attempt("g", .global(try Global(store: store, type: GlobalType(valueType: .i64, mutable: false), value: .i64(1))))
        attempt("g", .global(try Global(store: store, type: GlobalType(valueType: .i32, mutable: true), value: .i32(1))))

        // Subtyping that does match: larger min, smaller max.
        let linker = Linker()
        linker.define(module: "host", name: "f", .function(host.function))
        linker.define(module: "host", name: "mem", .memory(try Memory(store: store, type: MemoryType(limits: Limits(min: 2, max: 2)))))
        linker.define(module: "host", name: "tab", .table(try Table(store: store, type: TableType(elementType: .funcref, limits: Limits(min: 5, max: 6)), initial: .null(.func))))
        linker.define(module: "host", name: "g", .global(host.global))
        XCTAssertNoThrow(try linker.instantiate(store: store, module: module))
    }

    func testImportMatchingUsesCurrentSize() throws {
        let module = try Module(engine: engine, bytes: Self.importsAndExports)
        let store = Store(engine: engine)
        let host = try hostEnvironment(store)
        let memory = try Memory(store: store, type: MemoryType(limits: Limits(min: 0, max: 2)))
        let table = try Table(store: store, type: TableType(elementType: .funcref, limits: Limits(min: 0)), initial: .null(.func))
        host.linker.define(module: "host", name: "mem", .memory(memory))
        host.linker.define(module: "host", name: "tab", .table(table))
        assertUnlinkable("incompatible import type") { _ = try host.linker.instantiate(store: store, module: module) }
        XCTAssertEqual(memory.grow(by: 1), 0)
        assertUnlinkable("incompatible import type") { _ = try host.linker.instantiate(store: store, module: module) }
        XCTAssertEqual(try table.grow(by: 2, initial: .null(.func)), 0)
        XCTAssertNoThrow(try host.linker.instantiate(store: store, module: module))
    }

    func testImportsFromAnotherStoreAreRejected() throws {
        let module = try Module(engine: engine, bytes: Self.importsAndExports)
        let other = Store(engine: engine)
        let host = try hostEnvironment(other)
        let store = Store(engine: engine)
        assertUnlinkable("import \"host\" \"f\" belongs to a different store") {
            _ = try host.linker.instantiate(store: store, module: module)
        }
    }

    func testElementSegmentTrapKeepsEarlierSegments() throws {
        let module = try Module(engine: engine, bytes: Self.elementTrap)
        let store = Store(engine: engine)
        let table = try Table(store: store, type: TableType(elementType: .funcref, limits: Limits(min: 3)), initial: .null(.func))
        let memory = try Memory(store: store, type: MemoryType(limits: Limits(min: 1)))
        let linker = Linker()
        linker.define(module: "M", name: "tab", .table(table))
        linker.define(module: "M", name: "mem", .memory(memory))
        let functionsBefore = store.functions.count
        assertTrap(.outOfBoundsTableAccess) { _ = try linker.instantiate(store: store, module: module) }
        // The first segment was applied and its function stays alive in the store.
        guard case .function(let address) = try table.get(0) else { return XCTFail("table[0] not set") }
        XCTAssertEqual(address.rawValue, functionsBefore)
        XCTAssertEqual(try table.get(1), .null(.func))
        XCTAssertEqual(try table.get(2), .null(.func))
        // Nothing after the failing segment ran: data segments come after all element segments.
        XCTAssertEqual(try memory.read(offset: 0, count: 3), [0, 0, 0])
    }

    func testDataSegmentTrapKeepsEarlierSegments() throws {
        let module = try Module(engine: engine, bytes: Self.dataTrap)
        let store = Store(engine: engine)
        let table = try Table(store: store, type: TableType(elementType: .funcref, limits: Limits(min: 3)), initial: .null(.func))
        let memory = try Memory(store: store, type: MemoryType(limits: Limits(min: 1)))
        let linker = Linker()
        linker.define(module: "M", name: "tab", .table(table))
        linker.define(module: "M", name: "mem", .memory(memory))
        assertTrap(.outOfBoundsMemoryAccess) { _ = try linker.instantiate(store: store, module: module) }
        XCTAssertFalse(try table.get(1).isNull)
        XCTAssertEqual(try memory.read(offset: 0, count: 3), Array("xyz".utf8))
        XCTAssertEqual(try memory.read(offset: 65534, count: 2), [0, 0])

        // With a second page the same module instantiates.
        XCTAssertEqual(memory.grow(by: 1), 1)
        XCTAssertNoThrow(try linker.instantiate(store: store, module: module))
        XCTAssertEqual(try memory.read(offset: 65534, count: 3), Array("abc".utf8))
    }

    func testInstantiateWithPositionalImports() throws {
        let module = try Module(engine: engine, bytes: Self.elementTrap)
        let store = Store(engine: engine)
        let table = try Table(store: store, type: TableType(elementType: .funcref, limits: Limits(min: 4)), initial: .null(.func))
        let memory = try Memory(store: store, type: MemoryType(limits: Limits(min: 1)))
        XCTAssertThrowsError(try Instance.instantiate(store: store, module: module, imports: [.table(table)]))
        assertUnlinkable("incompatible import type") {
            _ = try Instance.instantiate(store: store, module: module, imports: [.memory(memory), .table(table)])
        }
        let instance = try Instance.instantiate(store: store, module: module, imports: [.table(table), .memory(memory)])
        XCTAssertTrue(instance.exports.isEmpty)
        XCTAssertEqual(try memory.read(offset: 0, count: 3), Array("abc".utf8))
        XCTAssertFalse(try table.get(3).isNull)
    }

    func testModuleFromMissingFileNamesThePath() {
        XCTAssertThrowsError(try Module(engine: engine, contentsOf: "/nonexistent/dir/x.wasm")) { error in
            XCTAssertTrue("\(error)".contains("/nonexistent/dir/x.wasm"), "\(error)")
        }
    }

    func testModuleFromFile() throws {
        let path = NSTemporaryDirectory() + "swasm-runtime-\(getpid()).wasm"
        FileManager.default.createFile(atPath: path, contents: Data(Self.dataTrap))
        defer { try? FileManager.default.removeItem(atPath: path) }
        let module = try Module(engine: engine, contentsOf: path)
        XCTAssertEqual(module.sections.bytes, Self.dataTrap)
    }

    /*
    (module
      (import "\u{c5}" "g" (global i32))
      (global (export "\u{c5}") i32 (i32.const 1))
      (global (export "A\u{30a}") i32 (i32.const 2))
      (global (export "imported") i32 (global.get 0)))
    */
    static let unicodeNames: [UInt8] = [
        0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, 0x02, 0x09, 0x01, 0x02, 0xc3, 0x85, 0x01, 0x67,
        0x03, 0x7f, 0x00, 0x06, 0x10, 0x03, 0x7f, 0x00, 0x41, 0x01, 0x0b, 0x7f, 0x00, 0x41, 0x02, 0x0b,
        0x7f, 0x00, 0x23, 0x00, 0x0b, 0x07, 0x17, 0x03, 0x02, 0xc3, 0x85, 0x03, 0x01, 0x03, 0x41, 0xcc,
        0x8a, 0x03, 0x02, 0x08, 0x69, 0x6d, 0x70, 0x6f, 0x72, 0x74, 0x65, 0x64, 0x03, 0x03,
    ]

    func testNamesCompareByCodePoints() throws {
        // Canonically equivalent but different code points: different names in Wasm.
        let module = try Module(engine: engine, bytes: Self.unicodeNames)
        let store = Store(engine: engine)
        let linker = Linker()
        linker.define(module: "\u{C5}", name: "g", .global(try Global(store: store, type: GlobalType(valueType: .i32, mutable: false), value: .i32(7))))
        linker.define(module: "A\u{30A}", name: "g", .global(try Global(store: store, type: GlobalType(valueType: .i32, mutable: false), value: .i32(8))))
        let instance = try linker.instantiate(store: store, module: module)
        XCTAssertEqual(instance.global("\u{C5}")?.value, .i32(1))
        XCTAssertEqual(instance.global("A\u{30A}")?.value, .i32(2))
        XCTAssertNil(instance.global("\u{212B}"))
        XCTAssertEqual(instance.global("imported")?.value, .i32(7))

        let other = Linker()
        other.define(module: "A\u{30A}", name: "g", .global(try Global(store: store, type: GlobalType(valueType: .i32, mutable: false), value: .i32(8))))
        XCTAssertThrowsError(try other.instantiate(store: store, module: module))
    }
}
