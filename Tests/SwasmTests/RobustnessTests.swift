import Foundation
import SwasmText
import XCTest
@testable import Swasm

/// Feeds mutated modules (bit flips, byte substitutions, truncations, insertions, deletions,
/// duplicated chunks) through decode, validation and instantiation, then calls their exported
/// functions. Every input must be
/// accepted or rejected with a `SwasmError`; a crash or a hang fails the whole test run.
final class RobustnessTests: XCTestCase {
    typealias Random = TestRandom

    static var sharedDirectory: URL {
        URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("shared")
    }

    /// Real modules produced by compilers, plus small hand-written ones that reach every
    /// section kind, so mutations hit interesting structure rather than only padding.
    static func seeds() throws -> [[UInt8]] {
        var seeds: [[UInt8]] = handWrittenSeeds
        let fm = FileManager.default
        var paths: [String] = []
        let bench = sharedDirectory.appendingPathComponent("bench-c/wasm").path
        for name in (try? fm.contentsOfDirectory(atPath: bench)) ?? [] where name.hasSuffix(".wasm") {
            paths.append(bench + "/" + name)
        }
        let wasi = sharedDirectory.appendingPathComponent("wasi-testsuite/tests")
        if let e = fm.enumerator(atPath: wasi.path) {
            for case let rel as String in e where rel.hasSuffix(".wasm") {
                paths.append(wasi.path + "/" + rel)
            }
        }
        seeds += specSuiteSeeds()
        for path in paths.sorted() {
            let data = try Data(contentsOf: URL(fileURLWithPath: path))
            // Large modules would make ten thousand rounds slow without reaching new code.
            if data.count <= 96 * 1024 { seeds.append([UInt8](data)) }
        }
        return seeds
    }

    /// Every module the spec scripts define outright (not those of assertions), encoded to
    /// binary: small modules that between them use every instruction and section. The Wasm 2.0
    /// scripts (SIMD included), then the Wasm 3.0 suite's modules this engine loads, which add
    /// tail calls, exception handling and the newer SIMD forms; duplicates are dropped.
    static func specSuiteSeeds() -> [[UInt8]] {
        var seen = Set<[UInt8]>()
        var seeds: [[UInt8]] = []
        let engine = Engine()
        func collect(_ directory: String, options: WATOptions, onlyLoadable: Bool) {
            let suite = sharedDirectory.appendingPathComponent(directory)
            let names = (try? FileManager.default.contentsOfDirectory(atPath: suite.path)) ?? []
            for name in names.sorted() where name.hasSuffix(".wast") {
                guard let text = try? String(contentsOf: suite.appendingPathComponent(name), encoding: .utf8),
                      let directives = try? WAST.parse(text) else { continue }
                for directive in directives {
                    let module: WastModule
                    switch directive.kind {
                    case .module(let m), .moduleDefinition(let m): module = m
                    default: continue
                    }
                    guard let bytes = try? module.encode(options: options), !seen.contains(bytes) else { continue }
                    if onlyLoadable && (try? Module(engine: engine, bytes: bytes)) == nil { continue }
                    seen.insert(bytes)
                    seeds.append(bytes)
                }
            }
        }
        collect("spec-testsuite-wasm2.0", options: .wasm2, onlyLoadable: false)
        collect("spec-testsuite", options: .wasm3, onlyLoadable: true)
        return seeds
    }

    static let handWrittenSeeds: [[UInt8]] = [
        // (module (type (func (param i32) (result i32))) (func (type 0) local.get 0 i32.const 1 i32.add)
        //   (memory 1 2) (table 2 funcref) (global (mut i32) (i32.const 7))
        //   (export "f" (func 0)) (elem (i32.const 0) 0) (data (i32.const 8) "hi"))
        [0x00, 0x61, 0x73, 0x6D, 0x01, 0x00, 0x00, 0x00,
         0x01, 0x06, 0x01, 0x60, 0x01, 0x7F, 0x01, 0x7F,
         0x03, 0x02, 0x01, 0x00,
         0x04, 0x04, 0x01, 0x70, 0x00, 0x02,
         0x05, 0x04, 0x01, 0x01, 0x01, 0x02,
         0x06, 0x06, 0x01, 0x7F, 0x01, 0x41, 0x07, 0x0B,
         0x07, 0x05, 0x01, 0x01, 0x66, 0x00, 0x00,
         0x09, 0x07, 0x01, 0x00, 0x41, 0x00, 0x0B, 0x01, 0x00,
         0x0A, 0x09, 0x01, 0x07, 0x00, 0x20, 0x00, 0x41, 0x01, 0x6A, 0x0B,
         0x0B, 0x08, 0x01, 0x00, 0x41, 0x08, 0x0B, 0x02, 0x68, 0x69],
        // A loop with a branch table and a call_indirect through a 5-byte table index.
        [0x00, 0x61, 0x73, 0x6D, 0x01, 0x00, 0x00, 0x00,
         0x01, 0x05, 0x01, 0x60, 0x00, 0x01, 0x7F,
         0x03, 0x02, 0x01, 0x00,
         0x04, 0x04, 0x01, 0x70, 0x00, 0x01,
         0x0A, 0x1A, 0x01, 0x18, 0x01, 0x01, 0x7F,
         0x02, 0x40, 0x03, 0x40, 0x20, 0x00, 0x0E, 0x01, 0x00, 0x01, 0x0B, 0x0B,
         0x41, 0x00, 0x11, 0x00, 0x80, 0x80, 0x80, 0x80, 0x00, 0x0B],
    ]

    /// Byte ranges of the seed's function bodies: mutations there keep the section structure
    /// intact, so they reach the instruction reader and validator instead of stopping early.
    static func bodyRanges(_ seed: [UInt8]) -> [Range<Int>] {
        guard let sections = try? ModuleDecoder.decode(seed) else { return [] }
        return sections.code.map(\.code).filter { !$0.isEmpty }
    }

    func mutate(_ seed: [UInt8], bodies: [Range<Int>], _ rng: inout Random) -> [UInt8] {
        var bytes = seed
        if !bodies.isEmpty && rng.below(2) == 0 {
            // Structure-preserving: overwrite one to three bytes inside one body.
            let body = bodies[rng.below(bodies.count)]
            for _ in 0..<(1 + rng.below(3)) {
                let i = body.lowerBound + rng.below(body.count)
                bytes[i] = rng.below(2) == 0 ? bytes[i] ^ (UInt8(1) << UInt8(rng.below(8))) : UInt8(truncatingIfNeeded: rng.next())
            }
            return bytes
        }
        let rounds = 1 + rng.below(3)
        for _ in 0..<rounds {
            if bytes.isEmpty { bytes = [0] }
            switch rng.below(7) {
            case 0:  // flip one bit
                let i = rng.below(bytes.count)
                bytes[i] ^= UInt8(1) << UInt8(rng.below(8))
            case 1:  // substitute an interesting byte
                let interesting: [UInt8] = [0x00, 0x01, 0x7F, 0x80, 0xFF, 0x0B, 0x40, 0x41, 0x10, 0x11]
                bytes[rng.below(bytes.count)] = interesting[rng.below(interesting.count)]
            case 2:  // truncate
                bytes.removeLast(rng.below(bytes.count))
            case 3:  // insert random bytes
                let at = rng.below(bytes.count + 1)
                let n = 1 + rng.below(8)
                bytes.insert(contentsOf: (0..<n).map { _ in UInt8(truncatingIfNeeded: rng.next()) }, at: at)
            case 4:  // delete a run
                let at = rng.below(bytes.count)
                bytes.removeSubrange(at..<min(bytes.count, at + 1 + rng.below(8)))
            case 5:  // duplicate a chunk elsewhere
                let from = rng.below(bytes.count)
                let chunk = Array(bytes[from..<min(bytes.count, from + 1 + rng.below(16))])
                bytes.insert(contentsOf: chunk, at: rng.below(bytes.count + 1))
            default:  // random byte
                bytes[rng.below(bytes.count)] = UInt8(truncatingIfNeeded: rng.next())
            }
        }
        return bytes
    }

    /// Defines every import of `module` with a value of the right type, so that mutated
    /// modules get as far as instantiation.
    func linker(for module: Module, store: Store) -> Linker {
        let linker = Linker()
        for imp in module.imports {
            switch imp.type {
            case .function(let type):
                linker.defineFunction(store: store, module: imp.module, name: imp.name, type: type) { _, _ in
                    throw SwasmError.trap(Trap(.host("host function called by mutated module")))
                }
            case .tag(let type):
                if let t = try? Tag(store: store, type: type) { linker.define(module: imp.module, name: imp.name, .tag(t)) }
            case .memory(let type):
                if let m = try? Memory(store: store, type: type) { linker.define(module: imp.module, name: imp.name, .memory(m)) }
            case .table(let type):
                if let t = try? Table(store: store, type: type, initial: .null(type.elementType.heapType)) {
                    linker.define(module: imp.module, name: imp.name, .table(t))
                }
            case .global(let type):
                let value: Value
                switch type.valueType {
                case .i32: value = .i32(0)
                case .i64: value = .i64(0)
                case .f32: value = .f32(0)
                case .f64: value = .f64(0)
                case .v128: value = .v128(0, 0)
                case .ref(let r): value = .ref(.null(r.heapType))
                }
                if let g = try? Global(store: store, type: type, value: value) {
                    linker.define(module: imp.module, name: imp.name, .global(g))
                }
            }
        }
        return linker
    }

    /// Calls every exported function with zero arguments of its parameter types, each under
    /// its own fuel, so mutated bodies run through the interpreter and not only the validator.
    func callExports(of module: Module, instance: Instance, store: Store, counts: inout [String: Int]) {
        for export in module.exports {
            guard case .function(let type) = export.type, let function = instance.function(export.name) else { continue }
            let arguments: [Value] = type.params.map { param in
                switch param {
                case .i32: return .i32(0)
                case .i64: return .i64(0)
                case .f32: return .f32(0)
                case .f64: return .f64(0)
                case .v128: return .v128(0, 0)
                case .ref(let r): return .ref(.null(r.heapType))
                }
            }
            do {
                try store.setFuel(100_000)
                _ = try function.call(arguments)
                counts["call returned", default: 0] += 1
            } catch let error as SwasmError {
                if case .trap = error {
                    counts["call trapped", default: 0] += 1
                } else {
                    counts["call failed", default: 0] += 1
                }
            } catch {
                // A non-nullable reference parameter has no zero value: the call is refused.
                counts["call refused", default: 0] += 1
            }
        }
    }

    func testMutatedModulesNeverCrash() throws {
        let seeds = try Self.seeds()
        let bodies = seeds.map(Self.bodyRanges)
        XCTAssertGreaterThan(seeds.count, 500, "seed modules not found under \(Self.sharedDirectory.path)")
        var configuration = EngineConfiguration()
        configuration.compilation = .eager
        // Fuel bounds every start function, so a mutated module that loops cannot hang the test.
        configuration.consumeFuel = true
        let engine = Engine(configuration: configuration)
        var rng = Random(state: 0x5357_4153_4D21)
        var counts: [String: Int] = [:]
        // SWASM_ROBUSTNESS_ITERATIONS (and SWASM_ROBUSTNESS_SEED) run longer or other
        // sequences locally; CI keeps the default.
        let environment = ProcessInfo.processInfo.environment
        let iterations = environment["SWASM_ROBUSTNESS_ITERATIONS"].flatMap(Int.init) ?? 30_000
        if let seed = environment["SWASM_ROBUSTNESS_SEED"].flatMap(UInt64.init) { rng = Random(state: seed) }
        for _ in 0..<iterations {
            let pick = rng.below(seeds.count)
            let bytes = mutate(seeds[pick], bodies: bodies[pick], &rng)
            do {
                let module = try Module(engine: engine, bytes: bytes)
                let store = Store(engine: engine)
                try store.setFuel(1_000_000)
                let instance = try linker(for: module, store: store).instantiate(store: store, module: module)
                counts["instantiated", default: 0] += 1
                callExports(of: module, instance: instance, store: store, counts: &counts)
            } catch let error as SwasmError {
                switch error {
                case .malformed: counts["malformed", default: 0] += 1
                case .invalid: counts["invalid", default: 0] += 1
                case .unlinkable: counts["unlinkable", default: 0] += 1
                case .trap: counts["trap", default: 0] += 1
                case .unsupported: counts["unsupported", default: 0] += 1
                case .exit, .limit: counts["other", default: 0] += 1
                }
            } catch {
                XCTFail("mutated module raised a non-Swasm error: \(error)")
            }
        }
        print("robustness: \(iterations) mutated modules from \(seeds.count) seeds:",
              counts.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", "))
        let outcomes = ["instantiated", "malformed", "invalid", "unlinkable", "trap", "unsupported", "other"]
        XCTAssertEqual(outcomes.map { counts[$0] ?? 0 }.reduce(0, +), iterations)
        // Instantiated modules' exports must actually run.
        XCTAssertGreaterThan((counts["call returned"] ?? 0) + (counts["call trapped"] ?? 0), 100)
        // Mutations must not all be rejected at the magic number: the decoder is exercised.
        XCTAssertGreaterThan((counts["invalid"] ?? 0) + (counts["instantiated"] ?? 0) + (counts["trap"] ?? 0), 100)
    }
}
