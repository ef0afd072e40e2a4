import XCTest
import Swasm
import SwasmText

/// Interruption without fuel: the interpreter checks for a request at every back-edge (`br`,
/// `br_if`, fused compare-and-branch, `br_table`) and every call. A host import raises the
/// request from inside the guest, so each test knows exactly which check must fire.
final class InterruptChecksTests: XCTestCase {
    static let wat = """
    (module
      (import "host" "stop" (func $stop))
      (func $one (result i32) (i32.const 1))
      (func (export "br") (loop $l (call $stop) (br $l)))
      (func (export "br_if") (param $n i32)
        (loop $l (call $stop) (br_if $l (local.get $n))))
      (func (export "br_if_compare") (param $n i32)
        (loop $l (call $stop) (br_if $l (i32.lt_u (local.get $n) (i32.const 10)))))
      (func (export "br_table") (param $n i32)
        (loop $l (call $stop) (br_table $l $l (local.get $n))))
      (func (export "call") (result i32) (call $stop) (call $one))
      (func (export "no_check") (result i32) (call $stop) (i32.const 7))
      (func (export "spin") (loop $l (br $l)))
      (func (export "spin_if") (param $n i32) (loop $l (br_if $l (local.get $n))))
      (func (export "fib") (param $n i32) (result i32)
        (if (result i32) (i32.lt_u (local.get $n) (i32.const 2))
          (then (local.get $n))
          (else (i32.add (call 10 (i32.sub (local.get $n) (i32.const 1)))
                         (call 10 (i32.sub (local.get $n) (i32.const 2)))))))
      (func (export "tail_call") (result i32) (call $stop) (return_call $one)))
    """

    var store: Store!
    var instance: Instance!

    override func setUpWithError() throws {
        var configuration = EngineConfiguration()
        configuration.interruptible = true
        let engine = Engine(configuration: configuration)
        store = Store(engine: engine)
        let handle = store.interruptHandle
        let linker = Linker()
        linker.defineFunction(store: store, module: "host", name: "stop") { () in handle.interrupt() }
        instance = try linker.instantiate(store: store, module: Module(engine: engine, wat: Self.wat))
    }

    func assertInterrupted(_ name: String, _ arguments: [Value] = [], file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertThrowsError(try instance.function(name)?.call(arguments), file: file, line: line) { error in
            guard case SwasmError.trap(let trap)? = error as? SwasmError else {
                return XCTFail("expected a trap, got \(error)", file: file, line: line)
            }
            XCTAssertEqual(trap.reason, .interrupted, file: file, line: line)
        }
        XCTAssertFalse(store.interruptHandle.isInterruptRequested, "the trap consumes the request", file: file, line: line)
    }

    func testBackEdgesCheck() {
        assertInterrupted("br")
        assertInterrupted("br_if", [.i32(1)])
        assertInterrupted("br_if_compare", [.i32(3)])
        assertInterrupted("br_table", [.i32(0)])
        assertInterrupted("br_table", [.i32(5)])
    }

    func testCallsCheck() {
        assertInterrupted("call")
        assertInterrupted("tail_call")
    }

    func testForwardBranchesAndReturnsDoNotCheck() throws {
        // Loops that exit and straight-line code run to the end; the request waits.
        XCTAssertEqual(try instance.function("br_if")?.call([.i32(0)]), [])
        XCTAssertTrue(store.interruptHandle.isInterruptRequested)
        store.interruptHandle.cancel()
        XCTAssertEqual(try instance.function("no_check")?.call([]), [.i32(7)])
        store.interruptHandle.cancel()
    }

    func testAPendingRequestStopsTheNextEntry() throws {
        store.interruptHandle.interrupt()
        XCTAssertThrowsError(try instance.function("fib")?.call([.i32(1)]))
        XCTAssertFalse(store.interruptHandle.isInterruptRequested)
        XCTAssertEqual(try instance.function("fib")?.call([.i32(10)]), [.i32(55)])
    }

    func testAnotherThreadStopsEmptyLoops() throws {
        // An empty loop's back-edge jumps to itself (distance 0).
        let handle = store.interruptHandle
        for (name, arguments) in [("spin", [Value]()), ("spin_if", [.i32(1)])] {
            let interrupter = Thread { usleep(20_000); handle.interrupt() }
            interrupter.start()
            assertInterrupted(name, arguments)
        }
    }

    func testAnotherThreadStopsRecursionWithoutLoops() throws {
        // fib(40) makes hundreds of millions of calls and no loop: only the call check stops it.
        let fib = try instance.typedFunction("fib", params: Int32.self, results: Int32.self)
        let handle = store.interruptHandle
        let interrupter = Thread { usleep(20_000); handle.interrupt() }
        interrupter.start()
        let start = Date()
        XCTAssertThrowsError(try fib(40)) { error in
            guard case SwasmError.trap(let trap)? = error as? SwasmError else { return XCTFail("\(error)") }
            XCTAssertEqual(trap.reason, .interrupted)
        }
        XCTAssertLessThan(Date().timeIntervalSince(start), 5)
    }
}
