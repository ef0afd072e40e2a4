import Foundation
import XCTest

/// `swasm run` on WASI programs: arguments, environment, preopened directories, stdio, exit
/// status, traps, reactors, and one-line errors for everything it refuses to run.
final class CLIWASITests: XCTestCase {
    var swasm: SwasmProcess!
    var directory: URL!

    override func setUpWithError() throws {
        swasm = try SwasmProcess.locate()
        directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("swasm-cli-wasi-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        if let directory { try? FileManager.default.removeItem(at: directory) }
    }

    func write(_ name: String, _ text: String) throws -> String {
        let url = directory.appendingPathComponent(name)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(text.utf8).write(to: url)
        return url.path
    }

    func assertOneLineError(
        _ arguments: [String], containing fragments: [String] = [], file: StaticString = #filePath, line: UInt = #line
    ) throws {
        let outcome = try swasm.run(arguments)
        XCTAssertNotNil(outcome.status, "killed by a signal", file: file, line: line)
        XCTAssertNotEqual(outcome.status, 0, "swasm \(arguments) succeeded", file: file, line: line)
        XCTAssertEqual(outcome.stderrLines.count, 1, "stderr: \(outcome.stderr)", file: file, line: line)
        XCTAssertTrue(outcome.stderr.hasPrefix("error: "), "stderr: \(outcome.stderr)", file: file, line: line)
        for fragment in fragments {
            XCTAssertTrue(outcome.stderr.contains(fragment), "stderr lacks \(fragment): \(outcome.stderr)", file: file, line: line)
        }
    }

    // MARK: - hello.wasm (bench-c/README.md)

    func testHelloWithArgumentsEnvironmentAndPreopen() throws {
        for module in ["hello.wasm", "hello.generic.wasm"] {
            let hello = try SharedInputs.benchModule(module)
            _ = try write("data/data.txt", "hello data file\n")
            let outcome = try swasm.run(
                ["run", "--dir", directory.appendingPathComponent("data").path + "::/", "--env", "HELLO_ENV=hi there",
                 hello, "data.txt", "3"])
            XCTAssertEqual(outcome.status, 3, outcome.stderr)
            XCTAssertEqual(outcome.stdout, """
                hello from wasm32-wasi: argc=3
                argv[0]=\(module)
                argv[1]=data.txt
                argv[2]=3
                HELLO_ENV=hi there
                read 16 bytes from data.txt: hello data file
                float: 10.500

                """)
            XCTAssertEqual(outcome.stderr, "(stderr works)\n")
        }
    }

    /// The example in the README's "Command line" section, run as written there.
    func testReadmeExample() throws {
        _ = try SharedInputs.benchModule("hello.wasm")
        let outcome = try swasm.run(
            ["run", "--dir", "Examples/data::/", "--env", "HELLO_ENV=hi", "../shared/bench-c/wasm/hello.wasm", "greeting.txt", "3"],
            currentDirectory: SharedInputs.checkout)
        XCTAssertEqual(outcome.status, 3, outcome.stderr)
        let readme = try String(contentsOf: SharedInputs.checkout.appendingPathComponent("README.md"), encoding: .utf8)
        let shown = outcome.stdout + outcome.stderr
        XCTAssertTrue(readme.contains(shown), "README does not show this output:\n\(shown)")
        XCTAssertTrue(shown.contains("read 34 bytes from greeting.txt: Hello from a preopened directory!\n"), shown)
    }

    func testHelloWithoutArguments() throws {
        let hello = try SharedInputs.benchModule("hello.wasm")
        // Host variables do not reach the guest unless asked for.
        let outcome = try swasm.run(["run", hello], environment: ["HELLO_ENV": "from the host", "PATH": "/usr/bin:/bin"])
        XCTAssertEqual(outcome.status, 0, outcome.stderr)
        XCTAssertEqual(outcome.stdout, "hello from wasm32-wasi: argc=1\nargv[0]=hello.wasm\nHELLO_ENV=(unset)\nfloat: 3.500\n")
        XCTAssertEqual(outcome.stderr, "(stderr works)\n")
    }

    func testEnvironmentFromTheHost() throws {
        let hello = try SharedInputs.benchModule("hello.wasm")
        let host = ["HELLO_ENV": "from the host", "PATH": "/usr/bin:/bin"]
        for arguments in [["--env", "HELLO_ENV"], ["--inherit-env"], ["-S", "inherit-env"], ["-Sinherit-env=y"]] {
            let outcome = try swasm.run(["run"] + arguments + [hello], environment: host)
            XCTAssertTrue(outcome.stdout.contains("HELLO_ENV=from the host\n"), "\(arguments): \(outcome.stdout)")
        }
        // --env overrides an inherited value; a later --env overrides an earlier one.
        let overridden = try swasm.run(
            ["run", "--inherit-env", "--env", "HELLO_ENV=a", "--env", "HELLO_ENV=b=c", hello], environment: host)
        XCTAssertTrue(overridden.stdout.contains("HELLO_ENV=b=c\n"), overridden.stdout)
        // A name the host lacks is not set at all, as under wasmtime.
        let absent = try swasm.run(["run", "--env", "HELLO_ENV", hello], environment: ["PATH": "/usr/bin:/bin"])
        XCTAssertTrue(absent.stdout.contains("HELLO_ENV=(unset)\n"), absent.stdout)
    }

    func testPreopenUnderItsHostPathAndArgv0() throws {
        let hello = try SharedInputs.benchModule("hello.wasm")
        let data = try write("plain/data.txt", "no newline")
        let plain = directory.appendingPathComponent("plain").path
        let outcome = try swasm.run(["run", "--dir-ro", plain, "--argv0", "greeter", hello, data, "0"])
        XCTAssertEqual(outcome.status, 0, outcome.stderr)
        XCTAssertTrue(outcome.stdout.contains("argv[0]=greeter\n"), outcome.stdout)
        XCTAssertTrue(outcome.stdout.contains("read 10 bytes from \(data): no newline\n"), outcome.stdout)

        // Relative host paths work from the current directory, and the guest sees them as written.
        let relative = try swasm.run(["run", "--dir", "plain", hello, "plain/data.txt"], currentDirectory: directory)
        XCTAssertEqual(relative.status, 0, relative.stderr)
        XCTAssertTrue(relative.stdout.contains("read 10 bytes from plain/data.txt"), relative.stdout)

        // Without the directory the file is out of reach: hello prints the error and exits 2.
        let denied = try swasm.run(["run", hello, data])
        XCTAssertEqual(denied.status, 2, denied.stderr)
        XCTAssertTrue(denied.stderr.hasPrefix(data + ": "), denied.stderr)
    }

    func testProgramArgumentsThatLookLikeOptions() throws {
        let hello = try SharedInputs.benchModule("hello.wasm")
        let outcome = try swasm.run(["run", hello, "--env", "--", "-x"])
        XCTAssertTrue(outcome.stdout.contains("argc=4\n"), outcome.stdout)
        XCTAssertTrue(outcome.stdout.contains("argv[1]=--env\nargv[2]=--\nargv[3]=-x\n"), outcome.stdout)
    }

    func testStdioCanBeNull() throws {
        let hello = try SharedInputs.benchModule("hello.wasm")
        let outcome = try swasm.run(["run", "-S", "inherit-stdout=n", hello])
        XCTAssertEqual(outcome.status, 0, outcome.stderr)
        XCTAssertEqual(outcome.stdout, "")
        XCTAssertEqual(outcome.stderr, "(stderr works)\n")
    }

    // MARK: - Exit status and traps

    static let exitWith = """
        (module
          (import "wasi_snapshot_preview1" "proc_exit" (func $exit (param i32)))
          (memory (export "memory") 1)
          (func (export "_start") (call $exit (i32.const 42)) unreachable))
        """

    static let trapInCommand = """
        (module
          (import "wasi_snapshot_preview1" "fd_write" (func $write (param i32 i32 i32 i32) (result i32)))
          (memory (export "memory") 1)
          (data (i32.const 16) "before\\n")
          (func $deep (unreachable))
          (func $middle (call $deep))
          (func (export "_start")
            (i32.store (i32.const 0) (i32.const 16))
            (i32.store (i32.const 4) (i32.const 7))
            (drop (call $write (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 8)))
            (call $middle)))
        """

    func testExitStatus() throws {
        let exiting = try write("exit.wat", Self.exitWith)
        let outcome = try swasm.run(["run", exiting])
        XCTAssertEqual(outcome.status, 42, outcome.stderr)
        XCTAssertEqual(outcome.stderr, "")
        let returning = try write("return.wat", #"(module (func (export "_start")))"#)
        XCTAssertEqual(try swasm.run(["run", returning]).status, 0)
    }

    func testTrapPrintsBacktraceAndExits134() throws {
        let path = try write("trap.wat", Self.trapInCommand)
        let outcome = try swasm.run(["run", path])
        XCTAssertEqual(outcome.status, 134, outcome.stderr)
        XCTAssertEqual(outcome.stdout, "before\n")
        let lines = outcome.stderrLines
        XCTAssertEqual(lines.first, "Error: wasm trap: unreachable", outcome.stderr)
        XCTAssertTrue(lines.contains("wasm backtrace:"), outcome.stderr)
        let deep = lines.firstIndex { $0.hasSuffix(" deep") }
        let middle = lines.firstIndex { $0.hasSuffix(" middle") }
        XCTAssertNotNil(deep, outcome.stderr)
        XCTAssertNotNil(middle, outcome.stderr)
        if let deep, let middle { XCTAssertLessThan(deep, middle, "innermost frame first") }
    }

    // MARK: - Reactors and bare modules

    static let reactor = """
        (module
          (import "wasi_snapshot_preview1" "fd_write" (func $write (param i32 i32 i32 i32) (result i32)))
          (memory (export "memory") 1)
          (global $base (mut i32) (i32.const 0))
          (data (i32.const 16) "initialized\\n")
          (func (export "_initialize")
            (i32.store (i32.const 0) (i32.const 16))
            (i32.store (i32.const 4) (i32.const 12))
            (drop (call $write (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 8)))
            (global.set $base (i32.const 100)))
          (func (export "add") (param i32 i64) (result i32 i64)
            (i32.add (global.get $base) (local.get 0)) (local.get 1))
          (func (export "fail") (unreachable)))
        """

    func testInvokeOnReactorRunsInitializeFirst() throws {
        let path = try write("reactor.wat", Self.reactor)
        let outcome = try swasm.run(["run", "--invoke", "add", path, "-5", "-9000000000"])
        XCTAssertEqual(outcome.status, 0, outcome.stderr)
        XCTAssertEqual(outcome.stdout, "initialized\n95\n-9000000000\n")
        let after = try swasm.run(["run", path, "--invoke", "add", "1", "2"])
        XCTAssertEqual(after.stdout, "initialized\n101\n2\n", after.stderr)

        let trap = try swasm.run(["run", "--invoke", "fail", path])
        XCTAssertEqual(trap.status, 134)
        XCTAssertTrue(trap.stderr.hasPrefix("Error: wasm trap: unreachable"), trap.stderr)

        // A bad argument is reported before the module runs anything.
        let bad = try swasm.run(["run", "--invoke", "add", path, "x", "1"])
        XCTAssertEqual(bad.stdout, "")
        XCTAssertEqual(bad.stderrLines.count, 1, bad.stderr)
    }

    func testReadOnlyDirectory() throws {
        // path_open(3, 0, "new.txt", O_CREAT, rights, rights, 0, &fd) → its errno is the status.
        let creator = try write("create.wat", """
            (module
              (import "wasi_snapshot_preview1" "path_open"
                (func $open (param i32 i32 i32 i32 i32 i64 i64 i32 i32) (result i32)))
              (import "wasi_snapshot_preview1" "proc_exit" (func $exit (param i32)))
              (memory (export "memory") 1)
              (data (i32.const 0) "new.txt")
              (func (export "_start")
                (call $exit (call $open (i32.const 3) (i32.const 0) (i32.const 0) (i32.const 7) (i32.const 1)
                  (i64.const 0x42) (i64.const 0) (i32.const 0) (i32.const 64)))))
            """)
        let target = directory.appendingPathComponent("target")
        try FileManager.default.createDirectory(at: target, withIntermediateDirectories: true)
        let created = target.appendingPathComponent("new.txt").path

        let readOnly = try swasm.run(["run", "--dir-ro", target.path + "::/", creator])
        XCTAssertEqual(readOnly.status, 63, "errno perm expected: \(readOnly.stderr)")
        XCTAssertFalse(FileManager.default.fileExists(atPath: created))

        let writable = try swasm.run(["run", "--dir", target.path + "::/", creator])
        XCTAssertEqual(writable.status, 0, writable.stderr)
        XCTAssertTrue(FileManager.default.fileExists(atPath: created))
    }

    // MARK: - Errors

    func testErrors() throws {
        let hello = try SharedInputs.benchModule("hello.wasm")
        let missingDirectory = directory.appendingPathComponent("no-such-dir").path
        try assertOneLineError(["run", directory.appendingPathComponent("missing.wasm").path], containing: ["missing.wasm"])
        try assertOneLineError(["run", "--dir", missingDirectory, hello], containing: ["no-such-dir", "No such file"])
        try assertOneLineError(["run", "--dir", missingDirectory + "::/", hello], containing: ["no-such-dir"])
        try assertOneLineError(["run", "--dir-ro", missingDirectory, hello], containing: ["no-such-dir"])
        try assertOneLineError(["run", "--dir", hello, hello], containing: ["not a directory"])
        try assertOneLineError(["run", "--dir", "::/", hello], containing: ["--dir"])
        try assertOneLineError(["run", "--env", "=V", hello], containing: ["--env", "=V"])
        try assertOneLineError(["run", "--env", "", hello], containing: ["--env"])
        try assertOneLineError(["run", "-S", "no-such-option", hello], containing: ["no-such-option"])
        try assertOneLineError(["run", "-S", "inherit-env=maybe", hello], containing: ["inherit-env"])

        let reactor = try write("reactor.wat", Self.reactor)
        try assertOneLineError(["run", reactor], containing: ["_start", "--invoke"])
        try assertOneLineError(["run", "--invoke", "nope", reactor], containing: ["nope", "add"])

        let unknownFunction = try write("unknown-function.wat", """
            (module (import "wasi_snapshot_preview1" "fd_teleport" (func (param i32) (result i32)))
              (func (export "_start")))
            """)
        try assertOneLineError(["run", unknownFunction], containing: ["unlinkable", "fd_teleport"])

        let wrongType = try write("wrong-type.wat", """
            (module (import "wasi_snapshot_preview1" "fd_close" (func (param i64) (result i32)))
              (func (export "_start")))
            """)
        try assertOneLineError(["run", wrongType], containing: ["unlinkable", "fd_close"])

        let notAFunction = try write("memory-import.wat", """
            (module (import "wasi_snapshot_preview1" "memory" (memory 1)) (func (export "_start")))
            """)
        try assertOneLineError(["run", notAFunction], containing: ["unlinkable", "memory"])

        let unknownModule = try write("unknown-module.wat", """
            (module (import "env" "print" (func (param i32))) (func (export "_start")))
            """)
        try assertOneLineError(["run", unknownModule], containing: ["unlinkable", "env", "print"])
    }
}
