import Foundation
import XCTest
import SwasmText

/// The text format on damaged input: the Wasm 2.0 suite's text modules, mutated (byte ranges
/// deleted, repeated, or overwritten with characters that matter to the grammar), must each
/// either encode or be rejected with a `TextError`, never crash or fail another way.
/// `SWASM_TEXT_FUZZ_ITERATIONS` and `SWASM_TEXT_FUZZ_SEED` run longer or other rounds.
final class TextFuzzTests: XCTestCase {
    /// A small deterministic generator (SplitMix64), so a failure repeats with its seed.
    struct SplitMix: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }

    func testMutatedModulesEncodeOrFailWithATextError() throws {
        let environment = ProcessInfo.processInfo.environment
        let iterations = environment["SWASM_TEXT_FUZZ_ITERATIONS"].flatMap(Int.init) ?? 20_000
        let seed = environment["SWASM_TEXT_FUZZ_SEED"].flatMap(UInt64.init) ?? 0x5EED
        let scripts = try SpecSuiteTests.scripts(in: "spec-testsuite-wasm2.0")
        guard !scripts.isEmpty else { throw XCTSkip("Wasm 2.0 spec suite not found") }

        var seeds: [[UInt8]] = []
        for url in scripts {
            let text = try String(decoding: Data(contentsOf: url), as: UTF8.self)
            for directive in try WAST.parse(text) {
                if case .module(let m) = directive.kind, case .text(let t) = m.source {
                    seeds.append(Array(t.utf8))
                }
            }
        }
        // The seeds themselves are valid text: every one encodes.
        XCTAssertGreaterThan(seeds.count, 1_000)
        for s in seeds { XCTAssertNoThrow(try WAT.encode(bytes: s)) }

        let grammar = Array("()$0\" -x;.=".utf8)
        var rng = SplitMix(state: seed)
        var encoded = 0
        for round in 0..<iterations {
            var s = seeds[Int.random(in: 0..<seeds.count, using: &rng)]
            for _ in 0..<Int.random(in: 1...3, using: &rng) where s.count > 2 {
                let a = Int.random(in: 0..<s.count, using: &rng)
                let b = min(s.count, a + Int.random(in: 1...12, using: &rng))
                switch Int.random(in: 0..<3, using: &rng) {
                case 0: s.removeSubrange(a..<b)
                case 1: s.insert(contentsOf: s[a..<b], at: Int.random(in: 0...s.count, using: &rng))
                default: s[a] = grammar[Int.random(in: 0..<grammar.count, using: &rng)]
                }
            }
            do {
                _ = try WAT.encode(bytes: s)
                encoded += 1
            } catch is TextError {
            } catch {
                XCTFail("round \(round) (seed \(seed)): \(type(of: error)) \(error)")
            }
            do { _ = try WAST.parse(bytes: s) } catch is TextError {} catch {
                XCTFail("round \(round) (seed \(seed)), as a script: \(type(of: error)) \(error)")
            }
        }
        print("text fuzz: \(iterations) mutants of \(seeds.count) modules, \(encoded) encoded")
    }
}
