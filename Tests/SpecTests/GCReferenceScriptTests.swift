import SwasmText
import XCTest
@testable import Swasm
@testable import WastRunner

/// The script forms of GC references: `(ref.host n)` arguments, and the result patterns
/// `(ref.i31)`, `(ref.struct)`, `(ref.array)`, `(ref.eq)`, `(ref.any)`, `(ref.extern)`,
/// `(ref.host n)` and `(ref.null ...)` with the reference interpreter's meaning.
final class GCReferenceScriptTests: XCTestCase {
    func testHostReferencesPassThroughAnyref() {
        let result = WastRunner(path: "test.wast", dialect: .wasm3).run(source: """
            (module
              (func (export "any") (param anyref) (result anyref) (local.get 0))
              (func (export "extern") (param externref) (result externref) (local.get 0))
              (table (export "t") 2 anyref)
              (func (export "get") (param i32) (result anyref) (table.get (local.get 0)))
              (func (export "set") (param i32 anyref) (table.set (local.get 0) (local.get 1))))
            (assert_return (invoke "any" (ref.host 1)) (ref.host 1))
            (assert_return (invoke "any" (ref.host 1)) (ref.any))
            (assert_return (invoke "extern" (ref.extern 2)) (ref.extern 2))
            (assert_return (invoke "extern" (ref.extern 2)) (ref.extern))
            (assert_return (invoke "any" (ref.null any)) (ref.null any))
            (assert_return (invoke "any" (ref.null none)) (ref.null))
            (assert_return (invoke "set" (i32.const 1) (ref.host 7)))
            (assert_return (invoke "get" (i32.const 1)) (ref.host 7))
            (assert_return (invoke "get" (i32.const 0)) (ref.null any))
            (assert_return (invoke "any" (ref.host 1)) (ref.eq))
            (assert_return (invoke "any" (ref.host 1)) (ref.host 2))
            (assert_return (invoke "any" (ref.null any)) (ref.any))
            """)
        XCTAssertEqual(result.passed, 9, result.failures.joined(separator: "\n"))
        XCTAssertEqual(result.failed, 3, "a host value is no eqref, another host value, or non-null")
    }

    func testPatternsMatchI31AndObjects() throws {
        let store = Store(engine: Engine())
        let module = try Module(engine: store.engine, bytes: WAT.encode("""
            (module (type (struct (field i32))) (type (array i8)))
            """))
        let instance = try Linker().instantiate(store: store, module: module)
        func allocate(_ instructions: [ConstInstruction]) throws -> Reference {
            let slot = try Instantiation.evaluate(ConstExpr(instructions: instructions, offset: 0), in: instance.state).low
            return Reference(slot: slot, type: RefType(nullable: true, heapType: .any), store: store)
        }
        let structure = try allocate([.i32Const(1), .gc(.structNew(0))])
        let array = try allocate([.i32Const(1), .gc(.arrayNewDefault(1))])
        guard case .object = structure, case .object = array else { return XCTFail("\(structure) \(array)") }
        let i31 = Reference.i31(5)

        let patterns: [(WastExpected, [Reference])] = [
            (.ref(.i31), [i31]),
            (.ref(.struct), [structure]),
            (.ref(.array), [array]),
            (.ref(.eq), [i31, structure, array]),
            (.ref(.any), [i31, structure, array, .extern(1)]),
            // An externalised i31 or object, as `extern.convert_any` returns it.
            (.refExtern(nil), [i31, structure, array, .extern(1)]),
            (.refHost(1), [.extern(1)]),
            // The function's result type fixes the hierarchy, so any null matches.
            (.refNull(.any), [.null(.any), .null(.none), .null(.extern)]),
            (.refNull(nil), [.null(.any), .null(.none), .null(.extern)]),
            (.ref(.func), []),
            (.ref(.none), []),
        ]
        let all: [Reference] = [i31, structure, array, .extern(1), .null(.any), .null(.none), .null(.extern)]
        for (pattern, matching) in patterns {
            for reference in all {
                XCTAssertEqual(matches(.ref(reference), pattern), matching.contains(reference), "\(pattern) against \(reference)")
            }
        }
    }
}
