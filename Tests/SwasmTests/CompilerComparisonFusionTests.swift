import XCTest
@testable import Swasm
import SwasmText

/// An i32 comparison fused into the `select` or `i32.add` that consumes it: every comparison,
/// in both operand orders, must pick and count exactly as the separate instructions do.
final class CompilerComparisonFusionTests: XCTestCase {
    static let comparisons = ["eq", "ne", "lt_u", "gt_u", "le_u", "ge_u", "lt_s", "gt_s", "le_s", "ge_s"]

    static var wat: String {
        var text = "(module\n"
        for c in comparisons {
            // select(x, y, a cmp b), x and y locals; and an i64 pair selected by an i32 comparison.
            text += """
              (func (export "select_\(c)") (param $a i32) (param $b i32) (param $x i32) (param $y i32) (result i32)
                (select (local.get $x) (local.get $y) (i32.\(c) (local.get $a) (local.get $b))))
              (func (export "select64_\(c)") (param $a i32) (param $b i32) (param $x i64) (param $y i64) (result i64)
                (select (local.get $x) (local.get $y) (i32.\(c) (local.get $a) (local.get $b))))
              (func (export "addRight_\(c)") (param $a i32) (param $b i32) (param $x i32) (result i32)
                (i32.add (local.get $x) (i32.\(c) (local.get $a) (local.get $b))))
              (func (export "addLeft_\(c)") (param $a i32) (param $b i32) (param $x i32) (result i32)
                (i32.add (i32.\(c) (local.get $a) (local.get $b)) (local.get $x)))
              ;; The comparison reads computed values; the select's operands are constants.
              (func (export "selectComputed_\(c)") (param $a i32) (param $b i32) (result i32)
                (select (i32.const 7) (i32.const -9)
                  (i32.\(c) (i32.add (local.get $a) (i32.const 1)) (i32.sub (local.get $b) (i32.const 1)))))

            """
        }
        return text + ")"
    }

    static func expected(_ c: String, _ a: UInt32, _ b: UInt32) -> Bool {
        let sa = Int32(bitPattern: a), sb = Int32(bitPattern: b)
        switch c {
        case "eq": return a == b
        case "ne": return a != b
        case "lt_u": return a < b
        case "gt_u": return a > b
        case "le_u": return a <= b
        case "ge_u": return a >= b
        case "lt_s": return sa < sb
        case "gt_s": return sa > sb
        case "le_s": return sa <= sb
        default: return sa >= sb
        }
    }

    func testFusedComparisonsComputeAsSeparateInstructions() throws {
        let engine = Engine()
        let module = try Module(engine: engine, wat: Self.wat)
        let instance = try Linker().instantiate(store: Store(engine: engine), module: module)
        let samples: [UInt32] = [0, 1, 2, 0x7FFF_FFFF, 0x8000_0000, 0xFFFF_FFFF, 0xFFFF_FFFE, 100]
        func i32(_ values: [Value]) -> UInt32? {
            guard values.count == 1, case .i32(let v) = values[0] else { return nil }
            return v
        }
        func i64(_ values: [Value]) -> UInt64? {
            guard values.count == 1, case .i64(let v) = values[0] else { return nil }
            return v
        }
        for c in Self.comparisons {
            for a in samples {
                for b in samples {
                    let holds = Self.expected(c, a, b)
                    let call = { (name: String, args: [Value]) throws -> [Value] in
                        try XCTUnwrap(instance.function("\(name)_\(c)")).call(args)
                    }
                    XCTAssertEqual(i32(try call("select", [.i32(a), .i32(b), .i32(11), .i32(22)])), holds ? 11 : 22, "\(c) \(a) \(b)")
                    XCTAssertEqual(i64(try call("select64", [.i32(a), .i32(b), .i64(1 << 40), .i64(3)])), holds ? 1 << 40 : 3)
                    XCTAssertEqual(i32(try call("addRight", [.i32(a), .i32(b), .i32(0xFFFF_FFFF)])), holds ? 0 : 0xFFFF_FFFF)
                    XCTAssertEqual(i32(try call("addLeft", [.i32(a), .i32(b), .i32(41)])), holds ? 42 : 41)
                    let computed = Self.expected(c, a &+ 1, b &- 1)
                    XCTAssertEqual(i32(try call("selectComputed", [.i32(a), .i32(b)])), computed ? 7 : UInt32(bitPattern: -9))
                }
            }
        }
        // The fused forms are the ones chosen (the unsigned adds; every select).
        let listings = try (0..<module.code.count).map { try module.code.function($0).disassemble() }
        XCTAssertEqual(listings.filter { $0.contains("selectI32") }.count, 3 * Self.comparisons.count)
        XCTAssertEqual(listings.filter { $0.contains("addI32L") }.count, 2 * 4)
    }
}

/// A product of three f64 factors is one instruction that multiplies in the inner product's
/// order first, so the result (rounding included) is the separate instructions' result.
final class CompilerProductFusionTests: XCTestCase {
    static let wat = """
    (module
      (func (export "leftInner") (param $a f64) (param $b f64) (param $c f64) (result f64)
        (f64.mul (f64.mul (local.get $a) (local.get $b)) (local.get $c)))
      (func (export "rightInner") (param $a f64) (param $b f64) (param $c f64) (result f64)
        (f64.mul (local.get $c) (f64.mul (local.get $a) (local.get $b))))
      (func (export "constantOuter") (param $a f64) (param $b f64) (result f64)
        (f64.mul (f64.const 0.1) (f64.mul (local.get $a) (local.get $b))))
      (func (export "computedOuter") (param $a f64) (param $b f64) (param $c f64) (result f64)
        (f64.mul (f64.add (local.get $c) (local.get $c)) (f64.mul (local.get $a) (local.get $b))))
    )
    """

    func testProductsOfThreeMatchSeparateMultiplications() throws {
        let engine = Engine()
        let module = try Module(engine: engine, wat: Self.wat)
        let instance = try Linker().instantiate(store: Store(engine: engine), module: module)
        let samples: [Double] = [1.1, -3.7e300, 2.5e-310, 0.1, 7, .infinity, 0, -0.0, 1e308]
        func call(_ name: String, _ args: [Double]) throws -> UInt64? {
            let results = try XCTUnwrap(instance.function(name)).call(args.map { .f64($0.bitPattern) })
            guard results.count == 1, case .f64(let bits) = results[0] else { return nil }
            return bits
        }
        func same(_ x: UInt64?, _ y: Double) -> Bool {
            guard let x else { return false }
            return x == y.bitPattern || (Double(bitPattern: x).isNaN && y.isNaN)
        }
        for a in samples {
            for b in samples {
                for c in samples {
                    XCTAssertTrue(same(try call("leftInner", [a, b, c]), (a * b) * c))
                    XCTAssertTrue(same(try call("rightInner", [a, b, c]), c * (a * b)))
                    XCTAssertTrue(same(try call("computedOuter", [a, b, c]), (c + c) * (a * b)))
                }
                XCTAssertTrue(same(try call("constantOuter", [a, b]), 0.1 * (a * b)))
            }
        }
        let listings = try (0..<module.code.count).map { try module.code.function($0).disassemble() }
        XCTAssertEqual(listings.filter { $0.contains("f64MulMul") }.count, 4)
    }
}
