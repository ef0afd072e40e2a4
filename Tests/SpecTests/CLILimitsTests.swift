import Foundation
import XCTest

/// `swasm run`'s limits on a guest: fuel, a wall-clock timeout, memory and table sizes and
/// call depth, through the built executable.
final class CLILimitsTests: XCTestCase {
    var temporaryDirectory: URL!
    var swasm: SwasmProcess!

    override func setUpWithError() throws {
        swasm = try SwasmProcess.locate()
        temporaryDirectory = FileManager.default.temporaryDirectory
            .appendingPathComponent("swasm-cli-limits-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: temporaryDirectory, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        if let temporaryDirectory { try? FileManager.default.removeItem(at: temporaryDirectory) }
    }

    func write(_ name: String, _ text: String) throws -> String {
        let url = temporaryDirectory.appendingPathComponent(name)
        try Data(text.utf8).write(to: url)
        return url.path
    }

    static let spin = """
        (module
          (func (export "spin") (loop $l (br $l)))
          (func (export "count") (param i32) (result i32)
            (loop $l
              (local.set 0 (i32.sub (local.get 0) (i32.const 1)))
              (br_if $l (local.get 0)))
            (i32.const 7)))
        """

    static let spinAtStart = """
        (module
          (func $spin (loop $l (br $l)))
          (start $spin)
          (func (export "never") (result i32) (i32.const 1)))
        """

    /// Grows memory a page at a time until `memory.grow` refuses, then returns the page count.
    static let memoryHog = """
        (module
          (memory 1)
          (func (export "hog") (result i32)
            (block $done
              (loop $l
                (br_if $done (i32.eq (memory.grow (i32.const 1)) (i32.const -1)))
                (br $l)))
            (memory.size)))
        """

    static let tableHog = """
        (module
          (table 1 funcref)
          (func (export "hog") (result i32)
            (block $done
              (loop $l
                (br_if $done (i32.eq (table.grow (ref.null func) (i32.const 1)) (i32.const -1)))
                (br $l)))
            (table.size)))
        """

    static let recursion = """
        (module (func $down (export "down") (call $down)))
        """

    func assertTrap(_ outcome: SwasmProcess.Outcome, _ reason: String, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertFalse(outcome.timedOut, "the guest was not stopped", file: file, line: line)
        XCTAssertEqual(outcome.status, 134, outcome.stderr, file: file, line: line)
        XCTAssertTrue(outcome.stderr.hasPrefix("Error: wasm trap: \(reason)"), outcome.stderr, file: file, line: line)
        XCTAssertEqual(outcome.stdout, "", file: file, line: line)
    }

    func assertOneLineError(_ arguments: [String], containing fragment: String, file: StaticString = #filePath, line: UInt = #line) throws {
        let outcome = try swasm.run(arguments)
        XCTAssertEqual(outcome.status, 1, "swasm \(arguments): \(outcome.stderr)", file: file, line: line)
        XCTAssertEqual(outcome.stderrLines.count, 1, "stderr: \(outcome.stderr)", file: file, line: line)
        XCTAssertTrue(outcome.stderr.hasPrefix("error: "), "stderr: \(outcome.stderr)", file: file, line: line)
        XCTAssertTrue(outcome.stderr.contains(fragment), "stderr: \(outcome.stderr)", file: file, line: line)
    }

    func testFuelStopsAnInfiniteLoop() throws {
        let path = try write("spin.wat", Self.spin)
        assertTrap(try swasm.run(["run", "--fuel", "100000", path, "--invoke", "spin"], timeout: 60), "fuel exhausted")
        assertTrap(try swasm.run(["run", "-W", "fuel=1000", path, "--invoke", "spin"], timeout: 60), "fuel exhausted")
        assertTrap(try swasm.run(["run", "--fuel", "0", path, "--invoke", "spin"], timeout: 60), "fuel exhausted")
    }

    func testFuelIsDeterministic() throws {
        let path = try write("spin.wat", Self.spin)
        // A loop of 1000 iterations needs about as much fuel as it has iterations: enough fuel
        // lets it finish, a tenth of it never does.
        let enough = try swasm.run(["run", "--fuel", "100000", path, "--invoke", "count", "1000"])
        XCTAssertEqual(enough.status, 0, enough.stderr)
        XCTAssertEqual(enough.stdout, "7\n")
        for _ in 0..<2 {
            assertTrap(try swasm.run(["run", "--fuel", "100", path, "--invoke", "count", "1000"]), "fuel exhausted")
        }
    }

    func testTimeoutStopsAnInfiniteLoop() throws {
        let path = try write("spin.wat", Self.spin)
        for arguments in [["--timeout", "300ms"], ["--timeout", "0.3"], ["-W", "timeout=300ms"], ["-Wtimeout=1s"]] {
            let started = Date()
            let outcome = try swasm.run(["run"] + arguments + [path, "--invoke", "spin"], timeout: 60)
            let elapsed = Date().timeIntervalSince(started)
            assertTrap(outcome, "interrupted")
            XCTAssertLessThan(elapsed, 15, "\(arguments): stopped only after \(elapsed) s")
        }
    }

    /// A guest blocked in the host for 292 years (`poll_oneoff` on a clock) is stopped at the
    /// deadline like a spinning one. (Waits beside descriptors: HostileGuestTests.)
    func testTimeoutStopsABlockingWASICall() throws {
        do {
            let path = try write("sleep.wat", """
                (module
                  (import "wasi_snapshot_preview1" "poll_oneoff" (func $poll (param i32 i32 i32 i32) (result i32)))
                  (memory (export "memory") 1)
                  (func (export "_start")
                    (i32.store (i32.const 528) (i32.const 1))
                    (i64.store (i32.const 536) (i64.const 0x7fffffffffffffff))
                    (drop (call $poll (i32.const 512) (i32.const 1024) (i32.const 1) (i32.const 256)))))
                """)
            let started = Date()
            let outcome = try swasm.run(["run", "--timeout", "300ms", path], timeout: 60)
            assertTrap(outcome, "interrupted")
            XCTAssertLessThan(Date().timeIntervalSince(started), 15)
        }
    }

    func testTimeoutStopsAStartFunction() throws {
        let path = try write("start.wat", Self.spinAtStart)
        let outcome = try swasm.run(["run", "--timeout", "200ms", path, "--invoke", "never"], timeout: 60)
        assertTrap(outcome, "interrupted")
    }

    func testGenerousLimitsChangeNothing() throws {
        let path = try write("spin.wat", Self.spin)
        let outcome = try swasm.run([
            "run", "--fuel", "18446744073709551615", "--timeout", "1h", "--max-memory-size", "1GiB",
            "--max-call-depth", "1000", path, "--invoke", "count", "100000",
        ])
        XCTAssertEqual(outcome.status, 0, outcome.stderr)
        XCTAssertEqual(outcome.stdout, "7\n")
    }

    func testMaxMemorySizeMakesGrowFail() throws {
        let path = try write("hog.wat", Self.memoryHog)
        let cases: [([String], String)] = [
            (["--max-memory-size", "1MiB"], "16\n"),
            (["--max-memory-size", "131072"], "2\n"),
            // Not a whole page: rounded down.
            (["--max-memory-size", "200000"], "3\n"),
            (["-W", "max-memory-size=65536"], "1\n"),
        ]
        for (arguments, expected) in cases {
            let outcome = try swasm.run(["run"] + arguments + [path, "--invoke", "hog"])
            XCTAssertEqual(outcome.status, 0, "\(arguments): \(outcome.stderr)")
            XCTAssertEqual(outcome.stdout, expected, "\(arguments)")
        }
    }

    func testInitialMemoryAboveTheLimitIsRefused() throws {
        let path = try write("big.wat", "(module (memory 4) (func (export \"f\")))")
        let outcome = try swasm.run(["run", "--max-memory-size", "64KiB", path, "--invoke", "f"])
        XCTAssertEqual(outcome.status, 1, outcome.stderr)
        XCTAssertEqual(outcome.stderrLines.count, 1, outcome.stderr)
        XCTAssertTrue(outcome.stderr.contains("limit"), outcome.stderr)
    }

    func testMaxTableElementsMakesGrowFail() throws {
        let path = try write("table.wat", Self.tableHog)
        let outcome = try swasm.run(["run", "--max-table-elements", "10", path, "--invoke", "hog"])
        XCTAssertEqual(outcome.status, 0, outcome.stderr)
        XCTAssertEqual(outcome.stdout, "10\n")
    }

    func testMaxCallDepth() throws {
        let path = try write("down.wat", Self.recursion)
        assertTrap(try swasm.run(["run", "--max-call-depth", "50", path, "--invoke", "down"]), "call stack exhausted")
        assertTrap(try swasm.run(["run", "-W", "max-call-depth=50", path, "--invoke", "down"]), "call stack exhausted")
    }

    /// A function of 100 results with 300 `br_if`s that return them: some 10 KB of IR.
    static let manyReturns = """
        (module (func (export "f") (param i32) (result \(String(repeating: "i32 ", count: 100)))
          \(String(repeating: "(local.get 0) ", count: 100))
          \(String(repeating: "(br_if 0 (local.get 0)) ", count: 300))))
        """

    func testMaxCodeSizeRefusesCodeBeyondIt() throws {
        let path = try write("returns.wat", Self.manyReturns)
        for arguments in [["-W", "max-code-size=4KiB"], ["-W", "max-code-size=100"], ["-W", "max-code-size=0"]] {
            try assertOneLineError(["run"] + arguments + [path, "--invoke", "f", "1"], containing: "limit exceeded")
        }
        let enough = try swasm.run(["run", "-W", "max-code-size=1MiB", path, "--invoke", "f", "1"])
        XCTAssertEqual(enough.status, 0, enough.stderr)
        XCTAssertEqual(enough.stdout, String(repeating: "1\n", count: 100))
    }

    /// `down(n)` nests exactly n frames.
    static let countedRecursion = """
        (module
          (func $down (export "down") (param $n i32) (result i32)
            (if (result i32) (i32.le_u (local.get $n) (i32.const 1))
              (then (i32.const 1))
              (else (i32.add (i32.const 1) (call $down (i32.sub (local.get $n) (i32.const 1))))))))
        """

    /// The interpreter, native code from the first call, and the default (interpreted, then
    /// native once a function has run often).
    static let tiers: [[String]] = [["-C", "native=n"], ["-C", "native-threshold=0"], []]

    func testMaxCallDepthIsExactOnEveryTier() throws {
        let path = try write("counted.wat", Self.countedRecursion)
        for tier in Self.tiers {
            for limit in [50, 100_000] {
                let options = ["run", "--max-call-depth", "\(limit)"] + tier + [path, "--invoke", "down"]
                let deepest = try swasm.run(options + ["\(limit)"])
                XCTAssertEqual(deepest.status, 0, "\(tier) \(limit): \(deepest.stderr)")
                XCTAssertEqual(deepest.stdout, "\(limit)\n", "\(tier) \(limit)")
                assertTrap(try swasm.run(options + ["\(limit + 1)"]), "call stack exhausted")
            }
        }
    }

    /// A limit larger than the main thread's stack can hold in native frames: the guest runs on
    /// a thread whose stack fits the limit, and runaway recursion traps at the limit.
    func testRunawayRecursionUnderAHugeCallDepthTrapsAtTheLimit() throws {
        let path = try write("down.wat", Self.recursion)
        for tier in Self.tiers {
            let outcome = try swasm.run(["run", "--max-call-depth", "1000000"] + tier + [path, "--invoke", "down"])
            assertTrap(outcome, "call stack exhausted")
            // The backtrace elides the middle: "... N more frames ..." after 30 frames, 10 after.
            let elided = outcome.stderrLines.first { $0.contains("more frames") }
            let count = elided.flatMap { line in line.split(separator: " ").compactMap { Int($0) }.first }
            XCTAssertEqual(count.map { $0 + 40 }, 1_000_000, "\(tier): \(outcome.stderr.prefix(300))")
        }
    }

    func testNativeThresholdOption() throws {
        let path = try write("counted.wat", Self.countedRecursion)
        for threshold in ["0", "1", "1000", "1_000_000"] {
            let outcome = try swasm.run(["run", "-C", "native-threshold=\(threshold)", path, "--invoke", "down", "3000"])
            XCTAssertEqual(outcome.status, 0, outcome.stderr)
            XCTAssertEqual(outcome.stdout, "3000\n")
        }
        for bad in ["native-threshold=-1", "native-threshold=soon", "native-threshold"] {
            try assertOneLineError(["run", "-C", bad, path, "--invoke", "down", "1"], containing: "native-threshold")
        }
    }

    func testBackgroundCompileOption() throws {
        let path = try write("counted.wat", Self.countedRecursion)
        for value in ["background-compile", "background-compile=y", "background-compile=n"] {
            let outcome = try swasm.run(["run", "-C", "native-threshold=5", "-C", value, path, "--invoke", "down", "3000"])
            XCTAssertEqual(outcome.status, 0, outcome.stderr)
            XCTAssertEqual(outcome.stdout, "3000\n", value)
        }
        try assertOneLineError(["run", "-C", "background-compile=later", path, "--invoke", "down", "1"],
                               containing: "background-compile")
    }

    func testBadValues() throws {
        let path = try write("spin.wat", Self.spin)
        let bad: [([String], String)] = [
            (["--fuel", "lots"], "--fuel"),
            (["--fuel", "-1"], "--fuel"),
            (["--fuel", "18446744073709551616"], "--fuel"),
            (["--timeout", "2x"], "--timeout"),
            (["--timeout", "ms"], "--timeout"),
            (["--timeout", "-1s"], "--timeout"),
            (["--max-memory-size", "big"], "--max-memory-size"),
            (["--max-memory-size", "-5"], "--max-memory-size"),
            (["--max-memory-size", "99999999999GiB"], "--max-memory-size"),
            (["--max-table-elements", "x"], "--max-table-elements"),
            (["--max-call-depth", "0"], "--max-call-depth"),
            (["--max-call-depth", "1000000000"], "--max-call-depth"),
            (["-W", "max-call-depth=1000000000"], "-W max-call-depth"),
            (["-W", "nope=1"], "nope"),
            (["-W", "fuel"], "-W fuel"),
            (["-W", "timeout=soon"], "-W timeout"),
            (["-W", "max-code-size=lots"], "-W max-code-size"),
            (["-W", "max-code-size=-1"], "-W max-code-size"),
        ]
        for (arguments, fragment) in bad {
            try assertOneLineError(["run"] + arguments + [path, "--invoke", "spin"], containing: fragment)
        }
    }
}
