import XCTest
import SwasmText
@testable import Swasm

/// Fuel and interruption in machine code: a metered run uses exactly the interpreter's fuel
/// and runs out at the same point with the same backtrace, whichever tier runs which part of
/// it, and an interrupt stops loops and recursion running as machine code.
final class NativeLimitsTests: XCTestCase {
    /// Loops (nested), direct and indirect calls, recursion, a snippet (`memory.grow`) and a
    /// host function that reads the fuel, sets it, and calls back into the guest.
    static let wat = """
    (module
      (import "host" "observe" (func $observe (param i32) (result i32)))
      (memory 1 4)
      (table 2 funcref)
      (elem (i32.const 0) $leaf $fib)
      (type $t (func (param i32) (result i32)))
      (func $leaf (type $t) (i32.popcnt (i32.mul (local.get 0) (i32.const 0x9e3779b1))))
      (func $fib (export "fib") (type $t)
        (if (result i32) (i32.lt_u (local.get 0) (i32.const 2)) (then (local.get 0))
          (else (i32.add (call $fib (i32.sub (local.get 0) (i32.const 1)))
                         (call $fib (i32.sub (local.get 0) (i32.const 2)))))))
      (func (export "work") (param $n i32) (result i32)
        (local $i i32) (local $j i32) (local $acc i32)
        (loop $outer
          (local.set $j (i32.const 0))
          (loop $inner
            (local.set $acc (i32.add (local.get $acc)
              (call_indirect (type $t) (local.get $j) (i32.and (local.get $j) (i32.const 1)))))
            (local.set $j (i32.add (local.get $j) (i32.const 1)))
            (br_if $inner (i32.lt_u (local.get $j) (i32.const 7))))
          (if (i32.eqz (i32.rem_u (local.get $i) (i32.const 4)))
            (then (local.set $acc (i32.add (local.get $acc) (call $observe (local.get $i))))))
          (local.set $acc (i32.add (local.get $acc) (memory.grow (i32.const 0))))
          (local.set $i (i32.add (local.get $i) (i32.const 1)))
          (br_if $outer (i32.lt_u (local.get $i) (local.get $n))))
        (local.get $acc))
      (func (export "spin") (loop $l (br $l)))
    )
    """

    struct FuelRun: Equatable {
        var outcome: String
        var remaining: UInt64
        /// The fuel the host function saw at each call.
        var seen: [UInt64]
    }

    /// Runs `work(12)` on `fuel` in a fresh engine (`threshold` nil: interpreter only).
    func run(fuel: UInt64, threshold: Int?) throws -> (FuelRun, Module) {
        var configuration = EngineConfiguration()
        configuration.consumeFuel = true
        if let threshold { configuration.nativeCodeThreshold = threshold } else { configuration.nativeCode = false }
        let engine = Engine(configuration: configuration)
        let store = Store(engine: engine)
        let module = try Module(engine: engine, bytes: WAT.encode(Self.wat))
        var seen: [UInt64] = []
        var instance: Instance?
        let linker = Linker()
        linker.defineFunction(store: store, module: "host", name: "observe") { (caller: Caller, i: Int32) -> Int32 in
            let fuel = caller.store.fuel
            seen.append(fuel)
            if i % 8 == 4 { try caller.store.setFuel(fuel / 2 + 40) }
            if i % 8 == 0, let fib = instance?.function("fib") {
                // A nested entry, metered on the same fuel.
                _ = try fib.call([.i32(4)])
            }
            return Int32(truncatingIfNeeded: caller.store.fuel % 97)
        }
        instance = try linker.instantiate(store: store, module: module)
        try store.setFuel(fuel)
        let outcome: String
        do {
            outcome = "\(try XCTUnwrap(instance?.function("work")).call([.i32(12)]))"
        } catch SwasmError.trap(let trap) {
            outcome = "trap \(trap.reason) at \(trap.backtrace.map(\.functionIndex))"
        }
        instance = nil
        return (FuelRun(outcome: outcome, remaining: store.fuel, seen: seen), module)
    }

    func testFuelMatchesTheInterpreterExactlyOnEveryTier() throws {
        guard NativeTier.isAvailable else { throw XCTSkip("no native tier on this platform") }
        // How much the whole run needs, on the interpreter.
        var needed: UInt64 = 0
        var step: UInt64 = 1 << 20
        while step > 0 {
            if try run(fuel: needed + step - 1, threshold: nil).0.outcome.hasPrefix("trap") { needed += step }
            step /= 2
        }
        XCTAssertGreaterThan(needed, 200)
        XCTAssertFalse(try run(fuel: needed, threshold: nil).0.outcome.hasPrefix("trap"))
        // Every amount around the edges and a spread in between runs out at the same point
        // (backtrace, fuel left, what the host saw) or finishes with the same fuel left.
        var amounts = Array(0...UInt64(60)) + Array((needed - 30)...(needed + 30))
        amounts += stride(from: 61, to: needed, by: Int(needed / 40)).map { UInt64($0) }
        var exhausted = 0
        for fuel in amounts {
            let (interpreted, _) = try run(fuel: fuel, threshold: nil)
            let (eager, eagerModule) = try run(fuel: fuel, threshold: 0)
            let (tiering, _) = try run(fuel: fuel, threshold: 3)
            XCTAssertEqual(eager, interpreted, "fuel \(fuel), every function compiled at its first call")
            XCTAssertEqual(tiering, interpreted, "fuel \(fuel), compiled after 3 entries or iterations")
            if interpreted.outcome.hasPrefix("trap fuel exhausted") { exhausted += 1 }
            if fuel == needed {
                for index in 0..<3 {  // all but `spin`, which this run never calls
                    XCTAssertNotNil(try eagerModule.code.function(index).nativeCode, "function \(index) ran as machine code")
                }
            }
        }
        XCTAssertGreaterThan(exhausted, 60)
    }

    /// A run that spends most of the fuel in machine code leaves exactly the interpreter's.
    func testFuelLeftAfterALongNativeLoop() throws {
        guard NativeTier.isAvailable else { throw XCTSkip("no native tier on this platform") }
        var left: [UInt64] = []
        for native in [false, true] {
            var configuration = EngineConfiguration()
            configuration.consumeFuel = true
            configuration.nativeCode = native
            configuration.nativeCodeThreshold = 10
            let engine = Engine(configuration: configuration)
            let store = Store(engine: engine)
            let module = try Module(engine: engine, bytes: APITestModules.runaway)
            let linker = Linker()
            linker.defineFunction(store: store, module: "host", name: "reenter") { (_: Int32) in }
            let instance = try linker.instantiate(store: store, module: module)
            let count = try instance.typedFunction("count", params: Int32.self, results: Int32.self)
            try store.setFuel(10_000_000)
            XCTAssertEqual(try count(1_000_000), 1_000_000)
            left.append(store.fuel)
            let spin = try instance.typedFunction("spin", params: Void.self, results: Void.self)
            XCTAssertThrowsError(try spin())
            left.append(store.fuel)
            if native {
                XCTAssertNotNil(try module.code.function(3).nativeCode, "count's loop tiered up")
            }
        }
        XCTAssertEqual(left[0], left[2])
        XCTAssertEqual(left[1], left[3])
    }

    /// Starts `name(arguments)` and interrupts it from another thread after 20 ms: it must
    /// stop with "interrupted", consume the request, and have run as machine code.
    func assertInterrupted(_ name: String, _ arguments: [Value], fuel: Bool, frames: [UInt32]?,
                           file: StaticString = #filePath, line: UInt = #line) throws {
        var configuration = EngineConfiguration()
        configuration.interruptible = true
        configuration.consumeFuel = fuel
        configuration.nativeCodeThreshold = 0
        let engine = Engine(configuration: configuration)
        let store = Store(engine: engine)
        if fuel { try store.setFuel(.max) }
        let module = try Module(engine: engine, bytes: WAT.encode(Self.wat))
        let linker = Linker()
        linker.defineFunction(store: store, module: "host", name: "observe") { (i: Int32) -> Int32 in i }
        let function = try XCTUnwrap(linker.instantiate(store: store, module: module).function(name), file: file, line: line)
        let handle = store.interruptHandle
        let interrupter = JoinableThread {
            usleep(20_000)
            handle.interrupt()
        }
        interrupter.start()
        defer { interrupter.join() }
        do {
            _ = try function.call(arguments)
            XCTFail("\(name) ran to its end despite the interruption", file: file, line: line)
        } catch SwasmError.trap(let trap) {
            XCTAssertEqual(trap.reason, .interrupted, file: file, line: line)
            let indices = trap.backtrace.map(\.functionIndex)
            if let frames { XCTAssertEqual(indices, frames, file: file, line: line) }
            XCTAssertFalse(indices.isEmpty, file: file, line: line)
        }
        XCTAssertFalse(handle.isInterruptRequested, "the trap consumes the request", file: file, line: line)
        let compiled = try (0..<module.code.count).filter { try module.code.function($0).nativeCode != nil }
        XCTAssertFalse(compiled.isEmpty, "machine code ran", file: file, line: line)
    }

    func testAnInterruptStopsAnEndlessLoopInMachineCode() throws {
        guard NativeTier.isAvailable else { throw XCTSkip("no native tier on this platform") }
        // Function 4 (the import is 0): the interpreter's backtrace is the loop's own frame.
        try assertInterrupted("spin", [], fuel: false, frames: [4])
        try assertInterrupted("spin", [], fuel: true, frames: [4])
    }

    func testAnInterruptStopsEndlessRecursionInMachineCode() throws {
        guard NativeTier.isAvailable else { throw XCTSkip("no native tier on this platform") }
        // fib(60) has no loop and would run for years; only its calls check.
        try assertInterrupted("fib", [.i32(60)], fuel: false, frames: nil)
        try assertInterrupted("fib", [.i32(60)], fuel: true, frames: nil)
    }

    /// A request pending before a call stops it at once, as the interpreter does, even when
    /// the function has machine code and no loop or call.
    func testAPendingInterruptStopsTheNextNativeCall() throws {
        guard NativeTier.isAvailable else { throw XCTSkip("no native tier on this platform") }
        for fuel in [false, true] {
            var configuration = EngineConfiguration()
            configuration.interruptible = true
            configuration.consumeFuel = fuel
            configuration.nativeCodeThreshold = 0
            let engine = Engine(configuration: configuration)
            let store = Store(engine: engine)
            if fuel { try store.setFuel(1_000_000) }
            let module = try Module(engine: engine, bytes: WAT.encode(Self.wat))
            let linker = Linker()
            linker.defineFunction(store: store, module: "host", name: "observe") { (i: Int32) -> Int32 in i }
            let fib = try XCTUnwrap(linker.instantiate(store: store, module: module).function("fib"))
            XCTAssertEqual(try fib.call([.i32(1)]), [.i32(1)])
            XCTAssertNotNil(try module.code.function(1).nativeCode)
            store.interruptHandle.interrupt()
            XCTAssertThrowsError(try fib.call([.i32(1)])) { error in
                guard case SwasmError.trap(let trap)? = error as? SwasmError else { return XCTFail("\(error)") }
                XCTAssertEqual(trap.reason, .interrupted)
                XCTAssertEqual(trap.backtrace.map(\.functionIndex), [2])
            }
            XCTAssertFalse(store.interruptHandle.isInterruptRequested)
            XCTAssertEqual(try fib.call([.i32(10)]), [.i32(55)])
        }
    }

    /// Machine code reads the store's count of pending requests past its context.
    func testMachineCodeReadsTheStoresPendingCount() throws {
        let store = Store(engine: Engine())
        let handle = store.interruptHandle
        let count = (handle.nativeContextMemory + InterruptHandle.machineFlagOffset).assumingMemoryBound(to: Int.self)
        XCTAssertEqual(count.pointee, 0)
        handle.interrupt()
        handle.interrupt()
        XCTAssertEqual(count.pointee, 1)
        handle.cancel()
        XCTAssertEqual(count.pointee, 0)
        XCTAssertEqual(UnsafeMutableRawPointer(store.execution.nativeContext), handle.nativeContextMemory)
    }
}
