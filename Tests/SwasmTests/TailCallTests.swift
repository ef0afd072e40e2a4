import XCTest
import SwasmText
@testable import Swasm

/// Tail calls run in constant stack: deep mutual recursion through `return_call`,
/// `return_call_indirect` and imports (another instance, a host function) never exhausts the
/// call stack, which the same recursion through `call` does.
final class TailCallTests: XCTestCase {
    static let recursion = """
    (module
      (type $t (func (param i64 i64) (result i64)))
      (import "host" "done" (func $done (param i64 i64) (result i64)))
      (import "other" "bounce" (func $bounce (param i64 i64) (result i64)))
      (table $tab 2 funcref)
      (elem (table $tab) (i32.const 0) func $even $odd)
      ;; even/odd count down n, adding 1 to the accumulator at every step.
      (func $even (export "even") (param $n i64) (param $acc i64) (result i64)
        (if (result i64) (i64.eqz (local.get $n))
          (then (return_call $done (local.get $acc) (i64.const 1)))
          (else (return_call $odd (i64.sub (local.get $n) (i64.const 1))
                                  (i64.add (local.get $acc) (i64.const 1))))))
      (func $odd (export "odd") (param $n i64) (param $acc i64) (result i64)
        (local i64 i64 i64 i64 i64 i64)
        (if (result i64) (i64.eqz (local.get $n))
          (then (return_call $done (local.get $acc) (i64.const 0)))
          (else (return_call_indirect $tab (type $t)
                  (i64.sub (local.get $n) (i64.const 1)) (i64.add (local.get $acc) (i64.const 1))
                  (i32.const 0)))))
      ;; Through another instance, which tail-calls back through its import.
      (func $viaImport (export "viaImport") (param $n i64) (param $acc i64) (result i64)
        (if (result i64) (i64.eqz (local.get $n))
          (then (local.get $acc))
          (else (return_call $bounce (i64.sub (local.get $n) (i64.const 1))
                                     (i64.add (local.get $acc) (i64.const 2))))))
      (func $plain (export "plain") (param $n i64) (result i64)
        (if (result i64) (i64.eqz (local.get $n))
          (then (i64.const 0))
          (else (i64.add (call $plain (i64.sub (local.get $n) (i64.const 1))) (i64.const 1))))))
    """

    static let bouncer = """
    (module
      (import "main" "viaImport" (func $back (param i64 i64) (result i64)))
      (func (export "bounce") (param i64 i64) (result i64)
        (return_call $back (local.get 0) (local.get 1))))
    """

    func makeInstance() throws -> (Instance, Box) {
        let store = Store(engine: Engine())
        let linker = Linker()
        let calls = Box()
        let i64 = ValueType.i64
        linker.defineFunction(store: store, module: "host", name: "done",
                              type: FuncType(params: [i64, i64], results: [i64])) { _, args in
            calls.count += 1
            guard case .i64(let acc) = args[0], case .i64(let parity) = args[1] else { return [] }
            return [.i64(acc * 10 + parity)]
        }
        // The two modules import each other, so main reaches the bouncer through a host
        // function that forwards to it once it exists.
        let bouncerHolder = Box()
        linker.defineFunction(store: store, module: "other", name: "bounce",
                              type: FuncType(params: [i64, i64], results: [i64])) { _, args in
            guard let f = bouncerHolder.function else { throw APIError("bouncer not ready") }
            return try f.call(args)
        }
        let main = try linker.instantiate(store: store, module: Module(engine: store.engine, bytes: WAT.encode(Self.recursion)))
        linker.define(module: "main", instance: main)
        let other = try linker.instantiate(store: store, module: Module(engine: store.engine, bytes: WAT.encode(Self.bouncer)))
        bouncerHolder.function = other.function("bounce")
        return (main, calls)
    }

    final class Box {
        var count = 0
        var function: Function?
    }

    func testTenMillionMutualTailCallsRunInConstantStack() throws {
        let (instance, calls) = try makeInstance()
        let even = try XCTUnwrap(instance.function("even"))
        // 10,000,000 steps alternate even → odd (direct) and odd → even (through the table),
        // then tail-call the host, whose result is returned from the original frame.
        XCTAssertEqual(try even.call([.i64(10_000_000), .i64(0)]), [.i64(10_000_000 * 10 + 1)])
        XCTAssertEqual(try even.call([.i64(7), .i64(0)]), [.i64(70)])
        XCTAssertEqual(calls.count, 2)
    }

    func testTheSameRecursionThroughCallExhaustsTheStack() throws {
        let (instance, _) = try makeInstance()
        let plain = try XCTUnwrap(instance.function("plain"))
        XCTAssertEqual(try plain.call([.i64(1000)]), [.i64(1000)])
        XCTAssertThrowsError(try plain.call([.i64(10_000_000)])) { error in
            guard case SwasmError.trap(let trap) = error else { return XCTFail("\(error)") }
            XCTAssertEqual(trap.reason, .callStackExhausted)
        }
    }

    func testTailCallsAcrossInstancesSwitchInstances() throws {
        let (instance, _) = try makeInstance()
        let viaImport = try XCTUnwrap(instance.function("viaImport"))
        // Each step goes through a host function (which calls the other instance), so the
        // depth here is bounded by the host recursion; a few dozen steps suffice to check
        // that results come back through both kinds of import.
        XCTAssertEqual(try viaImport.call([.i64(40), .i64(0)]), [.i64(80)])
    }

    func testReturnCallIndirectTrapsLikeCallIndirect() throws {
        let text = """
        (module
          (type $v (func (result i32)))
          (table 2 funcref)
          (elem (i32.const 0) $f)
          (func $f (result f32) (f32.const 1))
          (func (export "mismatch") (result i32) (return_call_indirect (type $v) (i32.const 0)))
          (func (export "null") (result i32) (return_call_indirect (type $v) (i32.const 1)))
          (func (export "outside") (result i32) (return_call_indirect (type $v) (i32.const 2))))
        """
        let store = Store(engine: Engine())
        let instance = try Linker().instantiate(store: store, module: Module(engine: store.engine, bytes: WAT.encode(text)))
        for (name, reason) in [("mismatch", TrapReason.indirectCallTypeMismatch), ("null", .uninitializedElement),
                               ("outside", .undefinedElement)] {
            XCTAssertThrowsError(try XCTUnwrap(instance.function(name)).call([])) { error in
                guard case SwasmError.trap(let trap) = error else { return XCTFail("\(error)") }
                XCTAssertEqual(trap.reason, reason, name)
            }
        }
    }
}
