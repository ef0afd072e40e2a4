import XCTest
@testable import Swasm

/// Translator hazards, checked by running the code: lazily folded `local.get`s and constants
/// must keep their values across `local.set`/`local.tee`, calls and control flow; redirected
/// results, parallel moves for multi-value returns and branches, block parameters, br_table
/// trampolines, fused compare-and-branch and dead code.
final class CompilerTranslationTests: XCTestCase {
    /*
    (module
      ;; A pending local.get must keep the value it had when pushed.
      (func (export "setAfterGet") (param i32) (result i32) (local i32)
        local.get 0
        (local.set 0 (i32.const 5))
        local.get 0
        i32.add)
      ;; tee overwriting a local that is still pending below.
      (func (export "teeAfterGet") (param i32) (result i32)
        local.get 0
        local.get 0
        (local.tee 0 (i32.const 100))
        i32.mul
        i32.sub)
      ;; A result redirected into a local by local.set, then the old value read.
      (func (export "redirect") (param i32 i32) (result i32)
        local.get 0
        (local.set 0 (i32.add (local.get 0) (local.get 1)))
        local.get 0
        i32.mul)
      ;; Multi-value return with swapped locals (parallel move hazard).
      (func (export "swap") (param i32 i32) (result i32 i32)
        local.get 1
        local.get 0)
      (func (export "swapReturn") (param i32 i32) (result i32 i32)
        local.get 1
        local.get 0
        return)
      (func (export "rotate3") (param i32 i32 i32) (result i32 i32 i32)
        local.get 2 local.get 0 local.get 1
        i32.const 1
        br_if 0
        drop drop drop
        i32.const 0 i32.const 0 i32.const 0)
      ;; br_if carrying values out of a block, also used on the fallthrough path.
      (func (export "brIfValues") (param i32) (result i32)
        (block (result i32)
          local.get 0
          local.get 0
          br_if 0
          i32.const 10
          i32.add))
      ;; Block with params and multiple results.
      (func (export "blockParams") (param i32 i32) (result i32 i32)
        local.get 0
        local.get 1
        (block (param i32 i32) (result i32 i32)
          i32.add
          local.get 0
          i32.sub
          local.get 1))
      ;; if with params, both arms.
      (func (export "ifParams") (param i32 i32) (result i32)
        local.get 1
        local.get 0
        (if (param i32) (result i32)
          (then i32.const 2 i32.mul)
          (else i32.const 3 i32.mul)))
      ;; if without else passes its params through.
      (func (export "ifNoElse") (param i32 i32) (result i32)
        local.get 1
        local.get 0
        (if (param i32) (result i32) (then i32.const 7 i32.add)))
      ;; br_table with arity: each target gets the value.
      (func (export "brTable") (param i32) (result i32)
        (block (result i32)
          (block (result i32)
            (block (result i32)
              i32.const 100
              local.get 0
              br_table 0 1 2)
            i32.const 1 i32.add)
          i32.const 10 i32.add))
      ;; br_table that returns from the function.
      (func (export "brTableReturn") (param i32) (result i32)
        (block (result i32)
          i32.const 42
          local.get 0
          br_table 0 1)
        i32.const 7
        i32.add)
      ;; Loop with a parameter and a counter: sum 1..n.
      (func (export "loopParam") (param i32) (result i32)
        i32.const 0
        (loop (param i32) (result i32)
          local.get 0
          i32.add
          (local.tee 0 (i32.sub (local.get 0) (i32.const 1)))
          br_if 0))
      ;; select on constants and locals.
      (func (export "select") (param i32 i32 i32) (result i32)
        (select (local.get 0) (local.get 1) (local.get 2)))
      (func (export "selectConst") (param i32) (result i32)
        (i32.add (select (local.get 0) (i32.const 9) (i32.const 0)) (select (i32.const 1) (local.get 0) (i32.const 1))))
      ;; Constants on the left of non-commutative ops and comparisons.
      (func (export "constLeft") (param i32) (result i32)
        (i32.add
          (i32.sub (i32.const 100) (local.get 0))
          (i32.lt_s (i32.const 5) (local.get 0))))
      (func (export "constLeft64") (param i64) (result i64)
        (i64.add
          (i64.sub (i64.const 0x1_0000_0000) (local.get 0))
          (i64.extend_i32_u (i64.gt_u (i64.const -1) (local.get 0)))))
      ;; Comparison fused into br_if inside a loop, and its negation for if.
      (func (export "countDown") (param i32) (result i32) (local i32)
        (loop
          (local.set 1 (i32.add (local.get 1) (i32.const 1)))
          (br_if 0 (i32.gt_s (local.tee 0 (i32.sub (local.get 0) (i32.const 1))) (i32.const 0))))
        local.get 1)
      (func (export "ifCompare") (param i64 i64) (result i32)
        (if (result i32) (i64.le_u (local.get 0) (local.get 1)) (then (i32.const 1)) (else (i32.const 2))))
      (func (export "eqzBranch") (param i32) (result i32)
        (block (br_if 0 (i32.eqz (local.get 0))) (return (i32.const 1)))
        i32.const 0)
      ;; Calls with pending local reads across them.
      (func $add3 (param i32 i32 i32) (result i32)
        (i32.add (i32.add (local.get 0) (local.get 1)) (local.get 2)))
      (func (export "callPending") (param i32) (result i32)
        local.get 0
        (call $add3 (local.get 0) (i32.const 10) (local.tee 0 (i32.const 1)))
        i32.sub)
      ;; Unreachable code after br with nested blocks still translates.
      (func (export "deadCode") (result i32)
        (block (result i32)
          i32.const 3
          br 0
          (block (loop (if (i32.const 1) (then (unreachable)) (else nop)))) 
          i32.const 4
          i32.add))
      ;; The function label as a br_if target with values.
      (func (export "brIfReturn") (param i32) (result i32 i32)
        i32.const 1
        i32.const 2
        local.get 0
        br_if 0
        drop drop
        i32.const 3 i32.const 4)
    )
    */
    static let hazards: [UInt8] = [
        0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, 0x01, 0x38, 0x09, 0x60, 0x01, 0x7f, 0x01, 0x7f,
        0x60, 0x02, 0x7f, 0x7f, 0x01, 0x7f, 0x60, 0x02, 0x7f, 0x7f, 0x02, 0x7f, 0x7f, 0x60, 0x03, 0x7f,
        0x7f, 0x7f, 0x03, 0x7f, 0x7f, 0x7f, 0x60, 0x03, 0x7f, 0x7f, 0x7f, 0x01, 0x7f, 0x60, 0x01, 0x7e,
        0x01, 0x7e, 0x60, 0x02, 0x7e, 0x7e, 0x01, 0x7f, 0x60, 0x00, 0x01, 0x7f, 0x60, 0x01, 0x7f, 0x02,
        0x7f, 0x7f, 0x03, 0x19, 0x18, 0x00, 0x00, 0x01, 0x02, 0x02, 0x03, 0x00, 0x02, 0x01, 0x01, 0x00,
        0x00, 0x00, 0x04, 0x00, 0x00, 0x05, 0x00, 0x06, 0x00, 0x04, 0x00, 0x07, 0x08, 0x07, 0x98, 0x02,
        0x17, 0x0b, 0x73, 0x65, 0x74, 0x41, 0x66, 0x74, 0x65, 0x72, 0x47, 0x65, 0x74, 0x00, 0x00, 0x0b,
        0x74, 0x65, 0x65, 0x41, 0x66, 0x74, 0x65, 0x72, 0x47, 0x65, 0x74, 0x00, 0x01, 0x08, 0x72, 0x65,
        0x64, 0x69, 0x72, 0x65, 0x63, 0x74, 0x00, 0x02, 0x04, 0x73, 0x77, 0x61, 0x70, 0x00, 0x03, 0x0a,
        0x73, 0x77, 0x61, 0x70, 0x52, 0x65, 0x74, 0x75, 0x72, 0x6e, 0x00, 0x04, 0x07, 0x72, 0x6f, 0x74,
        0x61, 0x74, 0x65, 0x33, 0x00, 0x05, 0x0a, 0x62, 0x72, 0x49, 0x66, 0x56, 0x61, 0x6c, 0x75, 0x65,
        0x73, 0x00, 0x06, 0x0b, 0x62, 0x6c, 0x6f, 0x63, 0x6b, 0x50, 0x61, 0x72, 0x61, 0x6d, 0x73, 0x00,
        0x07, 0x08, 0x69, 0x66, 0x50, 0x61, 0x72, 0x61, 0x6d, 0x73, 0x00, 0x08, 0x08, 0x69, 0x66, 0x4e,
        0x6f, 0x45, 0x6c, 0x73, 0x65, 0x00, 0x09, 0x07, 0x62, 0x72, 0x54, 0x61, 0x62, 0x6c, 0x65, 0x00,
        0x0a, 0x0d, 0x62, 0x72, 0x54, 0x61, 0x62, 0x6c, 0x65, 0x52, 0x65, 0x74, 0x75, 0x72, 0x6e, 0x00,
        0x0b, 0x09, 0x6c, 0x6f, 0x6f, 0x70, 0x50, 0x61, 0x72, 0x61, 0x6d, 0x00, 0x0c, 0x06, 0x73, 0x65,
        0x6c, 0x65, 0x63, 0x74, 0x00, 0x0d, 0x0b, 0x73, 0x65, 0x6c, 0x65, 0x63, 0x74, 0x43, 0x6f, 0x6e,
        0x73, 0x74, 0x00, 0x0e, 0x09, 0x63, 0x6f, 0x6e, 0x73, 0x74, 0x4c, 0x65, 0x66, 0x74, 0x00, 0x0f,
        0x0b, 0x63, 0x6f, 0x6e, 0x73, 0x74, 0x4c, 0x65, 0x66, 0x74, 0x36, 0x34, 0x00, 0x10, 0x09, 0x63,
        0x6f, 0x75, 0x6e, 0x74, 0x44, 0x6f, 0x77, 0x6e, 0x00, 0x11, 0x09, 0x69, 0x66, 0x43, 0x6f, 0x6d,
        0x70, 0x61, 0x72, 0x65, 0x00, 0x12, 0x09, 0x65, 0x71, 0x7a, 0x42, 0x72, 0x61, 0x6e, 0x63, 0x68,
        0x00, 0x13, 0x0b, 0x63, 0x61, 0x6c, 0x6c, 0x50, 0x65, 0x6e, 0x64, 0x69, 0x6e, 0x67, 0x00, 0x15,
        0x08, 0x64, 0x65, 0x61, 0x64, 0x43, 0x6f, 0x64, 0x65, 0x00, 0x16, 0x0a, 0x62, 0x72, 0x49, 0x66,
        0x52, 0x65, 0x74, 0x75, 0x72, 0x6e, 0x00, 0x17, 0x0a, 0x91, 0x03, 0x18, 0x0d, 0x01, 0x01, 0x7f,
        0x20, 0x00, 0x41, 0x05, 0x21, 0x00, 0x20, 0x00, 0x6a, 0x0b, 0x0d, 0x00, 0x20, 0x00, 0x20, 0x00,
        0x41, 0xe4, 0x00, 0x22, 0x00, 0x6c, 0x6b, 0x0b, 0x0e, 0x00, 0x20, 0x00, 0x20, 0x00, 0x20, 0x01,
        0x6a, 0x21, 0x00, 0x20, 0x00, 0x6c, 0x0b, 0x06, 0x00, 0x20, 0x01, 0x20, 0x00, 0x0b, 0x07, 0x00,
        0x20, 0x01, 0x20, 0x00, 0x0f, 0x0b, 0x15, 0x00, 0x20, 0x02, 0x20, 0x00, 0x20, 0x01, 0x41, 0x01,
        0x0d, 0x00, 0x1a, 0x1a, 0x1a, 0x41, 0x00, 0x41, 0x00, 0x41, 0x00, 0x0b, 0x0e, 0x00, 0x02, 0x7f,
        0x20, 0x00, 0x20, 0x00, 0x0d, 0x00, 0x41, 0x0a, 0x6a, 0x0b, 0x0b, 0x0f, 0x00, 0x20, 0x00, 0x20,
        0x01, 0x02, 0x02, 0x6a, 0x20, 0x00, 0x6b, 0x20, 0x01, 0x0b, 0x0b, 0x10, 0x00, 0x20, 0x01, 0x20,
        0x00, 0x04, 0x00, 0x41, 0x02, 0x6c, 0x05, 0x41, 0x03, 0x6c, 0x0b, 0x0b, 0x0c, 0x00, 0x20, 0x01,
        0x20, 0x00, 0x04, 0x00, 0x41, 0x07, 0x6a, 0x0b, 0x0b, 0x1b, 0x00, 0x02, 0x7f, 0x02, 0x7f, 0x02,
        0x7f, 0x41, 0xe4, 0x00, 0x20, 0x00, 0x0e, 0x02, 0x00, 0x01, 0x02, 0x0b, 0x41, 0x01, 0x6a, 0x0b,
        0x41, 0x0a, 0x6a, 0x0b, 0x0b, 0x10, 0x00, 0x02, 0x7f, 0x41, 0x2a, 0x20, 0x00, 0x0e, 0x01, 0x00,
        0x01, 0x0b, 0x41, 0x07, 0x6a, 0x0b, 0x13, 0x00, 0x41, 0x00, 0x03, 0x00, 0x20, 0x00, 0x6a, 0x20,
        0x00, 0x41, 0x01, 0x6b, 0x22, 0x00, 0x0d, 0x00, 0x0b, 0x0b, 0x09, 0x00, 0x20, 0x00, 0x20, 0x01,
        0x20, 0x02, 0x1b, 0x0b, 0x11, 0x00, 0x20, 0x00, 0x41, 0x09, 0x41, 0x00, 0x1b, 0x41, 0x01, 0x20,
        0x00, 0x41, 0x01, 0x1b, 0x6a, 0x0b, 0x0e, 0x00, 0x41, 0xe4, 0x00, 0x20, 0x00, 0x6b, 0x41, 0x05,
        0x20, 0x00, 0x48, 0x6a, 0x0b, 0x12, 0x00, 0x42, 0x80, 0x80, 0x80, 0x80, 0x10, 0x20, 0x00, 0x7d,
        0x42, 0x7f, 0x20, 0x00, 0x56, 0xad, 0x7c, 0x0b, 0x1c, 0x01, 0x01, 0x7f, 0x03, 0x40, 0x20, 0x01,
        0x41, 0x01, 0x6a, 0x21, 0x01, 0x20, 0x00, 0x41, 0x01, 0x6b, 0x22, 0x00, 0x41, 0x00, 0x4a, 0x0d,
        0x00, 0x0b, 0x20, 0x01, 0x0b, 0x0f, 0x00, 0x20, 0x00, 0x20, 0x01, 0x58, 0x04, 0x7f, 0x41, 0x01,
        0x05, 0x41, 0x02, 0x0b, 0x0b, 0x0f, 0x00, 0x02, 0x40, 0x20, 0x00, 0x45, 0x0d, 0x00, 0x41, 0x01,
        0x0f, 0x0b, 0x41, 0x00, 0x0b, 0x0a, 0x00, 0x20, 0x00, 0x20, 0x01, 0x6a, 0x20, 0x02, 0x6a, 0x0b,
        0x0f, 0x00, 0x20, 0x00, 0x20, 0x00, 0x41, 0x0a, 0x41, 0x01, 0x22, 0x00, 0x10, 0x14, 0x6b, 0x0b,
        0x1a, 0x00, 0x02, 0x7f, 0x41, 0x03, 0x0c, 0x00, 0x02, 0x40, 0x03, 0x40, 0x41, 0x01, 0x04, 0x40,
        0x00, 0x05, 0x01, 0x0b, 0x0b, 0x0b, 0x41, 0x04, 0x6a, 0x0b, 0x0b, 0x10, 0x00, 0x41, 0x01, 0x41,
        0x02, 0x20, 0x00, 0x0d, 0x00, 0x1a, 0x1a, 0x41, 0x03, 0x41, 0x04, 0x0b,
    ]

    var instance: Instance!
    /// The same module compiled with fuel and interruption checkpoints at function entries and
    /// loop headers (which shift every loop's code); every call runs on both.
    var checkpointed: Instance!

    override func setUpWithError() throws {
        let engine = Engine()
        instance = try Linker().instantiate(store: Store(engine: engine), module: Module(engine: engine, bytes: Self.hazards))
        var configuration = EngineConfiguration()
        configuration.consumeFuel = true
        configuration.interruptible = true
        let metered = Engine(configuration: configuration)
        let store = Store(engine: metered)
        try store.setFuel(1_000_000)
        checkpointed = try Linker().instantiate(store: store, module: Module(engine: metered, bytes: Self.hazards))
    }

    private func call(_ name: String, _ arguments: Value..., file: StaticString = #filePath, line: UInt = #line) throws -> [Value] {
        guard let function = instance.function(name), let other = checkpointed.function(name) else {
            XCTFail("no export \(name)", file: file, line: line)
            return []
        }
        let results = try function.call(arguments)
        XCTAssertEqual(try other.call(arguments), results, "with checkpoints", file: file, line: line)
        return results
    }

    private func i32(_ v: Int32) -> Value { .i32(UInt32(bitPattern: v)) }

    func testPendingLocalReadsSurviveLocalSet() throws {
        XCTAssertEqual(try call("setAfterGet", i32(3)), [i32(8)])
        XCTAssertEqual(try call("teeAfterGet", i32(3)), [i32(-297)])
        XCTAssertEqual(try call("redirect", i32(2), i32(5)), [i32(14)])
        XCTAssertEqual(try call("callPending", i32(5)), [i32(-11)])
    }

    func testMultiValueReturnsAreParallelMoves() throws {
        XCTAssertEqual(try call("swap", i32(1), i32(2)), [i32(2), i32(1)])
        XCTAssertEqual(try call("swapReturn", i32(1), i32(2)), [i32(2), i32(1)])
        XCTAssertEqual(try call("rotate3", i32(1), i32(2), i32(3)), [i32(3), i32(1), i32(2)])
        XCTAssertEqual(try call("brIfReturn", i32(1)), [i32(1), i32(2)])
        XCTAssertEqual(try call("brIfReturn", i32(0)), [i32(3), i32(4)])
    }

    func testBranchesCarryValues() throws {
        XCTAssertEqual(try call("brIfValues", i32(5)), [i32(5)])
        XCTAssertEqual(try call("brIfValues", i32(0)), [i32(10)])
        XCTAssertEqual(try call("brTable", i32(0)), [i32(111)])
        XCTAssertEqual(try call("brTable", i32(1)), [i32(110)])
        XCTAssertEqual(try call("brTable", i32(2)), [i32(100)])
        XCTAssertEqual(try call("brTable", i32(-1)), [i32(100)])
        XCTAssertEqual(try call("brTableReturn", i32(0)), [i32(49)])
        XCTAssertEqual(try call("brTableReturn", i32(1)), [i32(42)])
        XCTAssertEqual(try call("brTableReturn", i32(9)), [i32(42)])
    }

    func testBlockParameters() throws {
        XCTAssertEqual(try call("blockParams", i32(3), i32(4)), [i32(4), i32(4)])
        XCTAssertEqual(try call("ifParams", i32(1), i32(5)), [i32(10)])
        XCTAssertEqual(try call("ifParams", i32(0), i32(5)), [i32(15)])
        XCTAssertEqual(try call("ifNoElse", i32(1), i32(5)), [i32(12)])
        XCTAssertEqual(try call("ifNoElse", i32(0), i32(5)), [i32(5)])
        XCTAssertEqual(try call("loopParam", i32(4)), [i32(10)])
    }

    func testSelectAndConstantOperands() throws {
        XCTAssertEqual(try call("select", i32(1), i32(2), i32(0)), [i32(2)])
        XCTAssertEqual(try call("select", i32(1), i32(2), i32(5)), [i32(1)])
        XCTAssertEqual(try call("selectConst", i32(4)), [i32(10)])
        XCTAssertEqual(try call("constLeft", i32(7)), [i32(94)])
        XCTAssertEqual(try call("constLeft", i32(3)), [i32(97)])
        XCTAssertEqual(try call("constLeft64", .i64(5)), [.i64(4_294_967_292)])
        XCTAssertEqual(try call("constLeft64", .i64(UInt64.max)), [.i64(4_294_967_297)])
    }

    func testFusedComparisons() throws {
        XCTAssertEqual(try call("countDown", i32(5)), [i32(5)])
        XCTAssertEqual(try call("countDown", i32(0)), [i32(1)])
        XCTAssertEqual(try call("ifCompare", .i64(1), .i64(2)), [i32(1)])
        XCTAssertEqual(try call("ifCompare", .i64(3), .i64(2)), [i32(2)])
        XCTAssertEqual(try call("ifCompare", .i64(UInt64.max), .i64(0)), [i32(2)])
        XCTAssertEqual(try call("eqzBranch", i32(0)), [i32(0)])
        XCTAssertEqual(try call("eqzBranch", i32(3)), [i32(1)])
    }

    func testDeadCodeIsSkipped() throws {
        XCTAssertEqual(try call("deadCode"), [i32(3)])
    }
}
