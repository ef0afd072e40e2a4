import XCTest
import Swasm

/// Store limits (memory and table sizes, counts of instances, memories and tables), the fuel
/// and interruption API, and that a stopped guest leaves the store and engine healthy.
final class LimitsTests: XCTestCase {
    func instantiate(_ bytes: [UInt8], store: Store) throws -> Instance {
        let linker = Linker()
        linker.defineFunction(store: store, module: "host", name: "reenter") { (_: Int32) in }
        return try linker.instantiate(store: store, module: try Module(engine: store.engine, bytes: bytes))
    }

    func assertLimit(_ expression: @autoclosure () throws -> Any, contains text: String,
                     file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertThrowsError(try expression(), file: file, line: line) { error in
            guard case SwasmError.limit(let message)? = error as? SwasmError else {
                return XCTFail("expected a limit error, got \(error)", file: file, line: line)
            }
            XCTAssertTrue(message.contains(text), "\(message) does not contain \(text)", file: file, line: line)
        }
    }

    func testMemoryGrowStopsAtTheStoreLimit() throws {
        let store = Store(engine: Engine(), limits: StoreLimits(memorySize: 4 * 65_536 + 100))
        let instance = try instantiate(APITestModules.limits, store: store)
        let grow = try instance.typedFunction("grow", params: Int32.self, results: Int32.self)
        XCTAssertEqual(try grow(2), 1)
        XCTAssertEqual(try grow(2), -1, "5 pages exceed 4 pages and 100 bytes")
        XCTAssertEqual(store.refusedMemoryGrowths, 1)
        XCTAssertEqual(try grow(1), 3)
        XCTAssertEqual(try grow(1), -1)
        XCTAssertEqual(try grow(Int32(bitPattern: 0xFFFF_FFFF)), -1)
        XCTAssertEqual(try grow(0), 4, "growing by nothing always succeeds")
        XCTAssertEqual(store.refusedMemoryGrowths, 3)

        let memory = try XCTUnwrap(instance.memory("memory"))
        XCTAssertEqual(memory.byteCount, 4 * 65_536)
        XCTAssertNil(memory.grow(by: 1), "the host API obeys the same limit")
        XCTAssertEqual(store.refusedMemoryGrowths, 4)
    }

    func testGrowthRefusedByTheModulesOwnMaximumIsNotALimitEvent() throws {
        let store = Store(engine: Engine(), limits: StoreLimits(memorySize: 1 << 20))
        let memory = try Memory(store: store, type: MemoryType(limits: Limits(min: 1, max: 2)))
        XCTAssertEqual(memory.grow(by: 1), 1)
        XCTAssertNil(memory.grow(by: 1))
        XCTAssertEqual(store.refusedMemoryGrowths, 0)
    }

    func testTableGrowStopsAtTheStoreLimit() throws {
        let store = Store(engine: Engine(), limits: StoreLimits(tableElements: 3))
        let instance = try instantiate(APITestModules.limits, store: store)
        let growTable = try instance.typedFunction("growTable", params: Int32.self, results: Int32.self)
        XCTAssertEqual(try growTable(2), 1)
        XCTAssertEqual(try growTable(1), -1)
        XCTAssertEqual(store.refusedTableGrowths, 1)
        XCTAssertEqual(try XCTUnwrap(instance.table("table")).size, 3)
    }

    func testInstantiationBeyondTheLimitsFailsBeforeCreatingAnything() throws {
        // (memory 20) (table 5 funcref): 1.25 MiB and 5 elements.
        let small = Store(engine: Engine(), limits: StoreLimits(memorySize: 1 << 20))
        assertLimit(try instantiate(APITestModules.bigmem, store: small),
                    contains: "memory 0 needs 20 pages (1310720 bytes), more than the store's limit of 1048576 bytes")
        let fewElements = Store(engine: Engine(), limits: StoreLimits(tableElements: 4))
        assertLimit(try instantiate(APITestModules.bigmem, store: fewElements),
                    contains: "table 0 needs 5 elements, more than the store's limit of 4")
        // The failed attempts used up nothing: a fitting module still instantiates.
        XCTAssertNoThrow(try instantiate(APITestModules.limits, store: small))
        XCTAssertNoThrow(try instantiate(APITestModules.limits, store: fewElements))

        let host = Store(engine: Engine(), limits: StoreLimits(memorySize: 65_536))
        assertLimit(try Memory(store: host, type: MemoryType(limits: Limits(min: 2))), contains: "store's limit of 65536 bytes")
    }

    func testCountLimits() throws {
        let oneInstance = Store(engine: Engine(), limits: StoreLimits(instances: 1))
        XCTAssertNoThrow(try instantiate(APITestModules.limits, store: oneInstance))
        assertLimit(try instantiate(APITestModules.limits, store: oneInstance), contains: "at most 1 instance(s)")

        let oneMemory = Store(engine: Engine(), limits: StoreLimits(memories: 1))
        _ = try Memory(store: oneMemory, type: MemoryType(limits: Limits(min: 0)))
        assertLimit(try instantiate(APITestModules.limits, store: oneMemory), contains: "at most 1 memories")
        assertLimit(try Memory(store: oneMemory, type: MemoryType(limits: Limits(min: 0))), contains: "at most 1 memories")

        let oneTable = Store(engine: Engine(), limits: StoreLimits(tables: 1))
        XCTAssertNoThrow(try instantiate(APITestModules.limits, store: oneTable))
        assertLimit(try Table(store: oneTable, type: TableType(elementType: .funcref, limits: Limits(min: 0)), initial: .null(.func)),
                    contains: "at most 1 table(s)")
    }

    func testEngineLimitStillApplies() throws {
        var configuration = EngineConfiguration()
        configuration.maxMemoryPages = 2
        let store = Store(engine: Engine(configuration: configuration), limits: StoreLimits(memorySize: 1 << 30))
        let instance = try instantiate(APITestModules.limits, store: store)
        let grow = try instance.typedFunction("grow", params: Int32.self, results: Int32.self)
        XCTAssertEqual(try grow(1), 1)
        XCTAssertEqual(try grow(1), -1)
        XCTAssertEqual(store.refusedMemoryGrowths, 1)
    }

    // MARK: Fuel and interruption

    func testFuelNeedsAnEngineThatConsumesIt() throws {
        let store = Store(engine: Engine())
        XCTAssertEqual(store.fuel, 0)
        XCTAssertThrowsError(try store.setFuel(10)) { error in XCTAssertTrue(error is APIError) }
        XCTAssertThrowsError(try store.addFuel(10))

        var configuration = EngineConfiguration()
        configuration.consumeFuel = true
        let metered = Store(engine: Engine(configuration: configuration))
        try metered.setFuel(1_000)
        XCTAssertEqual(metered.fuel, 1_000)
        try metered.addFuel(24)
        XCTAssertEqual(metered.fuel, 1_024)
        try metered.addFuel(UInt64.max)
        XCTAssertEqual(metered.fuel, UInt64.max, "adding saturates")
    }

    func testFuelStopsARunawayGuest() throws {
        var configuration = EngineConfiguration()
        configuration.consumeFuel = true
        let store = Store(engine: Engine(configuration: configuration))
        let instance = try instantiate(APITestModules.runaway, store: store)
        let count = try instance.typedFunction("count", params: Int32.self, results: Int32.self)
        try store.setFuel(1_000)
        do {
            _ = try count(10_000_000)
            XCTFail("10 million iterations ran on 1,000 fuel")
        } catch SwasmError.trap(let trap) {
            XCTAssertEqual(trap.reason, .fuelExhausted)
            XCTAssertEqual("\(trap.reason)", "fuel exhausted")
        }
        let spin = try instance.typedFunction("spin", params: Void.self, results: Void.self)
        try store.setFuel(10_000)
        XCTAssertThrowsError(try spin()) { error in
            guard case SwasmError.trap(let trap)? = error as? SwasmError else { return XCTFail("\(error)") }
            XCTAssertEqual(trap.reason, .fuelExhausted)
        }
        XCTAssertLessThan(store.fuel, 100, "the trap leaves less than one loop iteration's fuel")
        // Refuelled, the same instance runs again.
        try store.setFuel(1_000_000)
        XCTAssertEqual(try count(1_000), 1_000)
        XCTAssertLessThan(store.fuel, 1_000_000)
    }

    func testFuelUseIsDeterministic() throws {
        var configuration = EngineConfiguration()
        configuration.consumeFuel = true
        let engine = Engine(configuration: configuration)
        var used: [UInt64] = []
        for _ in 0..<3 {
            let store = Store(engine: engine)
            let count = try instantiate(APITestModules.runaway, store: store)
                .typedFunction("count", params: Int32.self, results: Int32.self)
            try store.setFuel(1_000_000)
            XCTAssertEqual(try count(5_000), 5_000)
            used.append(1_000_000 - store.fuel)
        }
        XCTAssertGreaterThan(used[0], 5_000, "each iteration costs fuel")
        XCTAssertEqual(Set(used).count, 1, "\(used)")
    }

    func testAHostFunctionCanRefuelItsGuest() throws {
        var configuration = EngineConfiguration()
        configuration.consumeFuel = true
        let store = Store(engine: Engine(configuration: configuration))
        let linker = Linker()
        var refills = 0
        // Each call into the host tops the guest up, so the guest runs on as long as the
        // host wants it to.
        linker.defineFunction(store: store, module: "host", name: "reenter") { (caller: Caller, _: Int32) in
            refills += 1
            try caller.store.addFuel(10)
        }
        let instance = try linker.instantiate(store: store, module: try Module(engine: store.engine, bytes: APITestModules.runaway))
        let enter = try instance.typedFunction("enter", params: Int32.self, results: Void.self)
        try store.setFuel(50)
        for _ in 0..<100 { try enter(0) }
        XCTAssertEqual(refills, 100)
        XCTAssertGreaterThan(store.fuel, 50, "each call costs less than the 10 it adds")
    }

    func testInterruptHandleFlags() {
        let handle = Store(engine: Engine()).interruptHandle
        XCTAssertFalse(handle.isInterruptRequested)
        handle.interrupt()
        XCTAssertTrue(handle.isInterruptRequested)
        handle.cancel()
        XCTAssertFalse(handle.isInterruptRequested)
    }

    func testAnotherThreadInterruptsARunningGuest() throws {
        var configuration = EngineConfiguration()
        configuration.interruptible = true
        let store = Store(engine: Engine(configuration: configuration))
        let instance = try instantiate(APITestModules.runaway, store: store)
        let count = try instance.typedFunction("count", params: Int32.self, results: Int32.self)
        let handle = store.interruptHandle
        let interrupter = JoinableThread {
            usleep(20_000)
            handle.interrupt()
        }
        interrupter.start()
        defer { interrupter.join() }
        do {
            // Long enough (seconds) that only an interruption ends it within the test.
            _ = try count(100_000_000)
            XCTFail("the guest ran to the end despite the interruption")
        } catch SwasmError.trap(let trap) {
            XCTAssertEqual(trap.reason, .interrupted)
        }
        XCTAssertFalse(handle.isInterruptRequested, "the trap consumes the request")
        XCTAssertEqual(try count(100), 100, "the store runs again")
    }

    func testAPendingInterruptStopsTheNextCallUnlessCancelled() throws {
        var configuration = EngineConfiguration()
        configuration.interruptible = true
        let store = Store(engine: Engine(configuration: configuration))
        let count = try instantiate(APITestModules.runaway, store: store)
            .typedFunction("count", params: Int32.self, results: Int32.self)
        store.interruptHandle.interrupt()
        XCTAssertThrowsError(try count(10)) { error in
            guard case SwasmError.trap(let trap)? = error as? SwasmError else { return XCTFail("\(error)") }
            XCTAssertEqual(trap.reason, .interrupted)
        }
        store.interruptHandle.interrupt()
        store.interruptHandle.cancel()
        XCTAssertEqual(try count(10), 10)
    }

    func testInterruptingOneStoreLeavesOthersRunning() throws {
        var configuration = EngineConfiguration()
        configuration.interruptible = true
        let engine = Engine(configuration: configuration)
        let module = try Module(engine: engine, bytes: APITestModules.runaway)
        let stopped = Store(engine: engine), running = Store(engine: engine)
        let linker = { (store: Store) -> Linker in
            let linker = Linker()
            linker.defineFunction(store: store, module: "host", name: "reenter") { (_: Int32) in }
            return linker
        }
        let stoppedCount = try linker(stopped).instantiate(store: stopped, module: module)
            .typedFunction("count", params: Int32.self, results: Int32.self)
        let runningCount = try linker(running).instantiate(store: running, module: module)
            .typedFunction("count", params: Int32.self, results: Int32.self)
        stopped.interruptHandle.interrupt()
        XCTAssertThrowsError(try stoppedCount(10))
        XCTAssertEqual(try runningCount(10), 10)
    }

    func testWithoutInterruptibleEnginesTheRequestIsIgnored() throws {
        let store = Store(engine: Engine())
        let count = try instantiate(APITestModules.runaway, store: store)
            .typedFunction("count", params: Int32.self, results: Int32.self)
        store.interruptHandle.interrupt()
        XCTAssertEqual(try count(10), 10)
    }
}
