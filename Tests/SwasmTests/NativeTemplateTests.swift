import XCTest
import SwasmText
@testable import Swasm

/// The native tier's templates for the scalar instructions that used to run as snippets
/// (popcnt, float min/max and rounding, float → integer truncations, u64 → float, the sign
/// operations in xmm registers) and its direct calls for memory, table and segment
/// instructions, against the interpreter: the same calls on both tiers must give the same
/// bits (NaN payloads included) and the same traps with the same backtraces.
final class NativeTemplateTests: XCTestCase {
    /// (name, parameter type, result type, body): every function takes and returns raw bits,
    /// so that results compare exactly.
    static let unaryF32 = ["ceil", "floor", "trunc", "nearest", "abs", "neg", "sqrt"]
    static let binaryFloat = ["min", "max", "copysign", "add"]
    static let truncations = ["i32.trunc_f32_s", "i32.trunc_f32_u", "i32.trunc_f64_s", "i32.trunc_f64_u",
                              "i64.trunc_f32_s", "i64.trunc_f32_u", "i64.trunc_f64_s", "i64.trunc_f64_u"]
    static let conversions = ["f32.convert_i32_s", "f32.convert_i32_u", "f32.convert_i64_s", "f32.convert_i64_u",
                              "f64.convert_i32_s", "f64.convert_i32_u", "f64.convert_i64_s", "f64.convert_i64_u"]

    static var numericWat: String {
        var funcs: [String] = []
        for op in unaryF32 {
            funcs.append("(func (export \"f32.\(op)\") (param i32) (result i32) (i32.reinterpret_f32 (f32.\(op) (f32.reinterpret_i32 (local.get 0)))))")
            funcs.append("(func (export \"f64.\(op)\") (param i64) (result i64) (i64.reinterpret_f64 (f64.\(op) (f64.reinterpret_i64 (local.get 0)))))")
        }
        for op in binaryFloat {
            funcs.append("(func (export \"f32.\(op)\") (param i32 i32) (result i32) (i32.reinterpret_f32 (f32.\(op) (f32.reinterpret_i32 (local.get 0)) (f32.reinterpret_i32 (local.get 1)))))")
            funcs.append("(func (export \"f64.\(op)\") (param i64 i64) (result i64) (i64.reinterpret_f64 (f64.\(op) (f64.reinterpret_i64 (local.get 0)) (f64.reinterpret_i64 (local.get 1)))))")
        }
        for op in truncations {
            let result = String(op.prefix(3)), source = op.contains("f32") ? "f32" : "f64"
            let bits = source == "f32" ? "i32" : "i64"
            for form in [op, op.replacingOccurrences(of: "trunc_", with: "trunc_sat_")] {
                funcs.append("(func (export \"\(form)\") (param \(bits)) (result \(result)) (\(form) (\(source).reinterpret_\(bits) (local.get 0))))")
            }
        }
        for op in conversions {
            let result = String(op.prefix(3)), source = op.contains("i32_") ? "i32" : "i64"
            let bits = result == "f32" ? "i32" : "i64"
            funcs.append("(func (export \"\(op)\") (param \(source)) (result \(bits)) (\(bits).reinterpret_\(result) (\(op) (local.get 0))))")
        }
        funcs.append("(func (export \"f32.demote_f64\") (param i64) (result i32) (i32.reinterpret_f32 (f32.demote_f64 (f64.reinterpret_i64 (local.get 0)))))")
        funcs.append("(func (export \"f64.promote_f32\") (param i32) (result i64) (i64.reinterpret_f64 (f64.promote_f32 (f32.reinterpret_i32 (local.get 0)))))")
        funcs.append("(func (export \"i32.popcnt\") (param i32) (result i32) (i32.popcnt (local.get 0)))")
        funcs.append("(func (export \"i64.popcnt\") (param i64) (result i64) (i64.popcnt (local.get 0)))")
        // f32 values kept in registers across a loop: a sum of rounded and clamped terms.
        funcs.append("""
        (func (export "f32loop") (param $n i32) (param $x i32) (result i32)
          (local $acc f32) (local $v f32) (local $i i32)
          (local.set $v (f32.reinterpret_i32 (local.get $x)))
          (loop $l
            (local.set $acc (f32.add (local.get $acc)
              (f32.mul (f32.nearest (local.get $v)) (f32.copysign (f32.abs (local.get $acc)) (f32.neg (local.get $v))))))
            (local.set $acc (f32.max (f32.min (local.get $acc) (f32.const 1e30)) (f32.const -1e30)))
            (local.set $v (f32.add (local.get $v) (f32.convert_i32_s (i32.trunc_sat_f32_s (f32.floor (local.get $v))))))
            (local.set $i (i32.add (local.get $i) (i32.const 1)))
            (br_if $l (i32.lt_u (local.get $i) (local.get $n))))
          (i32.reinterpret_f32 (local.get $acc)))
        """)
        return "(module\n" + funcs.joined(separator: "\n") + "\n)"
    }

    static let tablesWat = """
    (module
      (memory 1 4)
      (data $d "\\01\\02\\03\\04\\05\\06\\07\\08")
      (table $t 3 10 funcref)
      (table $u 2 externref)
      (elem $e func $f0 $f1)
      (elem (i32.const 0) $f0)
      (func $f0 (result i32) (i32.const 10))
      (func $f1 (result i32) (i32.const 11))
      (func (export "memsize") (result i32) (memory.size))
      (func (export "grow") (param i32) (result i32)
        (local $old i32)
        (local.set $old (memory.grow (local.get 0)))
        ;; the new pages are addressable at once
        (i32.store (i32.sub (i32.shl (memory.size) (i32.const 16)) (i32.const 4)) (local.get $old))
        (i32.add (local.get $old) (i32.load (i32.sub (i32.shl (memory.size) (i32.const 16)) (i32.const 4)))))
      (func (export "bulk") (param $d i32) (param $s i32) (param $n i32) (result i64)
        (memory.fill (local.get $d) (i32.const 0x5A) (local.get $n))
        (memory.copy (i32.add (local.get $d) (i32.const 3)) (local.get $s) (local.get $n))
        (memory.init $d (local.get $s) (i32.const 0) (i32.and (local.get $n) (i32.const 7)))
        (i64.add (i64.load (local.get $d)) (i64.load (local.get $s))))
      (func (export "dropdata") (data.drop $d))
      (func (export "tables") (param $i i32) (param $n i32) (result i32)
        (local $acc i32)
        (table.set $t (local.get $i) (ref.func $f1))
        (local.set $acc (i32.add (table.size $t) (i32.mul (i32.const 100) (table.grow $t (ref.null func) (local.get $n)))))
        (table.fill $t (i32.const 1) (ref.func $f0) (i32.const 1))
        (table.copy $t $t (i32.const 2) (local.get $i) (i32.const 1))
        (table.init $t $e (i32.const 0) (i32.const 0) (i32.const 2))
        (local.set $acc (i32.add (local.get $acc) (i32.mul (i32.const 1000) (ref.is_null (table.get $t (local.get $i))))))
        (local.set $acc (i32.add (local.get $acc) (i32.mul (i32.const 10000) (table.size $u))))
        (i32.add (local.get $acc) (table.size $t)))
      (func (export "dropelem") (elem.drop $e))
      (func (export "samefunc") (result i32) (i32.add (ref.is_null (ref.func $f0)) (ref.is_null (table.get $t (i32.const 2)))))
      (func (export "loop") (param $n i32) (result i32)
        (local $i i32) (local $s i32)
        (loop $l
          (local.set $s (i32.add (local.get $s) (i32.add (memory.size) (table.size $t))))
          (local.set $i (i32.add (local.get $i) (i32.const 1)))
          (br_if $l (i32.lt_u (local.get $i) (local.get $n))))
        (local.get $s)))
    """

    static let f32Bits: [UInt32] = {
        var bits: [UInt32] = [0, 0x8000_0000, 0x7F80_0000, 0xFF80_0000, 0x7FC0_0000, 0xFFC0_0000, 0x7FA0_0000,
                              0x7FC1_2345, 0xFF81_2345, 0x0000_0001, 0x8000_0001, 0x7F7F_FFFF, 0xFF7F_FFFF]
        let values: [Float] = [1, -1, 0.5, -0.5, 1.5, -1.5, 2.5, -2.5, 0.49999997, 3.7, -3.7, 0x1p23, -0x1p23,
                               0x1p31, -0x1p31, 0x1p32, 0x1p63, -0x1p63, 0x1p64, 1e30, -1e30, 0.99999994, -0.99999994]
        for v in values { bits += [v.bitPattern, v.nextUp.bitPattern, v.nextDown.bitPattern] }
        return bits
    }()

    static let f64Bits: [UInt64] = {
        var bits: [UInt64] = [0, 0x8000_0000_0000_0000, 0x7FF0_0000_0000_0000, 0xFFF0_0000_0000_0000,
                              0x7FF8_0000_0000_0000, 0xFFF8_0000_0000_0000, 0x7FF4_0000_0000_0000,
                              0x7FF8_0000_1234_5678, 0xFFF0_0000_0000_0001, 1, 0x8000_0000_0000_0001]
        let values: [Double] = [1, -1, 0.5, -0.5, 1.5, -1.5, 2.5, -2.5, 3.7, -3.7, 0x1p52, -0x1p52, 0x1p31, -0x1p31,
                                -0x1p31 - 1, 0x1p31 - 1, 0x1p32, 0x1p32 - 1, 0x1p63, -0x1p63, 0x1p64, 1e300, -1e300,
                                Double(Float.greatestFiniteMagnitude), 0.9999999999999999]
        for v in values { bits += [v.bitPattern, v.nextUp.bitPattern, v.nextDown.bitPattern] }
        return bits
    }()

    static let integers: [UInt64] = [0, 1, 2, 3, 0x7F, 0xFF, 0x8000_0000, 0x7FFF_FFFF, 0xFFFF_FFFF, 0x1_0000_0001,
                                     1 << 24 | 1, 1 << 53 | 1, 1 << 62 | 1, 0x7FFF_FFFF_FFFF_FFFF, 1 << 63,
                                     1 << 63 | 1, 1 << 63 | 0x400, 1 << 63 | 0x401, 1 << 63 | 0xC00, 1 << 63 | 0x8000_0000_01,
                                     1 << 63 | 1 << 39 | 1, 0xFFFF_FFFF_FFFF_F800, 0xFFFF_FFFF_FFFF_FFFF,
                                     0x1234_5678_9ABC_DEF0, 0xAAAA_AAAA_5555_5555]

    func instances(_ wat: String) throws -> (native: Instance, interpreted: Instance) { try tierPair(wat) }



    func testFloatUnaryAndBinaryOperationsMatchTheInterpreter() throws {
        let pair = try instances(Self.numericWat)
        for op in Self.unaryF32 {
            for x in Self.f32Bits { try assertSame("f32.\(op)", [.i32(x)], pair) }
            for x in Self.f64Bits { try assertSame("f64.\(op)", [.i64(x)], pair) }
        }
        for op in Self.binaryFloat {
            for x in Self.f32Bits { for y in Self.f32Bits { try assertSame("f32.\(op)", [.i32(x), .i32(y)], pair) } }
            for x in Self.f64Bits { for y in Self.f64Bits { try assertSame("f64.\(op)", [.i64(x), .i64(y)], pair) } }
        }
        for x in Self.f64Bits { try assertSame("f32.demote_f64", [.i64(x)], pair) }
        for x in Self.f32Bits { try assertSame("f64.promote_f32", [.i32(x)], pair) }
    }

    func testTruncationsMatchTheInterpreterWithTheirTraps() throws {
        let pair = try instances(Self.numericWat)
        for op in Self.truncations {
            for form in [op, op.replacingOccurrences(of: "trunc_", with: "trunc_sat_")] {
                if op.contains("f32") {
                    for x in Self.f32Bits { try assertSame(form, [.i32(x)], pair) }
                } else {
                    for x in Self.f64Bits { try assertSame(form, [.i64(x)], pair) }
                }
            }
        }
        // The trap reasons themselves: NaN is an invalid conversion, out of range an overflow.
        func reason(_ name: String, _ argument: Value) -> TrapReason? {
            do {
                _ = try pair.native.function(name)?.call([argument])
                return nil
            } catch SwasmError.trap(let trap) {
                return trap.reason
            } catch {
                return nil
            }
        }
        XCTAssertEqual(reason("i32.trunc_f32_s", .i32(0x7FC0_0000)), .invalidConversionToInteger)
        XCTAssertEqual(reason("i64.trunc_f64_u", .i64((-1.0).bitPattern)), .integerOverflow)
        XCTAssertEqual(reason("i32.trunc_f64_s", .i64(0x1p31.bitPattern)), .integerOverflow)
        XCTAssertNil(reason("i32.trunc_f64_s", .i64((-0x1p31 - 0.5).bitPattern)))
        let top = try XCTUnwrap(pair.native.function("i64.trunc_f64_u")).call([.i64(0x1p63.bitPattern)])
        XCTAssertEqual("\(top)", "\([Value.i64(1 << 63)])")
    }

    func testIntegerConversionsAndPopcntMatchTheInterpreter() throws {
        let pair = try instances(Self.numericWat)
        for x in Self.integers {
            for op in Self.conversions {
                try assertSame(op, [op.contains("i32_") ? .i32(UInt32(truncatingIfNeeded: x)) : .i64(x)], pair)
            }
            try assertSame("i32.popcnt", [.i32(UInt32(truncatingIfNeeded: x))], pair)
            try assertSame("i64.popcnt", [.i64(x)], pair)
        }
        for x in Self.f32Bits {
            try assertSame("f32loop", [.i32(50), .i32(x)], pair)
        }
    }

    /// The scalar instructions above compile to templates: no snippet and no out-of-line call
    /// is left in their functions (on a CPU with SSE4.1 and POPCNT; without, rounding and
    /// popcnt stay snippets).
    func testScalarInstructionsCompileToTemplates() throws {
        guard NativeTier.isAvailable else { throw XCTSkip("no native tier on this platform") }
        let module = try instances(Self.numericWat).native.module
        for index in 0..<module.code.count {
            let counts = try XCTUnwrap(NativeCompiler.outOfLineCounts(try module.code.function(index)))
            if NativeTier.hasSSE41 && NativeTier.hasPOPCNT {
                XCTAssertEqual(counts.snippets, 0, "function \(index)")
            }
            XCTAssertEqual(counts.helpers, 0, "function \(index)")
        }
        let tables = try instances(Self.tablesWat).native.module
        var helpers = 0
        for index in 0..<tables.code.count {
            let counts = try XCTUnwrap(NativeCompiler.outOfLineCounts(try tables.code.function(index)))
            XCTAssertEqual(counts.snippets, 0, "function \(index)")
            helpers += counts.helpers
        }
        XCTAssertGreaterThanOrEqual(helpers, 20)
    }

    func testMemoryTableAndSegmentInstructionsMatchTheInterpreter() throws {
        let pair = try instances(Self.tablesWat)
        try assertSame("memsize", [], pair)
        for pages: UInt32 in [1, 0, 2, 1, 0xFFFF_FFFF] {
            try assertSame("grow", [.i32(pages)], pair)
            try assertSame("memsize", [], pair)
        }
        let page: UInt32 = 65536
        let ranges: [(UInt32, UInt32, UInt32)] = [(0, 16, 8), (100, 0, 3), (page - 4, 0, 4), (4 * page - 8, 8, 8),
                                                  (4 * page, 0, 1), (0, 0xFFFF_FFFF, 2), (10, 0, 9)]
        for (d, s, n) in ranges {
            try assertSame("bulk", [.i32(d), .i32(s), .i32(n)], pair)
        }
        try assertSame("dropdata", [], pair)
        try assertSame("bulk", [.i32(0), .i32(0), .i32(1)], pair)  // a dropped segment: out of bounds
        let calls: [(UInt32, UInt32)] = [(0, 1), (2, 0), (1, 3), (3, 2), (20, 1), (0, 10), (0xFFFF_FFFF, 1)]
        for (i, n) in calls {
            try assertSame("tables", [.i32(i), .i32(n)], pair)
        }
        try assertSame("samefunc", [], pair)
        try assertSame("dropelem", [], pair)
        try assertSame("tables", [.i32(0), .i32(0)], pair)  // table.init of a dropped segment traps
        try assertSame("loop", [.i32(1000)], pair)
    }
}
