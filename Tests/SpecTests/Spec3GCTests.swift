import Foundation
import WastRunner
import XCTest

/// The Wasm 3.0 GC scripts, each passing whole: the type system (struct and array definitions,
/// recursion groups, declared supertypes, canonical type equivalence), the heap's objects and
/// their instructions, i31, casts, and the conversions between `any` and `extern`.
final class Spec3GCTests: XCTestCase {
    func runWhole(_ relativePath: String, atLeast minimum: Int, file: StaticString = #filePath, line: UInt = #line) throws {
        try Spec3Scripts.runWhole(relativePath, atLeast: minimum, file: file, line: line)
    }

    func testTypeRec() throws { try runWhole("type-rec.wast", atLeast: 15) }
    func testTypeEquivalence() throws { try runWhole("type-equivalence.wast", atLeast: 5) }
    func testBinaryGC() throws { try runWhole("binary-gc.wast", atLeast: 1) }
    func testTypeSubtyping() throws { try runWhole("type-subtyping.wast", atLeast: 73) }
    func testStruct() throws { try runWhole("struct.wast", atLeast: 24) }
    func testArray() throws { try runWhole("array.wast", atLeast: 47) }
    func testArrayCopy() throws { try runWhole("array_copy.wast", atLeast: 34) }
    func testArrayFill() throws { try runWhole("array_fill.wast", atLeast: 29) }
    func testArrayInitData() throws { try runWhole("array_init_data.wast", atLeast: 44) }
    func testArrayInitElem() throws { try runWhole("array_init_elem.wast", atLeast: 33) }
    func testArrayNewData() throws { try runWhole("array_new_data.wast", atLeast: 23) }
    func testArrayNewElem() throws { try runWhole("array_new_elem.wast", atLeast: 19) }
    func testI31() throws { try runWhole("i31.wast", atLeast: 57) }
    func testRefEq() throws { try runWhole("ref_eq.wast", atLeast: 87) }
    func testRefTest() throws { try runWhole("ref_test.wast", atLeast: 68) }
    func testRefCast() throws { try runWhole("ref_cast.wast", atLeast: 40) }
    func testBrOnCast() throws { try runWhole("br_on_cast.wast", atLeast: 31) }
    func testBrOnCastFail() throws { try runWhole("br_on_cast_fail.wast", atLeast: 31) }
    func testExtern() throws { try runWhole("extern.wast", atLeast: 16) }
}
