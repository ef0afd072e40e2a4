import Foundation
import XCTest

/// Runs the built `swasm` executable: every failure is one `error: …` line on stderr and a
/// non-zero exit status, never a crash or a usage dump.
final class CLITests: XCTestCase {
    struct Outcome {
        var status: Int32
        var stdout: String
        var stderr: String
        var stderrLines: [Substring] { stderr.split(separator: "\n") }
    }

    /// The executable sits next to the test bundle in the build folder.
    static func swasmExecutable() -> URL? {
        var candidates: [URL] = []
        let exe = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
        candidates.append(exe.deletingLastPathComponent().appendingPathComponent("swasm"))
        candidates.append(Bundle.main.bundleURL.deletingLastPathComponent().appendingPathComponent("swasm"))
        for bundle in Bundle.allBundles {
            candidates.append(bundle.bundleURL.deletingLastPathComponent().appendingPathComponent("swasm"))
        }
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0.path) }
    }

    func swasm(_ arguments: [String]) throws -> Outcome {
        guard let executable = Self.swasmExecutable() else {
            throw XCTSkip("the swasm executable is not built next to the tests")
        }
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        // Read before waiting so a full pipe cannot block the child.
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        let errData = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        XCTAssertEqual(process.terminationReason, .exit, "swasm \(arguments) was killed by a signal")
        return Outcome(
            status: process.terminationStatus,
            stdout: String(decoding: outData, as: UTF8.self),
            stderr: String(decoding: errData, as: UTF8.self)
        )
    }

    func assertOneLineError(_ arguments: [String], containing fragment: String = "", file: StaticString = #filePath, line: UInt = #line) throws {
        let outcome = try swasm(arguments)
        XCTAssertNotEqual(outcome.status, 0, "swasm \(arguments) succeeded", file: file, line: line)
        XCTAssertEqual(outcome.stderrLines.count, 1, "stderr: \(outcome.stderr)", file: file, line: line)
        XCTAssertTrue(outcome.stderr.hasPrefix("error: "), "stderr: \(outcome.stderr)", file: file, line: line)
        if !fragment.isEmpty {
            XCTAssertTrue(outcome.stderr.contains(fragment), "stderr: \(outcome.stderr)", file: file, line: line)
        }
    }

    var temporaryDirectory: URL!

    override func setUpWithError() throws {
        temporaryDirectory = FileManager.default.temporaryDirectory
            .appendingPathComponent("swasm-cli-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: temporaryDirectory, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: temporaryDirectory)
    }

    func write(_ name: String, _ bytes: [UInt8]) throws -> String {
        let url = temporaryDirectory.appendingPathComponent(name)
        try Data(bytes).write(to: url)
        return url.path
    }

    static let header: [UInt8] = [0x00, 0x61, 0x73, 0x6D, 0x01, 0x00, 0x00, 0x00]
    /// (func (export "id") (param i32) (result i32) local.get 0)
    static let identityModule: [UInt8] = header + [
        0x01, 0x06, 0x01, 0x60, 0x01, 0x7F, 0x01, 0x7F,
        0x03, 0x02, 0x01, 0x00,
        0x07, 0x06, 0x01, 0x02, 0x69, 0x64, 0x00, 0x00,
        0x0A, 0x06, 0x01, 0x04, 0x00, 0x20, 0x00, 0x0B,
    ]
    /// The same function returning an i64: does not validate.
    static let invalidModule: [UInt8] = header + [
        0x01, 0x06, 0x01, 0x60, 0x01, 0x7F, 0x01, 0x7F,
        0x03, 0x02, 0x01, 0x00,
        0x0A, 0x06, 0x01, 0x04, 0x00, 0x42, 0x00, 0x0B,
    ]
    /// (func (export "t") unreachable)
    static let trappingModule: [UInt8] = header + [
        0x01, 0x04, 0x01, 0x60, 0x00, 0x00,
        0x03, 0x02, 0x01, 0x00,
        0x07, 0x05, 0x01, 0x01, 0x74, 0x00, 0x00,
        0x0A, 0x05, 0x01, 0x03, 0x00, 0x00, 0x0B,
    ]

    func testVersion() throws {
        let outcome = try swasm(["--version"])
        XCTAssertEqual(outcome.status, 0)
        XCTAssertEqual(outcome.stdout.trimmingCharacters(in: .whitespacesAndNewlines), "0.1.0")
    }

    func testHelp() throws {
        let outcome = try swasm(["--help"])
        XCTAssertEqual(outcome.status, 0)
        for subcommand in ["run", "wast", "validate", "inspect"] {
            XCTAssertTrue(outcome.stdout.contains(subcommand), outcome.stdout)
        }
    }

    func testMissingFile() throws {
        for command in ["run", "validate", "inspect", "wast"] {
            try assertOneLineError([command, temporaryDirectory.appendingPathComponent("missing.wasm").path], containing: "missing.wasm")
        }
    }

    func testDirectoryInsteadOfFile() throws {
        try assertOneLineError(["run", temporaryDirectory.path])
    }

    func testBadFlagAndSubcommand() throws {
        try assertOneLineError(["run", "--no-such-flag", "x.wasm"])
        try assertOneLineError(["validate", "--no-such-flag"])
        try assertOneLineError(["no-such-command"])
        try assertOneLineError(["validate"])
        try assertOneLineError(["run"])
    }

    func testMalformedModule() throws {
        let path = try write("bad.wasm", Self.header + [0x01, 0xFF])
        try assertOneLineError(["validate", path], containing: "malformed")
        try assertOneLineError(["run", path, "--invoke", "f"], containing: "malformed")
        try assertOneLineError(["inspect", path], containing: "malformed")
        let garbage = try write("garbage.wasm", [0xFF, 0xFE, 0x00, 0x01])
        try assertOneLineError(["validate", garbage])
    }

    func testInvalidModule() throws {
        let path = try write("invalid.wasm", Self.invalidModule)
        try assertOneLineError(["validate", path], containing: "invalid")
    }

    func testValidModule() throws {
        let path = try write("id.wasm", Self.identityModule)
        let outcome = try swasm(["validate", path])
        XCTAssertEqual(outcome.status, 0, outcome.stderr)
        XCTAssertEqual(outcome.stdout, "valid\n")
    }

    func testInvoke() throws {
        let path = try write("id.wasm", Self.identityModule)
        for (argument, expected) in [("42", "42"), ("-7", "-7"), ("0xffffffff", "-1"), ("4294967295", "-1")] {
            let outcome = try swasm(["run", path, "--invoke", "id", argument])
            XCTAssertEqual(outcome.status, 0, outcome.stderr)
            XCTAssertEqual(outcome.stdout, expected + "\n")
        }
        let before = try swasm(["run", "--invoke", "id", path, "5"])
        XCTAssertEqual(before.stdout, "5\n", before.stderr)
    }

    func testBadArguments() throws {
        let path = try write("id.wasm", Self.identityModule)
        try assertOneLineError(["run", path, "--invoke", "id", "abc"], containing: "abc")
        try assertOneLineError(["run", path, "--invoke", "id", "4294967296"])
        try assertOneLineError(["run", path, "--invoke", "id"])
        try assertOneLineError(["run", path, "--invoke", "id", "1", "2"])
        try assertOneLineError(["run", path, "--invoke", "nope"], containing: "nope")
        try assertOneLineError(["run", path], containing: "_start")
    }

    func testTrapPrintsMessageAndFails() throws {
        let path = try write("trap.wasm", Self.trappingModule)
        let outcome = try swasm(["run", path, "--invoke", "t"])
        XCTAssertNotEqual(outcome.status, 0)
        XCTAssertTrue(outcome.stderr.hasPrefix("Error: "), outcome.stderr)
        XCTAssertTrue(outcome.stderr.contains("unreachable"), outcome.stderr)
    }

    func testFloatAndI64ResultsPrintLikeWasmtime() throws {
        let wat = """
            (module
              (func (export "f64") (param f64) (result f64) local.get 0)
              (func (export "f32") (param f32) (result f32) local.get 0)
              (func (export "i64") (param i64) (result i64) local.get 0)
              (func (export "two") (result i32 i64) i32.const -1 i64.const 2))
            """
        let path = try write("values.wat", Array(wat.utf8))
        let cases: [(String, String, String)] = [
            ("f64", "1e20", "100000000000000000000"), ("f64", "0.1", "0.1"), ("f64", "1", "1"),
            ("f64", "-0", "-0"), ("f64", "1.5e-7", "0.00000015"), ("f64", "nan", "NaN"),
            ("f64", "-inf", "-inf"), ("f32", "3.4028235e38", "340282350000000000000000000000000000000"),
            ("f32", "0.1", "0.1"), ("i64", "-9223372036854775808", "-9223372036854775808"),
            ("i64", "0xffffffffffffffff", "-1"),
        ]
        for (name, argument, expected) in cases {
            let outcome = try swasm(["run", path, "--invoke", name, argument])
            XCTAssertEqual(outcome.status, 0, outcome.stderr)
            XCTAssertEqual(outcome.stdout, expected + "\n", "\(name) \(argument)")
        }
        let two = try swasm(["run", path, "--invoke", "two"])
        XCTAssertEqual(two.stdout, "-1\n2\n", two.stderr)
    }

    func testRunsStartExport() throws {
        let path = try write("start.wat", Array(#"(module (func (export "_start")))"#.utf8))
        let outcome = try swasm(["run", path])
        XCTAssertEqual(outcome.status, 0, outcome.stderr)
        XCTAssertEqual(outcome.stdout, "")
    }

    func testMalformedText() throws {
        let path = try write("bad.wat", Array("(module (func (result i32) i32.const))".utf8))
        try assertOneLineError(["validate", path], containing: "bad.wat:1:")
    }

    func testFibExample() throws {
        let example = URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Examples/fib.wat").path
        let outcome = try swasm(["run", example, "--invoke", "fib", "20"])
        XCTAssertEqual(outcome.status, 0, outcome.stderr)
        XCTAssertEqual(outcome.stdout, "6765\n")
    }

    func testWastSummary() throws {
        let script = """
            (module (func (export "add") (param i32 i32) (result i32)
              (i32.add (local.get 0) (local.get 1))))
            (assert_return (invoke "add" (i32.const 1) (i32.const 2)) (i32.const 3))
            (assert_return (invoke "add" (i32.const 1) (i32.const 2)) (i32.const 4))
            (assert_malformed (module quote "(func") "unexpected end")
            """
        let path = try write("t.wast", Array(script.utf8))
        let outcome = try swasm(["wast", path])
        XCTAssertEqual(outcome.status, 1, outcome.stderr)
        let lines = outcome.stdout.split(separator: "\n")
        XCTAssertEqual(lines.last, "2 passed, 1 failed", outcome.stdout)
        XCTAssertEqual(lines.first, "\(path): 2 passed, 1 failed", outcome.stdout)
    }
}
