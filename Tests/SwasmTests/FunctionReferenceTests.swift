import XCTest
import SwasmText
@testable import Swasm

/// Typed function references through the embedding API: `call_ref` of host functions and of
/// functions of other instances, import matching of typed globals and functions across
/// modules (equivalent types of different modules match, others do not), the traps, and the
/// feature switch.
final class FunctionReferenceTests: XCTestCase {
    static let exporter = """
    (module
      (type $binary (func (param i32 i32) (result i32)))
      (func $add (export "add") (type $binary) (i32.add (local.get 0) (local.get 1)))
      (global (export "addRef") (ref $binary) (ref.func $add))
      (global (export "mutableRef") (mut (ref null $binary)) (ref.null $binary)))
    """

    static let importer = """
    (module
      (type $unary (func (param i32) (result i32)))
      (type $binary (func (param i32 i32) (result i32)))
      (import "host" "double" (func $double (type $unary)))
      (import "lib" "addRef" (global $add (ref null $binary)))
      (import "lib" "add" (func $addImported (type $binary)))
      (elem declare func $double $local)
      (func $local (param i32) (result i32) (i32.sub (local.get 0) (i32.const 1)))
      (func (export "viaHost") (param i32) (result i32)
        (call_ref $unary (local.get 0) (ref.func $double)))
      (func (export "viaOtherInstance") (param i32 i32) (result i32)
        (call_ref $binary (local.get 0) (local.get 1) (global.get $add)))
      (func (export "choose") (param i32 i32) (result i32)
        (call_ref $unary (local.get 1)
          (select (result (ref $unary)) (ref.func $double) (ref.func $local) (local.get 0))))
      (func (export "null") (result i32)
        (call_ref $unary (i32.const 1) (ref.null $unary)))
      (func (export "asNonNull") (param i32) (result i32)
        (ref.is_null (ref.as_non_null
          (select (result (ref null $unary)) (ref.func $local) (ref.null $unary) (local.get 0)))))
      (func (export "branches") (param i32) (result i32)
        (block $isNull
          (return (call_ref $unary (i32.const 10)
            (br_on_null $isNull
              (select (result (ref null $unary)) (ref.func $double) (ref.null $unary) (local.get 0))))))
        (i32.const -1)))
    """

    func makeInstance() throws -> (Instance, Store) {
        let store = Store(engine: Engine())
        let linker = Linker()
        linker.defineFunction(store: store, module: "host", name: "double",
                              type: FuncType(params: [.i32], results: [.i32])) { _, args in
            guard case .i32(let x) = args[0] else { return [] }
            return [.i32(x &* 2)]
        }
        let lib = try linker.instantiate(store: store, module: Module(engine: store.engine, bytes: WAT.encode(Self.exporter)))
        linker.define(module: "lib", instance: lib)
        let instance = try linker.instantiate(store: store, module: Module(engine: store.engine, bytes: WAT.encode(Self.importer)))
        return (instance, store)
    }

    func testCallRefReachesHostFunctionsAndOtherInstances() throws {
        let (instance, _) = try makeInstance()
        XCTAssertEqual(try instance.function("viaHost")?.call([.i32(21)]), [.i32(42)])
        XCTAssertEqual(try instance.function("viaOtherInstance")?.call([.i32(2), .i32(3)]), [.i32(5)])
        XCTAssertEqual(try instance.function("choose")?.call([.i32(1), .i32(7)]), [.i32(14)])
        XCTAssertEqual(try instance.function("choose")?.call([.i32(0), .i32(7)]), [.i32(6)])
    }

    func testNullReferencesTrap() throws {
        let (instance, _) = try makeInstance()
        XCTAssertThrowsError(try instance.function("null")?.call([])) { error in
            guard case SwasmError.trap(let trap) = error else { return XCTFail("\(error)") }
            XCTAssertEqual(trap.reason, .nullFunctionReference)
        }
        XCTAssertEqual(try instance.function("asNonNull")?.call([.i32(1)]), [.i32(0)])
        XCTAssertThrowsError(try instance.function("asNonNull")?.call([.i32(0)])) { error in
            guard case SwasmError.trap(let trap) = error else { return XCTFail("\(error)") }
            XCTAssertEqual(trap.reason, .nullReference)
        }
        XCTAssertEqual(try instance.function("branches")?.call([.i32(1)]), [.i32(20)])
        XCTAssertEqual(try instance.function("branches")?.call([.i32(0)]), [.i32(UInt32(bitPattern: -1))])
    }

    func testImportsMatchEquivalentTypesOfOtherModules() throws {
        let store = Store(engine: Engine())
        let linker = Linker()
        let lib = try linker.instantiate(store: store, module: Module(engine: store.engine, bytes: WAT.encode(Self.exporter)))
        linker.define(module: "lib", instance: lib)
        // The same type at another index; an immutable global may be imported at a supertype.
        let matching = """
        (module
          (type (func))
          (type $b (func (param i32 i32) (result i32)))
          (import "lib" "addRef" (global (ref null $b)))
          (import "lib" "addRef" (global funcref))
          (import "lib" "mutableRef" (global (mut (ref null $b))))
          (import "lib" "add" (func (type $b))))
        """
        XCTAssertNoThrow(try linker.instantiate(store: store, module: Module(engine: store.engine, bytes: WAT.encode(matching))))
        let mismatches = [
            // Another function type.
            "(module (type $u (func (param i32) (result i32))) (import \"lib\" \"addRef\" (global (ref $u))))",
            "(module (import \"lib\" \"add\" (func (param i32) (result i32))))",
            // A mutable global's type must be the same, not a supertype.
            "(module (import \"lib\" \"mutableRef\" (global (mut funcref))))",
            // Null is not a value of (ref $b).
            "(module (type $b (func (param i32 i32) (result i32))) (import \"lib\" \"mutableRef\" (global (mut (ref $b)))))",
        ]
        for text in mismatches {
            XCTAssertThrowsError(try linker.instantiate(store: store, module: Module(engine: store.engine, bytes: WAT.encode(text))),
                                 text) { error in
                guard case SwasmError.unlinkable = error else { return XCTFail("\(text): \(error)") }
            }
        }
    }

    func testTableInitialiserFillsEveryElement() throws {
        let text = """
        (module
          (type $t (func (result i32)))
          (func $seven (type $t) (i32.const 7))
          (table $tab 3 (ref $t) (ref.func $seven))
          (func (export "sum") (result i32)
            (i32.add (call_ref $t (table.get $tab (i32.const 0)))
                     (call_indirect $tab (type $t) (i32.const 2)))))
        """
        let store = Store(engine: Engine())
        let instance = try Linker().instantiate(store: store, module: Module(engine: store.engine, bytes: WAT.encode(text)))
        XCTAssertEqual(try instance.function("sum")?.call([]), [.i32(14)])
    }

    func testFeatureSwitchRefusesFunctionReferences() throws {
        var configuration = EngineConfiguration()
        configuration.functionReferences = false
        let engine = Engine(configuration: configuration)
        let callRef = try WAT.encode("(module (type $t (func)) (func (param (ref null $t)) (call_ref $t (local.get 0))))")
        XCTAssertThrowsError(try Module(engine: engine, bytes: callRef).validateAllFunctions())
        XCTAssertNoThrow(try Module(engine: Engine(), bytes: callRef).validateAllFunctions())
    }
}
