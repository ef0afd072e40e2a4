import Foundation
import XCTest

/// `swasm run -C stats`: at exit, how many IR instructions ran as machine code and how many of
/// them went out of line, by kind.
final class CLIStatisticsTests: XCTestCase {
    func testStatisticsCountWhatMachineCodeRan() throws {
        let swasm = try SwasmProcess.locate()
        let wat = """
        (module
          (memory 1)
          (func (export "fill") (param $n i32) (result i32)
            (local $i i32)
            (loop $next
              (memory.fill (i32.const 0) (local.get $i) (i32.const 16))
              (local.set $i (i32.add (local.get $i) (i32.const 1)))
              (br_if $next (i32.lt_u (local.get $i) (local.get $n))))
            (i32.load8_u (i32.const 3))))
        """
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("swasm-stats-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = directory.appendingPathComponent("fill.wat")
        try wat.write(to: file, atomically: true, encoding: .utf8)

        let outcome = try swasm.run(["run", "-C", "stats", "-C", "native-threshold=0", file.path, "--invoke", "fill", "1000"])
        XCTAssertEqual(outcome.status, 0, outcome.stderr)
        XCTAssertEqual(outcome.stdout.trimmingCharacters(in: .whitespacesAndNewlines), "231")
        let line = try XCTUnwrap(outcome.stderrLines.first { $0.hasPrefix("swasm stats: ") }, outcome.stderr)
        let numbers = line.split(whereSeparator: { !$0.isNumber }).compactMap { Int($0) }
        // total, out of line, percent (two parts), snippets, helper calls, vector path
        XCTAssertEqual(numbers.count, 7, String(line))
        guard numbers.count == 7 else { return }
        if numbers[0] > 0 {
            // Machine code ran the loop: 1000 memory.fill helper calls among its instructions.
            XCTAssertGreaterThan(numbers[0], 4000, String(line))
            XCTAssertEqual(numbers[5], 1000, String(line))
            XCTAssertEqual(numbers[1], numbers[4] + numbers[5] + numbers[6], String(line))
        }

        // Interpreted, nothing runs as machine code; without the option, no line.
        let interpreted = try swasm.run(["run", "-C", "stats", "-C", "native=n", file.path, "--invoke", "fill", "10"])
        XCTAssertTrue(interpreted.stderr.contains("swasm stats: 0 IR instructions"), interpreted.stderr)
        let plain = try swasm.run(["run", file.path, "--invoke", "fill", "10"])
        XCTAssertFalse(plain.stderr.contains("swasm stats"), plain.stderr)
    }
}
