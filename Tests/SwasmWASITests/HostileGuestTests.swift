import Foundation
import Swasm
import SwasmText
import SwasmWASI
import XCTest
#if canImport(Glibc)
import Glibc
#endif

/// Guests that attack the host rather than the file system's names: a symlink swapped in
/// while a path is being used, times that overflow, the host's own standard streams, and
/// blocking calls that would outlive a deadline. Each test failed (escaped, crashed the
/// process, tampered with the stream, or hung) before the defence it checks.
final class HostileGuestTests: XCTestCase {
    static let notdir: UInt32 = 54, spipe: UInt32 = 70, notcapable: UInt32 = 76

    var fixture: URL!
    var sandbox: URL { fixture.appendingPathComponent("sandbox") }
    var outside: URL { fixture.appendingPathComponent("outside") }

    override func setUpWithError() throws {
        fixture = FileManager.default.temporaryDirectory.appendingPathComponent("swasm-hostile-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: sandbox.appendingPathComponent("sub"), withIntermediateDirectories: true)
        try FileManager.default.createDirectory(at: outside, withIntermediateDirectories: true)
        try "hello".write(to: sandbox.appendingPathComponent("file.txt"), atomically: false, encoding: .utf8)
    }

    override func tearDownWithError() throws {
        if let fixture { try? FileManager.default.removeItem(at: fixture) }
    }

    // MARK: - A symlink swapped in after the walk checked the name

    /// "race/" names a directory when the walk looks and a symlink to ../outside a moment
    /// later: the kernel, handed "race/", would follow it out of the sandbox. A second
    /// thread (as a second guest or process sharing the folder would) swaps the two
    /// while the guest sets the times of "race/" to 1970 over and over.
    func testTrailingSlashSymlinkSwapCannotReachOutside() throws {
        let race = sandbox.appendingPathComponent("race").path
        try FileManager.default.createDirectory(atPath: race, withIntermediateDirectories: false)
        let before = try modificationTime(outside.path)
        XCTAssertGreaterThan(before, 0)

        let stop = ManagedAtomicFlag()
        let swapper = Thread {
            while !stop.isSet {
                rmdir(race)
                symlink("../outside", race)
                unlink(race)
                mkdir(race, 0o755)
            }
        }
        swapper.start()
        defer { stop.set(); while !swapper.isFinished { usleep(1000) } }

        var guest = HostileGuest()
        let path = guest.string("race/")
        let deadline = Date().addingTimeInterval(2)
        while Date() < deadline {
            _ = try run(guest, """
                (local $i i32)
                (loop $again
                  (drop (call $path_filestat_set_times (i32.const 3) (i32.const 0) \(path) (i64.const 0) (i64.const 0) (i32.const 5)))
                  (local.set $i (i32.add (local.get $i) (i32.const 1)))
                  (br_if $again (i32.lt_u (local.get $i) (i32.const 20000))))
                (i32.const 0)
                """)
            XCTAssertEqual(try modificationTime(outside.path), before, "the guest changed a directory outside its sandbox")
        }
    }

    /// The directory-only rule of a trailing slash still holds without handing the kernel
    /// the slash.
    func testTrailingSlashStillMeansDirectory() throws {
        var guest = HostileGuest()
        let file = guest.string("file.txt/")
        let directory = guest.string("sub/")
        let missing = guest.string("missing/")
        let linked = guest.string("new-link/")
        let target = guest.string("file.txt")
        XCTAssertEqual(try run(guest, "(call $path_filestat_set_times (i32.const 3) (i32.const 0) \(file) (i64.const 0) (i64.const 0) (i32.const 5))"), Self.notdir)
        XCTAssertEqual(try run(guest, "(call $path_filestat_get (i32.const 3) (i32.const 0) \(file) (i32.const 512))"), Self.notdir)
        XCTAssertEqual(try run(guest, "(call $path_unlink_file (i32.const 3) \(file))"), Self.notdir)
        XCTAssertEqual(try run(guest, "(call $path_filestat_get (i32.const 3) (i32.const 0) \(directory) (i32.const 512))"), 0)
        XCTAssertEqual(try run(guest, "(call $path_filestat_get (i32.const 3) (i32.const 0) \(missing) (i32.const 512))"), 44)
        XCTAssertEqual(try run(guest, "(call $path_symlink \(target) (i32.const 3) \(linked))"), 44)
        XCTAssertEqual(try run(guest, "(call $path_rename (i32.const 3) \(target) (i32.const 3) \(missing))"), Self.notdir)
        XCTAssertTrue(FileManager.default.fileExists(atPath: sandbox.appendingPathComponent("file.txt").path))
        XCTAssertEqual(try modificationTime(sandbox.appendingPathComponent("sub").path) > 0, true)
    }

    // MARK: - Times near 2^64

    /// A clock subscription of 2^64 - 1 ns beside a descriptor subscription: the wait's
    /// rounding to milliseconds overflowed and killed the host process.
    func testPollWithLargestTimeoutBesideADescriptor() throws {
        let input = try pipeWithData("ready")
        defer { close(input.read); close(input.write) }
        for (clock, flags) in [(1, 0), (0, 1)] {  // monotonic relative, realtime absolute
            let events = try run(HostileGuest(), """
                (i32.store8 (i32.const 520) (i32.const 0))
                (i32.store (i32.const 528) (i32.const \(clock)))
                (i64.store (i32.const 536) (i64.const -1))
                (i32.store16 (i32.const 552) (i32.const \(flags)))
                (i32.store8 (i32.const 568) (i32.const 1))
                (i32.store (i32.const 576) (i32.const 0))
                (call $ok (call $poll_oneoff (i32.const 512) (i32.const 1024) (i32.const 2) (i32.const 256)))
                (i32.load (i32.const 256))
                """, stdin: .fileDescriptor(input.read))
            XCTAssertEqual(events, 1, "only the descriptor is ready")
        }
    }

    // MARK: - The host's standard streams

    /// stdout is the shell's log, opened for appending: the guest may write to it, but not
    /// clear O_APPEND, seek back over what is there, truncate it, or learn about the file.
    func testStdoutIsAStreamTheGuestCannotRewind() throws {
        let log = fixture.appendingPathComponent("log.txt").path
        try "earlier line\n".write(toFile: log, atomically: false, encoding: .utf8)
        let stdout = open(log, O_WRONLY | O_APPEND | O_CLOEXEC)
        XCTAssertGreaterThanOrEqual(stdout, 0)
        defer { close(stdout) }

        var guest = HostileGuest()
        // The first string goes to 4096.
        let textAddress = 4096
        XCTAssertEqual(guest.string("guest\n"), "(i32.const 4096) (i32.const 6)")
        let results = try runAll(guest, [
            "(call $fd_fdstat_set_flags (i32.const 1) (i32.const 0))",
            "(call $fd_seek (i32.const 1) (i64.const 0) (i32.const 0) (i32.const 256))",
            "(call $fd_tell (i32.const 1) (i32.const 256))",
            "(call $fd_filestat_set_size (i32.const 1) (i64.const 0))",
            """
            (i32.store (i32.const 512) (i32.const \(textAddress))) (i32.store (i32.const 516) (i32.const 6))
            (call $fd_write (i32.const 1) (i32.const 512) (i32.const 1) (i32.const 260))
            """,
        ], stdout: .fileDescriptor(stdout))
        XCTAssertEqual(results[0], 58, "clearing append: notsup")
        XCTAssertEqual(results[1], Self.spipe)
        XCTAssertEqual(results[2], Self.spipe)
        XCTAssertEqual(results[3], Self.notcapable)
        XCTAssertEqual(results[4], 0)
        XCTAssertNotEqual(fcntl(stdout, F_GETFL) & O_APPEND, 0, "the host's O_APPEND was cleared")
        XCTAssertEqual(try String(contentsOfFile: log, encoding: .utf8), "earlier line\nguest\n")
    }

    /// Non-blocking mode on stdin is the guest's own: the parent's terminal or pipe keeps
    /// its flags, and a read with nothing to read is `again` instead of blocking.
    func testNonblockingStdinLeavesTheHostDescriptionAlone() throws {
        let input = try pipeWithData(nil)
        defer { close(input.read); close(input.write) }
        let results = try runAll(HostileGuest(), [
            "(call $fd_fdstat_set_flags (i32.const 0) (i32.const 4))",
            """
            (i32.store (i32.const 512) (i32.const 8192)) (i32.store (i32.const 516) (i32.const 16))
            (call $fd_read (i32.const 0) (i32.const 512) (i32.const 1) (i32.const 260))
            """,
            "(call $fd_fdstat_get (i32.const 0) (i32.const 1024)) (drop) (i32.load16_u (i32.const 1026))",
        ], stdin: .fileDescriptor(input.read))
        XCTAssertEqual(results, [0, 6, 4])
        XCTAssertEqual(fcntl(input.read, F_GETFL) & O_NONBLOCK, 0, "the host's pipe became non-blocking")
    }

    // MARK: - Blocking calls and deadlines

    /// Each of these would block for 292 years; an interrupt (what `--timeout` sends) must
    /// end it with the "interrupted" trap.
    func testBlockingCallsWakeForAnInterrupt() throws {
        let input = try pipeWithData(nil)
        defer { close(input.read); close(input.write) }
        let sleepAlone = """
            (i32.store8 (i32.const 520) (i32.const 0))
            (i32.store (i32.const 528) (i32.const 1))
            (i64.store (i32.const 536) (i64.const 0x7fffffffffffffff))
            (call $poll_oneoff (i32.const 512) (i32.const 1024) (i32.const 1) (i32.const 256))
            """
        let sleepBesideStdin = """
            (i32.store8 (i32.const 520) (i32.const 0))
            (i32.store (i32.const 528) (i32.const 1))
            (i64.store (i32.const 536) (i64.const 0x7fffffffffffffff))
            (i32.store8 (i32.const 568) (i32.const 1))
            (i32.store (i32.const 576) (i32.const 0))
            (call $poll_oneoff (i32.const 512) (i32.const 1024) (i32.const 2) (i32.const 256))
            """
        let readStdin = """
            (i32.store (i32.const 512) (i32.const 8192)) (i32.store (i32.const 516) (i32.const 16))
            (call $fd_read (i32.const 0) (i32.const 512) (i32.const 1) (i32.const 260))
            """
        for body in [sleepAlone, sleepBesideStdin, readStdin] {
            var configuration = EngineConfiguration()
            configuration.interruptible = true
            let started = Date()
            XCTAssertThrowsError(try run(HostileGuest(), body, stdin: .fileDescriptor(input.read), engine: configuration,
                                         interruptAfter: 0.2)) { error in
                guard case SwasmError.trap(let trap) = error else { return XCTFail("not a trap: \(error)") }
                XCTAssertEqual(trap.reason, .interrupted)
            }
            XCTAssertLessThan(Date().timeIntervalSince(started), 5, body)
        }
    }

    /// random_get of 64 MiB (seconds for a few GiB) checks for an interrupt between slices:
    /// a deadline that arrives during the first slice stops it there.
    func testLargeRandomGetStopsForAnInterrupt() throws {
        var configuration = EngineConfiguration()
        configuration.interruptible = true
        let engine = Engine(configuration: configuration)
        let module = try Module(engine: engine, bytes: try WAT.encode("""
            (module
              (import "wasi_snapshot_preview1" "random_get" (func $random_get (param i32 i32) (result i32)))
              (memory (export "memory") 1025)
              (func (export "fill") (result i32) (call $random_get (i32.const 0) (i32.const 0x4000000))))
            """))
        let system = InterruptingSystem()
        let wasi = try WASI(configuration: WASIConfiguration(stdin: .null, stdout: .null, system: system))
        let store = Store(engine: engine)
        let linker = Linker()
        wasi.define(in: linker, store: store)
        let instance = try linker.instantiate(store: store, module: module)
        XCTAssertEqual(try instance.function("fill")?.call([]), [.i32(0)], "without an interrupt it fills it all")
        XCTAssertEqual(system.fills, 64)
        system.fills = 0
        system.interruptOnFill = store.interruptHandle
        XCTAssertThrowsError(try instance.function("fill")?.call([])) { error in
            guard case SwasmError.trap(let trap) = error else { return XCTFail("not a trap: \(error)") }
            XCTAssertEqual(trap.reason, .interrupted)
        }
        XCTAssertEqual(system.fills, 1, "it went on filling after the interrupt")
    }

    /// The wake descriptor is readable exactly while a request is pending.
    func testWakeDescriptorFollowsTheRequest() throws {
        let store = Store(engine: Engine())
        let handle = store.interruptHandle
        let wake = handle.wakeDescriptor
        XCTAssertGreaterThanOrEqual(wake, 0)
        func readable() -> Bool {
            var probe = pollfd(fd: wake, events: Int16(POLLIN), revents: 0)
            return poll(&probe, 1, 0) == 1
        }
        XCTAssertFalse(readable())
        handle.interrupt()
        XCTAssertTrue(readable())
        handle.interrupt()
        XCTAssertThrowsError(try handle.throwIfInterrupted())
        XCTAssertFalse(readable())
        XCTAssertNoThrow(try handle.throwIfInterrupted())
        handle.interrupt()
        handle.cancel()
        XCTAssertFalse(readable())
    }

    // MARK: - Running a guest

    func run(
        _ guest: HostileGuest, _ body: String, stdin: WASIStdio = .null, stdout: WASIStdio = .null,
        engine configuration: EngineConfiguration = EngineConfiguration(), interruptAfter: TimeInterval? = nil
    ) throws -> UInt32 {
        try runAll(guest, [body], stdin: stdin, stdout: stdout, engine: configuration, interruptAfter: interruptAfter)[0]
    }

    /// Runs each body as its own export of one instance, in order, and returns their results.
    func runAll(
        _ guest: HostileGuest, _ bodies: [String], stdin: WASIStdio = .null, stdout: WASIStdio = .null,
        engine configuration: EngineConfiguration = EngineConfiguration(), interruptAfter: TimeInterval? = nil
    ) throws -> [UInt32] {
        var text = guest.module(bodies[0])
        let extraExports = bodies.enumerated().dropFirst().map { index, body in
            "(func (export \"run\(index)\") (result i32)\n\(body))\n"
        }.joined()
        if let end = text.lastIndex(of: ")") { text.insert(contentsOf: extraExports, at: end) }
        let engine = Engine(configuration: configuration)
        let module = try Module(engine: engine, bytes: try WAT.encode(text))
        var wasiConfiguration = WASIConfiguration(arguments: ["hostile"])
        wasiConfiguration.preopens = [Preopen(hostPath: sandbox.path, guestPath: "/")]
        wasiConfiguration.stdin = stdin
        wasiConfiguration.stdout = stdout
        let wasi = try WASI(configuration: wasiConfiguration)
        let store = Store(engine: engine)
        let linker = Linker()
        wasi.define(in: linker, store: store)
        let instance = try linker.instantiate(store: store, module: module)
        if let interruptAfter {
            let handle = store.interruptHandle
            Thread.detachNewThread {
                Thread.sleep(forTimeInterval: interruptAfter)
                handle.interrupt()
            }
        }
        return try bodies.indices.map { index in
            guard let function = instance.function(index == 0 ? "run" : "run\(index)"),
                  case .i32(let result)? = try function.call([]).first else {
                throw WASIConfigurationError("run\(index) returned no i32")
            }
            return result
        }
    }

    /// A pipe, optionally holding `text`; the caller closes both ends.
    func pipeWithData(_ text: String?) throws -> (read: Int32, write: Int32) {
        var ends: [Int32] = [0, 0]
        guard pipe(&ends) == 0 else { throw WASIConfigurationError("pipe failed") }
        if let text {
            _ = Array(text.utf8).withUnsafeBytes { write(ends[1], $0.baseAddress, $0.count) }
        }
        return (ends[0], ends[1])
    }

    func modificationTime(_ path: String) throws -> Int {
        var info = stat()
        guard lstat(path, &info) == 0 else { throw WASIConfigurationError("cannot stat \(path)") }
        return info.st_mtim.tv_sec
    }
}

/// The host's clocks and randomness, counting fills and, when asked, interrupting the store
/// from inside one (as a deadline arriving mid-call would).
final class InterruptingSystem: WASISystem {
    let host = HostSystem()
    var fills = 0
    var interruptOnFill: InterruptHandle?
    func now(_ clock: WASIClockID) -> UInt64? { host.now(clock) }
    func resolution(_ clock: WASIClockID) -> UInt64? { host.resolution(clock) }
    func sleep(nanoseconds: UInt64) { host.sleep(nanoseconds: nanoseconds) }
    func fillRandom(_ buffer: UnsafeMutableRawBufferPointer) throws {
        fills += 1
        interruptOnFill?.interrupt()
        try host.fillRandom(buffer)
    }
}

/// A flag one thread sets and another polls.
final class ManagedAtomicFlag: @unchecked Sendable {
    private let lock = NSLock()
    private var value = false
    var isSet: Bool { lock.lock(); defer { lock.unlock() }; return value }
    func set() { lock.lock(); value = true; lock.unlock() }
}
