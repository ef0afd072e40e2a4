import XCTest
import SwasmText
@testable import Swasm

/// The native tier (Native/) against the interpreter: the same module runs on an engine with
/// native code and on one without, and every result, trap and backtrace must agree. Edge
/// values (division overflow, shift counts past the width, NaN comparisons, memory bounds)
/// are where a template is most likely to differ.
final class NativeTierTests: XCTestCase {
    static let wat = """
    (module
      (memory 1 3)
      (global $g (mut i64) (i64.const 5))
      (table 2 funcref)
      (elem (i32.const 0) $square $negate)
      (type $unary (func (param i64) (result i64)))
      (func $square (type $unary) (i64.mul (local.get 0) (local.get 0)))
      (func $negate (type $unary) (i64.sub (i64.const 0) (local.get 0)))
      (func (export "i32ops") (param $x i32) (param $y i32) (result i64)
        (local $acc i64)
        (local.set $acc (i64.extend_i32_u (i32.add (local.get $x) (local.get $y))))
        (local.set $acc (i64.xor (i64.rotl (local.get $acc) (i64.const 7)) (i64.extend_i32_u (i32.sub (local.get $x) (local.get $y)))))
        (local.set $acc (i64.add (local.get $acc) (i64.extend_i32_s (i32.mul (local.get $x) (local.get $y)))))
        (local.set $acc (i64.add (local.get $acc) (i64.extend_i32_u (i32.shl (local.get $x) (local.get $y)))))
        (local.set $acc (i64.add (local.get $acc) (i64.extend_i32_u (i32.shr_s (local.get $x) (local.get $y)))))
        (local.set $acc (i64.add (local.get $acc) (i64.extend_i32_u (i32.shr_u (local.get $x) (local.get $y)))))
        (local.set $acc (i64.add (local.get $acc) (i64.extend_i32_u (i32.rotl (local.get $x) (local.get $y)))))
        (local.set $acc (i64.add (local.get $acc) (i64.extend_i32_u (i32.rotr (local.get $x) (local.get $y)))))
        (local.set $acc (i64.add (local.get $acc) (i64.extend_i32_u (i32.clz (local.get $x)))))
        (local.set $acc (i64.add (local.get $acc) (i64.extend_i32_u (i32.ctz (local.get $y)))))
        (local.set $acc (i64.add (local.get $acc) (i64.extend_i32_u (i32.popcnt (local.get $x)))))
        (local.set $acc (i64.add (local.get $acc) (i64.extend_i32_u (i32.lt_s (local.get $x) (local.get $y)))))
        (local.set $acc (i64.add (local.get $acc) (i64.extend_i32_u (i32.ge_u (local.get $x) (local.get $y)))))
        (local.set $acc (i64.add (local.get $acc) (i64.extend_i32_u (i32.eqz (local.get $y)))))
        (local.set $acc (i64.add (local.get $acc) (i64.extend_i32_u (i32.and (local.get $x) (i32.const 0xff00)))))
        (local.set $acc (i64.add (local.get $acc) (i64.extend8_s (i64.extend_i32_u (local.get $x)))))
        (local.set $acc (i64.add (local.get $acc) (i64.extend_i32_s (i32.extend16_s (local.get $y)))))
        (i64.add (local.get $acc) (i64.extend_i32_u (select (local.get $x) (local.get $y) (i32.gt_u (local.get $x) (local.get $y))))))
      (func (export "divisions") (param $x i64) (param $y i64) (result i64)
        (i64.add
          (i64.add (i64.div_s (local.get $x) (local.get $y)) (i64.rem_s (local.get $x) (local.get $y)))
          (i64.add (i64.div_u (local.get $x) (local.get $y)) (i64.rem_u (local.get $x) (local.get $y)))))
      (func (export "divisions32") (param $x i32) (param $y i32) (result i32)
        (i32.xor
          (i32.add (i32.div_s (local.get $x) (local.get $y)) (i32.rem_s (local.get $x) (local.get $y)))
          (i32.add (i32.div_u (local.get $x) (i32.const 7)) (i32.rem_u (local.get $x) (local.get $y)))))
      (func (export "floats") (param $a f64) (param $b f64) (result i64)
        (local $r i64)
        (local.set $r (i64.reinterpret_f64 (f64.add (local.get $a) (local.get $b))))
        (local.set $r (i64.xor (local.get $r) (i64.reinterpret_f64 (f64.mul (local.get $a) (local.get $b)))))
        (local.set $r (i64.xor (local.get $r) (i64.reinterpret_f64 (f64.div (local.get $a) (local.get $b)))))
        (local.set $r (i64.xor (local.get $r) (i64.reinterpret_f64 (f64.sqrt (local.get $a)))))
        (local.set $r (i64.xor (local.get $r) (i64.reinterpret_f64 (f64.copysign (local.get $a) (local.get $b)))))
        (local.set $r (i64.xor (local.get $r) (i64.reinterpret_f64 (f64.min (local.get $a) (local.get $b)))))
        (local.set $r (i64.xor (local.get $r) (i64.extend_i32_u (i32.reinterpret_f32 (f32.demote_f64 (local.get $a))))))
        (local.set $r (i64.add (local.get $r) (i64.extend_i32_u (f64.lt (local.get $a) (local.get $b)))))
        (local.set $r (i64.add (local.get $r) (i64.extend_i32_u (f64.le (local.get $a) (local.get $b)))))
        (local.set $r (i64.add (local.get $r) (i64.shl (i64.extend_i32_u (f64.eq (local.get $a) (local.get $b))) (i64.const 2))))
        (local.set $r (i64.add (local.get $r) (i64.shl (i64.extend_i32_u (f64.ne (local.get $a) (local.get $b))) (i64.const 3))))
        (local.set $r (i64.add (local.get $r) (i64.shl (i64.extend_i32_u (f32.gt (f32.demote_f64 (local.get $a)) (f32.demote_f64 (local.get $b)))) (i64.const 4))))
        (i64.xor (local.get $r) (i64.reinterpret_f64 (f64.convert_i32_u (i32.wrap_i64 (local.get $r))))))
      (func (export "memory") (param $addr i32) (param $v i64) (result i64)
        (i64.store (local.get $addr) (local.get $v))
        (i32.store8 offset=9 (local.get $addr) (i32.wrap_i64 (local.get $v)))
        (i64.add
          (i64.add (i64.load offset=1 (local.get $addr)) (i64.load8_s offset=9 (local.get $addr)))
          (i64.add (i64.load16_u offset=2 (local.get $addr)) (i64.extend_i32_u (i32.load (local.get $addr))))))
      (func (export "grow") (param $pages i32) (result i32)
        (local $old i32)
        (local.set $old (memory.grow (local.get $pages)))
        (if (i32.ge_s (local.get $old) (i32.const 0))
          (then (i32.store (i32.sub (i32.mul (memory.size) (i32.const 65536)) (i32.const 4)) (i32.const 77))))
        (i32.add (local.get $old) (i32.load (i32.sub (i32.mul (memory.size) (i32.const 65536)) (i32.const 4)))))
      (func (export "control") (param $n i32) (result i64)
        (local $i i32) (local $sum i64)
        (loop $next
          (block $b2 (block $b1 (block $b0
            (br_table $b0 $b1 $b2 (i32.rem_u (local.get $i) (i32.const 4))))
            (local.set $sum (i64.add (local.get $sum) (call_indirect (type $unary) (i64.extend_i32_u (local.get $i)) (i32.const 0))))
            (br $b2))
            (local.set $sum (i64.add (local.get $sum) (call_indirect (type $unary) (i64.extend_i32_u (local.get $i)) (i32.const 1)))))
          (global.set $g (i64.add (global.get $g) (local.get $sum)))
          (local.set $i (i32.add (local.get $i) (i32.const 1)))
          (br_if $next (i32.lt_u (local.get $i) (local.get $n))))
        (i64.add (local.get $sum) (global.get $g)))
      (func $recurse (export "recurse") (param $n i32) (result i32)
        (if (result i32) (i32.eqz (local.get $n))
          (then (i32.const 0))
          (else (i32.add (i32.const 1) (call $recurse (i32.sub (local.get $n) (i32.const 1)))))))
      (func $trapper (param i32) (result i32)
        (if (i32.eq (local.get 0) (i32.const 1)) (then unreachable))
        (i32.load (i32.const 65534)))
      (func $middle (param i32) (result i32) (i32.add (call $trapper (local.get 0)) (i32.const 1)))
      (func (export "trapping") (param i32) (result i32) (call $middle (local.get 0))))
    """

    static let interestingI64: [UInt64] = [0, 1, 2, 7, 31, 32, 63, 64, 0xFF, 0x8000_0000, 0xFFFF_FFFF,
                                           0x8000_0000_0000_0000, UInt64.max, UInt64.max - 6, 0x1234_5678_9ABC_DEF0]
    static let interestingF64: [Double] = [0, -0.0, 1, -1.5, 3.25, .infinity, -.infinity, .nan, 1e300, 5e-324, 2.5]

    func instances() throws -> (native: Instance, interpreted: Instance) { try tierPair(Self.wat) }



    func testFunctionsCompileToNativeCode() throws {
        guard NativeTier.isAvailable else { throw XCTSkip("no native tier on this platform") }
        let module = try instances().native.module
        // Every function of this module can have native code (those with snippets included).
        for index in 0..<module.code.count {
            XCTAssertNil(try module.code.function(index).nativeCode, "function \(index)")
            module.code.compileNative(index)
            XCTAssertNotNil(try module.code.function(index).nativeCode, "function \(index)")
        }
    }

    /// With the default threshold a function starts interpreted; a loop that runs long enough
    /// has it compiled and continues in machine code in the middle of the call, and the result
    /// is the interpreter's.
    func testARunningLoopContinuesInMachineCode() throws {
        guard NativeTier.isAvailable else { throw XCTSkip("no native tier on this platform") }
        let wat = """
        (module
          (func (export "sum") (param $n i32) (result i64)
            (local $i i32) (local $acc i64)
            (loop $next
              (local.set $acc (i64.add (i64.mul (local.get $acc) (i64.const 31)) (i64.extend_i32_u (local.get $i))))
              (local.set $i (i32.add (local.get $i) (i32.const 1)))
              (br_if $next (i32.lt_u (local.get $i) (local.get $n))))
            (local.get $acc)))
        """
        var off = EngineConfiguration()
        off.nativeCode = false
        let engine = Engine()
        let module = try Module(engine: engine, bytes: WAT.encode(wat))
        let sum = try XCTUnwrap(Linker().instantiate(store: Store(engine: engine), module: module).function("sum"))
        let plain = Engine(configuration: off)
        let reference = try XCTUnwrap(Linker().instantiate(store: Store(engine: plain),
                                                           module: Module(engine: plain, bytes: WAT.encode(wat))).function("sum"))
        XCTAssertEqual(try sum.call([.i32(10)]), try reference.call([.i32(10)]))
        XCTAssertNil(try module.code.function(0).nativeCode, "ten iterations stay interpreted")
        XCTAssertEqual(try sum.call([.i32(100_000)]), try reference.call([.i32(100_000)]))
        XCTAssertNotNil(try module.code.function(0).nativeCode, "a long loop is compiled during the call")
        XCTAssertEqual(try sum.call([.i32(7)]), try reference.call([.i32(7)]))
    }

    /// Two threads, each with its own store, run the same hot functions of one module: its
    /// entry and iteration counts, the lazily translated functions and their machine code are
    /// the module's, shared by both. A low threshold has one thread compile while the other
    /// is still counting and calling through the interpreter (run under ThreadSanitizer, this
    /// is the test that shows whether that sharing races).
    func testTwoThreadsTierUpOneModule() throws {
        let wat = """
        (module
          (func $step (param i32) (result i32) (i32.mul (local.get 0) (i32.const 3)))
          (func $sum (param $n i32) (result i32)
            (local $i i32) (local $acc i32)
            (block $done
              (loop $next
                (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
                (local.set $acc (i32.add (local.get $acc) (call $step (local.get $i))))
                (local.set $i (i32.add (local.get $i) (i32.const 1)))
                (br $next)))
            (local.get $acc))
          (func (export "outer") (param i32) (result i32) (call $sum (local.get 0))))
        """
        var configuration = EngineConfiguration()
        configuration.nativeCodeThreshold = 20
        let engine = Engine(configuration: configuration)
        let bytes = try WAT.encode(wat)
        let calls = 40
        var expected: Int64 = 0
        for n in 0..<Int64(calls) { expected += 3 * n * (n - 1) / 2 }
        for _ in 0..<5 {
            let module = try Module(engine: engine, bytes: bytes)
            let results = ResultBox()
            let threads = (0..<2).map { index in
                JoinableThread {
                    do {
                        let instance = try Linker().instantiate(store: Store(engine: engine), module: module)
                        let outer = try instance.typedFunction("outer", params: Int32.self, results: Int32.self)
                        var total: Int64 = 0
                        for n in 0..<calls { total += Int64(try outer(Int32(n))) }
                        results.set(index, .success(total))
                    } catch {
                        results.set(index, .failure(error))
                    }
                }
            }
            threads.forEach { $0.start() }
            threads.forEach { $0.join() }
            XCTAssertEqual(try results.get(0), expected)
            XCTAssertEqual(try results.get(1), expected)
            if NativeTier.isAvailable {
                for index in 0..<module.code.count {
                    XCTAssertNotNil(try module.code.function(index).nativeCode, "function \(index) tiered up")
                }
            }
        }
    }

    func testIntegerOperationsMatchTheInterpreter() throws {
        let pair = try instances()
        for x in Self.interestingI64 {
            for y in Self.interestingI64 {
                try assertSame("i32ops", [.i32(UInt32(truncatingIfNeeded: x)), .i32(UInt32(truncatingIfNeeded: y))], pair)
                try assertSame("divisions", [.i64(x), .i64(y)], pair)
                try assertSame("divisions32", [.i32(UInt32(truncatingIfNeeded: x)), .i32(UInt32(truncatingIfNeeded: y))], pair)
            }
        }
    }

    func testFloatOperationsMatchTheInterpreter() throws {
        let pair = try instances()
        for a in Self.interestingF64 {
            for b in Self.interestingF64 {
                try assertSame("floats", [.f64(a.bitPattern), .f64(b.bitPattern)], pair)
            }
        }
    }

    func testMemoryAccessesAndBoundsMatchTheInterpreter() throws {
        let pair = try instances()
        for address: UInt32 in [0, 1, 100, 65536 - 16, 65536 - 10, 65536 - 9, 65536 - 8, 65536, 0xFFFF_FFFF, 0xFFFF_FFF8] {
            try assertSame("memory", [.i32(address), .i64(0x0102_0304_0506_0788)], pair)
        }
        // Growing from native code: the new pages are addressable at once, and past the
        // maximum memory.grow fails.
        for pages: UInt32 in [1, 0, 1, 5] {
            try assertSame("grow", [.i32(pages)], pair)
        }
    }

    func testControlFlowCallsAndGlobalsMatchTheInterpreter() throws {
        let pair = try instances()
        for n: UInt32 in [1, 2, 3, 4, 5, 100] {
            try assertSame("control", [.i32(n)], pair)
        }
        try assertSame("recurse", [.i32(5000)], pair)
    }

    func testTrapsAndBacktracesMatchTheInterpreter() throws {
        let pair = try instances()
        try assertSame("trapping", [.i32(1)], pair)  // unreachable, three frames deep
        try assertSame("trapping", [.i32(0)], pair)  // out of bounds
        let text = try outcome(pair.native, "trapping", [.i32(1)])
        XCTAssertTrue(text.hasPrefix("trap unreachable"), text)
    }

    func testRunawayRecursionTrapsInsteadOfCrashing() throws {
        let pair = try instances()
        for instance in [pair.native, pair.interpreted] {
            XCTAssertThrowsError(try XCTUnwrap(instance.function("recurse")).call([.i32(0x7FFF_FFFF)])) { error in
                guard case SwasmError.trap(let trap) = error else { return XCTFail("\(error)") }
                XCTAssertEqual(trap.reason, .callStackExhausted)
            }
        }
    }

    /// A host function called from native code calls back into Wasm, and a Wasm exception
    /// thrown below native frames is caught by an interpreted handler above them.
    func testHostCallsReentryAndExceptionsThroughNativeFrames() throws {
        let wat = """
        (module
          (import "host" "twice" (func $twice (param i32) (result i32)))
          (tag $oops (param i32))
          (func $leaf (export "leaf") (param i32) (result i32) (i32.mul (local.get 0) (i32.const 3)))
          (func $thrower (param i32) (result i32)
            (if (i32.gt_u (local.get 0) (i32.const 10)) (then (throw $oops (local.get 0))))
            (local.get 0))
          (func $native (param i32) (result i32)
            (i32.add (call $twice (local.get 0)) (call $thrower (local.get 0))))
          (func (export "run") (param i32) (result i32)
            (block $caught (result i32)
              (try_table (catch $oops $caught)
                (return (call $native (local.get 0))))
              (i32.const -1))))
        """
        var eager = EngineConfiguration()
        eager.nativeCodeThreshold = 0
        let store = Store(engine: Engine(configuration: eager))
        let linker = Linker()
        var leaf: Function?
        linker.defineFunction(store: store, module: "host", name: "twice",
                              type: FuncType(params: [.i32], results: [.i32])) { _, args in
            guard case .i32(let x) = args[0], let leaf else { return [] }
            return try leaf.call([.i32(x)]).map { value in
                guard case .i32(let y) = value else { return value }
                return .i32(y &* 2)
            }
        }
        let instance = try linker.instantiate(store: store, module: Module(engine: store.engine, bytes: WAT.encode(wat)))
        leaf = instance.function("leaf")
        let run = try XCTUnwrap(instance.function("run"))
        XCTAssertEqual(try run.call([.i32(4)]), [.i32(4 * 3 * 2 + 4)])
        XCTAssertEqual(try run.call([.i32(11)]), [.i32(11)])
    }

    /// Found by the tier fuzzer (docs/fuzzing.md): mutual recursion between a function the
    /// tier compiles and one it leaves to the interpreter (here for its tail call) nests an
    /// interpreter loop on the machine stack at every round. Nested entries used to keep the
    /// outer entry's stack limit, so native code trapped with "call stack exhausted" after
    /// about a hundred rounds where the interpreter recursed to its full call depth.
    func testRecursionThroughAnInterpretedFunctionGoesAsDeepAsInTheInterpreter() throws {
        let wat = """
        (module
          (func $compiled (export "countdown") (param $n i32) (result i32)
            (if (result i32) (i32.eqz (local.get $n))
              (then (i32.const 0))
              (else (i32.add (i32.const 1) (call $interpreted (i32.sub (local.get $n) (i32.const 1)))))))
          (func $interpreted (param $n i32) (result i32)
            (return_call $compiled (local.get $n))))
        """
        var off = EngineConfiguration()
        off.nativeCode = false
        var eager = EngineConfiguration()
        eager.nativeCodeThreshold = 0
        var countdowns: [Function] = []
        var modules: [Module] = []
        for configuration in [off, eager] {
            let engine = Engine(configuration: configuration)
            let module = try Module(engine: engine, bytes: WAT.encode(wat))
            modules.append(module)
            countdowns.append(try XCTUnwrap(Linker().instantiate(store: Store(engine: engine), module: module).function("countdown")))
        }
        for depth: UInt32 in [10, 300, 3000] {
            XCTAssertEqual(try countdowns[1].call([.i32(depth)]), [.i32(depth)], "native, \(depth) rounds")
            XCTAssertEqual(try countdowns[0].call([.i32(depth)]), [.i32(depth)], "interpreted, \(depth) rounds")
        }
        if NativeTier.isAvailable {
            XCTAssertNotNil(try modules[1].code.function(0).nativeCode, "the recursion runs through machine code")
            XCTAssertFalse(try modules[1].code.function(1).hasTierChecks, "and through an interpreted function")
        }
        for countdown in countdowns {
            XCTAssertThrowsError(try countdown.call([.i32(0x7FFF_FFFF)])) { error in
                guard case SwasmError.trap(let trap) = error else { return XCTFail("\(error)") }
                XCTAssertEqual(trap.reason, .callStackExhausted)
            }
        }
    }
}

/// The native compiler on every module the spec scripts define: each function the tier accepts
/// compiles (a template that cannot encode its operands would fail or crash here).
final class NativeCompilerCoverageTests: XCTestCase {
    func testEverySpecModuleFunctionCompiles() throws {
        guard NativeTier.isAvailable else { throw XCTSkip("no native tier on this platform") }
        let seeds = RobustnessTests.specSuiteSeeds()
        XCTAssertGreaterThan(seeds.count, 500)
        let engine = Engine()
        var compiled = 0, interpreted = 0
        for bytes in seeds {
            guard let module = try? Module(engine: engine, bytes: bytes) else { continue }
            for index in 0..<module.code.count {
                guard let function = try? module.code.function(index) else { continue }
                guard function.hasTierChecks else { interpreted += 1; continue }
                module.code.compileNative(index)
                XCTAssertNotNil(function.nativeCode, "function \(index) of a spec module")
                compiled += 1
            }
        }
        print("native compiler: \(compiled) spec functions compiled, \(interpreted) left to the interpreter")
        XCTAssertGreaterThan(compiled, 5_000)
    }
}
