import XCTest
import SwasmText
@testable import Swasm

/// Exception handling in machine code: functions with `try_table`, legacy `try`, `throw` and
/// `throw_ref` compile, and every catch, rethrow, delegate and uncaught exception agrees with
/// the interpreter (results, trap reasons and backtraces).
final class NativeExceptionTests: XCTestCase {
    static let wat = """
    (module
      (import "host" "raise" (func $raise (param i32)))
      (tag $small (export "small") (param i32))
      (tag $wide (param i64 f64))
      (tag $empty)
      (func $thrower (param $n i32) (result i32)
        (if (i32.eq (local.get $n) (i32.const 1)) (then (throw $small (i32.const 41))))
        (if (i32.eq (local.get $n) (i32.const 2))
          (then (throw $wide (i64.const 0x1234_5678_9abc) (f64.const -2.5))))
        (if (i32.eq (local.get $n) (i32.const 3)) (then (throw $empty)))
        (if (i32.eq (local.get $n) (i32.const 4)) (then (call $raise (i32.const 99))))
        (if (i32.eq (local.get $n) (i32.const 5)) (then (unreachable)))
        (i32.mul (local.get $n) (i32.const 10)))
      ;; Caught in the same function as the throw.
      (func (export "local") (param $n i32) (result i32)
        (block $caught (result i32)
          (try_table (result i32) (catch $small $caught)
            (if (i32.gt_u (local.get $n) (i32.const 7)) (then (throw $small (local.get $n))))
            (i32.add (local.get $n) (i32.const 1)))))
      ;; Thrown in a callee, caught by tag, by catch_all and with a reference.
      (func (export "caller") (param $n i32) (result i64)
        (local $acc i64)
        (local.set $acc (i64.const 1000))
        (block $done (result i64)
          (block $all
            (block $wideCaught (result i64 f64)
              (block $smallCaught (result i32)
                (try_table (catch $small $smallCaught) (catch $wide $wideCaught) (catch_all $all)
                  (local.set $acc (i64.add (local.get $acc) (i64.extend_i32_u (call $thrower (local.get $n))))))
                (br $done (local.get $acc)))
              (i64.extend_i32_u) (local.get $acc) (i64.add) (br $done))
            (drop)
            (br $done (i64.add (local.get $acc))))
          (i64.const -7)))
      ;; A loop whose body catches at every iteration: kept registers survive the landing.
      (func (export "loop") (param $n i32) (result i64)
        (local $i i32) (local $sum i64) (local $f f64)
        (loop $next
          (block $caught (result i32)
            (try_table (catch $small $caught)
              (local.set $sum (i64.add (local.get $sum) (i64.extend_i32_u (call $thrower (i32.and (local.get $i) (i32.const 1)))))))
            (i32.const 0))
          (i64.extend_i32_u) (local.get $sum) (i64.add) (local.set $sum)
          (local.set $f (f64.add (local.get $f) (f64.const 0.5)))
          (local.set $i (i32.add (local.get $i) (i32.const 1)))
          (br_if $next (i32.lt_u (local.get $i) (local.get $n))))
        (i64.add (local.get $sum) (i64.trunc_f64_s (local.get $f))))
      ;; catch_ref and throw_ref: caught, rethrown, caught again outside.
      (func $rethrower (param $n i32) (result i32)
        (block $ref (result i32 exnref)
          (try_table (catch_ref $small $ref)
            (drop (call $thrower (local.get $n))))
          (return (i32.const -1)))
        (throw_ref))
      (func (export "rethrow") (param $n i32) (result i32)
        (block $outer (result i32)
          (try_table (result i32) (catch $small $outer)
            (call $rethrower (local.get $n)))))
      ;; throw_ref of null traps.
      (func (export "nullref") (result i32)
        (throw_ref (ref.null exn)))
      ;; The legacy forms: try/catch, catch_all, rethrow and delegate.
      (func (export "legacy") (param $n i32) (result i32)
        (try (result i32)
          (do
            (try (result i32)
              (do (call $thrower (local.get $n)))
              (delegate 0)))
          (catch $small (i32.add (i32.const 100)))
          (catch_all (i32.const 200))))
      (func (export "legacyRethrow") (param $n i32) (result i32)
        (try (result i32)
          (do
            (try (result i32)
              (do (call $thrower (local.get $n)))
              (catch $small (drop) (rethrow 0))))
          (catch $small (drop) (i32.const 300))))
      ;; Uncaught: the exception leaves through native frames.
      (func (export "uncaught") (param $n i32) (result i32)
        (block $caught (result i64 f64)
          (try_table (result i32) (catch $wide $caught)
            (call $thrower (local.get $n)))
          (return))
        (drop) (drop) (i32.const -2)))
    """

    func instances(_ engine: Engine) throws -> Instance {
        let store = Store(engine: engine)
        let linker = Linker()
        var small: Tag?
        linker.defineFunction(store: store, module: "host", name: "raise", type: FuncType(params: [.i32], results: [])) { _, args in
            guard let small, case .i32(let value) = args[0] else { return [] }
            throw try WasmException(tag: small, values: [.i32(value)])
        }
        let instance = try linker.instantiate(store: store, module: Module(engine: engine, bytes: WAT.encode(Self.wat)))
        small = instance.tag("small")
        return instance
    }

    func pair() throws -> (native: Instance, interpreted: Instance, module: Module) {
        let native = try instances(Engine(configuration: .nativeAtFirstCall))
        return (native, try instances(Engine(configuration: .interpreterOnly)), native.module)
    }


    func testFunctionsWithHandlersCompile() throws {
        guard NativeTier.isAvailable else { throw XCTSkip("no native tier on this platform") }
        let module = try pair().module
        for index in 0..<module.code.count {
            let function = try module.code.function(index)
            XCTAssertTrue(function.hasTierChecks, "function \(index) is eligible")
            module.code.compileNative(index)
            XCTAssertNotNil(function.nativeCode, "function \(index) compiles")
        }
    }

    func testCatchesMatchTheInterpreter() throws {
        let instances = try pair()
        var cases: [(String, [Value])] = [("nullref", [])]
        for n: UInt32 in 0...9 {
            for name in ["local", "caller", "rethrow", "legacy", "legacyRethrow", "uncaught"] {
                cases.append((name, [.i32(n)]))
            }
        }
        cases += [("loop", [.i32(1)]), ("loop", [.i32(10)]), ("loop", [.i32(1001)])]
        for (name, arguments) in cases {
            let native = try outcome(instances.native, name, arguments)
            let interpreted = try outcome(instances.interpreted, name, arguments)
            XCTAssertEqual(native, interpreted, "\(name)\(arguments)")
        }
        // Spot checks that the comparison compares something.
        func call(_ name: String, _ n: UInt32) throws -> [Value] {
            try XCTUnwrap(instances.native.function(name)).call([.i32(n)])
        }
        XCTAssertEqual(try call("local", 9), [.i32(9)])
        XCTAssertEqual(try call("caller", 1), [.i64(1041)])
        XCTAssertEqual(try call("caller", 4), [.i64(1099)])
        XCTAssertEqual(try call("legacy", 3), [.i32(200)])
        XCTAssertEqual(try call("legacyRethrow", 1), [.i32(300)])
        XCTAssertEqual(try call("loop", 10), [.i64(5 * 41 + 5)])
        XCTAssertTrue(try outcome(instances.native, "uncaught", [.i32(3)]).hasPrefix("trap uncaught"))
        XCTAssertTrue(try outcome(instances.native, "caller", [.i32(5)]).hasPrefix("trap unreachable"))
    }

    /// A call that moves into machine code at a loop inside a `try_table` and then throws
    /// outside it: machine code found no handler, and the interpreter, which sees the call
    /// only at the loop, must not catch it with the handler around the loop.
    func testCallEnteringMachineCodeInsideATryIsNotCaughtThere() throws {
        let wat = """
        (module
          (tag $empty)
          (func (export "osr") (param $n i32) (result i32)
            (local $i i32)
            (block $handler
              (try_table (catch_all $handler)
                (loop $next
                  (local.set $i (i32.add (local.get $i) (i32.const 1)))
                  (br_if $next (i32.lt_u (local.get $i) (local.get $n)))))
              (throw $empty))
            (i32.const 7)))
        """
        var results: [String] = []
        var modules: [Module] = []
        for configuration in [EngineConfiguration.interpreterOnly, EngineConfiguration()] {
            let engine = Engine(configuration: configuration)
            let module = try Module(engine: engine, bytes: WAT.encode(wat))
            modules.append(module)
            let instance = try Linker().instantiate(store: Store(engine: engine), module: module)
            results.append(try outcome(instance, "osr", [.i32(100_000)]))
        }
        XCTAssertEqual(results[0], results[1])
        XCTAssertTrue(results[0].hasPrefix("trap uncaught"), results[0])
        if NativeTier.isAvailable {
            XCTAssertNotNil(try modules[1].code.function(0).nativeCode, "the loop moved into machine code")
        }
    }
}
