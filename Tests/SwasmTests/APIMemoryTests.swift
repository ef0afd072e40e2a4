import XCTest
import Swasm

/// Bounds-checked memory helpers (numbers, bytes, strings), typed globals and function tables:
/// every out-of-range access throws, none crashes or writes part of a value.
final class APIMemoryTests: XCTestCase {
    func makeMemory(pages: UInt64 = 1) throws -> Memory {
        try Memory(store: Store(engine: Engine()), type: MemoryType(limits: Limits(min: pages)))
    }

    func assertOutOfBounds<T>(_ expression: @autoclosure () throws -> T, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertThrowsError(try expression(), file: file, line: line) { error in
            guard case SwasmError.trap(let trap)? = error as? SwasmError else {
                return XCTFail("expected a trap, got \(error)", file: file, line: line)
            }
            XCTAssertEqual(trap.reason, .outOfBoundsMemoryAccess, file: file, line: line)
        }
    }

    func testNumbersAreLittleEndianAndUnaligned() throws {
        let memory = try makeMemory()
        try memory.store(UInt32(0x0403_0201), offset: 1)
        XCTAssertEqual(try memory.readBytes(offset: 0, count: 6), [0, 1, 2, 3, 4, 0])
        XCTAssertEqual(try memory.load(UInt32.self, offset: 1), 0x0403_0201)
        XCTAssertEqual(try memory.load(UInt16.self, offset: 2), 0x0302)
        XCTAssertEqual(try memory.load(UInt8.self, offset: 4), 4)

        try memory.store(Int64(-2), offset: 100)
        XCTAssertEqual(try memory.load(Int64.self, offset: 100), -2)
        XCTAssertEqual(try memory.load(UInt64.self, offset: 100), UInt64.max - 1)
        try memory.store(Int8(-1), offset: 200)
        XCTAssertEqual(try memory.load(Int8.self, offset: 200), -1)

        try memory.store(Float(1.5), offset: 300)
        XCTAssertEqual(try memory.load(Float.self, offset: 300), 1.5)
        XCTAssertEqual(try memory.load(UInt32.self, offset: 300), Float(1.5).bitPattern)
        try memory.store(-0.125, offset: 401)
        XCTAssertEqual(try memory.load(Double.self, offset: 401), -0.125)

        // Offsets may be any integer type a guest pointer arrives as.
        XCTAssertEqual(try memory.load(UInt32.self, offset: UInt32(1)), 0x0403_0201)
        XCTAssertEqual(try memory.load(UInt32.self, offset: Int64(1)), 0x0403_0201)
    }

    func testEveryAccessPastTheEndThrows() throws {
        let memory = try makeMemory()
        let size = memory.byteCount
        XCTAssertEqual(size, 65_536)
        XCTAssertNoThrow(try memory.store(UInt32(7), offset: size - 4))
        assertOutOfBounds(try memory.store(UInt32(7), offset: size - 3))
        assertOutOfBounds(try memory.load(UInt64.self, offset: size - 7))
        assertOutOfBounds(try memory.load(UInt8.self, offset: size))
        assertOutOfBounds(try memory.load(UInt8.self, offset: -1))
        assertOutOfBounds(try memory.load(UInt8.self, offset: UInt64.max))
        assertOutOfBounds(try memory.load(UInt8.self, offset: Int.min))
        assertOutOfBounds(try memory.load(Double.self, offset: Int.max - 2))
        assertOutOfBounds(try memory.readBytes(offset: 1, count: size))
        assertOutOfBounds(try memory.readBytes(offset: 0, count: -1))
        assertOutOfBounds(try memory.readBytes(offset: 0, count: UInt64.max))
        assertOutOfBounds(try memory.readString(offset: size - 2, length: 3))
        XCTAssertEqual(try memory.readBytes(offset: size, count: 0), [])
        XCTAssertEqual(try memory.readString(offset: size, length: 0), "")

        // A write that does not fit writes nothing.
        assertOutOfBounds(try memory.writeBytes([1, 2, 3, 4], offset: size - 2))
        assertOutOfBounds(try memory.writeString("four", offset: size - 3))
        XCTAssertEqual(try memory.readBytes(offset: size - 3, count: 3), [0, 0, 0])

        let empty = try makeMemory(pages: 0)
        assertOutOfBounds(try empty.load(UInt8.self, offset: 0))
        XCTAssertEqual(try empty.readBytes(offset: 0, count: 0), [])
    }

    func testStrings() throws {
        let memory = try makeMemory()
        XCTAssertEqual(try memory.writeString("héllo", offset: 10), 6)
        XCTAssertEqual(try memory.readString(offset: 10, length: 6), "héllo")
        XCTAssertEqual(try memory.writeString("plugin", offset: 100, nullTerminated: true), 7)
        XCTAssertEqual(try memory.readNullTerminatedString(offset: 100), "plugin")
        XCTAssertEqual(try memory.readNullTerminatedString(offset: 106), "")

        // Ill-formed UTF-8 is repaired, not rejected.
        try memory.writeBytes([0x61, 0xFF, 0x62], offset: 200)
        XCTAssertEqual(try memory.readString(offset: 200, length: 3), "a\u{FFFD}b")

        // A guest cannot make the host scan or copy without bound.
        try memory.writeBytes([UInt8](repeating: 0x41, count: 64), offset: 300)
        XCTAssertThrowsError(try memory.readNullTerminatedString(offset: 300, maxLength: 10)) { error in
            XCTAssertTrue(error is APIError, "\(error)")
        }
        XCTAssertEqual(try memory.readNullTerminatedString(offset: 300, maxLength: 64), String(repeating: "A", count: 64))
        try memory.writeBytes([UInt8](repeating: 0x42, count: 4), offset: memory.byteCount - 4)
        assertOutOfBounds(try memory.readNullTerminatedString(offset: memory.byteCount - 4))
        assertOutOfBounds(try memory.readNullTerminatedString(offset: memory.byteCount + 1))
    }

    func testHelpersSeeGuestWritesAndGrowth() throws {
        let store = Store(engine: Engine())
        let linker = Linker()
        linker.defineFunction(store: store, module: "host", name: "add") { (a: Int32, b: Int32) -> Int32 in a &+ b }
        linker.defineFunction(store: store, module: "host", name: "log") { (_: UInt32, _: UInt32) in }
        linker.defineFunction(store: store, module: "host", name: "swap") { (a: Int64, b: Double) -> (Double, Int64) in (b, a) }
        linker.defineFunction(store: store, module: "host", name: "now") { () -> Int64 in 0 }
        linker.defineFunction(store: store, module: "host", name: "fail") { () in }
        let instance = try linker.instantiate(store: store, module: try Module(engine: store.engine, bytes: APITestModules.api))
        let memory = try XCTUnwrap(instance.memory("memory"))
        XCTAssertEqual(try memory.readNullTerminatedString(offset: 16), "hello, plugin")
        assertOutOfBounds(try memory.load(UInt8.self, offset: 65_536))
        XCTAssertEqual(memory.grow(by: 1), 1)
        XCTAssertEqual(try memory.load(UInt8.self, offset: 65_536), 0)
        try memory.store(UInt8(9), offset: 131_071)
        XCTAssertEqual(try memory.load(UInt8.self, offset: 131_071), 9)
    }

    func testTypedGlobals() throws {
        let store = Store(engine: Engine())
        let counter = try Global(store: store, type: GlobalType(valueType: .i64, mutable: true), value: .i64(7))
        XCTAssertEqual(try counter.get(Int64.self), 7)
        try counter.set(Int64(-3))
        XCTAssertEqual(try counter.get(Int64.self), -3)
        XCTAssertEqual(try counter.get(UInt64.self), UInt64(bitPattern: -3))
        XCTAssertThrowsError(try counter.get(Int32.self)) { error in
            XCTAssertEqual((error as? APIError)?.message, "the global is i64, not i32 (Int32)")
        }
        XCTAssertThrowsError(try counter.set(Int32(1)))
        XCTAssertEqual(try counter.get(Int64.self), -3, "a rejected set changes nothing")

        let ratio = try Global(store: store, type: GlobalType(valueType: .f64, mutable: false), value: Value(3.5))
        XCTAssertEqual(try ratio.get(Double.self), 3.5)
        XCTAssertThrowsError(try ratio.set(1.0)) { error in
            XCTAssertEqual((error as? APIError)?.message, "cannot set an immutable global")
        }
        let reference = try Global(store: store, type: GlobalType(valueType: .externref, mutable: false), value: .ref(.extern(1)))
        XCTAssertThrowsError(try reference.get(UInt64.self))
    }

    func testFunctionTables() throws {
        let store = Store(engine: Engine())
        let table = try Table(store: store, type: TableType(elementType: .funcref, limits: Limits(min: 2)), initial: .null(.func))
        XCTAssertNil(try table.function(at: 0))
        let negate = Function(store: store) { (x: Int32) -> Int32 in -x }
        try table.setFunction(at: 1, negate)
        let stored = try XCTUnwrap(try table.function(at: 1))
        XCTAssertEqual(stored.address, negate.address)
        let typed = try stored.typed(params: Int32.self, results: Int32.self)
        XCTAssertEqual(try typed(5), -5)
        try table.setFunction(at: 1, nil)
        XCTAssertNil(try table.function(at: 1))
        XCTAssertThrowsError(try table.function(at: 2)) { error in
            guard case SwasmError.trap(let trap)? = error as? SwasmError else { return XCTFail("\(error)") }
            XCTAssertEqual(trap.reason, .outOfBoundsTableAccess)
        }
        XCTAssertThrowsError(try table.setFunction(at: -1, negate))

        let externs = try Table(store: store, type: TableType(elementType: .externref, limits: Limits(min: 1)), initial: .null(.extern))
        XCTAssertThrowsError(try externs.function(at: 0)) { error in XCTAssertTrue(error is APIError) }

        let otherStore = Store(engine: store.engine)
        let foreign = Function(store: otherStore) { () in }
        XCTAssertThrowsError(try table.setFunction(at: 0, foreign)) { error in XCTAssertTrue(error is APIError) }
    }
}
