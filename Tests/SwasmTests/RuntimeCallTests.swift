import XCTest
@testable import Swasm

/// Calls between the host and Wasm through the public API: arguments, results, host
/// functions called from Wasm, Wasm called back from host functions, start functions,
/// cross-instance `call_indirect`, eager and lazy compilation.
final class RuntimeCallTests: XCTestCase {
    /*
    (module
      (type $ii (func (param i32) (result i32)))
      (import "host" "inc" (func $inc (type $ii)))
      (import "host" "reenter" (func $reenter (param i32) (result i32)))
      (table (export "tab") 2 funcref)
      (memory (export "mem") 1)
      (elem (i32.const 0) $square $inc)
      (func $square (export "square") (param i32) (result i32) local.get 0 local.get 0 i32.mul)
      (func (export "add") (param i64 i64) (result i64) local.get 0 local.get 1 i64.add)
      (func (export "callInc") (param i32) (result i32) local.get 0 call $inc)
      (func (export "callReenter") (param i32) (result i32) local.get 0 call $reenter)
      (func (export "callIndirect") (param i32 i32) (result i32)
        local.get 0 local.get 1 call_indirect (type $ii))
      (func (export "store") (param i32 i32) local.get 0 local.get 1 i32.store))
    */
    static let calls: [UInt8] = [
        0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, 0x01, 0x17, 0x04, 0x60, 0x01, 0x7f, 0x01, 0x7f,
        0x60, 0x02, 0x7e, 0x7e, 0x01, 0x7e, 0x60, 0x02, 0x7f, 0x7f, 0x01, 0x7f, 0x60, 0x02, 0x7f, 0x7f,
        0x00, 0x02, 0x1b, 0x02, 0x04, 0x68, 0x6f, 0x73, 0x74, 0x03, 0x69, 0x6e, 0x63, 0x00, 0x00, 0x04,
        0x68, 0x6f, 0x73, 0x74, 0x07, 0x72, 0x65, 0x65, 0x6e, 0x74, 0x65, 0x72, 0x00, 0x00, 0x03, 0x07,
        0x06, 0x00, 0x01, 0x00, 0x00, 0x02, 0x03, 0x04, 0x04, 0x01, 0x70, 0x00, 0x02, 0x05, 0x03, 0x01,
        0x00, 0x01, 0x07, 0x4b, 0x08, 0x03, 0x74, 0x61, 0x62, 0x01, 0x00, 0x03, 0x6d, 0x65, 0x6d, 0x02,
        0x00, 0x06, 0x73, 0x71, 0x75, 0x61, 0x72, 0x65, 0x00, 0x02, 0x03, 0x61, 0x64, 0x64, 0x00, 0x03,
        0x07, 0x63, 0x61, 0x6c, 0x6c, 0x49, 0x6e, 0x63, 0x00, 0x04, 0x0b, 0x63, 0x61, 0x6c, 0x6c, 0x52,
        0x65, 0x65, 0x6e, 0x74, 0x65, 0x72, 0x00, 0x05, 0x0c, 0x63, 0x61, 0x6c, 0x6c, 0x49, 0x6e, 0x64,
        0x69, 0x72, 0x65, 0x63, 0x74, 0x00, 0x06, 0x05, 0x73, 0x74, 0x6f, 0x72, 0x65, 0x00, 0x07, 0x09,
        0x08, 0x01, 0x00, 0x41, 0x00, 0x0b, 0x02, 0x02, 0x00, 0x0a, 0x33, 0x06, 0x07, 0x00, 0x20, 0x00,
        0x20, 0x00, 0x6c, 0x0b, 0x07, 0x00, 0x20, 0x00, 0x20, 0x01, 0x7c, 0x0b, 0x06, 0x00, 0x20, 0x00,
        0x10, 0x00, 0x0b, 0x06, 0x00, 0x20, 0x00, 0x10, 0x01, 0x0b, 0x09, 0x00, 0x20, 0x00, 0x20, 0x01,
        0x11, 0x00, 0x00, 0x0b, 0x09, 0x00, 0x20, 0x00, 0x20, 0x01, 0x36, 0x02, 0x00, 0x0b,
    ]

    /*
    (module
      (type $other (func (param f32)))
      (type $ii (func (param i32) (result i32)))
      (import "calls" "tab" (table 2 funcref))
      (func (export "callIndirect") (param i32 i32) (result i32)
        local.get 0 local.get 1 call_indirect (type $ii)))
    */
    static let indirect: [UInt8] = [
        0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, 0x01, 0x10, 0x03, 0x60, 0x01, 0x7d, 0x00, 0x60,
        0x01, 0x7f, 0x01, 0x7f, 0x60, 0x02, 0x7f, 0x7f, 0x01, 0x7f, 0x02, 0x0f, 0x01, 0x05, 0x63, 0x61,
        0x6c, 0x6c, 0x73, 0x03, 0x74, 0x61, 0x62, 0x01, 0x70, 0x00, 0x02, 0x03, 0x02, 0x01, 0x02, 0x07,
        0x10, 0x01, 0x0c, 0x63, 0x61, 0x6c, 0x6c, 0x49, 0x6e, 0x64, 0x69, 0x72, 0x65, 0x63, 0x74, 0x00,
        0x00, 0x0a, 0x0b, 0x01, 0x09, 0x00, 0x20, 0x00, 0x20, 0x01, 0x11, 0x01, 0x00, 0x0b,
    ]

    /*
    (module
      (import "host" "log" (func $log (param i32)))
      (import "host" "tab" (table 1 funcref))
      (memory (export "memory") 1)
      (func $f (result i32) i32.const 7)
      (elem (i32.const 0) $f)
      (data (i32.const 0) "hi")
      (func $main i32.const 0 i32.load8_u call $log)
      (start $main))
    */
    static let start: [UInt8] = [
        0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, 0x01, 0x0c, 0x03, 0x60, 0x01, 0x7f, 0x00, 0x60,
        0x00, 0x01, 0x7f, 0x60, 0x00, 0x00, 0x02, 0x19, 0x02, 0x04, 0x68, 0x6f, 0x73, 0x74, 0x03, 0x6c,
        0x6f, 0x67, 0x00, 0x00, 0x04, 0x68, 0x6f, 0x73, 0x74, 0x03, 0x74, 0x61, 0x62, 0x01, 0x70, 0x00,
        0x01, 0x03, 0x03, 0x02, 0x01, 0x02, 0x05, 0x03, 0x01, 0x00, 0x01, 0x07, 0x0a, 0x01, 0x06, 0x6d,
        0x65, 0x6d, 0x6f, 0x72, 0x79, 0x02, 0x00, 0x08, 0x01, 0x02, 0x09, 0x07, 0x01, 0x00, 0x41, 0x00,
        0x0b, 0x01, 0x01, 0x0a, 0x10, 0x02, 0x04, 0x00, 0x41, 0x07, 0x0b, 0x09, 0x00, 0x41, 0x00, 0x2d,
        0x00, 0x00, 0x10, 0x00, 0x0b, 0x0b, 0x08, 0x01, 0x00, 0x41, 0x00, 0x0b, 0x02, 0x68, 0x69,
    ]

    /*
    (module
      (import "host" "tab" (table 1 funcref))
      (import "host" "mem" (memory 1))
      (func $f (result i32) i32.const 7)
      (elem (i32.const 0) $f)
      (data (i32.const 0) "hello")
      (func $main unreachable)
      (start $main))
    */
    static let startTrap: [UInt8] = [
        0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, 0x01, 0x08, 0x02, 0x60, 0x00, 0x01, 0x7f, 0x60,
        0x00, 0x00, 0x02, 0x1a, 0x02, 0x04, 0x68, 0x6f, 0x73, 0x74, 0x03, 0x74, 0x61, 0x62, 0x01, 0x70,
        0x00, 0x01, 0x04, 0x68, 0x6f, 0x73, 0x74, 0x03, 0x6d, 0x65, 0x6d, 0x02, 0x00, 0x01, 0x03, 0x03,
        0x02, 0x00, 0x01, 0x08, 0x01, 0x01, 0x09, 0x07, 0x01, 0x00, 0x41, 0x00, 0x0b, 0x01, 0x00, 0x0a,
        0x0a, 0x02, 0x04, 0x00, 0x41, 0x07, 0x0b, 0x03, 0x00, 0x00, 0x0b, 0x0b, 0x0b, 0x01, 0x00, 0x41,
        0x00, 0x0b, 0x05, 0x68, 0x65, 0x6c, 0x6c, 0x6f,
    ]

    /// (module (func (export "ok") (result i32) i32.const 1) (func (export "bad") i32.const 1))
    /// — the second body leaves a value on the stack of a function without results.
    static let invalidBody: [UInt8] = [
        0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, 0x01, 0x08, 0x02, 0x60, 0x00, 0x01, 0x7f, 0x60,
        0x00, 0x00, 0x03, 0x03, 0x02, 0x00, 0x01, 0x07, 0x0c, 0x02, 0x02, 0x6f, 0x6b, 0x00, 0x00, 0x03,
        0x62, 0x61, 0x64, 0x00, 0x01, 0x0a, 0x0b, 0x02, 0x04, 0x00, 0x41, 0x01, 0x0b, 0x04, 0x00, 0x41,
        0x01, 0x0b,
    ]

    let engine = Engine()
    let ii = FuncType(params: [.i32], results: [.i32])

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

    /// Instantiates `calls` with `inc` adding one and `reenter` calling back into `square`.
    private func instantiateCalls(_ store: Store) throws -> Instance {
        let linker = Linker()
        linker.defineFunction(store: store, module: "host", name: "inc", type: ii) { _, args in
            guard case .i32(let x)? = args.first else { return [] }
            return [.i32(x &+ 1)]
        }
        linker.defineFunction(store: store, module: "host", name: "reenter", type: ii) { caller, args in
            // Wasm → host → Wasm: the caller's own export, called while its frame is live.
            guard let square = caller.instance?.function("square") else { return [] }
            let squared = try square.call(args)
            guard case .i32(let x)? = squared.first else { return [] }
            return [.i32(x &+ 1000)]
        }
        return try linker.instantiate(store: store, module: Module(engine: engine, bytes: Self.calls))
    }

    func testCallWasmFromHost() throws {
        let store = Store(engine: engine)
        let instance = try instantiateCalls(store)
        XCTAssertEqual(try instance.function("square")?.call([.i32(12)]), [.i32(144)])
        XCTAssertEqual(try instance.function("add")?.call([.i64(UInt64.max), .i64(2)]), [.i64(1)])
        XCTAssertEqual(try instance.function("square")?(.i32(3)), [.i32(9)])
        XCTAssertEqual(try instance.function("store")?.call([.i32(4), .i32(0x0102_0304)]), [])
        XCTAssertEqual(try instance.memory("mem")?.read(offset: 4, count: 4), [4, 3, 2, 1])
    }

    func testArgumentsAreChecked() throws {
        let store = Store(engine: engine)
        let square = try XCTUnwrap(instantiateCalls(store).function("square"))
        for arguments: [Value] in [[], [.i32(1), .i32(2)], [.i64(1)], [.ref(.null(.func))]] {
            XCTAssertThrowsError(try square.call(arguments)) { error in
                XCTAssertTrue(error is APIError, "\(error)")
            }
        }
    }

    func testHostFunctionsCalledFromWasm() throws {
        let store = Store(engine: engine)
        let instance = try instantiateCalls(store)
        XCTAssertEqual(try instance.function("callInc")?.call([.i32(41)]), [.i32(42)])
        XCTAssertEqual(try instance.function("callReenter")?.call([.i32(5)]), [.i32(1025)])
    }

    func testHostTrapsAndBadResultsPropagate() throws {
        let store = Store(engine: engine)
        let linker = Linker()
        var mode = 0
        linker.defineFunction(store: store, module: "host", name: "inc", type: ii) { _, _ in
            switch mode {
            case 0: throw SwasmError.trap(Trap(.host("host says no")))
            case 1: return [.i64(1)]
            default: return []
            }
        }
        linker.defineFunction(store: store, module: "host", name: "reenter", type: ii) { _, _ in [.i32(0)] }
        let instance = try linker.instantiate(store: store, module: Module(engine: engine, bytes: Self.calls))
        let callInc = try XCTUnwrap(instance.function("callInc"))
        assertTrap(.host("host says no")) { _ = try callInc.call([.i32(1)]) }
        for m in [1, 2] {
            mode = m
            XCTAssertThrowsError(try callInc.call([.i32(1)])) { error in
                guard case SwasmError.trap = error else { return XCTFail("\(error)") }
            }
        }
        // The store stays usable after traps.
        XCTAssertEqual(try instance.function("square")?.call([.i32(2)]), [.i32(4)])
    }

    func testCallIndirectAcrossInstances() throws {
        let store = Store(engine: engine)
        let calls = try instantiateCalls(store)
        let linker = Linker()
        linker.define(module: "calls", instance: calls)
        // `indirect` declares the same signature at another type index: ids are engine-wide.
        let indirect = try linker.instantiate(store: store, module: Module(engine: engine, bytes: Self.indirect))
        let callIndirect = try XCTUnwrap(indirect.function("callIndirect"))
        XCTAssertEqual(try callIndirect.call([.i32(6), .i32(0)]), [.i32(36)])
        XCTAssertEqual(try callIndirect.call([.i32(6), .i32(1)]), [.i32(7)])
        assertTrap(.undefinedElement) { _ = try callIndirect.call([.i32(6), .i32(2)]) }

        let table = try XCTUnwrap(calls.table("tab"))
        try table.set(1, .null(.func))
        assertTrap(.uninitializedElement) { _ = try callIndirect.call([.i32(6), .i32(1)]) }
        let add = try XCTUnwrap(calls.function("add"))
        try table.set(1, .function(add.address))
        assertTrap(.indirectCallTypeMismatch) { _ = try callIndirect.call([.i32(6), .i32(1)]) }
        // A host function placed in the table is callable indirectly.
        let triple = Function(store: store, type: ii) { _, args in
            guard case .i32(let x)? = args.first else { return [] }
            return [.i32(x &* 3)]
        }
        try table.set(1, .function(triple.address))
        XCTAssertEqual(try callIndirect.call([.i32(6), .i32(1)]), [.i32(18)])
    }

    func testStartFunctionSeesItsInstance() throws {
        let store = Store(engine: engine)
        let linker = Linker()
        let table = try Table(store: store, type: TableType(elementType: .funcref, limits: Limits(min: 1)), initial: .null(.func))
        linker.define(module: "host", name: "tab", .table(table))
        var logged: [Value] = []
        var memoryFromCaller: [UInt8] = []
        linker.defineFunction(store: store, module: "host", name: "log", type: FuncType(params: [.i32], results: [])) { caller, args in
            logged += args
            if case .memory(let memory)? = caller.export("memory") {
                memoryFromCaller = try memory.read(offset: 0, count: 2)
            }
            return []
        }
        let instance = try linker.instantiate(store: store, module: Module(engine: engine, bytes: Self.start))
        // Segments are applied before the start function runs.
        XCTAssertEqual(logged, [.i32(UInt32(UInt8(ascii: "h")))])
        XCTAssertEqual(memoryFromCaller, Array("hi".utf8))
        XCTAssertNotNil(instance.memory("memory"))
    }

    func testStartTrapKeepsEffects() throws {
        let store = Store(engine: engine)
        let table = try Table(store: store, type: TableType(elementType: .funcref, limits: Limits(min: 1)), initial: .null(.func))
        let memory = try Memory(store: store, type: MemoryType(limits: Limits(min: 1)))
        let linker = Linker()
        linker.define(module: "host", name: "tab", .table(table))
        linker.define(module: "host", name: "mem", .memory(memory))
        assertTrap(.unreachable) { _ = try linker.instantiate(store: store, module: Module(engine: engine, bytes: Self.startTrap)) }
        XCTAssertEqual(try memory.read(offset: 0, count: 5), Array("hello".utf8))
        // The failed instance's function stays callable through the shared table.
        guard case .function(let address) = try table.get(0) else { return XCTFail("table[0] not set") }
        XCTAssertEqual(try Function(store: store, address: address).call([]), [.i32(7)])
    }

    func testLazyAndEagerValidation() throws {
        let lazy = try Module(engine: engine, bytes: Self.invalidBody)
        let instance = try Linker().instantiate(store: Store(engine: engine), module: lazy)
        XCTAssertEqual(try instance.function("ok")?.call([]), [.i32(1)])
        XCTAssertThrowsError(try instance.function("bad")?.call([])) { error in
            guard case SwasmError.invalid = error else { return XCTFail("\(error)") }
        }
        XCTAssertThrowsError(try lazy.validateAllFunctions()) { error in
            guard case SwasmError.invalid = error else { return XCTFail("\(error)") }
        }

        var configuration = EngineConfiguration()
        configuration.compilation = .eager
        XCTAssertThrowsError(try Module(engine: Engine(configuration: configuration), bytes: Self.invalidBody)) { error in
            guard case SwasmError.invalid = error else { return XCTFail("\(error)") }
        }
    }

    func testStoreReleasesInstancesAndMemories() throws {
        weak var memory: MemoryInstance?
        weak var state: InstanceState?
        weak var weakStore: Store?
        do {
            let store = Store(engine: engine)
            let instance = try instantiateCalls(store)
            XCTAssertEqual(try instance.function("callReenter")?.call([.i32(2)]), [.i32(1004)])
            memory = instance.memory("mem")?.object
            state = instance.state
            weakStore = store
        }
        XCTAssertNil(weakStore)
        XCTAssertNil(state)
        XCTAssertNil(memory)
    }
}
