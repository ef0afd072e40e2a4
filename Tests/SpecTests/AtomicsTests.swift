import Foundation
import Swasm
import SwasmText
import WastRunner
import XCTest

/// Atomic instructions and shared memories beyond the threads proposal's scripts: atomics on
/// an unshared memory, the order of their traps, wait's timeout, and shared memories used by
/// stores on two threads at once.
final class AtomicsTests: XCTestCase {
    private func assertAllPass(_ script: String, passed: Int, file: StaticString = #filePath, line: UInt = #line) {
        let result = WastRunner(path: "test.wast", dialect: .wasm3).run(source: script)
        XCTAssertEqual(result.failed, 0, result.failures.joined(separator: "\n"), file: file, line: line)
        XCTAssertEqual(result.passed, passed, file: file, line: line)
    }

    func testAtomicsOnAnUnsharedMemory() {
        assertAllPass("""
            (module
              (memory 1 2)
              (func (export "add") (param i32 i32) (result i32) (i32.atomic.rmw.add (local.get 0) (local.get 1)))
              (func (export "load") (param i32) (result i32) (i32.atomic.load (local.get 0)))
              (func (export "sub8") (param i32 i64) (result i64) (i64.atomic.rmw8.sub_u (local.get 0) (local.get 1)))
              (func (export "load64") (param i32) (result i64) (i64.atomic.load offset=8 (local.get 0)))
              (func (export "cmpxchg16") (param i32 i32 i32) (result i32)
                (i32.atomic.rmw16.cmpxchg_u (local.get 0) (local.get 1) (local.get 2)))
              (func (export "xchg32") (param i32 i64) (result i64) (i64.atomic.rmw32.xchg_u (local.get 0) (local.get 1)))
              (func (export "notify") (param i32) (result i32) (memory.atomic.notify (local.get 0) (i32.const 1)))
              (func (export "wait") (param i32) (result i32)
                (memory.atomic.wait32 (local.get 0) (i32.const 0) (i64.const 0)))
              (func (export "fence") (atomic.fence))
              (func (export "grow") (result i32) (memory.grow (i32.const 1))))
            (assert_return (invoke "add" (i32.const 4) (i32.const 5)) (i32.const 0))
            (assert_return (invoke "add" (i32.const 4) (i32.const -1)) (i32.const 5))
            (assert_return (invoke "load" (i32.const 4)) (i32.const 4))
            ;; Narrow read-modify-writes wrap within their width and zero-extend the old value.
            (assert_return (invoke "sub8" (i32.const 0) (i64.const 1)) (i64.const 0))
            (assert_return (invoke "load" (i32.const 0)) (i32.const 0xff))
            (assert_return (invoke "load64" (i32.const 0)) (i64.const 0))
            ;; cmpxchg compares the expected value wrapped to the width.
            (assert_return (invoke "cmpxchg16" (i32.const 0) (i32.const 0x100ff) (i32.const 0x1234)) (i32.const 0xff))
            (assert_return (invoke "load" (i32.const 0)) (i32.const 0x1234))
            (assert_return (invoke "xchg32" (i32.const 0) (i64.const -1)) (i64.const 0x1234))
            (assert_return (invoke "load" (i32.const 0)) (i32.const -1))
            (assert_return (invoke "notify" (i32.const 0)) (i32.const 0))
            (assert_trap (invoke "wait" (i32.const 0)) "expected shared memory")
            (assert_return (invoke "fence"))
            ;; Out of bounds is checked before alignment; both hold for the grown memory.
            (assert_trap (invoke "load" (i32.const 65533)) "out of bounds memory access")
            (assert_trap (invoke "load" (i32.const 65534)) "out of bounds memory access")
            (assert_trap (invoke "load" (i32.const 65530)) "unaligned atomic")
            (assert_trap (invoke "load64" (i32.const 4)) "unaligned atomic")
            (assert_trap (invoke "notify" (i32.const 2)) "unaligned atomic")
            (assert_return (invoke "grow") (i32.const 1))
            (assert_return (invoke "add" (i32.const 65536) (i32.const 7)) (i32.const 0))
            (assert_return (invoke "load" (i32.const 65536)) (i32.const 7))
            """, passed: 21)
    }

    func testAtomicsOnAnotherAndA64BitMemory() {
        assertAllPass("""
            (module
              (memory $a 1)
              (memory $b i64 1 1 shared)
              (func (export "add") (param i64 i32) (result i32) (i32.atomic.rmw.add $b (local.get 0) (local.get 1)))
              (func (export "far") (param i64) (result i32) (i32.atomic.load $b offset=0x100000000 (local.get 0)))
              (func (export "wrap") (param i64) (result i64) (i64.atomic.load $b offset=8 (local.get 0)))
              (func (export "plain") (param i32) (result i32) (i32.atomic.load (local.get 0))))
            (assert_return (invoke "add" (i64.const 8) (i32.const 3)) (i32.const 0))
            (assert_return (invoke "add" (i64.const 8) (i32.const 3)) (i32.const 3))
            (assert_return (invoke "plain" (i32.const 8)) (i32.const 0))
            (assert_trap (invoke "far" (i64.const 0)) "out of bounds memory access")
            (assert_trap (invoke "wrap" (i64.const -8)) "out of bounds memory access")
            (assert_trap (invoke "add" (i64.const 0x10000) (i32.const 0)) "out of bounds memory access")
            (assert_trap (invoke "add" (i64.const 6) (i32.const 0)) "unaligned atomic")
            """, passed: 7)
    }

    func testWaitOnASharedMemory() {
        assertAllPass("""
            (module
              (memory 1 1 shared)
              (func (export "wait32") (param i32 i32 i64) (result i32)
                (memory.atomic.wait32 (local.get 0) (local.get 1) (local.get 2)))
              (func (export "wait64") (param i32 i64 i64) (result i32)
                (memory.atomic.wait64 (local.get 0) (local.get 1) (local.get 2)))
              (func (export "notify") (param i32 i32) (result i32)
                (memory.atomic.notify (local.get 0) (local.get 1))))
            (assert_return (invoke "wait32" (i32.const 0) (i32.const 0) (i64.const 0)) (i32.const 2))
            (assert_return (invoke "wait32" (i32.const 0) (i32.const 0) (i64.const 1000000)) (i32.const 2))
            (assert_return (invoke "wait32" (i32.const 0) (i32.const 1) (i64.const -1)) (i32.const 1))
            (assert_return (invoke "wait64" (i32.const 8) (i64.const 0) (i64.const 1000)) (i32.const 2))
            (assert_trap (invoke "wait64" (i32.const 4) (i64.const 0) (i64.const 0)) "unaligned atomic")
            (assert_return (invoke "notify" (i32.const 0) (i32.const 10)) (i32.const 0))
            """, passed: 6)
    }

    func testValidation() {
        assertAllPass("""
            (assert_invalid (module (memory 1 1) (func (drop (i32.atomic.load align=2 (i32.const 0)))))
              "atomic alignment must be natural")
            (assert_invalid (module (memory 1 1) (func (drop (i32.atomic.load8_u align=2 (i32.const 0)))))
              "alignment must not be larger than natural")
            (assert_invalid (module (memory 1 1) (func (drop (i64.atomic.rmw.add (i32.const 0) (i32.const 0)))))
              "type mismatch")
            (assert_invalid (module (memory 1 1) (func (drop (memory.atomic.wait64 (i32.const 0) (i32.const 0) (i64.const 0)))))
              "type mismatch")
            (assert_invalid (module (memory 1 shared)) "shared memory must have maximum")
            (assert_malformed (module binary "\\00asm\\01\\00\\00\\00\\01\\04\\01\\60\\00\\00\\03\\02\\01\\00\\05\\04\\01\\03\\01\\01"
              "\\0a\\07\\01\\05\\00\\fe\\03\\01\\0b") "zero byte expected")
            (module binary "\\00asm\\01\\00\\00\\00\\01\\04\\01\\60\\00\\00\\03\\02\\01\\00\\05\\04\\01\\03\\01\\01"
              "\\0a\\07\\01\\05\\00\\fe\\03\\00\\0b")
            """, passed: 6)
    }

    func testASharedMemoryNeverMovesWhenItGrows() throws {
        let engine = Engine()
        let store = Store(engine: engine)
        let memory = try Memory(store: store, type: MemoryType(limits: Limits(min: 1, max: 1024, shared: true)))
        let before = memory.withUnsafeMutableBytes { UInt(bitPattern: $0.baseAddress) }
        XCTAssertEqual(memory.grow(by: 1000), 1)
        XCTAssertEqual(memory.withUnsafeMutableBytes { UInt(bitPattern: $0.baseAddress) }, before)
        XCTAssertNil(memory.grow(by: 24))
        XCTAssertEqual(memory.pageCount, 1001)
    }

    /// The module each thread instantiates in its own store, importing one shared memory.
    static let worker = """
        (module
          (import "env" "memory" (memory 1 1 shared))
          (func (export "wait") (param i32 i64) (result i32)
            (memory.atomic.wait32 (local.get 0) (i32.const 0) (local.get 1)))
          (func (export "notify") (param i32) (result i32)
            (memory.atomic.notify (local.get 0) (i32.const 1)))
          (func (export "count") (param i32 i32)
            (loop $again
              (drop (i32.atomic.rmw.add (local.get 0) (i32.const 1)))
              (br_if $again (local.tee 1 (i32.sub (local.get 1) (i32.const 1))))))
          (func (export "load") (param i32) (result i32) (i32.atomic.load (local.get 0))))
        """

    /// One thread's store and instance of `worker`, importing `memory` from another store.
    private func instantiateWorker(_ module: Module, memory: Memory) throws -> Instance {
        let store = Store(engine: module.engine)
        let linker = Linker()
        linker.define(module: "env", name: "memory", .memory(memory))
        return try linker.instantiate(store: store, module: module)
    }

    func testWaitIsWokenByANotifyFromAnotherThread() throws {
        let engine = Engine()
        let owner = Store(engine: engine)
        let memory = try Memory(store: owner, type: MemoryType(limits: Limits(min: 1, max: 1, shared: true)))
        let module = try Module(engine: engine, wat: Self.worker)
        let waiter = try instantiateWorker(module, memory: memory)
        let notifier = try instantiateWorker(module, memory: memory)
        let wait = try waiter.typedFunction("wait", params: (Int32, Int64).self, results: Int32.self)
        let notify = try notifier.typedFunction("notify", params: Int32.self, results: Int32.self)

        let done = DispatchSemaphore(value: 0)
        nonisolated(unsafe) var waitResult: Int32 = -1
        let thread = Thread {
            // 20 s: long enough for any machine, short enough not to hang the suite on a bug.
            waitResult = (try? wait(16, 20_000_000_000)) ?? -2
            done.signal()
        }
        thread.start()
        // notify returns 1 once the other thread is queued and woken; 0 while it is not yet.
        var woken: Int32 = 0
        let deadline = Date().addingTimeInterval(20)
        while woken == 0, Date() < deadline {
            woken = try notify(16)
            if woken == 0 { usleep(1000) }
        }
        XCTAssertEqual(woken, 1)
        XCTAssertEqual(done.wait(timeout: .now() + 20), .success)
        XCTAssertEqual(waitResult, 0, "0 is \"ok\": woken by notify, not timed out (2)")
    }

    func testAnInterruptStopsAWaitThatNoOneNotifies() throws {
        var configuration = EngineConfiguration()
        configuration.interruptible = true
        let engine = Engine(configuration: configuration)
        let store = Store(engine: engine)
        let memory = try Memory(store: store, type: MemoryType(limits: Limits(min: 1, max: 1, shared: true)))
        let module = try Module(engine: engine, wat: Self.worker)
        let linker = Linker()
        linker.define(module: "env", name: "memory", .memory(memory))
        let instance = try linker.instantiate(store: store, module: module)
        let wait = try instance.typedFunction("wait", params: (Int32, Int64).self, results: Int32.self)
        let handle = store.interruptHandle
        DispatchQueue.global().asyncAfter(deadline: .now() + 0.05) { handle.interrupt() }
        let start = Date()
        XCTAssertThrowsError(try wait(0, -1)) { error in
            guard case SwasmError.trap(let trap) = error else { return XCTFail("\(error)") }
            XCTAssertEqual(trap.reason, .interrupted)
        }
        XCTAssertLessThan(Date().timeIntervalSince(start), 10)
        // The trap consumed the request: the next wait times out normally.
        XCTAssertEqual(try wait(0, 1_000_000), 2)
    }

    func testReadModifyWritesFromTwoThreadsDoNotLoseUpdates() throws {
        let engine = Engine()
        let owner = Store(engine: engine)
        let memory = try Memory(store: owner, type: MemoryType(limits: Limits(min: 1, max: 1, shared: true)))
        let module = try Module(engine: engine, wat: Self.worker)
        let instances = try (0..<2).map { _ in try instantiateWorker(module, memory: memory) }
        let counts = try instances.map { try $0.typedFunction("count", params: (Int32, Int32).self, results: Void.self) }
        let rounds: Int32 = 200_000
        let group = DispatchGroup()
        nonisolated(unsafe) var failures = 0
        for count in counts {
            group.enter()
            Thread {
                if (try? count(64, rounds)) == nil { failures += 1 }
                group.leave()
            }.start()
        }
        XCTAssertEqual(group.wait(timeout: .now() + 60), .success)
        XCTAssertEqual(failures, 0)
        let load = try instances[0].typedFunction("load", params: Int32.self, results: Int32.self)
        XCTAssertEqual(try load(64), 2 * rounds)
    }

    func testOnlySharedMemoriesCrossStores() throws {
        let engine = Engine()
        let owner = Store(engine: engine)
        let unshared = try Memory(store: owner, type: MemoryType(limits: Limits(min: 1, max: 1)))
        let module = try Module(engine: engine, wat: "(module (import \"env\" \"memory\" (memory 1 1)))")
        let linker = Linker()
        linker.define(module: "env", name: "memory", .memory(unshared))
        XCTAssertThrowsError(try linker.instantiate(store: Store(engine: engine), module: module)) { error in
            guard case SwasmError.unlinkable(let message) = error else { return XCTFail("\(error)") }
            XCTAssertTrue(message.contains("different store"), message)
        }
        let otherEngine = Engine()
        let foreign = try Memory(store: Store(engine: otherEngine), type: MemoryType(limits: Limits(min: 1, max: 1, shared: true)))
        let sharedModule = try Module(engine: engine, wat: Self.worker)
        XCTAssertThrowsError(try instantiateWorker(sharedModule, memory: foreign))
    }
}
