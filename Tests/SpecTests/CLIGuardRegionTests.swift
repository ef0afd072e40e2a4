import Foundation
import XCTest

/// Guard regions through `swasm run`: the same out-of-bounds trap and backtrace with guard
/// regions (the default), with `-O signals-based-traps=n`, interpreted, and when the address
/// space limit refuses the 8 GiB reservation (the instance then runs interpreted).
final class CLIGuardRegionTests: XCTestCase {
    static let wat = """
    (module
      (memory 1)
      (func $peek (export "peek") (param i32) (result i32) (i32.load (local.get 0)))
      (func (export "sum") (param $n i32) (result i32)
        (local $i i32) (local $s i32)
        (loop $next
          (i32.store (i32.shl (local.get $i) (i32.const 2)) (local.get $i))
          (local.set $s (i32.add (local.get $s) (call $peek (i32.shl (local.get $i) (i32.const 2)))))
          (local.set $i (i32.add (local.get $i) (i32.const 1)))
          (br_if $next (i32.lt_u (local.get $i) (local.get $n))))
        (local.get $s)))
    """

    func testOutOfBoundsTrapsAlikeWhateverTheReservation() throws {
        let swasm = try SwasmProcess.locate()
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("swasm-guard-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = directory.appendingPathComponent("guard.wat")
        try Self.wat.write(to: file, atomically: true, encoding: .utf8)
        let shell = SwasmProcess(executable: URL(fileURLWithPath: "/bin/sh"))
        let modes: [(String, [String], String?)] = [
            ("guarded", ["-C", "native-threshold=0"], nil),
            ("checked", ["-C", "native-threshold=0", "-O", "signals-based-traps=n"], nil),
            ("interpreted", ["-C", "native=n"], nil),
            // 3 GB of address space: enough for the runtime, too little for 8 GiB.
            ("refused", ["-C", "native-threshold=0"], "3000000"),
        ]
        var reports: [String] = []
        for (name, options, addressLimit) in modes {
            func run(_ arguments: [String]) throws -> SwasmProcess.Outcome {
                let all = ["run"] + options + [file.path] + arguments
                guard let addressLimit else { return try swasm.run(all) }
                return try shell.run(["-c", "ulimit -v \(addressLimit) && exec \"$0\" \"$@\"", swasm.executable.path] + all)
            }
            let sum = try run(["--invoke", "sum", "16000"])
            XCTAssertEqual(sum.status, 0, "\(name): \(sum.stderr)")
            XCTAssertEqual(sum.stdout.trimmingCharacters(in: .whitespacesAndNewlines), "127992000", name)
            // 16,384 words fit; the 16,385th reads past the end.
            let past = try run(["--invoke", "sum", "16385"])
            XCTAssertNotEqual(past.status, 0, name)
            XCTAssertTrue(past.stderr.contains("out of bounds memory access"), "\(name): \(past.stderr)")
            XCTAssertTrue(past.stderr.contains("wasm backtrace"), "\(name): \(past.stderr)")
            reports.append(past.stderr)
            let far = try run(["--invoke", "peek", "4294967295"])
            XCTAssertTrue(far.stderr.contains("out of bounds memory access"), "\(name): \(far.stderr)")
        }
        // The same trap and the same backtrace (both frames) in every mode.
        XCTAssertEqual(Set(reports).count, 1, reports.joined(separator: "\n---\n"))
    }

    func testSignalsBasedTrapsOptionIsChecked() throws {
        let swasm = try SwasmProcess.locate()
        for bad in ["signals-based-traps=maybe", "guard-size=1"] {
            let outcome = try swasm.run(["run", "-O", bad, "/nonexistent.wat"])
            XCTAssertNotEqual(outcome.status, 0)
            XCTAssertTrue(outcome.stderr.contains("-O"), outcome.stderr)
        }
    }
}
