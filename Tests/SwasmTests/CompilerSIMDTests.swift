import XCTest
@testable import Swasm
import SwasmText

/// SIMD in the translator and the interpreter: the IR of v128 values in locals, parameters,
/// results, blocks, `select`, calls and globals (two slots each, golden listings below), the
/// direct and generic SIMD instruction forms, and execution of the same functions, including
/// a host function with v128 arguments and out-of-bounds SIMD accesses.
final class CompilerSIMDTests: XCTestCase {
    static let wat = """
    (module
      (import "host" "flip" (func $flip (param v128 i32) (result i32 v128)))
      (memory (export "memory") 1)
      (global $g (mut v128) (v128.const i32x4 1 2 3 4))
      ;; Slots: x s0, a s1-s2, y s3, b s4-s5, t s6-s7; results at s0-s1 and s2.
      (func $mix (export "mix") (param $x i32) (param $a v128) (param $y f64) (param $b v128) (result v128 i32)
        (local $t v128)
        (local.set $t (i32x4.add (local.get $a) (local.get $b)))
        (i32x4.replace_lane 1 (local.get $t) (local.get $x))
        (i32x4.extract_lane 2 (local.get $b)))
      ;; The second result is read from slot 0, which the first result overwrites.
      (func (export "swap") (param v128 v128) (result v128 v128)
        (local.get 1) (local.get 0))
      (func (export "sel") (param $c i32) (param v128 v128) (result v128)
        (block (result v128)
          (br_if 0 (local.get 1) (local.get $c))
          drop
          (select (local.get 1) (local.get 2) (local.get $c))))
      (func (export "glob") (param v128) (result v128)
        (global.get $g)
        (global.set $g (local.get 0)))
      (func (export "call") (param v128) (result i32) (local $i i32)
        (call $mix (i32.const 7) (local.get 0) (f64.const 1) (v128.const i64x2 5 6))
        (local.set $i)
        (i32.add (i32x4.extract_lane 1) (local.get $i)))
      (func (export "mem") (param $p i32)
        (v128.store offset=16 (local.get $p)
          (v128.bitselect (v128.load (local.get $p)) (v128.load8_splat offset=3 (local.get $p))
                          (i8x16.popcnt (v128.const i32x4 0 0 0 0))))
        (v128.store32_lane 2 (local.get $p)
          (v128.load16_lane offset=4 1 (local.get $p)
            (i8x16.shl (v128.load32_zero (local.get $p)) (local.get $p))))
        (v128.store offset=32 (local.get $p)
          (i8x16.shuffle 0 17 2 19 4 21 6 23 8 25 10 27 12 29 14 31
            (v128.load (local.get $p)) (v128.load offset=16 (local.get $p)))))
      (func (export "viaHost") (param v128) (result i32 v128)
        (call $flip (local.get 0) (i32.const 3)))
      (func (export "f32x4") (param v128 v128) (result v128)
        (f32x4.mul (f32x4.add (local.get 0) (local.get 1)) (f32x4.sqrt (local.get 1))))
      (func (export "loadSplat") (param $p i32) (result v128)
        (v128.load64_splat (local.get $p)))
      (func (export "load") (param $p i32) (result v128)
        (v128.load (local.get $p)))
    )
    """

    static let expectedListing = """
        function 1: frame 12 slots, params 6, locals 8, results 3
           0: i32x4.add s6, s1, s4
           2: i32x4.replace_lane s8, s6, lane 1, s0
           5: i32x4.extract_lane s10, s4, lane 2
           8: copy128 s0, s8
          10: copy s2, s10
          12: return
        function 2: frame 8 slots, params 4, locals 4, results 4
           0: copy128 s6, s0
           2: copy128 s0, s2
           4: copy128 s2, s6
           6: return
        function 3: frame 10 slots, params 5, locals 5, results 2
           0: brIfEqz s0 @5
           2: copy128 s5, s1
           4: br @8
           5: select128 s5, s1, s3, s0
           8: copy128 s0, s5
          10: return
        function 4: frame 6 slots, params 2, locals 2, results 2
           0: globalGet128 s2, 0
           2: globalSet128 0, s0
           4: copy128 s0, s2
           6: return
        function 5: frame 9 slots, params 2, locals 3, results 1
           0: v128Const s7, 0x00000000000000060000000000000005
           3: const s3, #7 (0x7)
           5: copy128 s4, s0
           7: const s6, #4607182418800017408 (0x3ff0000000000000)
           9: call 0 base s3
          11: copy s2, s5
          13: i32x4.extract_lane s3, s3, lane 1
          16: i32.add s3, s3, s2
          18: returnValue s3
        function 6: frame 8 slots, params 1, locals 1, results 0
           0: v128.load s2, [s0 + 0]
           2: v128.load8_splat s4, [s0 + 3]
           5: v128Const s6, 0x00000000000000000000000000000000
           8: i8x16.popcnt s6, s6
          11: v128.bitselect s2, s2, s4, s6
          14: v128.store [s0 + 16], s2
          16: v128.load32_zero s3, [s0 + 0]
          19: i8x16.shl s3, s3, s0
          22: v128.load16_lane s2, [s0 + 4], s3, lane 1
          25: v128.store32_lane [s0 + 0], s2, lane 2
          28: v128.load s2, [s0 + 0]
          30: v128.load s4, [s0 + 16]
          32: i8x16.shuffle s2, s2, s4, 0x1f0e1d0c1b0a19081706150413021100
          36: v128.store [s0 + 32], s2
          38: return
        function 7: frame 5 slots, params 2, locals 2, results 3
           0: copy128 s2, s0
           2: const s4, #3 (0x3)
           4: callImport 0 base s2
           6: copy s0, s2
           8: copy128 s1, s3
          10: return
        function 8: frame 8 slots, params 4, locals 4, results 2
           0: f32x4.add s4, s0, s2
           2: f32x4.sqrt s6, s2
           5: f32x4.mul s4, s4, s6
           7: copy128 s0, s4
           9: return
        function 9: frame 3 slots, params 1, locals 1, results 2
           0: v128.load64_splat s1, [s0 + 0]
           3: copy128 s0, s1
           5: return
        function 10: frame 3 slots, params 1, locals 1, results 2
           0: v128.load s1, [s0 + 0]
           2: copy128 s0, s1
           4: return
        """

    var module: Module!
    var instance: Instance!
    var memory: Memory!

    override func setUpWithError() throws {
        let engine = CompilerGoldenTests.interpreterEngine
        let store = Store(engine: engine)
        module = try Module(engine: engine, wat: Self.wat)
        let linker = Linker()
        // flip(v, n) = (n + 1, v with its words swapped)
        linker.defineFunction(store: store, module: "host", name: "flip",
                              type: FuncType(params: [.v128, .i32], results: [.i32, .v128])) { _, arguments in
            guard case .v128(let low, let high) = arguments[0], case .i32(let n) = arguments[1] else { return [] }
            return [.i32(n + 1), .v128(high, low)]
        }
        instance = try linker.instantiate(store: store, module: module)
        memory = instance.memory("memory")
    }

    private func call(_ name: String, _ arguments: Value...) throws -> [Value] {
        guard let function = instance.function(name) else {
            XCTFail("no export \(name)")
            return []
        }
        return try function.call(arguments)
    }

    private static func i32x4(_ lanes: UInt32...) -> Value {
        .v128(UInt64(lanes[0]) | UInt64(lanes[1]) << 32, UInt64(lanes[2]) | UInt64(lanes[3]) << 32)
    }

    private static func f32x4(_ lanes: Float...) -> Value {
        let bits = lanes.map(\.bitPattern)
        return .v128(UInt64(bits[0]) | UInt64(bits[1]) << 32, UInt64(bits[2]) | UInt64(bits[3]) << 32)
    }

    func testListingMatchesGolden() throws {
        var parts: [String] = []
        for index in 0..<module.code.count {
            let function = try module.code.function(index)
            XCTAssertEqual(function.verifyStructure(), [], "function \(function.functionIndex)")
            parts.append("function \(function.functionIndex): " + function.disassemble())
        }
        XCTAssertEqual(parts.joined(separator: "\n"), Self.expectedListing)
    }

    func testValuesTakeTwoSlotsEverywhere() throws {
        XCTAssertEqual(try call("mix", .i32(7), Self.i32x4(1, 2, 3, 4), .f64(Double(2).bitPattern), Self.i32x4(10, 20, 30, 40)),
                       [Self.i32x4(11, 7, 33, 44), .i32(30)])
        let a = Self.i32x4(1, 2, 3, 4), b = Self.i32x4(5, 6, 7, 8)
        XCTAssertEqual(try call("swap", a, b), [b, a])
        XCTAssertEqual(try call("sel", .i32(1), a, b), [a])
        XCTAssertEqual(try call("sel", .i32(0), a, b), [b])
        XCTAssertEqual(try call("glob", b), [Self.i32x4(1, 2, 3, 4)])
        XCTAssertEqual(try call("glob", a), [b])
        // mix(7, v, 1.0, [5 0 6 0]): lane 1 of the vector result is 7, the scalar result is 6.
        XCTAssertEqual(try call("call", a), [.i32(13)])
        XCTAssertEqual(try call("viaHost", .v128(0x1111, 0x2222)), [.i32(4), .v128(0x2222, 0x1111)])
    }

    func testLaneOperations() throws {
        XCTAssertEqual(try call("f32x4", Self.f32x4(1, 2, 3, 4), Self.f32x4(4, 9, 16, 25)),
                       [Self.f32x4(10, 33, 76, 145)])
        let bytes = (0..<16).map { UInt8($0 * 3 + 1) }
        try memory.write(offset: 64, bytes: bytes)
        XCTAssertEqual(try call("mem", .i32(64)), [])
        // mem[80...]: bitselect(load, splat(byte 3), 0) is the splat.
        XCTAssertEqual(try memory.read(offset: 80, count: 16), [UInt8](repeating: 10, count: 16))
        // mem[64...67]: lane 2 of [b0 b1 b4 b5 0 ...] (load32_zero, then load16_lane 1) is zero.
        let first = try memory.read(offset: 64, count: 16)
        XCTAssertEqual(Array(first.prefix(4)), [0, 0, 0, 0])
        XCTAssertEqual(Array(first.dropFirst(4)), Array(bytes.dropFirst(4)))
        // mem[96...]: the shuffle interleaves the bytes of mem[64...] and mem[80...].
        let shuffled = try memory.read(offset: 96, count: 16)
        for i in 0..<16 { XCTAssertEqual(shuffled[i], i % 2 == 0 ? first[i] : 10, "byte \(i)") }
    }

    func testSIMDAccessesTrapOutOfBounds() throws {
        XCTAssertEqual(try call("loadSplat", .i32(65536 - 8)).count, 1)
        XCTAssertEqual(try call("load", .i32(65536 - 16)).count, 1)
        for (name, address) in [("loadSplat", 65536 - 7), ("load", 65536 - 15), ("mem", 65536 - 40)] {
            XCTAssertThrowsError(try call(name, .i32(UInt32(address)))) { error in
                guard case SwasmError.trap(let trap) = error else { return XCTFail("\(error)") }
                XCTAssertEqual(trap.reason, .outOfBoundsMemoryAccess, name)
            }
        }
    }

    func testDirectOpcodesMatchTheirOps() {
        var direct = 0
        for op in SIMDOp.allCases {
            guard let ir = SIMDIROpcode.direct(op) else { continue }
            direct += 1
            XCTAssertEqual(ir.directOp, op)
            XCTAssertEqual(ir.name, op.name)
        }
        XCTAssertEqual(direct, SIMDIROpcode.directRange.count, "every direct IR opcode names a SIMD op")
        XCTAssertLessThan(SIMDOp.count, 1 << 16, "the op index fits its 16-bit field")
        XCTAssertGreaterThan(SIMDIROpcode.allCases.map(\.rawValue).min() ?? 0, 0, "0 in bits 16..31 is no SIMD opcode")
        // init(header:) relies on raw values 1...count in case order, stored in one byte.
        XCTAssertEqual(MemoryLayout<SIMDIROpcode>.size, 1)
        for (index, op) in SIMDIROpcode.allCases.enumerated() {
            XCTAssertEqual(Int(op.rawValue), index + 1)
            XCTAssertEqual(SIMDIROpcode(header: UInt64(op.rawValue) << 16 | 0xFFFF_0000_0000_0000), op)
        }
        XCTAssertNil(SIMDIROpcode(header: 0))
        XCTAssertNil(SIMDIROpcode(header: UInt64(SIMDIROpcode.allCases.count + 1) << 16))
    }
}
