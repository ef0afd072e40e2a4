import XCTest
@testable import Swasm
import SwasmText

/// Fusions of f64 arithmetic with the memory access that feeds it: the fused forms must
/// appear where the shapes allow them, compute what the separate instructions did, and trap
/// (out of bounds) exactly where those would have.
final class CompilerFloatMemoryTests: XCTestCase {
    static let wat = """
    (module
      (memory 1)
      ;; a - mem[p + 8]: the loaded right operand is fused.
      (func (export "subLoaded") (param $a f64) (param $p i32) (result f64)
        (f64.sub (local.get $a) (f64.load offset=8 (local.get $p))))
      ;; mem[p] * a: a loaded left operand of a commutative op, right operand a local.
      (func (export "mulLoadedLeft") (param $a f64) (param $p i32) (result f64)
        (f64.mul (f64.load (local.get $p)) (local.get $a)))
      ;; 1.5 / mem[p]: a constant left operand goes to its own slot first.
      (func (export "divConstant") (param $p i32) (result f64)
        (f64.div (f64.const 1.5) (f64.load (local.get $p))))
      ;; mem[p] - a stays two instructions (subtraction does not commute).
      (func (export "subLoadedLeft") (param $a f64) (param $p i32) (result f64)
        (f64.sub (f64.load (local.get $p)) (local.get $a)))
      ;; a + mem[p + 4] where the address is computed just before (x + 4 wraps at 32 bits).
      (func (export "addComputed") (param $a f64) (param $p i32) (result f64)
        (f64.add (local.get $a) (f64.load (i32.add (local.get $p) (i32.const 4)))))
      (func (export "put") (param $p i32) (param $v f64)
        (f64.store (local.get $p) (local.get $v)))
      ;; mem[q + 8] = a * b: the product is stored by the multiplication itself.
      (func (export "storeProduct") (param $q i32) (param $a f64) (param $b f64)
        (f64.store offset=8 (local.get $q) (f64.mul (local.get $a) (local.get $b))))
      ;; mem[q] = a * mem[p] + mem[q] (a matrix-multiply update as clang emits it): load-op-store.
      (func (export "accumulate") (param $q i32) (param $a f64) (param $p i32)
        (f64.store (local.get $q)
          (f64.add (f64.mul (local.get $a) (f64.load (local.get $p))) (f64.load (local.get $q)))))
      ;; mem[q] = mem[p] - a: the loaded left operand of a subtraction is not fused, the store is.
      (func (export "storeDifference") (param $q i32) (param $p i32) (param $a f64)
        (f64.store (local.get $q) (f64.sub (f64.load (local.get $p)) (local.get $a))))
      (func (export "get") (param $p i32) (result f64)
        (f64.load (local.get $p)))
    )
    """

    var instance: Instance!
    var module: Module!

    override func setUpWithError() throws {
        let engine = Engine()
        module = try Module(engine: engine, wat: Self.wat)
        instance = try Linker().instantiate(store: Store(engine: engine), module: module)
        try call("put", .i32(16), .f64(Double(2.5).bitPattern))
        try call("put", .i32(24), .f64(Double(-4).bitPattern))
    }

    @discardableResult
    private func call(_ name: String, _ arguments: Value...) throws -> [Value] {
        guard let function = instance.function(name) else {
            XCTFail("no export \(name)")
            return []
        }
        return try function.call(arguments)
    }

    private func f64(_ values: [Value]) -> Double? {
        guard values.count == 1, case .f64(let bits) = values[0] else { return nil }
        return Double(bitPattern: bits)
    }

    func testFusedFormsAreChosen() throws {
        func listing(_ index: Int) throws -> String { try module.code.function(index).disassemble() }
        XCTAssertTrue(try listing(0).contains("f64SubLoad"))
        XCTAssertTrue(try listing(1).contains("f64MulLoad"))
        XCTAssertTrue(try listing(2).contains("f64DivLoad"))
        XCTAssertFalse(try listing(3).contains("SubLoad"), "no fusion for a loaded left operand of f64.sub")
        XCTAssertTrue(try listing(4).contains("f64AddLoad"))
        XCTAssertTrue(try listing(6).contains("f64MulStore"))
        // The product is the add's left operand; the add loads mem[q] itself and stores.
        XCTAssertTrue(try listing(7).contains("f64MulLoad"))
        XCTAssertTrue(try listing(7).contains("f64AddLoadStore"))
        XCTAssertTrue(try listing(8).contains("f64SubStore"))
    }

    func testFusedFormsCompute() throws {
        XCTAssertEqual(f64(try call("subLoaded", .f64(Double(10).bitPattern), .i32(16))), 14)
        XCTAssertEqual(f64(try call("mulLoadedLeft", .f64(Double(3).bitPattern), .i32(16))), 7.5)
        XCTAssertEqual(f64(try call("divConstant", .i32(24))), -0.375)
        XCTAssertEqual(f64(try call("subLoadedLeft", .f64(Double(1).bitPattern), .i32(24))), -5)
        XCTAssertEqual(f64(try call("addComputed", .f64(Double(1).bitPattern), .i32(20))), -3)
    }

    func testFusedStoresWriteMemory() throws {
        let two = Value.f64(Double(2).bitPattern), three = Value.f64(Double(3).bitPattern)
        try call("storeProduct", .i32(32), two, three)
        XCTAssertEqual(f64(try call("get", .i32(40))), 6)
        try call("put", .i32(48), .f64(Double(1).bitPattern))
        try call("accumulate", .i32(48), three, .i32(16))
        XCTAssertEqual(f64(try call("get", .i32(48))), 8.5)
        try call("storeDifference", .i32(56), .i32(24), three)
        XCTAssertEqual(f64(try call("get", .i32(56))), -7)
    }

    func testFusedStoresTrapOutOfBounds() throws {
        let last = UInt32(65_536 - 8)
        let one = Value.f64(Double(1).bitPattern)
        XCTAssertNoThrow(try call("storeProduct", .i32(last - 8), one, one))
        XCTAssertThrowsError(try call("storeProduct", .i32(last - 7), one, one))
        // The load traps before anything is stored; a bad store address traps after the load.
        try call("put", .i32(64), one)
        XCTAssertThrowsError(try call("accumulate", .i32(64), one, .i32(last + 1)))
        XCTAssertEqual(f64(try call("get", .i32(64))), 1)
        XCTAssertThrowsError(try call("accumulate", .i32(last + 1), one, .i32(16)))
        XCTAssertThrowsError(try call("storeDifference", .i32(last + 1), .i32(16), one))
    }

    func testFusedFormsTrapOutOfBounds() throws {
        let last = UInt32(65_536 - 8)
        XCTAssertNoThrow(try call("subLoaded", .f64(0), .i32(last - 8)))
        XCTAssertThrowsError(try call("subLoaded", .f64(0), .i32(last - 7)))
        XCTAssertThrowsError(try call("mulLoadedLeft", .f64(0), .i32(last + 1)))
        XCTAssertThrowsError(try call("divConstant", .i32(UInt32.max)))
        // p + 4 wraps to 0: in bounds, as the separate i32.add and f64.load would compute.
        XCTAssertEqual(f64(try call("addComputed", .f64(0), .i32(UInt32.max - 3))), 0)
    }
}
