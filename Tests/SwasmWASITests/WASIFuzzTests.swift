import Foundation
import Swasm
import SwasmText
@testable import SwasmWASI
import XCTest
#if canImport(Glibc)
import Glibc
#endif

/// Calls every `wasi_snapshot_preview1` function from a guest, on both tiers, with random and
/// boundary arguments: pointers at and past the end of memory, lengths near 2^32, every
/// descriptor number a guest could hold, every flag bit, times near 2^64, and paths built
/// from names that lead out of the sandbox. After every batch it checks that the host
/// survived (no crash: the test process is still here), that no call hung, and that nothing
/// outside the sandbox folder, nor in the read-only preopen, was created or changed.
///
/// CI runs `SWASM_WASI_FUZZ_CALLS` calls per tier (default 50,000); a longer run:
///
///     SWASM_WASI_FUZZ_CALLS=1000000 SWASM_WASI_FUZZ_SEED=7 \
///         swift test -c release --disable-swift-testing --filter WASIFuzzTests
final class WASIFuzzTests: XCTestCase {
    static let memoryPages = 2
    static let memoryBytes = UInt32(memoryPages * 65_536)
    /// Every call that takes longer than this counts as a hang.
    static let hangLimit: TimeInterval = 5

    var fixture: URL!
    var sandbox: URL { fixture.appendingPathComponent("sandbox") }
    var readonly: URL { fixture.appendingPathComponent("readonly") }

    override func setUpWithError() throws {
        let fileManager = FileManager.default
        fixture = fileManager.temporaryDirectory.appendingPathComponent("swasm-wasi-fuzz-\(UUID().uuidString)")
        try fileManager.createDirectory(at: sandbox.appendingPathComponent("sub/deeper"), withIntermediateDirectories: true)
        try fileManager.createDirectory(at: readonly.appendingPathComponent("dir"), withIntermediateDirectories: true)
        try fileManager.createDirectory(at: fixture.appendingPathComponent("outside"), withIntermediateDirectories: true)
        try "TOP SECRET".write(to: fixture.appendingPathComponent("secret.txt"), atomically: false, encoding: .utf8)
        try "outside".write(to: fixture.appendingPathComponent("outside/file.txt"), atomically: false, encoding: .utf8)
        try "hello".write(to: sandbox.appendingPathComponent("file.txt"), atomically: false, encoding: .utf8)
        try "read only".write(to: readonly.appendingPathComponent("data.txt"), atomically: false, encoding: .utf8)
        let links = [
            "out": "../outside", "secret": "../secret.txt", "abs": "/etc/passwd", "up": "..",
            "in": "sub", "loop": "loop", "dangling": "../outside/new.txt",
        ]
        for (name, target) in links {
            try fileManager.createSymbolicLink(atPath: sandbox.appendingPathComponent(name).path, withDestinationPath: target)
        }
    }

    override func tearDownWithError() throws {
        if let fixture {
            // The guest may have left directories without write or search permission.
            _ = try? Process.run(URL(fileURLWithPath: "/bin/chmod"), arguments: ["-R", "u+rwx", fixture.path]).waitUntilExit()
            try? FileManager.default.removeItem(at: fixture)
        }
    }

    func testRandomCallsOnTheInterpreter() throws {
        var configuration = EngineConfiguration()
        configuration.nativeCode = false
        configuration.interruptible = true
        try fuzz(configuration, seedOffset: 0)
    }

    func testRandomCallsWithEveryFunctionCompiled() throws {
        var configuration = EngineConfiguration()
        configuration.nativeCode = true
        configuration.nativeCodeThreshold = 0
        try fuzz(configuration, seedOffset: 1)
    }

    // MARK: - The run

    func fuzz(_ configuration: EngineConfiguration, seedOffset: UInt64) throws {
        let environment = ProcessInfo.processInfo.environment
        let calls = environment["SWASM_WASI_FUZZ_CALLS"].flatMap(Int.init) ?? 50_000
        let seed = (environment["SWASM_WASI_FUZZ_SEED"].flatMap(UInt64.init) ?? 1) &+ seedOffset
        var random = SplitMix(seed: seed)

        // A guest may write as much as it likes into its folder; keep the machine's disk safe
        // (fd_allocate, fd_pwrite at 2^62, a million writes) with a file size limit, whose
        // signal becomes EFBIG.
        signal(SIGXFSZ, SIG_IGN)
        var previousLimit = rlimit()
        getrlimit(RLIMIT_FSIZE_VALUE, &previousLimit)
        var limit = rlimit(rlim_cur: 1 << 20, rlim_max: previousLimit.rlim_max)
        setrlimit(RLIMIT_FSIZE_VALUE, &limit)
        defer { setrlimit(RLIMIT_FSIZE_VALUE, &previousLimit) }

        let outsideBefore = try snapshot(excluding: "sandbox")
        let descriptorsBefore = openDescriptorCount()
        let engine = Engine(configuration: configuration)
        let module = try Module(engine: engine, bytes: try WAT.encode(Self.moduleText()))
        let functions = WASI.functions

        var done = 0
        var outcomes: [String: Int] = [:]
        while done < calls {
            // A fresh guest every few thousand calls: its descriptors are closed, and a guest
            // that closed or renumbered its preopens starts over.
            let batch = min(5_000, calls - done)
            try autoreleasepool {
                let guest = try Guest(module: module, engine: engine, sandbox: sandbox, readonly: readonly)
                let watchdog = HangWatchdog(handle: guest.store.interruptHandle, limit: Self.hangLimit / 5)
                defer { watchdog.stop() }
                for _ in 0..<batch {
                    let index = Int(random.next() % UInt64(functions.count))
                    let function = functions[index]
                    let arguments = argumentsFor(function, memory: guest.memory, &random)
                    let started = Date()
                    watchdog.arm()
                    let outcome = guest.call(index, arguments)
                    watchdog.disarm()
                    let elapsed = Date().timeIntervalSince(started)
                    XCTAssertLessThan(elapsed, Self.hangLimit, "\(function.name)\(arguments) took \(elapsed) s")
                    outcomes[outcome, default: 0] += 1
                }
            }
            done += batch
            XCTAssertEqual(try snapshot(excluding: "sandbox"), outsideBefore, "something outside the sandbox changed after \(done) calls")
        }
        XCTAssertEqual(openDescriptorCount(), descriptorsBefore, "host descriptors leaked")
        let summary = outcomes.sorted { $0.value > $1.value }.prefix(12).map { "\($0.key): \($0.value)" }.joined(separator: ", ")
        print("WASI fuzz (seed \(seed), nativeCode \(configuration.nativeCode)): \(done) calls; \(summary)")
    }

    // MARK: - Arguments

    /// Where each function takes a path: the (pointer, length) parameter index pairs.
    static let pathParameters: [String: [Int]] = [
        "path_create_directory": [1], "path_filestat_get": [2], "path_filestat_set_times": [2],
        "path_link": [2, 5], "path_open": [2], "path_readlink": [1], "path_remove_directory": [1],
        "path_rename": [1, 4], "path_symlink": [0, 3], "path_unlink_file": [1],
    ]
    /// Where each path function takes its directory descriptors (0 when not listed).
    static let directoryParameters: [String: [Int]] = [
        "path_link": [0, 4], "path_rename": [0, 3], "path_symlink": [2],
    ]
    /// Where each function takes an iovec array: the (pointer, count) parameter index.
    static let vectorParameters: [String: Int] = [
        "fd_read": 1, "fd_write": 1, "fd_pread": 1, "fd_pwrite": 1, "sock_recv": 1, "sock_send": 1,
    ]

    static let pathNames = [
        "file.txt", "sub", "deeper", "new", "new.txt", "out", "secret", "abs", "up", "in", "loop",
        "dangling", "..", ".", "", "data.txt", "dir", String(repeating: "x", count: 300),
    ]

    /// Arguments for one call: mostly boundary values, sometimes well-formed paths, iovecs and
    /// subscriptions written into memory first, so that calls get past their argument checks.
    func argumentsFor(_ function: HostFunction, memory: Memory, _ random: inout SplitMix) -> [Value] {
        var arguments = function.params.map { type -> Value in
            type == .i64 ? .i64(randomU64(&random)) : .i32(randomU32(&random))
        }
        // Descriptors: small numbers most of the time; closing and renumbering mostly pick
        // what the guest opened itself (5 on), so the preopens survive long enough to be used.
        if function.params.first == .i32, random.next() % 8 != 0 {
            let closes = function.name == "fd_close" || function.name == "fd_renumber"
            let low: UInt64 = closes && random.next() % 10 != 0 ? 5 : 0
            let high: UInt64 = random.next() % 3 == 0 ? 12 : 7
            arguments[0] = .i32(UInt32(low + random.next() % (high - low)))
            if function.name == "fd_renumber" { arguments[1] = .i32(UInt32(5 + random.next() % 7)) }
        }
        if let pairs = Self.pathParameters[function.name], random.next() % 8 != 0 {
            for (slot, index) in pairs.enumerated() {
                let path = randomPath(&random)
                let address = UInt32(1024 + slot * 1024)
                try? memory.writeBytes(path, offset: address)
                arguments[index] = .i32(address)
                arguments[index + 1] = .i32(UInt32(path.count))
            }
            // The directory descriptors: one of the two preopens most of the time.
            for index in Self.directoryParameters[function.name] ?? [0] where random.next() % 8 != 0 {
                arguments[index] = .i32(UInt32(3 + random.next() % 2))
            }
        }
        if let index = Self.vectorParameters[function.name], random.next() % 4 != 0 {
            let count = UInt32(1 + random.next() % 4)
            for vector in 0..<count {
                let base = randomU32(&random) % (Self.memoryBytes + 16)
                let length = random.next() % 2 == 0 ? UInt32(random.next() % 4096) : randomU32(&random)
                try? memory.writeBytes(bytes(of: base) + bytes(of: length), offset: 3072 + vector * 8)
            }
            arguments[index] = .i32(3072)
            arguments[index + 1] = .i32(count)
        }
        if function.name == "poll_oneoff", random.next() % 4 != 0 {
            let count = UInt32(1 + random.next() % 3)
            var records: [UInt8] = []
            for _ in 0..<count {
                var record = [UInt8](repeating: 0, count: 48)
                let tag = UInt8(random.next() % 4)
                record[8] = tag
                let fields = bytes(of: UInt32(random.next() % 6)) + bytes(of: UInt32(0)) + bytes64(randomU64(&random))
                    + bytes64(randomU64(&random)) + bytes(of: UInt32(random.next() % 4))
                record.replaceSubrange(16..<(16 + fields.count), with: fields)
                records += record
            }
            try? memory.writeBytes(records, offset: 4096)
            arguments[0] = .i32(4096)
            arguments[1] = .i32(8192)
            arguments[2] = .i32(count)
            arguments[3] = .i32(12288)
        }
        return arguments
    }

    func randomPath(_ random: inout SplitMix) -> [UInt8] {
        var text = random.next() % 10 == 0 ? "/" : ""
        let components = 1 + Int(random.next() % 4)
        text += (0..<components).map { _ in Self.pathNames[Int(random.next() % UInt64(Self.pathNames.count))] }
            .joined(separator: "/")
        if random.next() % 5 == 0 { text += "/" }
        var path = Array(text.utf8)
        if random.next() % 40 == 0 { path.append(0) }
        if random.next() % 40 == 0 { path.append(0xFF) }
        return path
    }

    func randomU32(_ random: inout SplitMix) -> UInt32 {
        let end = Self.memoryBytes
        let choices: [UInt32] = [
            0, 1, 2, 3, 4, 5, 8, 64, 255, 256, 4096, end - 1, end - 2, end - 4, end - 8, end - 24, end - 48,
            end, end + 1, 0x7FFF_FFFF, 0x8000_0000, 0xFFFF_FFFF, 0xFFFF_FFFE, 0xFFFF_FFF0, 0x1000_0000,
        ]
        switch random.next() % 4 {
        case 0: return UInt32(truncatingIfNeeded: random.next())
        case 1: return UInt32(1) << UInt32(random.next() % 32)
        default: return choices[Int(random.next() % UInt64(choices.count))]
        }
    }

    func randomU64(_ random: inout SplitMix) -> UInt64 {
        let choices: [UInt64] = [
            0, 1, 2, 1_000_000_000, UInt64.max, UInt64.max - 1, UInt64.max - 999_999, UInt64(Int64.max),
            UInt64(Int64.max) + 1, 1 << 32, (1 << 32) - 1, 1 << 62, 0x1FFF_FFFF,
        ]
        switch random.next() % 4 {
        case 0: return random.next()
        case 1: return UInt64(1) << (random.next() % 64)
        default: return choices[Int(random.next() % UInt64(choices.count))]
        }
    }

    func bytes(of value: UInt32) -> [UInt8] { withUnsafeBytes(of: value.littleEndian, Array.init) }
    func bytes64(_ value: UInt64) -> [UInt8] { withUnsafeBytes(of: value.littleEndian, Array.init) }

    // MARK: - The guest

    /// Imports every WASI function and exports a function `f<i>` that forwards to the i-th,
    /// so each call enters the host from guest code of the tier under test.
    static func moduleText() -> String {
        var imports = ""
        var exports = ""
        for (index, function) in WASI.functions.enumerated() {
            let params = function.params.map { $0 == .i64 ? "i64" : "i32" }.joined(separator: " ")
            let result = function.name == "proc_exit" ? "" : "(result i32)"
            imports += "(import \"wasi_snapshot_preview1\" \"\(function.name)\" (func $h\(index) (param \(params)) \(result)))\n"
            let forwarded = function.params.indices.map { "(local.get \($0))" }.joined(separator: " ")
            let body = function.name == "proc_exit" ? "(call $h\(index) \(forwarded)) (i32.const 0)" : "(call $h\(index) \(forwarded))"
            exports += "(func (export \"f\(index)\") (param \(params)) (result i32) \(body))\n"
        }
        return "(module\n\(imports)(memory (export \"memory\") \(memoryPages))\n\(exports))"
    }

    final class Guest {
        let store: Store
        let memory: Memory
        let exports: [Function]
        let wasi: WASI

        init(module: Module, engine: Engine, sandbox: URL, readonly: URL) throws {
            var configuration = WASIConfiguration(arguments: ["fuzz", "--flag", String(repeating: "a", count: 100)])
            configuration.environment = [("HOME", "/"), ("EMPTY", "")]
            configuration.preopens = [
                Preopen(hostPath: sandbox.path, guestPath: "/"),
                Preopen(hostPath: readonly.path, guestPath: "/ro", readOnly: true),
            ]
            configuration.stdin = .null
            configuration.stdout = .null
            configuration.stderr = .null
            configuration.system = DeterministicSystem()
            wasi = try WASI(configuration: configuration)
            store = Store(engine: engine)
            let linker = Linker()
            wasi.define(in: linker, store: store)
            let instance = try linker.instantiate(store: store, module: module)
            guard let memory = instance.memory("memory") else { throw WASIConfigurationError("no memory") }
            self.memory = memory
            exports = WASI.functions.indices.map { instance.function("f\($0)")! }
        }

        /// Calls export `index` and names the outcome: an errno, an exit, a trap reason.
        func call(_ index: Int, _ arguments: [Value]) -> String {
            do {
                guard case .i32(let errno)? = try exports[index].call(arguments).first else { return "no result" }
                return "errno \(errno)"
            } catch SwasmError.exit(let code) {
                return "exit \(code)"
            } catch SwasmError.trap(let trap) {
                return "trap \(trap.reason)"
            } catch {
                return "error \(error)"
            }
        }
    }

    // MARK: - What must not change

    /// Every entry under the fixture but `excluded`: path, type, size, mode, times, target.
    func snapshot(excluding excluded: String) throws -> [String] {
        var entries: [String] = []
        func visit(_ directory: String, _ relative: String) {
            guard let names = try? FileManager.default.contentsOfDirectory(atPath: directory) else { return }
            for name in names.sorted() where !(relative.isEmpty && name == excluded) {
                let path = directory + "/" + name
                var info = stat()
                guard lstat(path, &info) == 0 else { continue }
                var entry = "\(relative)\(name) mode \(info.st_mode) size \(info.st_size) mtime \(info.st_mtim.tv_sec).\(info.st_mtim.tv_nsec)"
                if info.st_mode & S_IFMT == S_IFLNK {
                    entry += " -> " + ((try? FileManager.default.destinationOfSymbolicLink(atPath: path)) ?? "?")
                }
                entries.append(entry)
                if info.st_mode & S_IFMT == S_IFDIR { visit(path, relative + name + "/") }
            }
        }
        visit(fixture.path, "")
        return entries
    }

    func openDescriptorCount() -> Int {
        (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd").count) ?? 0
    }
}

/// Interrupts the store when a call runs past its limit, so that a call that would block for
/// ever shows up as a slow call (and an "interrupted" trap) instead of stalling the run.
final class HangWatchdog: @unchecked Sendable {
    private let condition = NSCondition()
    private var deadline: Date?
    private var stopped = false
    /// Weak: the store owns its handle (and the handle its wake descriptors), and a store
    /// freed after its batch must close them, whenever this thread ends.
    private weak var handle: InterruptHandle?
    private let finished = DispatchSemaphore(value: 0)

    init(handle: InterruptHandle, limit: TimeInterval) {
        self.handle = handle
        self.limit = limit
        Thread.detachNewThread { [self] in
            condition.lock()
            while !stopped {
                if let deadline, Date() >= deadline {
                    self.handle?.interrupt()
                    self.deadline = nil
                }
                _ = condition.wait(until: Date().addingTimeInterval(limit / 4))
            }
            condition.unlock()
            finished.signal()
        }
    }

    private let limit: TimeInterval

    func arm() { condition.lock(); deadline = Date().addingTimeInterval(limit); condition.unlock() }
    func disarm() {
        condition.lock(); deadline = nil; condition.unlock()
        handle?.cancel()
    }
    /// Ends the watching thread and waits for it, so that it no longer holds the store's
    /// interrupt handle (and its wake descriptors) when the caller counts descriptors.
    func stop() {
        condition.lock(); stopped = true; condition.signal(); condition.unlock()
        finished.wait()
    }
}

/// A seeded generator (SplitMix64), so a run is repeated exactly by its seed.
struct SplitMix {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

#if canImport(Glibc)
let RLIMIT_FSIZE_VALUE = __rlimit_resource_t(RLIMIT_FSIZE.rawValue)
#else
let RLIMIT_FSIZE_VALUE = RLIMIT_FSIZE
#endif

#if !canImport(ObjectiveC)
/// Linux Foundation has no autorelease pool; the batches need no more than a scope.
func autoreleasepool<T>(_ body: () throws -> T) rethrows -> T { try body() }
#endif
