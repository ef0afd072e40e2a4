import Dispatch
import XCTest
@testable import Swasm

/// Memories, tables, globals, values and the engine's type interner through the public API.
final class RuntimeObjectsTests: XCTestCase {
    let engine = Engine()

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

    // MARK: Memory

    func testMemoryStartsZeroedAndReadsBackWrites() throws {
        let store = Store(engine: engine)
        let memory = try Memory(store: store, type: MemoryType(limits: Limits(min: 2, max: 3)))
        XCTAssertEqual(memory.byteCount, 2 * 65536)
        XCTAssertEqual(memory.pageCount, 2)
        XCTAssertEqual(try memory.read(offset: 0, count: 4), [0, 0, 0, 0])
        XCTAssertEqual(try memory.read(offset: 2 * 65536 - 3, count: 3), [0, 0, 0])
        try memory.write(offset: 65535, bytes: [1, 2, 3])
        XCTAssertEqual(try memory.read(offset: 65534, count: 5), [0, 1, 2, 3, 0])
        memory.withUnsafeMutableBytes { XCTAssertEqual($0[65536], 2) }
    }

    func testMemoryBoundsTrap() throws {
        let store = Store(engine: engine)
        let memory = try Memory(store: store, type: MemoryType(limits: Limits(min: 1)))
        assertTrap(.outOfBoundsMemoryAccess) { _ = try memory.read(offset: 65535, count: 2) }
        assertTrap(.outOfBoundsMemoryAccess) { _ = try memory.read(offset: -1, count: 1) }
        assertTrap(.outOfBoundsMemoryAccess) { _ = try memory.read(offset: 0, count: -1) }
        assertTrap(.outOfBoundsMemoryAccess) { try memory.write(offset: Int.max, bytes: [1]) }
        XCTAssertEqual(try memory.read(offset: 65536, count: 0), [])
        assertTrap(.outOfBoundsMemoryAccess) { _ = try memory.read(offset: 65537, count: 0) }
    }

    func testMemoryGrowFollowsTheSpec() throws {
        let store = Store(engine: engine)
        let memory = try Memory(store: store, type: MemoryType(limits: Limits(min: 0, max: 3)))
        XCTAssertEqual(memory.byteCount, 0)
        XCTAssertEqual(memory.grow(by: 0), 0)
        XCTAssertEqual(memory.grow(by: 1), 0)
        try memory.write(offset: 100, bytes: [7])
        XCTAssertEqual(memory.grow(by: 2), 1)
        XCTAssertEqual(memory.byteCount, 3 * 65536)
        XCTAssertEqual(memory.type.limits, Limits(min: 3, max: 3))
        XCTAssertNil(memory.grow(by: 1))
        XCTAssertEqual(memory.grow(by: 0), 3)
        // Contents survive and new pages are zero.
        XCTAssertEqual(try memory.read(offset: 100, count: 1), [7])
        XCTAssertEqual(try memory.read(offset: 3 * 65536 - 1, count: 1), [0])
    }

    func testMemoryWithoutMaximumStopsAtFourGiB() throws {
        let store = Store(engine: engine)
        let memory = try Memory(store: store, type: MemoryType(limits: Limits(min: 1)))
        XCTAssertNil(memory.grow(by: 65536))
        XCTAssertNil(memory.grow(by: UInt64.max))
        XCTAssertEqual(memory.pageCount, 1)
        // The interpreter's entry point reports failure as -1.
        XCTAssertEqual(memory.object.grow(byPages: 65536), -1)
        XCTAssertEqual(memory.object.grow(byPages: 1), 1)
    }

    func testMemoryCanReachFourGiB() throws {
        let store = Store(engine: engine)
        let memory = try Memory(store: store, type: MemoryType(limits: Limits(min: 1)))
        // A host without 4 GiB to commit may refuse, which the spec allows.
        guard let old = memory.grow(by: 65535) else { return }
        XCTAssertEqual(old, 1)
        XCTAssertEqual(memory.byteCount, 1 << 32)
        try memory.write(offset: (1 << 32) - 1, bytes: [0xAB])
        XCTAssertEqual(try memory.read(offset: (1 << 32) - 2, count: 2), [0, 0xAB])
        XCTAssertNil(memory.grow(by: 1))
    }

    func testEngineMemoryLimit() throws {
        var configuration = EngineConfiguration()
        configuration.maxMemoryPages = 4
        let store = Store(engine: Engine(configuration: configuration))
        let memory = try Memory(store: store, type: MemoryType(limits: Limits(min: 1)))
        XCTAssertEqual(memory.grow(by: 3), 1)
        XCTAssertNil(memory.grow(by: 1))
        XCTAssertThrowsError(try Memory(store: store, type: MemoryType(limits: Limits(min: 5)))) { error in
            guard case SwasmError.limit = error else { return XCTFail("\(error)") }
        }
    }

    func testHeapBackedMemoryGrows() throws {
        // The fallback when address space cannot be reserved: same semantics, base may move.
        guard let base = calloc(65536, 1) else { return XCTFail("calloc") }
        let object = MemoryInstance(type: MemoryType(limits: Limits(min: 1, max: 4)), base: base, byteCount: 65536)
        object.storage = .heap
        object.base.storeBytes(of: 9, toByteOffset: 10, as: UInt8.self)
        XCTAssertEqual(object.grow(byPages: 2), 1)
        XCTAssertEqual(object.byteCount, 3 * 65536)
        XCTAssertEqual(object.base.load(fromByteOffset: 10, as: UInt8.self), 9)
        XCTAssertEqual(object.base.load(fromByteOffset: 3 * 65536 - 1, as: UInt8.self), 0)
        XCTAssertEqual(object.grow(byPages: 2), -1)
    }

    func testBorrowedMemoryDoesNotGrow() {
        var bytes = [UInt8](repeating: 0, count: 16)
        bytes.withUnsafeMutableBytes { buffer in
            guard let base = buffer.baseAddress else { return }
            let object = MemoryInstance(type: MemoryType(limits: Limits(min: 0)), base: base, byteCount: 0)
            XCTAssertEqual(object.grow(byPages: 1), -1)
        }
    }

    func testMappedMemoryKeepsItsBaseWhenGrowing() throws {
        let store = Store(engine: engine)
        let memory = try Memory(store: store, type: MemoryType(limits: Limits(min: 1)))
        guard case .mapped = memory.object.storage else { return }  // reservation unavailable here
        let base = memory.object.base
        XCTAssertEqual(memory.grow(by: 100), 1)
        XCTAssertEqual(memory.object.base, base)
        try memory.write(offset: 101 * 65536 - 1, bytes: [1])
    }

    // MARK: Table

    func testTableGetSetGrow() throws {
        let store = Store(engine: engine)
        let f = Function(store: store, type: FuncType(params: [], results: [])) { _, _ in [] }
        let table = try Table(store: store, type: TableType(elementType: .funcref, limits: Limits(min: 2, max: 4)), initial: .function(f.address))
        XCTAssertEqual(table.size, 2)
        XCTAssertEqual(try table.get(1), .function(f.address))
        try table.set(0, .null(.func))
        XCTAssertEqual(try table.get(0), .null(.func))
        assertTrap(.outOfBoundsTableAccess) { _ = try table.get(2) }
        assertTrap(.outOfBoundsTableAccess) { try table.set(-1, .null(.func)) }
        XCTAssertThrowsError(try table.set(0, .extern(1)))
        XCTAssertThrowsError(try table.set(0, .function(FunctionAddress(rawValue: 999))))

        XCTAssertEqual(try table.grow(by: 2, initial: .function(f.address)), 2)
        XCTAssertEqual(try table.get(3), .function(f.address))
        XCTAssertEqual(table.type.limits, Limits(min: 4, max: 4))
        XCTAssertNil(try table.grow(by: 1, initial: .null(.func)))
        XCTAssertEqual(try table.grow(by: 0, initial: .null(.func)), 4)
        XCTAssertEqual(table.object.grow(by: 1, fill: 0), -1)
    }

    func testExternrefTable() throws {
        let store = Store(engine: engine)
        let table = try Table(store: store, type: TableType(elementType: .externref, limits: Limits(min: 1)), initial: .extern(0))
        XCTAssertEqual(try table.get(0), .extern(0))
        XCTAssertEqual(table.object.elements, [RefEncoding.extern(0)])  // payload << 2 | 2 (GCHeap.swift)
        try table.set(0, .null(.extern))
        XCTAssertEqual(try table.get(0), .null(.extern))
        XCTAssertThrowsError(try table.set(0, .null(.func)))
        XCTAssertThrowsError(try Table(store: store, type: TableType(elementType: .externref, limits: Limits(min: 1)), initial: .null(.func)))
    }

    func testTableElementLimit() throws {
        var configuration = EngineConfiguration()
        configuration.maxTableElements = 10
        let store = Store(engine: Engine(configuration: configuration))
        let table = try Table(store: store, type: TableType(elementType: .funcref, limits: Limits(min: 8)), initial: .null(.func))
        XCTAssertNil(try table.grow(by: 3, initial: .null(.func)))
        XCTAssertEqual(try table.grow(by: 2, initial: .null(.func)), 8)
        XCTAssertThrowsError(try Table(store: store, type: TableType(elementType: .funcref, limits: Limits(min: 11)), initial: .null(.func)))
        // The default keeps a guest from allocating billions of elements.
        let big = try Table(store: Store(engine: engine), type: TableType(elementType: .funcref, limits: Limits(min: 0)), initial: .null(.func))
        XCTAssertNil(try big.grow(by: 0xFFFF_FFFF, initial: .null(.func)))
    }

    // MARK: Global

    func testGlobals() throws {
        let store = Store(engine: engine)
        let constant = try Global(store: store, type: GlobalType(valueType: .f64, mutable: false), value: .f64(0x7FF8_0000_0000_0001))
        XCTAssertEqual(constant.value, .f64(0x7FF8_0000_0000_0001))
        XCTAssertThrowsError(try constant.set(.f64(0)))

        let variable = try Global(store: store, type: GlobalType(valueType: .i32, mutable: true), value: .i32(1))
        try variable.set(.i32(0xFFFF_FFFF))
        XCTAssertEqual(variable.value, .i32(0xFFFF_FFFF))
        XCTAssertEqual(variable.object.value, 0xFFFF_FFFF)
        XCTAssertThrowsError(try variable.set(.i64(1)))
        XCTAssertThrowsError(try Global(store: store, type: GlobalType(valueType: .i32, mutable: false), value: .f32(0)))

        let vector = try Global(store: store, type: GlobalType(valueType: .v128, mutable: true), value: .v128(1, 2))
        XCTAssertEqual(vector.value, .v128(1, 2))
        try vector.set(.v128(3, 4))
        XCTAssertEqual(vector.object.high, 4)

        let reference = try Global(store: store, type: GlobalType(valueType: .externref, mutable: true), value: .ref(.null(.extern)))
        XCTAssertEqual(reference.value, .ref(.null(.extern)))
        try reference.set(.ref(.extern(42)))
        XCTAssertEqual(reference.value, .ref(.extern(42)))
        XCTAssertThrowsError(try reference.set(.ref(.extern(UInt64.max))))
    }

    // MARK: Values and types

    func testValueSlotRoundTrip() {
        let cases: [(Value, ValueType)] = [
            (.i32(0xDEAD_BEEF), .i32), (.i64(UInt64.max), .i64), (.f32(0x7FC0_0001), .f32),
            (.f64(0xFFF0_0000_0000_0001), .f64), (.v128(5, 6), .v128),
            (.ref(.null(.func)), .funcref), (.ref(.null(.extern)), .externref),
            (.ref(.function(FunctionAddress(rawValue: 0))), .funcref), (.ref(.extern(0)), .externref),
        ]
        for (value, type) in cases {
            XCTAssertEqual(Value(slot: value.slot, high: value.highSlot, type: type), value)
        }
        XCTAssertEqual(Value.ref(.null(.func)).slot, 0)
        XCTAssertEqual(Value.ref(.function(FunctionAddress(rawValue: 3))).slot, 4)
        XCTAssertEqual(Value.i32(1).slot, 1)
        XCTAssertEqual(Value.zero(of: .externref), .ref(.null(.extern)))
    }

    func testTypeInterningIsEngineWideAndThreadSafe() {
        let a = FuncType(params: [.i32], results: [.i64])
        let b = FuncType(params: [.i32], results: [.i64])
        let c = FuncType(params: [.i64], results: [.i32])
        XCTAssertEqual(engine.typeID(for: a), engine.typeID(for: b))
        XCTAssertNotEqual(engine.typeID(for: a), engine.typeID(for: c))

        let shared = Engine()
        let types = (0..<50).map { FuncType(params: Array(repeating: .i32, count: $0), results: []) }
        let lock = Lock()
        var seen: [[Int]] = []
        DispatchQueue.concurrentPerform(iterations: 8) { _ in
            let ids = types.shuffled().map { ($0.params.count, shared.typeID(for: $0)) }.sorted { $0.0 < $1.0 }.map(\.1)
            lock.withLock { seen.append(ids) }
        }
        XCTAssertEqual(Set(seen.map { $0 }).count, 1)
        XCTAssertEqual(Set(seen[0]).count, 50)
    }
}
