import XCTest
import SwasmText
@testable import Swasm

/// Guard regions (Native/GuardRegions.swift): machine code leaves a 32-bit memory's bounds to
/// the hardware, and every access out of bounds still traps exactly as in the interpreter and
/// as in machine code that checks each access, with the same backtrace.
final class GuardRegionTests: XCTestCase {
    static let wat = """
    (module
      (memory (export "memory") 1 8)
      (func $load (export "load") (param $a i32) (result i64)
        (i64.add (i64.load (local.get $a)) (i64.extend_i32_u (i32.load8_u offset=7 (local.get $a)))))
      (func (export "loadFar") (param $a i32) (result i32) (i32.load offset=4294967295 (local.get $a)))
      (func (export "loadMid") (param $a i32) (result i32) (i32.load16_s offset=65534 (local.get $a)))
      (func (export "store") (param $a i32) (param $v i64) (result i64)
        (i64.store offset=3 (local.get $a) (local.get $v))
        (call $load (i32.add (local.get $a) (i32.const 3))))
      (func (export "deep") (param $a i32) (result i64)
        (i64.mul (call $load (local.get $a)) (i64.const 3)))
      (func (export "grow") (param $pages i32) (param $a i32) (result i64)
        (drop (memory.grow (local.get $pages)))
        (i64.store (local.get $a) (i64.const 0x0102030405060708))
        (i64.load (local.get $a))))
    """

    /// The interpreter, machine code with guard regions, machine code with explicit checks.
    func instances() throws -> [(name: String, instance: Instance)] {
        var checked = EngineConfiguration.nativeAtFirstCall
        checked.memoryGuardRegions = false
        return try [("interpreter", .interpreterOnly), ("guarded", .nativeAtFirstCall), ("checked", checked)].map { name, configuration in
            let engine = Engine(configuration: configuration)
            let module = try Module(engine: engine, bytes: WAT.encode(Self.wat))
            return (name, try Linker().instantiate(store: Store(engine: engine), module: module))
        }
    }


    func testMemoriesOfANativeEngineHaveGuardRegions() throws {
        let all = try instances()
        let expected = NativeTier.isAvailable && GuardRegions.isAvailable
        XCTAssertEqual(all[1].instance.memory("memory")?.object.isGuarded, expected)
        XCTAssertEqual(all[0].instance.memory("memory")?.object.isGuarded, false, "nothing to guard for the interpreter")
        XCTAssertEqual(all[2].instance.memory("memory")?.object.isGuarded, false)
        for (_, instance) in all { XCTAssertTrue(instance.state.runsMachineCode) }
    }

    func testAccessesAtEveryBoundaryMatchTheInterpreter() throws {
        let all = try instances()
        let page: UInt32 = 65_536
        let addresses: [UInt32] = [0, 8, page - 16, page - 9, page - 8, page - 7, page - 1, page, page + 1,
                                   2 * page, 0x7FFF_FFFF, 0x8000_0000, 0xFFFF_FFF8, 0xFFFF_FFFF]
        var cases: [(String, [Value])] = []
        for address in addresses {
            cases.append(("load", [.i32(address)]))
            cases.append(("loadFar", [.i32(address)]))
            cases.append(("loadMid", [.i32(address)]))
            cases.append(("deep", [.i32(address)]))
            cases.append(("store", [.i32(address), .i64(0x1122_3344_5566_7788)]))
        }
        // Growing moves the boundary: the same addresses after one and after two more pages.
        for address in [page - 8, page, 2 * page - 8, 2 * page, 3 * page - 8, 3 * page] {
            cases.append(("grow", [.i32(0), .i32(address)]))
        }
        cases.append(("grow", [.i32(1), .i32(2 * page - 8)]))
        cases.append(("grow", [.i32(1), .i32(3 * page - 8)]))
        cases.append(("grow", [.i32(0), .i32(3 * page)]))
        var trapped = 0
        for (name, arguments) in cases {
            let results = try all.map { try outcome($0.instance, name, arguments) }
            XCTAssertEqual(results[1], results[0], "guarded \(name)\(arguments)")
            XCTAssertEqual(results[2], results[0], "checked \(name)\(arguments)")
            if results[0].hasPrefix("trap out of bounds") { trapped += 1 }
        }
        XCTAssertGreaterThan(trapped, 40, "most boundary cases trap")
        XCTAssertEqual(try outcome(all[1].instance, "deep", [.i32(0x8000_0000)]), "trap out of bounds memory access at [0, 4]")
    }

    /// An instance whose memory 0 lacks the guard regions its module's machine code relies on
    /// (here: marked so, as when the reservation is refused) runs interpreted, bounds checked.
    func testAnInstanceWithoutGuardRegionsRunsInterpreted() throws {
        guard NativeTier.isAvailable && GuardRegions.isAvailable else { throw XCTSkip("no guard regions here") }
        var configuration = EngineConfiguration()
        configuration.nativeCodeThreshold = 0
        let engine = Engine(configuration: configuration)
        let store = Store(engine: engine)
        let memory = try Memory(store: store, type: MemoryType(limits: Limits(min: 1, max: 8)))
        memory.object.isGuarded = false
        let wat = Self.wat.replacingOccurrences(of: "(memory (export \"memory\") 1 8)",
                                                with: "(import \"host\" \"memory\" (memory 1 8))")
        let module = try Module(engine: engine, bytes: WAT.encode(wat))
        let linker = Linker()
        linker.define(module: "host", name: "memory", .memory(memory))
        let instance = try linker.instantiate(store: store, module: module)
        XCTAssertFalse(instance.state.runsMachineCode)
        XCTAssertEqual(try outcome(instance, "store", [.i32(16), .i64(7)]), "[Swasm.Value.i64(7)]")
        XCTAssertEqual(try outcome(instance, "deep", [.i32(65_536)]), "trap out of bounds memory access at [0, 4]")
        XCTAssertNil(try module.code.function(0).nativeCode, "nothing was compiled")
    }
}
