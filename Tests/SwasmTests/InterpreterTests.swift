import Foundation
import XCTest
@testable import Swasm

/// The interpreter through the public API: traps and their backtraces, the call-depth limit
/// shared by nested host entries, native stack safety on small threads, memory bounds with
/// 64-bit effective addresses, `memory.grow` seen by callers, bulk memory bounds.
final class InterpreterTests: XCTestCase {
    /*
    (module $exec
      (import "host" "callback" (func $callback (param i32) (result i32)))
      (memory 1 3)
      (table 4 funcref)
      (elem (i32.const 0) $leaf $middle)
      (elem (i32.const 3) $takesI32)
      (func $takesI32 (param i32))
      (type $v_i (func (result i32)))
      (func $leaf (export "leaf") (result i32)
        unreachable)
      (func $middle (export "middle") (result i32)
        call $leaf)
      (func (export "indirect") (param i32) (result i32)
        (call_indirect (type $v_i) (local.get 0)))
      (func $recurse (export "recurse") (param i32) (result i32)
        (call $recurse (i32.add (local.get 0) (i32.const 1))))
      ;; Calls the host, which calls "pingpong" again with n - 1 until 0.
      (func (export "pingpong") (param i32) (result i32)
        (if (result i32) (i32.eqz (local.get 0))
          (then (i32.const 0))
          (else (i32.add (call $callback (i32.sub (local.get 0) (i32.const 1))) (i32.const 1)))))
      (func (export "load") (param i32) (result i32)
        (i32.load offset=0xFFFFFFF0 (local.get 0)))
      (func (export "loadAt") (param i32) (result i32)
        (i32.load (local.get 0)))
      (func (export "store") (param i32 i32)
        (i32.store (local.get 0) (local.get 1)))
      ;; Grows memory in a callee; the caller's next access must see the new size.
      (func $grow (param i32) (result i32) (memory.grow (local.get 0)))
      (func (export "growThenStore") (result i32)
        (drop (call $grow (i32.const 1)))
        (i32.store (i32.const 0x1FFFC) (i32.const 77))
        (i32.load (i32.const 0x1FFFC)))
      (func (export "size") (result i32) memory.size)
      (func (export "fill") (param i32 i32 i32) (memory.fill (local.get 0) (local.get 1) (local.get 2)))
      (func (export "copy") (param i32 i32 i32) (memory.copy (local.get 0) (local.get 1) (local.get 2)))
      (func (export "divs") (param i32 i32) (result i32) (i32.div_s (local.get 0) (local.get 1)))
      (func (export "trunc") (param f64) (result i32) (i32.trunc_f64_s (local.get 0)))
    )
    */
    static let exec: [UInt8] = [
        0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, 0x01, 0x24, 0x07, 0x60, 0x00, 0x01, 0x7f, 0x60,
        0x01, 0x7f, 0x01, 0x7f, 0x60, 0x01, 0x7f, 0x00, 0x60, 0x02, 0x7f, 0x7f, 0x00, 0x60, 0x03, 0x7f,
        0x7f, 0x7f, 0x00, 0x60, 0x02, 0x7f, 0x7f, 0x01, 0x7f, 0x60, 0x01, 0x7c, 0x01, 0x7f, 0x02, 0x11,
        0x01, 0x04, 0x68, 0x6f, 0x73, 0x74, 0x08, 0x63, 0x61, 0x6c, 0x6c, 0x62, 0x61, 0x63, 0x6b, 0x00,
        0x01, 0x03, 0x11, 0x10, 0x02, 0x00, 0x00, 0x01, 0x01, 0x01, 0x01, 0x01, 0x03, 0x01, 0x00, 0x00,
        0x04, 0x04, 0x05, 0x06, 0x04, 0x04, 0x01, 0x70, 0x00, 0x04, 0x05, 0x04, 0x01, 0x01, 0x01, 0x03,
        0x07, 0x7d, 0x0e, 0x04, 0x6c, 0x65, 0x61, 0x66, 0x00, 0x02, 0x06, 0x6d, 0x69, 0x64, 0x64, 0x6c,
        0x65, 0x00, 0x03, 0x08, 0x69, 0x6e, 0x64, 0x69, 0x72, 0x65, 0x63, 0x74, 0x00, 0x04, 0x07, 0x72,
        0x65, 0x63, 0x75, 0x72, 0x73, 0x65, 0x00, 0x05, 0x08, 0x70, 0x69, 0x6e, 0x67, 0x70, 0x6f, 0x6e,
        0x67, 0x00, 0x06, 0x04, 0x6c, 0x6f, 0x61, 0x64, 0x00, 0x07, 0x06, 0x6c, 0x6f, 0x61, 0x64, 0x41,
        0x74, 0x00, 0x08, 0x05, 0x73, 0x74, 0x6f, 0x72, 0x65, 0x00, 0x09, 0x0d, 0x67, 0x72, 0x6f, 0x77,
        0x54, 0x68, 0x65, 0x6e, 0x53, 0x74, 0x6f, 0x72, 0x65, 0x00, 0x0b, 0x04, 0x73, 0x69, 0x7a, 0x65,
        0x00, 0x0c, 0x04, 0x66, 0x69, 0x6c, 0x6c, 0x00, 0x0d, 0x04, 0x63, 0x6f, 0x70, 0x79, 0x00, 0x0e,
        0x04, 0x64, 0x69, 0x76, 0x73, 0x00, 0x0f, 0x05, 0x74, 0x72, 0x75, 0x6e, 0x63, 0x00, 0x10, 0x09,
        0x0e, 0x02, 0x00, 0x41, 0x00, 0x0b, 0x02, 0x02, 0x03, 0x00, 0x41, 0x03, 0x0b, 0x01, 0x01, 0x0a,
        0x9f, 0x01, 0x10, 0x02, 0x00, 0x0b, 0x03, 0x00, 0x00, 0x0b, 0x04, 0x00, 0x10, 0x02, 0x0b, 0x07,
        0x00, 0x20, 0x00, 0x11, 0x00, 0x00, 0x0b, 0x09, 0x00, 0x20, 0x00, 0x41, 0x01, 0x6a, 0x10, 0x05,
        0x0b, 0x15, 0x00, 0x20, 0x00, 0x45, 0x04, 0x7f, 0x41, 0x00, 0x05, 0x20, 0x00, 0x41, 0x01, 0x6b,
        0x10, 0x00, 0x41, 0x01, 0x6a, 0x0b, 0x0b, 0x0b, 0x00, 0x20, 0x00, 0x28, 0x02, 0xf0, 0xff, 0xff,
        0xff, 0x0f, 0x0b, 0x07, 0x00, 0x20, 0x00, 0x28, 0x02, 0x00, 0x0b, 0x09, 0x00, 0x20, 0x00, 0x20,
        0x01, 0x36, 0x02, 0x00, 0x0b, 0x06, 0x00, 0x20, 0x00, 0x40, 0x00, 0x0b, 0x18, 0x00, 0x41, 0x01,
        0x10, 0x0a, 0x1a, 0x41, 0xfc, 0xff, 0x07, 0x41, 0xcd, 0x00, 0x36, 0x02, 0x00, 0x41, 0xfc, 0xff,
        0x07, 0x28, 0x02, 0x00, 0x0b, 0x04, 0x00, 0x3f, 0x00, 0x0b, 0x0b, 0x00, 0x20, 0x00, 0x20, 0x01,
        0x20, 0x02, 0xfc, 0x0b, 0x00, 0x0b, 0x0c, 0x00, 0x20, 0x00, 0x20, 0x01, 0x20, 0x02, 0xfc, 0x0a,
        0x00, 0x00, 0x0b, 0x07, 0x00, 0x20, 0x00, 0x20, 0x01, 0x6d, 0x0b, 0x05, 0x00, 0x20, 0x00, 0xaa,
        0x0b, 0x00, 0x6d, 0x04, 0x6e, 0x61, 0x6d, 0x65, 0x00, 0x05, 0x04, 0x65, 0x78, 0x65, 0x63, 0x01,
        0x32, 0x06, 0x00, 0x08, 0x63, 0x61, 0x6c, 0x6c, 0x62, 0x61, 0x63, 0x6b, 0x01, 0x08, 0x74, 0x61,
        0x6b, 0x65, 0x73, 0x49, 0x33, 0x32, 0x02, 0x04, 0x6c, 0x65, 0x61, 0x66, 0x03, 0x06, 0x6d, 0x69,
        0x64, 0x64, 0x6c, 0x65, 0x05, 0x07, 0x72, 0x65, 0x63, 0x75, 0x72, 0x73, 0x65, 0x0a, 0x04, 0x67,
        0x72, 0x6f, 0x77, 0x02, 0x23, 0x11, 0x00, 0x00, 0x01, 0x00, 0x02, 0x00, 0x03, 0x00, 0x04, 0x00,
        0x05, 0x00, 0x06, 0x00, 0x07, 0x00, 0x08, 0x00, 0x09, 0x00, 0x0a, 0x00, 0x0b, 0x00, 0x0c, 0x00,
        0x0d, 0x00, 0x0e, 0x00, 0x0f, 0x00, 0x10, 0x00, 0x04, 0x06, 0x01, 0x00, 0x03, 0x76, 0x5f, 0x69,
    ]

    let engine = Engine()
    var store: Store!
    var instance: Instance!

    override func setUpWithError() throws {
        store = Store(engine: engine)
        let linker = Linker()
        let vi = FuncType(params: [.i32], results: [.i32])
        linker.defineFunction(store: store, module: "host", name: "callback", type: vi) { caller, args in
            // Host → Wasm again, while the calling Wasm frame is live.
            guard let pingpong = caller.instance?.function("pingpong") else { return [.i32(0)] }
            return try pingpong.call(args)
        }
        instance = try linker.instantiate(store: store, module: Module(engine: engine, bytes: Self.exec))
    }

    private func call(_ name: String, _ arguments: Value...) throws -> [Value] {
        guard let function = instance.function(name) else { throw APIError("no export \(name)") }
        return try function.call(arguments)
    }

    private func trap(_ body: () throws -> [Value], file: StaticString = #filePath, line: UInt = #line) -> Trap? {
        do {
            let results = try body()
            XCTFail("expected a trap, got \(results)", file: file, line: line)
        } catch SwasmError.trap(let trap) {
            return trap
        } catch {
            XCTFail("expected a trap, got \(error)", file: file, line: line)
        }
        return nil
    }

    func testTrapBacktraceNamesFunctionsAndModule() throws {
        let t = trap { try call("middle") }
        XCTAssertEqual(t?.reason, .unreachable)
        XCTAssertEqual(t?.backtrace.map(\.functionName), ["leaf", "middle"])
        XCTAssertEqual(t?.backtrace.map(\.functionIndex), [2, 3])
        XCTAssertEqual(t?.backtrace.first?.moduleName, "exec")
        XCTAssertTrue(t?.description.contains("exec!leaf") ?? false)
    }

    func testIndirectCallTraps() throws {
        XCTAssertEqual(trap { try call("indirect", .i32(0)) }?.reason, .unreachable)
        XCTAssertEqual(trap { try call("indirect", .i32(2)) }?.reason, .uninitializedElement)
        XCTAssertEqual(trap { try call("indirect", .i32(3)) }?.reason, .indirectCallTypeMismatch)
        XCTAssertEqual(trap { try call("indirect", .i32(4)) }?.reason, .undefinedElement)
        XCTAssertEqual(trap { try call("indirect", .i32(UInt32.max)) }?.reason, .undefinedElement)
        XCTAssertEqual(trap { try call("indirect", .i32(1)) }?.backtrace.map(\.functionName), ["leaf", "middle", nil])
    }

    func testCallStackExhaustionTrapsAndRecovers() throws {
        let t = trap { try call("recurse", .i32(0)) }
        XCTAssertEqual(t?.reason, .callStackExhausted)
        // The stacks are unwound: the store keeps working, and exhausts at the same depth.
        XCTAssertEqual(try call("size"), [.i32(1)])
        XCTAssertEqual(trap { try call("recurse", .i32(0)) }?.backtrace.count, t?.backtrace.count)
    }

    func testReentrantHostCalls() throws {
        XCTAssertEqual(try call("pingpong", .i32(10)), [.i32(10)])
        // Host ↔ Wasm recursion is bounded before it can overflow the native stack.
        let t = trap { try call("pingpong", .i32(1_000_000)) }
        XCTAssertEqual(t?.reason, .callStackExhausted)
        XCTAssertEqual(try call("pingpong", .i32(3)), [.i32(3)])
    }

    func testDeepRecursionOnASmallThreadStack() throws {
        // Secondary threads may have only 512 KiB of native stack; neither deep Wasm recursion
        // nor host ↔ Wasm recursion may overflow it.
        final class Box: @unchecked Sendable { var reasons: [TrapReason?] = [] }
        let box = Box()
        let done = DispatchSemaphore(value: 0)
        let thread = Thread {
            box.reasons.append(self.trap { try self.call("recurse", .i32(0)) }?.reason)
            box.reasons.append(self.trap { try self.call("pingpong", .i32(1_000_000)) }?.reason)
            done.signal()
        }
        thread.stackSize = 512 * 1024
        thread.start()
        done.wait()
        XCTAssertEqual(box.reasons, [.callStackExhausted, .callStackExhausted])
    }

    func testEffectiveAddressIs64Bit() throws {
        // 0xFFFFFFF0 + 0x10 wraps to 0 in 32 bits; Wasm requires a trap.
        XCTAssertEqual(trap { try call("load", .i32(0x10)) }?.reason, .outOfBoundsMemoryAccess)
        XCTAssertEqual(try call("loadAt", .i32(65532)), [.i32(0)])
        XCTAssertEqual(trap { try call("loadAt", .i32(65533)) }?.reason, .outOfBoundsMemoryAccess)
        XCTAssertEqual(trap { try call("loadAt", .i32(UInt32.max)) }?.reason, .outOfBoundsMemoryAccess)
    }

    func testMemoryGrowInCalleeIsSeenByCaller() throws {
        XCTAssertEqual(try call("growThenStore"), [.i32(77)])
        XCTAssertEqual(try call("size"), [.i32(2)])
    }

    func testBulkMemoryChecksBoundsBeforeWriting() throws {
        XCTAssertEqual(trap { try call("fill", .i32(65530), .i32(1), .i32(10)) }?.reason, .outOfBoundsMemoryAccess)
        XCTAssertEqual(try call("loadAt", .i32(65532)), [.i32(0)])
        XCTAssertEqual(try call("fill", .i32(65536), .i32(1), .i32(0)), [])
        _ = try call("store", .i32(100), .i32(0x0403_0201))
        _ = try call("copy", .i32(101), .i32(100), .i32(4))
        XCTAssertEqual(try call("loadAt", .i32(101)), [.i32(0x0403_0201)])
        XCTAssertEqual(trap { try call("copy", .i32(0), .i32(65535), .i32(2)) }?.reason, .outOfBoundsMemoryAccess)
    }

    func testArithmeticTraps() throws {
        XCTAssertEqual(trap { try call("divs", .i32(1), .i32(0)) }?.reason, .integerDivideByZero)
        XCTAssertEqual(trap { try call("divs", .i32(0x8000_0000), .i32(UInt32.max)) }?.reason, .integerOverflow)
        XCTAssertEqual(try call("divs", .i32(UInt32(bitPattern: -7)), .i32(2)), [.i32(UInt32(bitPattern: -3))])
        XCTAssertEqual(trap { try call("trunc", .f64(Double.nan.bitPattern)) }?.reason, .invalidConversionToInteger)
        XCTAssertEqual(trap { try call("trunc", .f64((1e10).bitPattern)) }?.reason, .integerOverflow)
        XCTAssertEqual(try call("trunc", .f64((-2.9).bitPattern)), [.i32(UInt32(bitPattern: -2))])
    }

    // MARK: Fuel

    /*
    (module
      (func (export "loop") (param i32) (local i32)
        (loop
          (local.set 1 (i32.add (local.get 1) (i32.const 1)))
          (br_if 0 (i32.lt_u (local.get 1) (local.get 0))))))
    */
    static let fuel: [UInt8] = [
        0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, 0x01, 0x05, 0x01, 0x60, 0x01, 0x7f, 0x00, 0x03,
        0x02, 0x01, 0x00, 0x07, 0x08, 0x01, 0x04, 0x6c, 0x6f, 0x6f, 0x70, 0x00, 0x00, 0x0a, 0x17, 0x01,
        0x15, 0x01, 0x01, 0x7f, 0x03, 0x40, 0x20, 0x01, 0x41, 0x01, 0x6a, 0x21, 0x01, 0x20, 0x01, 0x20,
        0x00, 0x49, 0x0d, 0x00, 0x0b, 0x0b, 0x00, 0x0a, 0x04, 0x6e, 0x61, 0x6d, 0x65, 0x02, 0x03, 0x01,
        0x00, 0x00,
    ]

    func testFuelCostIsDeterministic() throws {
        // Each checkpoint costs the Wasm instructions of its region outside nested loops: the
        // function's own 2 (loop, end) once, the loop body's 9 per iteration.
        var configuration = EngineConfiguration()
        configuration.consumeFuel = true
        let engine = Engine(configuration: configuration)
        let store = Store(engine: engine)
        let instance = try Linker().instantiate(store: store, module: Module(engine: engine, bytes: Self.fuel))
        try store.setFuel(1_000)
        _ = try instance.function("loop")?.call([.i32(10)])
        XCTAssertEqual(store.fuel, 1_000 - (2 + 9 * 10))
        let listing = try instance.module.code.function(0).disassemble()
        // Where the native tier is, its `native` instruction (two words) comes first.
        XCTAssertTrue(listing.contains(NativeTier.isAvailable ? "2: checkpoint 2" : "0: checkpoint 2"), listing)
        XCTAssertTrue(listing.contains("checkpoint 9"), listing)
        try store.setFuel(2 + 9 * 3)
        XCTAssertEqual(trap { try instance.function("loop")!.call([.i32(4)]) }?.reason, .fuelExhausted)
    }
}
