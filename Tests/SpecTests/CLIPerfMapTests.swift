import Foundation
import XCTest

/// `swasm run --profile perfmap`: each function compiled to machine code gets a line of
/// `/tmp/perf-PID.map` (`START SIZE NAME`, hex), named from the name section, which Linux
/// `perf` reads to name generated code.
final class CLIPerfMapTests: XCTestCase {
    func testPerfMapNamesCompiledFunctions() throws {
        let swasm = try SwasmProcess.locate()
        let tag = UUID().uuidString.replacingOccurrences(of: "-", with: "")
        let wat = """
        (module
          (func $probe_\(tag) (export "sum") (param $n i32) (result i32)
            (local $i i32) (local $s i32)
            (loop $next
              (local.set $s (i32.add (local.get $s) (local.get $i)))
              (local.set $i (i32.add (local.get $i) (i32.const 1)))
              (br_if $next (i32.lt_u (local.get $i) (local.get $n))))
            (local.get $s)))
        """
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("swasm-perfmap-\(tag)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = directory.appendingPathComponent("sum.wat")
        try wat.write(to: file, atomically: true, encoding: .utf8)

        let outcome = try swasm.run(["run", "--profile", "perfmap", "-C", "native-threshold=0", file.path,
                                     "--invoke", "sum", "100"])
        XCTAssertEqual(outcome.status, 0, outcome.stderr)
        XCTAssertEqual(outcome.stdout.trimmingCharacters(in: .whitespacesAndNewlines), "4950")
        let maps = try FileManager.default.contentsOfDirectory(atPath: "/tmp").filter {
            $0.hasPrefix("perf-") && $0.hasSuffix(".map")
        }
        var lines: [Substring] = []
        for name in maps {
            let path = "/tmp/" + name
            guard let text = try? String(contentsOfFile: path, encoding: .utf8), text.contains(tag) else { continue }
            try? FileManager.default.removeItem(atPath: path)
            lines += text.split(separator: "\n").filter { $0.contains(tag) }
        }
        if outcome.stderr.isEmpty && !lines.isEmpty {
            XCTAssertEqual(lines.count, 1, lines.joined(separator: "\n"))
            let fields = lines[0].split(separator: " ")
            XCTAssertEqual(fields.count, 3, String(lines[0]))
            XCTAssertNotNil(UInt(fields[0], radix: 16), String(lines[0]))
            XCTAssertGreaterThan(UInt(fields[1], radix: 16) ?? 0, 0, String(lines[0]))
            XCTAssertEqual(fields.last.map(String.init), "wasm[]::probe_\(tag)")
        }
        #if arch(x86_64) && os(Linux)
        XCTAssertFalse(lines.isEmpty, "no perf map line names the compiled function")
        #endif

        let bad = try swasm.run(["run", "--profile", "jitdump", file.path, "--invoke", "sum", "1"])
        XCTAssertNotEqual(bad.status, 0)
        XCTAssertTrue(bad.stderr.contains("unsupported --profile 'jitdump'"), bad.stderr)
    }
}
