import Foundation
import Swasm
import SwasmText
import SwasmWASI
import XCTest

/// Behaviour of individual functions and of the embedding API, with small WAT guests.
final class WASIFunctionTests: XCTestCase {
    /// Instantiates `wat` with WASI set up from `configuration` and calls its export `run`.
    func call(_ wat: String, _ configuration: WASIConfiguration = WASIConfiguration(stdin: .null, stdout: .null),
              export: String = "run") throws -> (results: [Value], memory: Memory?, wasi: WASI, instance: Instance) {
        let engine = Engine()
        let module = try Module(engine: engine, bytes: WAT.encode(wat))
        let wasi = try WASI(configuration: configuration)
        let store = Store(engine: engine)
        let linker = Linker()
        wasi.define(in: linker, store: store)
        let instance = try linker.instantiate(store: store, module: module)
        guard let function = instance.function(export) else { throw WASIConfigurationError("no export \(export)") }
        return (try function.call([]), instance.memory("memory"), wasi, instance)
    }

    func u32(_ memory: Memory?, _ offset: Int) throws -> UInt32 {
        try memory?.read(offset: offset, count: 4).withUnsafeBytes { UInt32(littleEndian: $0.loadUnaligned(as: UInt32.self)) } ?? 0
    }

    func u64(_ memory: Memory?, _ offset: Int) throws -> UInt64 {
        try memory?.read(offset: offset, count: 8).withUnsafeBytes { UInt64(littleEndian: $0.loadUnaligned(as: UInt64.self)) } ?? 0
    }

    func string(_ memory: Memory?, _ offset: Int, _ count: Int) throws -> String {
        String(decoding: try memory?.read(offset: offset, count: count) ?? [], as: UTF8.self)
    }

    static let imports = """
      (import "wasi_snapshot_preview1" "args_sizes_get" (func $args_sizes_get (param i32 i32) (result i32)))
      (import "wasi_snapshot_preview1" "args_get" (func $args_get (param i32 i32) (result i32)))
      (import "wasi_snapshot_preview1" "environ_sizes_get" (func $environ_sizes_get (param i32 i32) (result i32)))
      (import "wasi_snapshot_preview1" "environ_get" (func $environ_get (param i32 i32) (result i32)))
      (import "wasi_snapshot_preview1" "clock_time_get" (func $clock_time_get (param i32 i64 i32) (result i32)))
      (import "wasi_snapshot_preview1" "clock_res_get" (func $clock_res_get (param i32 i32) (result i32)))
      (import "wasi_snapshot_preview1" "random_get" (func $random_get (param i32 i32) (result i32)))
      (import "wasi_snapshot_preview1" "poll_oneoff" (func $poll_oneoff (param i32 i32 i32 i32) (result i32)))
      (import "wasi_snapshot_preview1" "proc_exit" (func $proc_exit (param i32)))
      (import "wasi_snapshot_preview1" "proc_raise" (func $proc_raise (param i32) (result i32)))
      (import "wasi_snapshot_preview1" "sched_yield" (func $sched_yield (result i32)))
      (import "wasi_snapshot_preview1" "sock_send" (func $sock_send (param i32 i32 i32 i32 i32) (result i32)))
      (import "wasi_snapshot_preview1" "sock_recv" (func $sock_recv (param i32 i32 i32 i32 i32 i32) (result i32)))
      (import "wasi_snapshot_preview1" "sock_shutdown" (func $sock_shutdown (param i32 i32) (result i32)))
      (import "wasi_snapshot_preview1" "fd_readdir" (func $fd_readdir (param i32 i32 i32 i64 i32) (result i32)))
      (import "wasi_snapshot_preview1" "fd_prestat_dir_name" (func $fd_prestat_dir_name (param i32 i32 i32) (result i32)))
      (import "wasi_snapshot_preview1" "fd_write" (func $fd_write (param i32 i32 i32 i32) (result i32)))
      (import "wasi_snapshot_preview1" "fd_fdstat_get" (func $fd_fdstat_get (param i32 i32) (result i32)))
      (memory (export "memory") 1)
      (func $ok (param i32) (if (local.get 0) (then unreachable)))
    """

    func testArgumentsAndEnvironment() throws {
        var configuration = WASIConfiguration(arguments: ["prog", "a b", "\"q\""], stdin: .null, stdout: .null)
        configuration.setEnvironment("A=1")
        configuration.setEnvironment("NL=new\nline")
        configuration.setEnvironment("A=2")
        let (_, memory, _, _) = try call("""
            (module \(Self.imports)
              (func (export "run") (result i32)
                (call $ok (call $args_sizes_get (i32.const 0) (i32.const 4)))
                (call $ok (call $args_get (i32.const 16) (i32.const 256)))
                (call $ok (call $environ_sizes_get (i32.const 8) (i32.const 12)))
                (call $environ_get (i32.const 64) (i32.const 512))))
            """, configuration)
        XCTAssertEqual(try u32(memory, 0), 3)
        XCTAssertEqual(try u32(memory, 4), 5 + 4 + 4)
        XCTAssertEqual(try u32(memory, 16), 256)
        XCTAssertEqual(try u32(memory, 20), 261)
        XCTAssertEqual(try string(memory, 256, 13), "prog\0a b\0\"q\"\0")
        XCTAssertEqual(try u32(memory, 8), 2)
        XCTAssertEqual(try string(memory, 512, Int(try u32(memory, 12))), "NL=new\nline\0A=2\0")
    }

    func testDeterministicClocksRandomAndSleep() throws {
        let wat = """
            (module \(Self.imports)
              (func (export "run") (result i32)
                (call $ok (call $clock_time_get (i32.const 1) (i64.const 0) (i32.const 0)))
                (call $ok (call $random_get (i32.const 64) (i32.const 32)))
                ;; sleep one second on the monotonic clock: a single clock subscription
                (i64.store (i32.const 1024) (i64.const 42))
                (i32.store8 (i32.const 1032) (i32.const 0))
                (i32.store (i32.const 1040) (i32.const 1))
                (i64.store (i32.const 1048) (i64.const 1000000000))
                (call $ok (call $poll_oneoff (i32.const 1024) (i32.const 2048) (i32.const 1) (i32.const 8)))
                (call $ok (call $clock_time_get (i32.const 1) (i64.const 0) (i32.const 16)))
                (call $ok (call $clock_res_get (i32.const 0) (i32.const 24)))
                (call $clock_time_get (i32.const 9) (i64.const 0) (i32.const 32))))
            """
        func once() throws -> (Memory?, [Value]) {
            let configuration = WASIConfiguration(stdin: .null, stdout: .null, system: DeterministicSystem(seed: 7))
            let (results, memory, _, _) = try call(wat, configuration)
            return (memory, results)
        }
        let (first, results) = try once()
        let (second, _) = try once()
        XCTAssertEqual(results, [.i32(28)], "an unknown clock is inval")
        XCTAssertEqual(try first?.read(offset: 0, count: 96), try second?.read(offset: 0, count: 96))
        XCTAssertGreaterThanOrEqual(try u64(first, 16) - u64(first, 0), 1_000_000_000)
        XCTAssertEqual(try u32(first, 8), 1, "one event")
        XCTAssertEqual(try u64(first, 2048), 42, "the clock event's userdata")
        XCTAssertNotEqual(try first?.read(offset: 64, count: 32), [UInt8](repeating: 0, count: 32))
        XCTAssertGreaterThan(try u64(first, 24), 0)
    }

    func testRealSleepWaitsAtLeastTheTimeout() throws {
        let start = DispatchTime.now()
        _ = try call("""
            (module \(Self.imports)
              (func (export "run") (result i32)
                (i32.store8 (i32.const 1032) (i32.const 0))
                (i32.store (i32.const 1040) (i32.const 1))
                (i64.store (i32.const 1048) (i64.const 20000000))
                (call $poll_oneoff (i32.const 1024) (i32.const 2048) (i32.const 1) (i32.const 8))))
            """)
        XCTAssertGreaterThanOrEqual(DispatchTime.now().uptimeNanoseconds - start.uptimeNanoseconds, 20_000_000)
    }

    func testPollReportsAReadablePipe() throws {
        var fds: [Int32] = [0, 0]
        XCTAssertEqual(pipe(&fds), 0)
        defer { close(fds[0]); close(fds[1]) }
        XCTAssertEqual(write(fds[1], "abc", 3), 3)
        let configuration = WASIConfiguration(stdin: .fileDescriptor(fds[0]), stdout: .null)
        let (results, memory, _, _) = try call("""
            (module \(Self.imports)
              (func (export "run") (result i32)
                ;; fd_read on stdin, and a long clock timeout that must not fire
                (i64.store (i32.const 1024) (i64.const 7))
                (i32.store8 (i32.const 1032) (i32.const 1))
                (i32.store (i32.const 1040) (i32.const 0))
                (i64.store (i32.const 1072) (i64.const 8))
                (i32.store8 (i32.const 1080) (i32.const 0))
                (i32.store (i32.const 1088) (i32.const 1))
                (i64.store (i32.const 1096) (i64.const 60000000000))
                (call $poll_oneoff (i32.const 1024) (i32.const 2048) (i32.const 2) (i32.const 8))))
            """, configuration)
        XCTAssertEqual(results, [.i32(0)])
        XCTAssertEqual(try u32(memory, 8), 1)
        XCTAssertEqual(try u64(memory, 2048), 7)
        XCTAssertEqual(try memory?.read(offset: 2058, count: 1), [1], "fd_read event")
        XCTAssertEqual(try u64(memory, 2064), 3, "bytes available")
    }

    func testProcExitAndRaise() throws {
        let engine = Engine()
        let module = try Module(engine: engine, bytes: WAT.encode("""
            (module \(Self.imports)
              (func (export "_start")
                (if (i32.ne (call $proc_raise (i32.const 6)) (i32.const 52)) (then unreachable))
                (call $ok (call $sched_yield))
                (call $proc_exit (i32.const 7))
                unreachable))
            """))
        XCTAssertTrue(WASI.isImported(by: module))
        XCTAssertFalse(WASI.isImported(by: try Module(engine: engine, bytes: WAT.encode("(module)"))))
        let wasi = try WASI(configuration: WASIConfiguration(stdin: .null, stdout: .null))
        let store = Store(engine: engine)
        let linker = Linker()
        wasi.define(in: linker, store: store)
        XCTAssertEqual(try wasi.start(linker.instantiate(store: store, module: module)), 7)
    }

    func testSocketsHandedOver() throws {
        var pair: [Int32] = [0, 0]
        XCTAssertEqual(socketpair(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0, &pair), 0)
        defer { close(pair[0]); close(pair[1]) }
        XCTAssertEqual(write(pair[1], "pong", 4), 4)
        let configuration = WASIConfiguration(sockets: [pair[0]], stdin: .null, stdout: .null)
        let (results, memory, _, _) = try call("""
            (module \(Self.imports)
              (data (i32.const 1024) "ping")
              (func (export "run") (result i32)
                (i32.store (i32.const 512) (i32.const 1024)) (i32.store (i32.const 516) (i32.const 4))
                (call $ok (call $sock_send (i32.const 3) (i32.const 512) (i32.const 1) (i32.const 0) (i32.const 0)))
                (i32.store (i32.const 520) (i32.const 2048)) (i32.store (i32.const 524) (i32.const 16))
                (call $ok (call $sock_recv (i32.const 3) (i32.const 520) (i32.const 1) (i32.const 0) (i32.const 4) (i32.const 8)))
                (call $ok (call $sock_shutdown (i32.const 3) (i32.const 2)))
                (if (i32.ne (call $sock_shutdown (i32.const 1) (i32.const 2)) (i32.const 57)) (then unreachable))
                (if (i32.ne (call $sock_shutdown (i32.const 99) (i32.const 2)) (i32.const 8)) (then unreachable))
                (call $sock_shutdown (i32.const 3) (i32.const 4))))
            """, configuration)
        XCTAssertEqual(results, [.i32(28)], "unknown shutdown flags are inval")
        XCTAssertEqual(try u32(memory, 0), 4)
        XCTAssertEqual(try u32(memory, 4), 4)
        XCTAssertEqual(try string(memory, 2048, 4), "pong")
        var buffer = [UInt8](repeating: 0, count: 8)
        XCTAssertEqual(read(pair[1], &buffer, 8), 4)
        XCTAssertEqual(Array(buffer[0..<4]), Array("ping".utf8))
        XCTAssertEqual(read(pair[1], &buffer, 8), 0, "the guest shut down its sending side")
    }

    func testReaddirPagesWithCookies() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("swasm-readdir-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let names = (0..<50).map { "entry-\($0)" }
        for name in names { FileManager.default.createFile(atPath: directory.appendingPathComponent(name).path, contents: nil) }
        let configuration = WASIConfiguration(preopens: [Preopen(hostPath: directory.path, guestPath: "/data")], stdin: .null, stdout: .null)
        // Read with a 64-byte buffer, restarting from the last complete entry's d_next.
        let (results, memory, _, _) = try call("""
            (module \(Self.imports)
              (func (export "run") (result i32)
                (local $cookie i64) (local $used i32) (local $at i32) (local $out i32) (local $len i32)
                (call $ok (call $fd_prestat_dir_name (i32.const 3) (i32.const 0) (i32.const 5)))
                (local.set $out (i32.const 8192))
                (block $done
                  (loop $page
                    (call $ok (call $fd_readdir (i32.const 3) (i32.const 4096) (i32.const 64) (local.get $cookie) (i32.const 16)))
                    (local.set $used (i32.load (i32.const 16)))
                    (local.set $at (i32.const 0))
                    (block $page_end
                      (loop $entry
                        (br_if $page_end (i32.gt_u (i32.add (local.get $at) (i32.const 24)) (local.get $used)))
                        (local.set $len (i32.load (i32.add (i32.const 4112) (local.get $at))))
                        (br_if $page_end (i32.gt_u (i32.add (i32.add (local.get $at) (i32.const 24)) (local.get $len)) (local.get $used)))
                        (memory.copy (local.get $out) (i32.add (i32.add (i32.const 4096) (local.get $at)) (i32.const 24)) (local.get $len))
                        (local.set $out (i32.add (local.get $out) (local.get $len)))
                        (i32.store8 (local.get $out) (i32.const 47))
                        (local.set $out (i32.add (local.get $out) (i32.const 1)))
                        (local.set $cookie (i64.load (i32.add (i32.const 4096) (local.get $at))))
                        (local.set $at (i32.add (i32.add (local.get $at) (i32.const 24)) (local.get $len)))
                        (br $entry)))
                    (br_if $done (i32.lt_u (local.get $used) (i32.const 64)))
                    (br $page)))
                (i32.sub (local.get $out) (i32.const 8192))))
            """, configuration)
        XCTAssertEqual(try string(memory, 0, 5), "/data")
        guard case .i32(let length)? = results.first else { return XCTFail("no result") }
        let listed = try string(memory, 8192, Int(length)).split(separator: "/").map(String.init)
        XCTAssertEqual(listed.sorted(), (names + [".", ".."]).sorted())
    }

    func testConfigurationErrorsAndHelpers() throws {
        XCTAssertThrowsError(try WASI(configuration: WASIConfiguration(preopens: [Preopen(hostPath: "/nonexistent/swasm-dir", guestPath: "/")]))) {
            XCTAssertTrue("\($0)".contains("/nonexistent/swasm-dir"), "\($0)")
        }
        XCTAssertEqual(Preopen(parsing: "host::/guest"), Preopen(hostPath: "host", guestPath: "/guest"))
        XCTAssertEqual(Preopen(parsing: "data"), Preopen(hostPath: "data", guestPath: "data"))
        XCTAssertEqual(Preopen(parsing: "c::d::e"), Preopen(hostPath: "c", guestPath: "d::e"))
        var configuration = WASIConfiguration()
        configuration.inheritEnvironment()
        XCTAssertEqual(configuration.environment.count, ProcessInfo.processInfo.environment.count)
        XCTAssertTrue(WASI.functionNames.count == 46, "\(WASI.functionNames.count)")
    }

    func testAGuestWithoutExportedMemoryTraps() throws {
        XCTAssertThrowsError(try call("""
            (module
              (import "wasi_snapshot_preview1" "random_get" (func $random_get (param i32 i32) (result i32)))
              (memory 1)
              (func (export "run") (result i32) (call $random_get (i32.const 0) (i32.const 4))))
            """)) { error in
            guard case SwasmError.trap = error else { return XCTFail("\(error)") }
        }
    }

    func testStdoutWritesAndFdstat() throws {
        var fds: [Int32] = [0, 0]
        XCTAssertEqual(pipe(&fds), 0)
        defer { close(fds[0]); close(fds[1]) }
        let configuration = WASIConfiguration(stdin: .null, stdout: .fileDescriptor(fds[1]))
        let (results, memory, _, _) = try call("""
            (module \(Self.imports)
              (data (i32.const 1024) "hello, ")
              (data (i32.const 1040) "world")
              (func (export "run") (result i32)
                (i32.store (i32.const 512) (i32.const 1024)) (i32.store (i32.const 516) (i32.const 7))
                (i32.store (i32.const 520) (i32.const 1040)) (i32.store (i32.const 524) (i32.const 5))
                (call $ok (call $fd_write (i32.const 1) (i32.const 512) (i32.const 2) (i32.const 0)))
                (call $fd_fdstat_get (i32.const 1) (i32.const 64))))
            """, configuration)
        XCTAssertEqual(results, [.i32(0)])
        XCTAssertEqual(try u32(memory, 0), 12)
        var buffer = [UInt8](repeating: 0, count: 32)
        XCTAssertEqual(read(fds[0], &buffer, 32), 12)
        XCTAssertEqual(String(decoding: buffer[0..<12], as: UTF8.self), "hello, world")
        let rights = try u64(memory, 72)
        XCTAssertNotEqual(rights & 0x40, 0, "fd_write")
        XCTAssertEqual(rights & 0x24, 0, "a pipe cannot seek or tell")
        // Standard streams are streams whatever the host gives: /dev/null (a character device
        // but not a terminal) is of unknown type, as under wasmtime, so wasi-libc's isatty()
        // says no, and it has no seek or tell rights.
        let null = try call("""
            (module \(Self.imports)
              (func (export "run") (result i32) (call $fd_fdstat_get (i32.const 0) (i32.const 64))))
            """)
        XCTAssertEqual(try null.memory?.read(offset: 64, count: 1), [0], "unknown type")
        XCTAssertEqual(try u64(null.memory, 72) & 0x24, 0)
    }
}
