import XCTest
import SwasmText
import Swasm

/// The typed function API: host functions as Swift closures (with and without `Caller`,
/// no/one/several results, every number type), slot host functions, typed exports checked
/// once at lookup, and how errors and traps travel through typed calls.
final class APITypedFunctionTests: XCTestCase {
    final class Log { var lines: [String] = [] }

    /// Instantiates the API test module with typed host functions; `log` collects what the
    /// guest logs.
    func instantiate(store: Store, log: Log = Log(), fail: Error = SwasmError.trap(Trap(.host("host says no")))) throws -> Instance {
        let module = try Module(engine: store.engine, bytes: APITestModules.api)
        let linker = Linker()
        linker.defineFunction(store: store, module: "host", name: "add") { (a: Int32, b: Int32) -> Int32 in a &+ b }
        linker.defineFunction(store: store, module: "host", name: "log") { (caller: Caller, pointer: UInt32, length: UInt32) in
            log.lines.append(try caller.memory.readString(offset: pointer, length: length))
        }
        linker.defineFunction(store: store, module: "host", name: "swap") { (a: Int64, b: Double) -> (Double, Int64) in (b, a) }
        linker.defineFunction(store: store, module: "host", name: "now") { () -> Int64 in 1_700_000_000_000 }
        linker.defineFunction(store: store, module: "host", name: "fail") { () throws in throw fail }
        return try linker.instantiate(store: store, module: module)
    }

    func testTypedHostFunctionsAreCalledFromWasm() throws {
        let store = Store(engine: Engine())
        let log = Log()
        let instance = try instantiate(store: store, log: log)

        let callAdd = try instance.typedFunction("callAdd", params: (Int32, Int32).self, results: Int32.self)
        XCTAssertEqual(try callAdd(40, 2), 42)
        XCTAssertEqual(try callAdd(Int32.max, 1), Int32.min)

        let greet = try instance.typedFunction("greet", params: Void.self, results: Void.self)
        try greet()
        XCTAssertEqual(log.lines, ["hello, plugin"])

        let callSwap = try instance.typedFunction("callSwap", params: (Int64, Double).self, results: (Double, Int64).self)
        let (first, second) = try callSwap(-5, 0.25)
        XCTAssertEqual(first, 0.25)
        XCTAssertEqual(second, -5)

        let callNow: () throws -> Int64 = try instance.typedFunction("callNow")
        XCTAssertEqual(try callNow(), 1_700_000_000_000)
    }

    func testTypedExportsOfEveryNumberType() throws {
        let store = Store(engine: Engine())
        let instance = try instantiate(store: store)
        let mix = try instance.typedFunction("mix", params: (Int32, Int64, Float, Double).self, results: Double.self)
        XCTAssertEqual(try mix(-1, 1 << 40, 0.5, 0.25), -1 + Double(1 << 40) + 0.75)

        // Signedness is the Swift view only: the same i32 export, seen as unsigned.
        let doubleSigned = try instance.typedFunction("double", params: Int32.self, results: Int32.self)
        let doubleUnsigned = try instance.typedFunction("double", params: UInt32.self, results: UInt32.self)
        XCTAssertEqual(try doubleSigned(-3), -6)
        XCTAssertEqual(try doubleUnsigned(0x8000_0001), 2)

        let nothing: () throws -> Void = try instance.typedFunction("nothing")
        XCTAssertNoThrow(try nothing())
    }

    func testLookupChecksTheSignatureOnceAndNamesBothTypes() throws {
        let store = Store(engine: Engine())
        let instance = try instantiate(store: store)
        XCTAssertThrowsError(try instance.typedFunction("double", params: Int64.self, results: Int32.self)) { error in
            let message = (error as? APIError)?.message ?? ""
            XCTAssertTrue(message.contains("\"double\""), message)
            XCTAssertTrue(message.contains("(func (param i32) (result i32))"), message)
            XCTAssertTrue(message.contains("(func (param i64) (result i32))"), message)
        }
        XCTAssertThrowsError(try instance.typedFunction("double", params: Int32.self, results: Void.self))
        XCTAssertThrowsError(try instance.typedFunction("missing", params: Void.self, results: Void.self)) { error in
            XCTAssertEqual((error as? APIError)?.message, "the instance exports no function named \"missing\"")
        }
        XCTAssertThrowsError(try instance.typedFunction("memory", params: Void.self, results: Void.self))
        let wrong: Result<(Int32) throws -> Int64, Error> = Result { try instance.typedFunction("double") }
        XCTAssertThrowsError(try wrong.get())
    }

    func testHostErrorsAndTrapsReachTheTypedCaller() throws {
        struct Custom: Error, Equatable {}
        let store = Store(engine: Engine())
        let trapping = try instantiate(store: store)
        let callFail = try trapping.typedFunction("callFail", params: Void.self, results: Void.self)
        XCTAssertThrowsError(try callFail()) { error in
            guard case SwasmError.trap(let trap)? = error as? SwasmError else { return XCTFail("\(error)") }
            XCTAssertEqual(trap.reason, .host("host says no"))
        }
        let throwing = try instantiate(store: store, fail: Custom())
        let callFail2 = try throwing.typedFunction("callFail", params: Void.self, results: Void.self)
        XCTAssertThrowsError(try callFail2()) { error in XCTAssertEqual(error as? Custom, Custom()) }
        // The store stays usable after both.
        let double = try throwing.typedFunction("double", params: Int32.self, results: Int32.self)
        XCTAssertEqual(try double(21), 42)
    }

    func testTypedHostFunctionCalledDirectlyFromTheHost() throws {
        let store = Store(engine: Engine())
        let cube = Function(store: store) { (x: Double) -> Double in x * x * x }
        XCTAssertEqual(cube.type, FuncType(params: [.f64], results: [.f64]))
        XCTAssertEqual(try cube.call([Value(2.0)]), [Value(8.0)])
        let typedCube = try cube.typed(params: Double.self, results: Double.self)
        XCTAssertEqual(try typedCube(3), 27)

        // Without a calling instance there is no caller memory: a trap, not a crash.
        let needsMemory = Function(store: store) { (caller: Caller, pointer: UInt32) -> UInt32 in
            try caller.memory.load(UInt32.self, offset: pointer)
        }
        let typedNeedsMemory = try needsMemory.typed(params: UInt32.self, results: UInt32.self)
        XCTAssertThrowsError(try typedNeedsMemory(0)) { error in
            guard case SwasmError.trap? = error as? SwasmError else { return XCTFail("\(error)") }
        }
    }

    func testCallerMemoryIsMissingWhenTheModuleExportsNone() throws {
        // (module (import "host" "log" (func (param i32 i32))) (func (export "go") i32.const 0 i32.const 0 call 0))
        let bytes: [UInt8] = [
            0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, 0x01, 0x09, 0x02, 0x60, 0x02, 0x7f, 0x7f, 0x00,
            0x60, 0x00, 0x00, 0x02, 0x0c, 0x01, 0x04, 0x68, 0x6f, 0x73, 0x74, 0x03, 0x6c, 0x6f, 0x67, 0x00,
            0x00, 0x03, 0x02, 0x01, 0x01, 0x07, 0x06, 0x01, 0x02, 0x67, 0x6f, 0x00, 0x01, 0x0a, 0x0a, 0x01,
            0x08, 0x00, 0x41, 0x00, 0x41, 0x00, 0x10, 0x00, 0x0b,
        ]
        let store = Store(engine: Engine())
        let linker = Linker()
        linker.defineFunction(store: store, module: "host", name: "log") { (caller: Caller, pointer: UInt32, length: UInt32) in
            _ = try caller.memory.readString(offset: pointer, length: length)
        }
        let instance = try linker.instantiate(store: store, module: try Module(engine: store.engine, bytes: bytes))
        let go = try instance.typedFunction("go", params: Void.self, results: Void.self)
        XCTAssertThrowsError(try go()) { error in
            XCTAssertEqual("\(error)", "wasm trap: the calling module does not export a memory named \"memory\"\nwasm backtrace:\n  0: <wasm function 1>")
        }
    }

    func testSlotHostFunctions() throws {
        let store = Store(engine: Engine())
        let linker = Linker()
        try linker.defineSlotFunction(store: store, module: "host", name: "add",
                                      type: FuncType(params: [.i32, .i32], results: [.i32])) { _, slots in
            // Garbage in the high bits of an i32 result must not reach the guest.
            slots[0] = 0xDEAD_BEEF_0000_0000 | UInt64(UInt32(truncatingIfNeeded: slots[0] &+ slots[1]))
        }
        linker.defineFunction(store: store, module: "host", name: "log") { (_: UInt32, _: UInt32) in }
        linker.defineFunction(store: store, module: "host", name: "swap") { (a: Int64, b: Double) -> (Double, Int64) in (b, a) }
        linker.defineFunction(store: store, module: "host", name: "now") { () -> Int64 in 0 }
        linker.defineFunction(store: store, module: "host", name: "fail") { () in }
        let instance = try linker.instantiate(store: store, module: try Module(engine: store.engine, bytes: APITestModules.api))
        XCTAssertThrowsError(try instance.typedFunction("callAdd", params: (UInt32, UInt32).self, results: UInt64.self),
                             "the result is i32, not i64")
        let callAdd32 = try instance.typedFunction("callAdd", params: (UInt32, UInt32).self, results: UInt32.self)
        XCTAssertEqual(try callAdd32(0xFFFF_FFFF, 3), 2)

        XCTAssertThrowsError(try Function.slotFunction(store: store, type: FuncType(params: [.funcref], results: [])) { _, _ in }) { error in
            XCTAssertTrue(error is APIError)
        }
        let v128 = try Function.slotFunction(store: store, type: FuncType(params: [.v128, .i32], results: [.v128])) { _, slots in
            XCTAssertEqual(slots.count, 3)
            slots[0] = slots[0] &+ slots[2]
        }
        XCTAssertEqual(try v128.call([.v128(1, 2), .i32(5)]), [.v128(6, 2)])
    }

    func testCustomConformancesDescribeGuestTypes() throws {
        struct GuestPointer: WasmValueConvertible, Equatable {
            var address: UInt32
            static var wasmType: ValueType { .i32 }
            init(address: UInt32) { self.address = address }
            init(wasmSlot: UInt64) { address = UInt32(wasmSlot: wasmSlot) }
            var wasmSlot: UInt64 { address.wasmSlot }
        }
        let store = Store(engine: Engine())
        let offsetBy16 = Function(store: store) { (p: GuestPointer) -> GuestPointer in GuestPointer(address: p.address + 16) }
        XCTAssertEqual(offsetBy16.type, FuncType(params: [.i32], results: [.i32]))
        let typed = try offsetBy16.typed(params: GuestPointer.self, results: GuestPointer.self)
        XCTAssertEqual(try typed(GuestPointer(address: 4)), GuestPointer(address: 20))
    }

    func testValueConversions() {
        XCTAssertEqual(Value(Int32(-1)), .i32(0xFFFF_FFFF))
        XCTAssertEqual(Value(UInt64.max), .i64(UInt64.max))
        XCTAssertEqual(Value(Float(1.5)), .f32(Float(1.5).bitPattern))
        XCTAssertEqual(Value(-2.0), .f64((-2.0).bitPattern))
        XCTAssertEqual(Value.i32(0xFFFF_FFFE).as(Int32.self), -2)
        XCTAssertNil(Value.i32(1).as(Int64.self))
        XCTAssertEqual(Value.f64(Double.pi.bitPattern).as(Double.self), .pi)
        let nan = Float(bitPattern: 0x7FC0_1234)
        XCTAssertEqual(Value(nan).as(Float.self)?.bitPattern, 0x7FC0_1234, "NaN payloads survive")
    }

    func testHostToGuestToHostRecursionExhaustsTheStackAsATrap() throws {
        let store = Store(engine: Engine())
        let linker = Linker()
        var enter: ((Int32) throws -> Void)?
        linker.defineFunction(store: store, module: "host", name: "reenter") { (depth: Int32) in
            try enter?(depth + 1)
        }
        let instance = try linker.instantiate(store: store, module: try Module(engine: store.engine, bytes: APITestModules.runaway))
        enter = try instance.typedFunction("enter", params: Int32.self, results: Void.self)
        XCTAssertThrowsError(try enter?(0)) { error in
            guard case SwasmError.trap(let trap)? = error as? SwasmError else { return XCTFail("\(error)") }
            XCTAssertEqual(trap.reason, .callStackExhausted)
        }
        enter = nil
        let recurse = try instance.typedFunction("recurse", params: Void.self, results: Void.self)
        XCTAssertThrowsError(try recurse()) { error in
            guard case SwasmError.trap(let trap)? = error as? SwasmError else { return XCTFail("\(error)") }
            XCTAssertEqual(trap.reason, .callStackExhausted)
        }
        // Healthy afterwards.
        let count = try instance.typedFunction("count", params: Int32.self, results: Int32.self)
        XCTAssertEqual(try count(10), 10)
    }

    /// Lazy compilation under contention: two threads call every function of a fresh module
    /// in opposite orders, so most functions are translated while the other thread is
    /// translating or calling them.
    func testTwoThreadsCompileOneModuleLazily() throws {
        let functionCount = 150
        var text = "(module"
        for k in 0..<functionCount {
            text += " (func (export \"f\(k)\") (param i32) (result i32) (i32.add (local.get 0) (i32.const \(k))))"
        }
        text += ")"
        let bytes = try WAT.encode(text)
        let engine = Engine()  // lazy by default
        XCTAssertEqual(engine.configuration.compilation, .lazy)
        for round in 0..<10 {
            let module = try Module(engine: engine, bytes: bytes)
            let results = ResultBox()
            let threads = (0..<2).map { index in
                JoinableThread {
                    do {
                        let store = Store(engine: engine)
                        let instance = try Linker().instantiate(store: store, module: module)
                        let order = index == 0 ? Array(0..<functionCount) : Array((0..<functionCount).reversed())
                        var total: Int64 = 0
                        for k in order {
                            let f = try instance.typedFunction("f\(k)", params: Int32.self, results: Int32.self)
                            total += Int64(try f(Int32(round)))
                        }
                        results.set(index, .success(total))
                    } catch {
                        results.set(index, .failure(error))
                    }
                }
            }
            threads.forEach { $0.start() }
            threads.forEach { $0.join() }
            let expected = Int64(functionCount * round + functionCount * (functionCount - 1) / 2)
            XCTAssertEqual(try results.get(0), expected)
            XCTAssertEqual(try results.get(1), expected)
        }
    }

    func testTwoThreadsRunInstancesOfOneModule() throws {
        var configuration = EngineConfiguration()
        configuration.compilation = .eager
        let engine = Engine(configuration: configuration)
        let module = try Module(engine: engine, bytes: APITestModules.runaway)
        let results = ResultBox()
        let threads = (0..<2).map { index in
            JoinableThread {
                do {
                    let store = Store(engine: engine)
                    let linker = Linker()
                    linker.defineFunction(store: store, module: "host", name: "reenter") { (_: Int32) in }
                    let instance = try linker.instantiate(store: store, module: module)
                    let count = try instance.typedFunction("count", params: Int32.self, results: Int32.self)
                    var total: Int64 = 0
                    for _ in 0..<20 { total += Int64(try count(100_000 + Int32(index))) }
                    results.set(index, .success(total))
                } catch {
                    results.set(index, .failure(error))
                }
            }
        }
        threads.forEach { $0.start() }
        threads.forEach { $0.join() }
        XCTAssertEqual(try results.get(0), 20 * 100_000)
        XCTAssertEqual(try results.get(1), 20 * 100_001)
    }
}

/// Results written by worker threads, read after they finish.
final class ResultBox: @unchecked Sendable {
    private let lock = NSLock()
    private var values: [Int: Result<Int64, Error>] = [:]
    func set(_ index: Int, _ result: Result<Int64, Error>) { lock.withLock { values[index] = result } }
    func get(_ index: Int) throws -> Int64 {
        guard let result = lock.withLock({ values[index] }) else { throw APIError("thread \(index) did not finish") }
        return try result.get()
    }
}

/// A joinable thread running `body` (Foundation's `Thread` cannot be joined).
final class JoinableThread: @unchecked Sendable {
    private var handle = pthread_t()
    private let body: () -> Void
    init(_ body: @escaping () -> Void) { self.body = body }
    func start() {
        let context = Unmanaged.passRetained(self).toOpaque()
        pthread_create(&handle, nil, { context in
            guard let context else { return nil }
            Unmanaged<JoinableThread>.fromOpaque(context).takeRetainedValue().body()
            return nil
        }, context)
    }
    func join() { pthread_join(handle, nil) }
}
