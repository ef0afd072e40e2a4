import XCTest
import SwasmText
@testable import Swasm

/// Functions compiled to machine code on background threads (`compilesInBackground`): the
/// guest's results, fuel, traps and backtraces are the interpreter's and synchronous
/// compilation's, functions do end up native, and modules freed or shared by threads while
/// their functions wait for a worker are safe.
final class BackgroundCompilationTests: XCTestCase {
    /// `count` functions `$f0`…, each a little arithmetic on its argument plus a call to the
    /// next, a hot loop calling them, a division that traps on 0 from a few calls deep, and a
    /// loop that runs until its fuel or the interrupt stops it.
    static func program(functions count: Int) -> String {
        var text = "(module\n"
        for i in 0..<count {
            let next = i + 1 < count ? "(call $f\(i + 1) (i32.xor (local.get $x) (i32.const \(i * 7 + 3))))" : "(local.get $x)"
            text += """
              (func $f\(i) (param $x i32) (result i32)
                (i32.add (i32.mul (local.get $x) (i32.const \(2 * i + 1))) \(next)))

            """
        }
        text += """
          (func $hot (export "hot") (param $n i32) (result i32)
            (local $i i32) (local $acc i32)
            (loop $next
              (local.set $acc (i32.add (local.get $acc) (call $f0 (i32.add (local.get $i) (local.get $acc)))))
              (local.set $i (i32.add (local.get $i) (i32.const 1)))
              (br_if $next (i32.lt_u (local.get $i) (local.get $n))))
            (local.get $acc))
          (func $divide (param $a i32) (param $b i32) (result i32) (i32.div_s (local.get $a) (local.get $b)))
          (func $middle (param $b i32) (result i32) (call $divide (i32.const 1000) (local.get $b)))
          (func (export "quotients") (param $n i32) (result i32)
            (local $acc i32)
            (loop $next
              (local.set $acc (i32.add (local.get $acc) (call $middle (local.get $n))))
              (local.set $n (i32.sub (local.get $n) (i32.const 1)))
              (br_if $next (i32.ge_s (local.get $n) (i32.const 0))))
            (local.get $acc))
          (func (export "spin") (loop $forever (br $forever))))
        """
        return text
    }

    static func configuration(background: Bool, native: Bool = true, threshold: Int = 10,
                              fuel: Bool = false) -> EngineConfiguration {
        var configuration = EngineConfiguration()
        configuration.nativeCode = native
        configuration.nativeCodeThreshold = threshold
        configuration.compilesInBackground = background
        configuration.consumeFuel = fuel
        return configuration
    }

    /// Outcomes (and fuel left, with `fuel`) of the same calls on `configuration`.
    func outcomes(_ configuration: EngineConfiguration, _ bytes: [UInt8]) throws -> [String] {
        let engine = Engine(configuration: configuration)
        let store = Store(engine: engine)
        if configuration.consumeFuel { try store.setFuel(5_000_000) }
        let instance = try Linker().instantiate(store: store, module: Module(engine: engine, bytes: bytes))
        var results: [String] = []
        for n in [1, 5, 20, 50, 200, 1_000, 3_000, 7] {
            results.append(try outcome(instance, "hot", [.i32(UInt32(n))]))
            results.append(try outcome(instance, "quotients", [.i32(UInt32(n))]))
            if configuration.consumeFuel { results.append("fuel \(store.fuel)") }
        }
        if configuration.consumeFuel {
            results.append(try outcome(instance, "spin", []))
            results.append("fuel \(store.fuel)")
        }
        return results
    }

    func testResultsMatchTheInterpreterAndSynchronousCompilation() throws {
        let bytes = try WAT.encode(Self.program(functions: 40))
        for fuel in [false, true] {
            let interpreted = try outcomes(Self.configuration(background: false, native: false, fuel: fuel), bytes)
            let synchronous = try outcomes(Self.configuration(background: false, fuel: fuel), bytes)
            XCTAssertEqual(synchronous, interpreted, "synchronous compilation, fuel \(fuel)")
            for threshold in [1, 10, 100] {
                let background = try outcomes(Self.configuration(background: true, threshold: threshold, fuel: fuel), bytes)
                XCTAssertEqual(background, interpreted, "background compilation, threshold \(threshold), fuel \(fuel)")
            }
            XCTAssertTrue(interpreted.contains { $0.hasPrefix("trap") }, "\(interpreted)")
        }
    }

    /// A threshold of 0 (every function native at its first call) and the switch off compile
    /// synchronously; otherwise functions go to the workers where there are some.
    func testWhenCompilationRunsInTheBackground() throws {
        let bytes = try WAT.encode(Self.program(functions: 2))
        func background(_ configuration: EngineConfiguration) throws -> Bool {
            try Module(engine: Engine(configuration: configuration), bytes: bytes).code.compilesInBackground
        }
        XCTAssertFalse(try background(Self.configuration(background: true, threshold: 0)))
        XCTAssertFalse(try background(Self.configuration(background: false)))
        XCTAssertFalse(try background(Self.configuration(background: true, native: false)))
        XCTAssertEqual(try background(Self.configuration(background: true)),
                       NativeTier.isAvailable && BackgroundCompiler.shared.isAvailable)
        XCTAssertFalse(BackgroundCompiler(maxWorkers: 0).isAvailable, "one core: no workers")
    }

    /// Functions queued at the threshold are compiled by a worker while the guest goes on,
    /// and then run as machine code.
    func testQueuedFunctionsEndUpNative() throws {
        guard NativeTier.isAvailable, BackgroundCompiler.shared.isAvailable else {
            throw XCTSkip("no native tier or a single core")
        }
        var configuration = Self.configuration(background: true, threshold: 20)
        configuration.collectsExecutionStatistics = true
        let engine = Engine(configuration: configuration)
        let store = Store(engine: engine)
        let module = try Module(engine: engine, bytes: WAT.encode(Self.program(functions: 30)))
        let instance = try Linker().instantiate(store: store, module: module)
        let hot = try instance.typedFunction("hot", params: Int32.self, results: Int32.self)
        let queuedBefore = BackgroundCompiler.shared.counts.queued
        // 21 entries of each $f: queued at the threshold, and not yet long enough past it for
        // the guest's thread to compile them itself.
        _ = try hot(21)
        XCTAssertGreaterThan(BackgroundCompiler.shared.counts.queued, queuedBefore)
        let functions = 0..<30
        var waited = 0
        while try functions.contains(where: { try module.code.function($0).nativeCode == nil }) && waited < 1_000 {
            usleep(5_000)
            waited += 1
        }
        for index in functions {
            XCTAssertNotNil(try module.code.function(index).nativeCode, "function \(index) compiled by a worker")
        }
        let before = store.executionStatistics.nativeInstructions
        XCTAssertEqual(try hot(3), try Self.interpreted(Self.program(functions: 30), "hot", 3))
        XCTAssertGreaterThan(store.executionStatistics.nativeInstructions, before, "the calls ran as machine code")
    }

    static func interpreted(_ wat: String, _ name: String, _ argument: Int32) throws -> Int32 {
        let engine = Engine(configuration: .interpreterOnly)
        let instance = try Linker().instantiate(store: Store(engine: engine), module: Module(engine: engine, bytes: WAT.encode(wat)))
        let function = try instance.typedFunction(name, params: Int32.self, results: Int32.self)
        return try function(argument)
    }

    /// Modules freed as soon as their functions are queued: the workers skip them or hold
    /// them until their code is published, never touching freed code.
    func testModulesFreedWhileTheirFunctionsAreQueued() throws {
        guard NativeTier.isAvailable else { throw XCTSkip("no native tier on this platform") }
        let bytes = try WAT.encode(Self.program(functions: 20))
        let engine = Engine(configuration: Self.configuration(background: true, threshold: 3))
        let expected = try Self.interpreted(Self.program(functions: 20), "hot", 4)
        for _ in 0..<300 {
            let instance = try Linker().instantiate(store: Store(engine: engine), module: Module(engine: engine, bytes: bytes))
            // Four entries each: queued at the fourth, and freed straight after.
            let hot = try instance.typedFunction("hot", params: Int32.self, results: Int32.self)
            XCTAssertEqual(try hot(4), expected)
        }
        // The workers get through the queue, skipping what is gone.
        var waited = 0
        while BackgroundCompiler.shared.counts.done < BackgroundCompiler.shared.counts.queued && waited < 2_000 {
            usleep(5_000)
            waited += 1
        }
        let counts = BackgroundCompiler.shared.counts
        XCTAssertEqual(counts.done, counts.queued, "the queue drains")
        XCTAssertEqual(engine.compiledCodeBytes, 0, "every freed module gave its code back")
    }

    /// Several threads, each with a store, run one module on a shared memory (threads
    /// proposal) while its functions compile in the background.
    func testThreadsSharingAModule() throws {
        let wat = """
        (module
          (import "env" "memory" (memory 1 1 shared))
          (func $step (param $i i32) (result i32) (i32.add (i32.mul (local.get $i) (i32.const 3)) (i32.const 1)))
          (func $add (param $v i32) (drop (i32.atomic.rmw.add (i32.const 0) (local.get $v))))
          (func (export "work") (param $n i32) (result i32)
            (local $i i32) (local $acc i32)
            (loop $next
              (local.set $acc (i32.add (local.get $acc) (call $step (local.get $i))))
              (call $add (i32.const 1))
              (local.set $i (i32.add (local.get $i) (i32.const 1)))
              (br_if $next (i32.lt_u (local.get $i) (local.get $n))))
            (local.get $acc)))
        """
        let engine = Engine(configuration: Self.configuration(background: true, threshold: 15))
        let module = try Module(engine: engine, bytes: WAT.encode(wat))
        let memory = try Memory(store: Store(engine: engine), type: MemoryType(limits: Limits(min: 1, max: 1, shared: true)))
        let threadCount = 4, calls = 60
        var expected: Int64 = 0
        for n in 1...calls { for i in 0..<n { expected += Int64(Int32(truncatingIfNeeded: 3 * i + 1)) } }
        let results = ResultBox()
        let threads = (0..<threadCount).map { index in
            JoinableThread {
                do {
                    let linker = Linker()
                    linker.define(module: "env", name: "memory", .memory(memory))
                    let instance = try linker.instantiate(store: Store(engine: engine), module: module)
                    let work = try instance.typedFunction("work", params: Int32.self, results: Int32.self)
                    var total: Int64 = 0
                    for n in 1...calls { total += Int64(try work(Int32(n))) }
                    results.set(index, .success(total))
                } catch {
                    results.set(index, .failure(error))
                }
            }
        }
        threads.forEach { $0.start() }
        threads.forEach { $0.join() }
        for index in 0..<threadCount { XCTAssertEqual(try results.get(index), expected) }
        let counter = try memory.read(offset: 0, count: 4).enumerated().reduce(0) { $0 | Int($1.element) << (8 * $1.offset) }
        XCTAssertEqual(counter, threadCount * calls * (calls + 1) / 2, "every atomic add landed")
        if NativeTier.isAvailable {
            XCTAssertNotNil(try module.code.function(2).nativeCode, "the loop moved into machine code")
        }
    }
}
