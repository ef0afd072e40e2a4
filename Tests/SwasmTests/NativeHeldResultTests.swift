import XCTest
import SwasmText
@testable import Swasm

/// Results only one later instruction reads stay in a register in machine code
/// (`CompiledFunction.singleUseResults`, NativeCompiler's held value). These programs chain
/// such results through every kind of reader (integer and float operands, first and second
/// operand, reinterpretation between the two, compare-and-branch, select, memory addresses
/// and values, `global.set`) and through the places where the value must be in its slot
/// after all: a `br_if` that leaves its operand on the stack, `br_on_null`, calls, branch
/// targets, `local.tee`. Both tiers must agree.
final class NativeHeldResultTests: XCTestCase {
    static let wat = """
    (module
      (memory 1)
      (global $g (mut i64) (i64.const 0))
      (func $id (param i64) (result i64) (local.get 0))
      (func (export "chain") (param $a i32) (param $b i32) (result i32)
        (i32.sub (local.get $a) (i32.mul (i32.add (local.get $a) (local.get $b)) (i32.xor (local.get $b) (i32.const 7)))))
      (func (export "mixed") (param $x i32) (result i32)
        ;; f32 results read as integers and back, as compilers do for bit tricks.
        (i32.xor
          (i32.reinterpret_f32 (f32.mul (f32.reinterpret_i32 (local.get $x)) (f32.const 0.5)))
          (i32.and (i32.reinterpret_f32 (f32.sub (f32.const 0) (f32.reinterpret_i32 (local.get $x))))
                   (i32.shr_s (local.get $x) (i32.const 31)))))
      (func (export "floats") (param $x f64) (param $y f64) (result f64)
        (f64.div (f64.sub (local.get $x) (f64.mul (local.get $y) (local.get $y)))
                 (f64.add (f64.sqrt (f64.abs (local.get $x))) (f64.const 1))))
      (func (export "compare") (param $a i64) (param $b i64) (result i32)
        (block $out (result i32)
          (drop (br_if $out (i32.const 11) (i64.lt_s (i64.add (local.get $a) (local.get $b)) (i64.const 100))))
          (i32.wrap_i64 (i64.rotl (i64.mul (local.get $a) (local.get $b)) (i64.const 13)))))
      (func (export "kept") (param $a i32) (result i32)
        ;; br_if leaves its value on the stack when it does not branch: read twice.
        (i32.add
          (block $b (result i32)
            (br_if $b (i32.mul (local.get $a) (i32.const 3)) (i32.gt_u (local.get $a) (i32.const 1000)))
            (i32.const 5)
            (i32.add))
          (local.get $a)))
      (func (export "memory") (param $i i32) (result i32)
        (i32.store (i32.shl (i32.and (local.get $i) (i32.const 255)) (i32.const 2))
                   (i32.add (local.get $i) (i32.const 1000)))
        (i32.load (i32.shl (i32.and (local.get $i) (i32.const 255)) (i32.const 2))))
      (func (export "global") (param $v i64) (result i64)
        (global.set $g (i64.or (i64.shl (local.get $v) (i64.const 3)) (i64.const 1)))
        (i64.add (global.get $g) (call $id (i64.sub (local.get $v) (i64.const 9)))))
      (func (export "select") (param $a i32) (param $b i32) (result i32)
        (select (i32.add (local.get $a) (i32.const 1)) (i32.sub (local.get $b) (i32.const 1))
                (i32.lt_s (i32.mul (local.get $a) (local.get $b)) (i32.const 50))))
      (func (export "tee") (param $a i32) (result i32) (local $t i32)
        (i32.add (local.tee $t (i32.mul (local.get $a) (local.get $a))) (i32.add (local.get $t) (i32.const 1))))
      (func (export "loop") (param $n i32) (result i64) (local $i i32) (local $s i64)
        (loop $next
          (local.set $s (i64.add (local.get $s) (i64.extend_i32_u (i32.mul (local.get $i) (local.get $i)))))
          (br_if $next (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 1))) (local.get $n))))
        (local.get $s))
      (func (export "nulls") (param $k i32) (result i32)
        (block $null
          (return (i32.add (call_ref $fn (i32.const 4)
            (br_on_null $null (select (result (ref null $fn)) (ref.func $sq) (ref.null $fn) (local.get $k))))
            (i32.const 1))))
        (i32.const -1))
      (type $fn (func (param i32) (result i32)))
      (func $sq (type $fn) (i32.mul (local.get 0) (local.get 0)))
      (elem declare func $sq)
      (func (export "tags") (param $v i64) (param $w i64) (result i32)
        ;; 64-bit constants with no immediate form come between a result and its reader.
        (i32.add
          (i64.eq (i64.and (i64.mul (local.get $v) (local.get $w)) (i64.const 0xffffffff00000000))
                  (i64.const 0x400000000))
          (i32.wrap_i64 (i64.xor (i64.add (local.get $v) (i64.const 0x123456789)) (i64.const -0x7000000000000000)))))
      (func (export "halves") (param $x i32) (param $y i32) (result i32)
        (i32.add
          (f32.gt (f32.mul (f32.reinterpret_i32 (local.get $x)) (f32.reinterpret_i32 (local.get $y))) (f32.const 0.5))
          (i32.trunc_sat_f64_s (f64.min (f64.convert_i32_s (local.get $x)) (f64.const -3.5)))))
      (func (export "divide") (param $a i32) (param $b i32) (result i32)
        (i32.div_s (i32.add (local.get $a) (i32.const 1)) (i32.sub (local.get $b) (i32.const 1)))))
    """

    func testHeldResultsMatchTheInterpreter() throws {
        let pair = try tierPair(Self.wat)
        let ints: [UInt32] = [0, 1, 2, 7, 31, 999, 1001, 0x7fff_ffff, 0x8000_0000, 0xffff_ffff, 0x3f80_0000, 0x7fc0_0000]
        for a in ints {
            try assertSame("mixed", [.i32(a)], pair)
            try assertSame("kept", [.i32(a)], pair)
            try assertSame("memory", [.i32(a)], pair)
            try assertSame("tee", [.i32(a)], pair)
            try assertSame("nulls", [.i32(a)], pair)
            for b in ints.prefix(6) {
                try assertSame("chain", [.i32(a), .i32(b)], pair)
                try assertSame("select", [.i32(a), .i32(b)], pair)
                try assertSame("divide", [.i32(a), .i32(b)], pair)
                try assertSame("halves", [.i32(a), .i32(b)], pair)
                try assertSame("tags", [.i64(UInt64(a) << 32 | UInt64(b)), .i64(UInt64(b) &* 0x9e37_79b9_7f4a_7c15)], pair)
                try assertSame("compare", [.i64(UInt64(a)), .i64(UInt64(b) &* 0x1_0000_0001)], pair)
                try assertSame("global", [.i64(UInt64(a) << UInt64(b % 40))], pair)
            }
        }
        for x in [0.0, -0.0, 1.5, -2.25, 1e300, .infinity, .nan] {
            for y in [0.0, 3.0, -1e-300, .nan] {
                try assertSame("floats", [.f64(x.bitPattern), .f64(y.bitPattern)], pair)
            }
        }
        for n: UInt32 in [0, 1, 5, 1000] { try assertSame("loop", [.i32(n)], pair) }
    }

    /// The translator marks chains of single-use results, past the constants materialized for
    /// their reader; an operand pushed back is not marked.
    func testTranslatorMarksOnlyResultsReadOnce() throws {
        let bytes = try WAT.encode(Self.wat)
        let module = try Module(engine: Engine(), bytes: bytes)
        let code = module.code
        // chain: add, xor, mul feed the next instruction only (sub reads the mul last).
        let chain = try code.function(1)
        XCTAssertGreaterThanOrEqual(chain.singleUseResults.count, 2, "\(chain.singleUseResults)")
        for record in chain.singleUseResults {
            XCTAssertTrue(record.producer >= 0 && record.producer < record.consumer && Int(record.consumer) < chain.code.count)
        }
        // nulls: br_on_null reads the selected reference and leaves it for call_ref: the
        // select is not marked.
        // tags: the product's reader comes after the constant materialized for it.
        let tags = try code.function(13)
        XCTAssertTrue(tags.singleUseResults.contains { $0.consumer - $0.producer > 3 }, "\(tags.singleUseResults)")
        let nulls = try code.function(11)
        let words = nulls.code
        for record in nulls.singleUseResults {
            let op = IROpcode(rawValue: UInt16(truncatingIfNeeded: words[Int(record.producer)]))
            XCTAssertNotEqual(op, .select, "the reference br_on_null keeps is marked as read once")
            XCTAssertNotEqual(op, .select64, "the reference br_on_null keeps is marked as read once")
        }
    }
}
