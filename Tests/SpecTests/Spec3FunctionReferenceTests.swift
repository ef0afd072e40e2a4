import Foundation
import WastRunner
import XCTest

/// The Wasm 3.0 scripts of typed function references that pass whole (concrete reference
/// types, non-nullable references, subtyping, `call_ref`, `return_call_ref`,
/// `ref.as_non_null`, `br_on_null`, `br_on_non_null`, local initialisation, table
/// initialisers, recursive type groups of function types, linking of typed references), and
/// the scripts shared with Wasm 2.0 whose 3.0 modules use them. Scripts that also need GC's
/// struct, array and i31 types (type-rec, type-subtyping) are counted in docs/wasm3-status.md.
final class Spec3FunctionReferenceTests: XCTestCase {
    func runWhole(_ relativePath: String, atLeast minimum: Int, file: StaticString = #filePath, line: UInt = #line) throws {
        try Spec3Scripts.runWhole(relativePath, atLeast: minimum, file: file, line: line)
    }

    func testCallRef() throws { try runWhole("call_ref.wast", atLeast: 31) }
    func testReturnCallRef() throws { try runWhole("return_call_ref.wast", atLeast: 46) }
    func testRefAsNonNull() throws { try runWhole("ref_as_non_null.wast", atLeast: 5) }
    func testBrOnNull() throws { try runWhole("br_on_null.wast", atLeast: 7) }
    func testBrOnNonNull() throws { try runWhole("br_on_non_null.wast", atLeast: 9) }
    func testLocalInit() throws { try runWhole("local_init.wast", atLeast: 8) }
    func testRef() throws { try runWhole("ref.wast", atLeast: 12) }
    func testRefFunc() throws { try runWhole("ref_func.wast", atLeast: 11) }
    func testRefIsNull() throws { try runWhole("ref_is_null.wast", atLeast: 18) }
    func testRefNull() throws { try runWhole("ref_null.wast", atLeast: 32) }
    func testTypeEquivalence() throws { try runWhole("type-equivalence.wast", atLeast: 5) }
    func testBrTable() throws { try runWhole("br_table.wast", atLeast: 185) }
    func testLinking() throws { try runWhole("linking.wast", atLeast: 133) }
    func testInstance() throws { try runWhole("instance.wast", atLeast: 12) }
    func testTryTable() throws { try runWhole("try_table.wast", atLeast: 60) }
    func testTag() throws { try runWhole("tag.wast", atLeast: 4) }
    func testGlobal() throws { try runWhole("global.wast", atLeast: 114) }
    func testElem() throws { try runWhole("elem.wast", atLeast: 72) }
    func testSelect() throws { try runWhole("select.wast", atLeast: 154) }
    func testLocalTee() throws { try runWhole("local_tee.wast", atLeast: 97) }
    func testFunc() throws { try runWhole("func.wast", atLeast: 171) }
    func testUnreachedValid() throws { try runWhole("unreached-valid.wast", atLeast: 10) }
    func testUnreachedInvalid() throws { try runWhole("unreached-invalid.wast", atLeast: 121) }
}
