import XCTest
import SwasmText
@testable import Swasm

/// Exception handling through the public API: exceptions caught across Wasm frames, thrown by
/// host functions into Wasm handlers, propagated out of Wasm through host functions and back,
/// and reaching the embedder as an uncaught-exception trap that names the tag and values.
final class ExceptionTests: XCTestCase {
    static let text = """
    (module
      (import "host" "tag" (tag $host (param i32)))
      (import "host" "throwHost" (func $throwHost (param i32)))
      (import "host" "callBack" (func $callBack (param i32) (result i32)))
      (tag $e (export "e") (param i32 i64))
      (tag $other (param i32 i64))
      (func $thrower (export "thrower") (param i32)
        (throw $e (local.get 0) (i64.const 77)))
      ;; Caught two frames up, with both values.
      (func (export "catchSum") (param i32) (result i64) (local i64)
        (block $h (result i32 i64)
          (try_table (catch $e $h) (call $thrower (local.get 0)))
          (return (i64.const -1)))
        (local.set 1)
        (i64.extend_i32_u)
        (i64.add (local.get 1)))
      ;; A handler for another tag of the same type does not catch it.
      (func (export "otherTag") (param i32) (result i32)
        (block $h (result i32 i64)
          (try_table (catch $other $h) (call $thrower (local.get 0)))
          (return (i32.const -1)))
        (drop))
      ;; catch_ref, then throw_ref: the same exception reaches the outer handler.
      (func (export "rethrowRef") (param i32) (result i32) (local exnref)
        (block $outer (result i32 i64)
          (block $inner (result i32 i64 exnref)
            (try_table (catch_ref $e $inner) (call $thrower (local.get 0)))
            (return (i32.const -1)))
          (local.set 1) (drop) (drop)
          (try_table (catch $e $outer) (throw_ref (local.get 1)))
          (return (i32.const -2)))
        (drop))
      ;; The host function throws an exception of the imported tag.
      (func (export "catchHost") (param i32) (result i32)
        (block $h (result i32)
          (try_table (catch $host $h) (call $throwHost (local.get 0)))
          (return (i32.const -1))))
      ;; The host calls `thrower`, sees the exception and rethrows it; it continues here.
      (func (export "throughHost") (param i32) (result i32)
        (block $h (result i32 i64)
          (try_table (catch $e $h) (drop (call $callBack (local.get 0))))
          (return (i32.const -1)))
        (drop))
      (func (export "catchAll") (result i32)
        (block $h
          (try_table (catch_all $h) (call $thrower (i32.const 1)))
          (return (i32.const 0)))
        (i32.const 1))
      (func (export "throwRefNull") (throw_ref (ref.null exn))))
    """

    final class Seen {
        var exceptions: [WasmException] = []
    }

    func makeInstance() throws -> (Instance, Tag, Seen) {
        let store = Store(engine: Engine())
        let linker = Linker()
        let hostTag = try Tag(store: store, type: FuncType(params: [.i32], results: []))
        linker.define(module: "host", name: "tag", .tag(hostTag))
        linker.defineFunction(store: store, module: "host", name: "throwHost",
                              type: FuncType(params: [.i32], results: [])) { _, args in
            throw try WasmException(tag: hostTag, values: [args[0]])
        }
        let seen = Seen()
        var thrower: Function?
        linker.defineFunction(store: store, module: "host", name: "callBack",
                              type: FuncType(params: [.i32], results: [.i32])) { _, args in
            do {
                _ = try thrower?.call(args)
                return [.i32(0)]
            } catch SwasmError.trap(let trap) where trap.reason == .uncaughtException {
                if let exception = trap.exception { seen.exceptions.append(exception) }
                throw SwasmError.trap(trap)
            }
        }
        let module = try Module(engine: store.engine, bytes: WAT.encode(Self.text))
        let instance = try linker.instantiate(store: store, module: module)
        thrower = instance.function("thrower")
        return (instance, hostTag, seen)
    }

    func call(_ instance: Instance, _ name: String, _ args: [Value]) throws -> [Value] {
        try XCTUnwrap(instance.function(name)).call(args)
    }

    func testCaughtAcrossFramesWithValues() throws {
        let (instance, _, _) = try makeInstance()
        XCTAssertEqual(try call(instance, "catchSum", [.i32(5)]), [.i64(82)])
        XCTAssertEqual(try call(instance, "rethrowRef", [.i32(9)]), [.i32(9)])
        XCTAssertEqual(try call(instance, "catchAll", []), [.i32(1)])
    }

    func testHandlersMatchTagsByIdentity() throws {
        let (instance, _, _) = try makeInstance()
        XCTAssertThrowsError(try call(instance, "otherTag", [.i32(3)])) { error in
            guard case SwasmError.trap(let trap) = error else { return XCTFail("\(error)") }
            XCTAssertEqual(trap.reason, .uncaughtException)
        }
    }

    func testHostFunctionThrowsIntoWasm() throws {
        let (instance, _, _) = try makeInstance()
        XCTAssertEqual(try call(instance, "catchHost", [.i32(42)]), [.i32(42)])
    }

    func testExceptionPassesThroughAHostFunction() throws {
        let (instance, _, seen) = try makeInstance()
        XCTAssertEqual(try call(instance, "throughHost", [.i32(8)]), [.i32(8)])
        XCTAssertEqual(seen.exceptions.count, 1)
        XCTAssertEqual(seen.exceptions.first?.values, [.i32(8), .i64(77)])
    }

    func testUncaughtExceptionIsATrapNamingTagAndValues() throws {
        let (instance, _, _) = try makeInstance()
        let tag = try XCTUnwrap(instance.tag("e"))
        XCTAssertEqual(tag.type, FuncType(params: [.i32, .i64], results: []))
        XCTAssertThrowsError(try call(instance, "thrower", [.i32(4)])) { error in
            guard case SwasmError.trap(let trap) = error else { return XCTFail("\(error)") }
            XCTAssertEqual(trap.reason, .uncaughtException)
            XCTAssertTrue(trap.exception?.tag.isSame(as: tag) ?? false)
            XCTAssertEqual(trap.exception?.values, [.i32(4), .i64(77)])
            XCTAssertEqual(trap.backtrace.count, 1)
            XCTAssertTrue(trap.description.hasPrefix("wasm trap: uncaught exception"), trap.description)
        }
        XCTAssertThrowsError(try call(instance, "throwRefNull", [])) { error in
            guard case SwasmError.trap(let trap) = error else { return XCTFail("\(error)") }
            XCTAssertEqual(trap.reason, .nullExceptionReference)
        }
    }

    func testTagImportsAreCheckedByType() throws {
        let store = Store(engine: Engine())
        let linker = Linker()
        linker.define(module: "host", name: "tag", .tag(try Tag(store: store, type: FuncType(params: [.f32], results: []))))
        let module = try Module(engine: store.engine, bytes: WAT.encode(#"(module (import "host" "tag" (tag (param i32))))"#))
        XCTAssertThrowsError(try linker.instantiate(store: store, module: module)) { error in
            guard case SwasmError.unlinkable(let message) = error else { return XCTFail("\(error)") }
            XCTAssertTrue(message.contains("incompatible import type"), message)
        }
        XCTAssertThrowsError(try Tag(store: store, type: FuncType(params: [], results: [.i32])))
    }

    func testCodeWithoutExceptionsHasNoHandlerTable() throws {
        let store = Store(engine: Engine())
        let module = try Module(engine: store.engine, bytes: WAT.encode("""
            (module (tag $t) (func (export "f") (param i32) (result i32)
              (block $h (try_table (catch $t $h) (nop))) (local.get 0))
              (func (export "g") (param i32) (result i32) (local.get 0)))
            """))
        XCTAssertEqual(try module.code.function(0).handlers != nil, true)
        XCTAssertNil(try module.code.function(1).handlers)
    }

    func testExceptionsCaughtByReferenceAreReclaimed() throws {
        let store = Store(engine: Engine())
        let module = try Module(engine: store.engine, bytes: WAT.encode("""
            (module
              (tag $t (param i32))
              (global $kept (mut exnref) (ref.null exn))
              (func $catchRef (param i32) (result exnref) (local exnref)
                (block $h (result i32 exnref)
                  (try_table (catch_ref $t $h) (throw $t (local.get 0)))
                  (unreachable))
                (local.set 1) (drop) (local.get 1))
              (func (export "loop") (param $n i32)
                (global.set $kept (call $catchRef (i32.const 7)))
                (loop $l
                  (drop (call $catchRef (local.get $n)))
                  (br_if $l (local.tee $n (i32.sub (local.get $n) (i32.const 1))))))
              (func (export "rethrowKept") (result i32)
                (block $h (result i32)
                  (try_table (catch $t $h) (throw_ref (global.get $kept)))
                  (i32.const -1))))
            """))
        let instance = try Linker().instantiate(store: store, module: module)
        _ = try XCTUnwrap(instance.function("loop")).call([.i32(100_000)])
        XCTAssertLessThanOrEqual(store.exceptions.count, 8192, "dropped references are reclaimed")
        XCTAssertEqual(try XCTUnwrap(instance.function("rethrowKept")).call([]), [.i32(7)],
                       "the reference kept in a global survives")
    }

    func testVectorValuesTravelWithTheException() throws {
        let store = Store(engine: Engine())
        let module = try Module(engine: store.engine, bytes: WAT.encode("""
            (module
              (tag $v (param i32 v128 i64))
              (func $sum (param i32 v128 i64) (result i64)
                (i64.add (i64.add (i64.extend_i32_u (local.get 0)) (local.get 2))
                         (i64.add (i64x2.extract_lane 0 (local.get 1)) (i64x2.extract_lane 1 (local.get 1)))))
              (func (export "tryTable") (result i64)
                (block $h (result i32 v128 i64)
                  (try_table (catch $v $h) (throw $v (i32.const 1) (v128.const i64x2 5 6) (i64.const 7)))
                  (unreachable))
                (call $sum))
              (func (export "legacy") (result i64)
                (try (result i64)
                  (do (throw $v (i32.const 2) (v128.const i64x2 10 20) (i64.const 30)))
                  (catch $v (call $sum)))))
            """, options: .wasm3))
        let instance = try Linker().instantiate(store: store, module: module)
        XCTAssertEqual(try XCTUnwrap(instance.function("tryTable")).call([]), [.i64(19)])
        XCTAssertEqual(try XCTUnwrap(instance.function("legacy")).call([]), [.i64(62)])
    }

    /// An `exnref` reaches the host as `Reference.exception`, with its tag and values, and goes
    /// back into Wasm as the same exception; one the host makes is thrown by `throw_ref` too.
    func testExceptionReferencesCrossTheAPI() throws {
        let store = Store(engine: Engine())
        let module = try Module(engine: store.engine, bytes: WAT.encode("""
            (module
              (tag $e (export "e") (param i32))
              (func (export "catchRef") (param i32) (result exnref) (local exnref)
                (block $h (result i32 exnref)
                  (try_table (catch_ref $e $h) (throw $e (local.get 0)))
                  (unreachable))
                (local.set 1) (drop) (local.get 1))
              (func (export "rethrow") (param exnref) (result i32)
                (block $h (result i32)
                  (try_table (catch $e $h) (throw_ref (local.get 0)))
                  (unreachable))))
            """))
        let instance = try Linker().instantiate(store: store, module: module)
        let tag = try XCTUnwrap(instance.tag("e"))
        let caught = try call(instance, "catchRef", [.i32(5)])
        guard caught.count == 1, case .ref(.exception(let exception)) = caught[0] else {
            return XCTFail("expected an exnref, got \(caught)")
        }
        XCTAssertTrue(exception.tag.isSame(as: tag))
        XCTAssertEqual(exception.values, [.i32(5)])
        XCTAssertEqual(caught[0], caught[0])
        XCTAssertNotEqual(caught, try call(instance, "catchRef", [.i32(5)]), "each throw is its own exception")
        XCTAssertEqual(try call(instance, "rethrow", caught), [.i32(5)])
        let made = try WasmException(tag: tag, values: [.i32(42)])
        XCTAssertEqual(try call(instance, "rethrow", [.ref(.exception(made))]), [.i32(42)])
        XCTAssertThrowsError(try call(instance, "rethrow", [.ref(.null(.exn))])) { error in
            guard case .trap(let trap)? = error as? SwasmError else { return XCTFail("\(error)") }
            XCTAssertEqual(trap.reason, .nullExceptionReference)
        }
        // An exception of another store is no value of this one.
        let otherStore = Store(engine: store.engine)
        let foreign = try WasmException(tag: Tag(store: otherStore, type: FuncType(params: [.i32], results: [])), values: [.i32(1)])
        XCTAssertThrowsError(try call(instance, "rethrow", [.ref(.exception(foreign))]))
    }

    /// An `exnref` kept only in a GC struct's field survives the reclaiming of the exception
    /// table that thousands of other caught exceptions trigger.
    func testExceptionReferenceInAStructSurvivesReclaiming() throws {
        let store = Store(engine: Engine())
        let module = try Module(engine: store.engine, bytes: WAT.encode("""
            (module
              (tag $e (param i32))
              (type $box (struct (field exnref)))
              (global $kept (mut (ref null $box)) (ref.null $box))
              (func $catch (param i32) (result exnref) (local exnref)
                (block $h (result i32 exnref)
                  (try_table (catch_ref $e $h) (throw $e (local.get 0)))
                  (unreachable))
                (local.set 1) (drop) (local.get 1))
              (func (export "keep") (param i32)
                (global.set $kept (struct.new $box (call $catch (local.get 0)))))
              (func (export "churn") (param i32)
                (loop $again
                  (drop (call $catch (local.get 0)))
                  (br_if $again (local.tee 0 (i32.sub (local.get 0) (i32.const 1))))))
              (func (export "rethrowKept") (result i32)
                (block $h (result i32)
                  (try_table (catch $e $h) (throw_ref (struct.get $box 0 (global.get $kept))))
                  (unreachable))))
            """))
        let instance = try Linker().instantiate(store: store, module: module)
        _ = try call(instance, "keep", [.i32(7)])
        _ = try call(instance, "churn", [.i32(20_000)])
        XCTAssertLessThan(store.exceptions.count, 20_000, "the exception table was never reclaimed")
        XCTAssertEqual(try call(instance, "rethrowKept", []), [.i32(7)])
    }
}
