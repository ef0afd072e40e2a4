import Foundation
import XCTest

/// Each bench-c workload, MVP and generic builds, prints the checksum of expected.txt under
/// `swasm run`. They take seconds each in an optimised build (all eight, two at a time on two
/// cores: 24 s on 2026-11-25) and far longer in a debug build, so they run only against a
/// release `swasm` unless `SWASM_BENCH_TESTS=1` asks for them anyway.
final class CLIWASIBenchTests: XCTestCase {
    func testBenchCWorkloadsPrintTheirChecksums() throws {
        let swasm = try SwasmProcess.locate()
        let forced = ProcessInfo.processInfo.environment["SWASM_BENCH_TESTS"] == "1"
        guard swasm.isRelease || forced else {
            throw XCTSkip("bench-c workloads need a release build of swasm (or SWASM_BENCH_TESTS=1)")
        }
        let expectedText = try String(
            contentsOf: SharedInputs.benchC.appendingPathComponent("expected.txt"), encoding: .utf8)
        var expected: [(program: String, line: String)] = []
        for line in expectedText.split(separator: "\n") where !line.hasPrefix("#") {
            let fields = line.split(separator: " ", omittingEmptySubsequences: true)
            guard fields.count == 3, fields[1] == "checksum" else { continue }
            expected.append((String(fields[0]), "checksum \(fields[2])"))
        }
        XCTAssertEqual(expected.map(\.program), ["fib", "sieve", "hashsort", "nbody"])

        var runs: [(module: String, checksum: String)] = []
        for (program, line) in expected {
            for variant in ["wasm", "generic.wasm"] {
                runs.append((try SharedInputs.benchModule("\(program).\(variant)"), line))
            }
        }
        let workers = ProcessInfo.processInfo.activeProcessorCount
        let modules = runs.map(\.module)
        let outcomes = runConcurrently(count: modules.count, workers: workers) { index -> Result<SwasmProcess.Outcome, Error> in
            Result { try swasm.run(["run", modules[index]], timeout: 120) }
        }
        for (run, result) in zip(runs, outcomes) {
            let name = (run.module as NSString).lastPathComponent
            switch result {
            case .failure(let error):
                XCTFail("\(name): \(error)")
            case .success(let outcome):
                XCTAssertFalse(outcome.timedOut, "\(name) timed out")
                XCTAssertEqual(outcome.status, 0, "\(name): \(outcome.stderr)")
                let lines = outcome.stdout.split(separator: "\n")
                XCTAssertEqual(lines.last.map(String.init), run.checksum, "\(name): \(outcome.stdout)")
                print("\(name): \(lines.last ?? "")")
            }
        }
    }
}
