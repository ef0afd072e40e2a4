import Foundation
import Swasm
import SwasmText
import SwasmWASI
import XCTest

/// Hostile guests, each trying one way out of the sandbox and asserting the exact errno it
/// gets. The fixture, in a fresh temporary directory:
///
///     secret.txt                  "TOP SECRET" (outside every preopen: must stay unreadable)
///     outside/                    a directory outside the preopens
///     sandbox/        → "/"  (descriptor 3, writable)
///         file.txt, sub/deeper/, abs-link → <fixture>/secret.txt, rel-out → ../secret.txt,
///         up → .., chain1 → chain2 → sub/../../secret.txt, loop-a ⇄ loop-b,
///         dangling-out → ../outside/created.txt, inside → sub
///     readonly/       → "/ro" (descriptor 4, read-only)
///         data.txt
final class SandboxEscapeTests: XCTestCase {
    // WASI errno values (wasi_snapshot_preview1).
    static let badf: UInt32 = 8, fault: UInt32 = 21, inval: UInt32 = 28, loop: UInt32 = 32
    static let notdir: UInt32 = 54, perm: UInt32 = 63, notcapable: UInt32 = 76

    var fixture: URL!
    var sandbox: URL { fixture.appendingPathComponent("sandbox") }
    var readonly: URL { fixture.appendingPathComponent("readonly") }
    var secret: URL { fixture.appendingPathComponent("secret.txt") }

    override func setUpWithError() throws {
        let fileManager = FileManager.default
        fixture = fileManager.temporaryDirectory.appendingPathComponent("swasm-escape-\(UUID().uuidString)")
        try fileManager.createDirectory(at: sandbox.appendingPathComponent("sub/deeper"), withIntermediateDirectories: true)
        try fileManager.createDirectory(at: fixture.appendingPathComponent("outside"), withIntermediateDirectories: true)
        try fileManager.createDirectory(at: readonly, withIntermediateDirectories: true)
        try "TOP SECRET".write(to: secret, atomically: false, encoding: .utf8)
        try "hello".write(to: sandbox.appendingPathComponent("file.txt"), atomically: false, encoding: .utf8)
        try "read me".write(to: readonly.appendingPathComponent("data.txt"), atomically: false, encoding: .utf8)
        let links = [
            "abs-link": secret.path,
            "rel-out": "../secret.txt",
            "up": "..",
            "chain1": "chain2",
            "chain2": "sub/../../secret.txt",
            "loop-a": "loop-b",
            "loop-b": "loop-a",
            "dangling-out": "../outside/created.txt",
            "inside": "sub",
        ]
        for (name, target) in links {
            try fileManager.createSymbolicLink(atPath: sandbox.appendingPathComponent(name).path, withDestinationPath: target)
        }
    }

    override func tearDownWithError() throws {
        if let fixture { try? FileManager.default.removeItem(at: fixture) }
    }

    // MARK: - The hostile guests

    func testDotDotOutOfThePreopen() throws {
        var guest = HostileGuest()
        let path = guest.string("../secret.txt")
        XCTAssertEqual(try run(guest, "(call $path_open (i32.const 3) (i32.const 0) \(path) \(HostileGuest.openRead))"), Self.perm)
    }

    func testDotDotAfterDescending() throws {
        var guest = HostileGuest()
        let path = guest.string("sub/deeper/../../../secret.txt")
        XCTAssertEqual(try run(guest, "(call $path_open (i32.const 3) (i32.const 0) \(path) \(HostileGuest.openRead))"), Self.perm)
        // Walking down and back up inside the sandbox is fine.
        var inside = HostileGuest()
        let fine = inside.string("sub/deeper/../../file.txt")
        XCTAssertEqual(try run(inside, "(call $path_open (i32.const 3) (i32.const 0) \(fine) \(HostileGuest.openRead))"), 0)
    }

    func testAbsolutePaths() throws {
        var guest = HostileGuest()
        let guestAbsolute = guest.string("/secret.txt")
        let hostAbsolute = guest.string(secret.path)
        XCTAssertEqual(try run(guest, """
            (call $ok (i32.ne (call $path_open (i32.const 3) (i32.const 0) \(guestAbsolute) \(HostileGuest.openRead)) (i32.const 63)))
            (call $path_open (i32.const 3) (i32.const 0) \(hostAbsolute) \(HostileGuest.openRead))
            """), Self.perm)
    }

    func testAbsoluteSymlink() throws {
        var guest = HostileGuest()
        let path = guest.string("abs-link")
        XCTAssertEqual(try run(guest, "(call $path_open (i32.const 3) (i32.const 1) \(path) \(HostileGuest.openRead))"), Self.perm)
        // Without symlink_follow the link itself cannot be opened either.
        XCTAssertEqual(try run(guest, "(call $path_open (i32.const 3) (i32.const 0) \(path) \(HostileGuest.openRead))"), Self.loop)
        XCTAssertEqual(try run(guest, "(call $path_filestat_get (i32.const 3) (i32.const 1) \(path) (i32.const 512))"), Self.perm)
    }

    func testRelativeSymlinkPointingOut() throws {
        var guest = HostileGuest()
        let path = guest.string("rel-out")
        XCTAssertEqual(try run(guest, "(call $path_open (i32.const 3) (i32.const 1) \(path) \(HostileGuest.openRead))"), Self.perm)
    }

    func testSymlinkToParentInTheMiddleOfAPath() throws {
        var guest = HostileGuest()
        let path = guest.string("up/secret.txt")
        let slash = guest.string("up/")
        XCTAssertEqual(try run(guest, "(call $path_open (i32.const 3) (i32.const 0) \(path) \(HostileGuest.openRead))"), Self.perm)
        // A trailing slash makes the last component be followed: still inside the sandbox.
        XCTAssertEqual(try run(guest, "(call $path_open (i32.const 3) (i32.const 0) \(slash) \(HostileGuest.openRead))"), Self.perm)
        // Symlinks that stay inside are followed.
        var inside = HostileGuest()
        let fine = inside.string("inside/deeper")
        XCTAssertEqual(try run(inside, "(call $path_open (i32.const 3) (i32.const 0) \(fine) \(HostileGuest.openRead))"), 0)
    }

    func testSymlinkLoop() throws {
        var guest = HostileGuest()
        let path = guest.string("loop-a/x")
        let final = guest.string("loop-a")
        XCTAssertEqual(try run(guest, "(call $path_open (i32.const 3) (i32.const 0) \(path) \(HostileGuest.openRead))"), Self.loop)
        XCTAssertEqual(try run(guest, "(call $path_open (i32.const 3) (i32.const 1) \(final) \(HostileGuest.openRead))"), Self.loop)
    }

    func testSymlinkChainEndingOutside() throws {
        var guest = HostileGuest()
        let path = guest.string("chain1")
        XCTAssertEqual(try run(guest, "(call $path_open (i32.const 3) (i32.const 1) \(path) \(HostileGuest.openRead))"), Self.perm)
    }

    func testHardLinkToAFileOutside() throws {
        var guest = HostileGuest()
        let outside = guest.string("../secret.txt")
        let viaLink = guest.string("rel-out")
        let stolen = guest.string("stolen")
        XCTAssertEqual(try run(guest, """
            (call $ok (i32.ne (call $path_link (i32.const 3) (i32.const 0) \(outside) (i32.const 3) \(stolen)) (i32.const 63)))
            (call $path_link (i32.const 3) (i32.const 1) \(viaLink) (i32.const 3) \(stolen))
            """), Self.perm)
        XCTAssertFalse(FileManager.default.fileExists(atPath: sandbox.appendingPathComponent("stolen").path))
        // Without symlink_follow, path_link links the symlink itself, which stays a relative
        // link the sandbox refuses to follow.
        XCTAssertEqual(try run(guest, "(call $path_link (i32.const 3) (i32.const 0) \(viaLink) (i32.const 3) \(stolen))"), 0)
        XCTAssertEqual(try run(guest, "(call $path_open (i32.const 3) (i32.const 1) \(stolen) \(HostileGuest.openRead))"), Self.perm)
    }

    func testRenameOutOfTheSandbox() throws {
        var guest = HostileGuest()
        let from = guest.string("file.txt")
        let to = guest.string("../moved.txt")
        let toOutside = guest.string("up/moved.txt")
        XCTAssertEqual(try run(guest, """
            (call $ok (i32.ne (call $path_rename (i32.const 3) \(from) (i32.const 3) \(to)) (i32.const 63)))
            (call $path_rename (i32.const 3) \(from) (i32.const 3) \(toOutside))
            """), Self.perm)
        XCTAssertTrue(FileManager.default.fileExists(atPath: sandbox.appendingPathComponent("file.txt").path))
        XCTAssertFalse(FileManager.default.fileExists(atPath: fixture.appendingPathComponent("moved.txt").path))
        // Renaming the secret in: the source is resolved in the sandbox too.
        var inward = HostileGuest()
        let secretPath = inward.string("../secret.txt")
        let here = inward.string("mine.txt")
        XCTAssertEqual(try run(inward, "(call $path_rename (i32.const 3) \(secretPath) (i32.const 3) \(here))"), Self.perm)
    }

    func testForgedDescriptorNumbers() throws {
        var guest = HostileGuest()
        let file = guest.string("file.txt")
        let name = guest.string("x")
        XCTAssertEqual(try run(guest, "(call $path_open (i32.const 1000) (i32.const 0) \(file) \(HostileGuest.openRead))"), Self.badf)
        XCTAssertEqual(try run(guest, "(call $fd_read (i32.const -1) (i32.const 512) (i32.const 1) (i32.const 256))"), Self.badf)
        // A descriptor that was closed.
        XCTAssertEqual(try run(guest, """
            (call $ok (call $path_open (i32.const 3) (i32.const 0) \(file) \(HostileGuest.openRead)))
            (call $ok (call $fd_close (i32.load (i32.const 256))))
            (call $fd_read (i32.load (i32.const 256)) (i32.const 512) (i32.const 1) (i32.const 260))
            """), Self.badf)
        // A file's descriptor used as a directory.
        XCTAssertEqual(try run(guest, """
            (call $ok (call $path_open (i32.const 3) (i32.const 0) \(file) \(HostileGuest.openRead)))
            (call $path_open (i32.load (i32.const 256)) (i32.const 0) \(name) \(HostileGuest.openRead))
            """), Self.notdir)
        // The standard streams are not directories either.
        XCTAssertEqual(try run(guest, "(call $path_open (i32.const 1) (i32.const 0) \(file) \(HostileGuest.openRead))"), Self.notdir)
    }

    func testWritesIntoAReadOnlyPreopen() throws {
        var guest = HostileGuest()
        let newFile = guest.string("new.txt")
        let data = guest.string("data.txt")
        let directory = guest.string("newdir")
        let renamed = guest.string("renamed.txt")
        XCTAssertEqual(try run(guest, "(call $path_open (i32.const 4) (i32.const 0) \(newFile) (i32.const 1) (i64.const 0x7fffffff) (i64.const 0) (i32.const 0) (i32.const 256))"), Self.perm)
        XCTAssertEqual(try run(guest, "(call $path_open (i32.const 4) (i32.const 0) \(data) (i32.const 0) (i64.const 0x40) (i64.const 0) (i32.const 0) (i32.const 256))"), Self.perm)
        XCTAssertEqual(try run(guest, "(call $path_open (i32.const 4) (i32.const 0) \(data) (i32.const 8) (i64.const 0) (i64.const 0) (i32.const 0) (i32.const 256))"), Self.perm)
        XCTAssertEqual(try run(guest, "(call $path_unlink_file (i32.const 4) \(data))"), Self.perm)
        XCTAssertEqual(try run(guest, "(call $path_create_directory (i32.const 4) \(directory))"), Self.perm)
        XCTAssertEqual(try run(guest, "(call $path_rename (i32.const 4) \(data) (i32.const 4) \(renamed))"), Self.perm)
        // Reading works, and a descriptor opened for reading cannot write.
        XCTAssertEqual(try run(guest, """
            (call $ok (call $path_open (i32.const 4) (i32.const 0) \(data) \(HostileGuest.openRead)))
            (i32.store (i32.const 512) (i32.const 1024)) (i32.store (i32.const 516) (i32.const 4))
            (call $fd_write (i32.load (i32.const 256)) (i32.const 512) (i32.const 1) (i32.const 260))
            """), Self.perm)
        XCTAssertEqual(try String(contentsOf: readonly.appendingPathComponent("data.txt"), encoding: .utf8), "read me")
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: readonly.path), ["data.txt"])
    }

    func testCreatingThroughADanglingSymlinkPointingOutside() throws {
        var guest = HostileGuest()
        let link = guest.string("dangling-out")
        // creat + symlink_follow: the link's target is outside.
        XCTAssertEqual(try run(guest, "(call $path_open (i32.const 3) (i32.const 1) \(link) (i32.const 1) (i64.const 0x40) (i64.const 0) (i32.const 0) (i32.const 256))"), Self.perm)
        // creat without following: the kernel refuses the symlink (O_NOFOLLOW).
        XCTAssertEqual(try run(guest, "(call $path_open (i32.const 3) (i32.const 0) \(link) (i32.const 1) (i64.const 0x40) (i64.const 0) (i32.const 0) (i32.const 256))"), Self.loop)
        XCTAssertFalse(FileManager.default.fileExists(atPath: fixture.appendingPathComponent("outside/created.txt").path))
    }

    func testEmbeddedNUL() throws {
        var guest = HostileGuest()
        let path = guest.string("file.txt\0../../secret.txt")
        XCTAssertEqual(try run(guest, "(call $path_open (i32.const 3) (i32.const 0) \(path) \(HostileGuest.openRead))"), Self.inval)
    }

    func testReaddirDoesNotRevealTheParent() throws {
        let guest = HostileGuest()
        let (errno, instance) = try runKeepingInstance(guest, "(call $fd_readdir (i32.const 3) (i32.const 8192) (i32.const 8192) (i64.const 0) (i32.const 256))")
        XCTAssertEqual(errno, 0)
        guard let memory = instance.memory("memory") else { return XCTFail("no memory") }
        let used = try memory.read(offset: 256, count: 4).withUnsafeBytes { Int(UInt32(littleEndian: $0.loadUnaligned(as: UInt32.self))) }
        let bytes = try memory.read(offset: 8192, count: used)
        var entries: [String: UInt64] = [:]
        var offset = 0
        while offset + 24 <= bytes.count {
            let header = Array(bytes[offset..<offset + 24])
            let inode = header.withUnsafeBytes { UInt64(littleEndian: $0.loadUnaligned(fromByteOffset: 8, as: UInt64.self)) }
            let length = header.withUnsafeBytes { Int(UInt32(littleEndian: $0.loadUnaligned(fromByteOffset: 16, as: UInt32.self))) }
            guard offset + 24 + length <= bytes.count else { break }
            entries[String(decoding: bytes[offset + 24..<offset + 24 + length], as: UTF8.self)] = inode
            offset += 24 + length
        }
        let expected = Set(try FileManager.default.contentsOfDirectory(atPath: sandbox.path) + [".", ".."])
        XCTAssertEqual(Set(entries.keys), expected)
        XCTAssertNil(entries["secret.txt"])
        XCTAssertNil(entries["outside"])
        // ".." carries the preopen's own inode, not its parent's.
        let parentInode = (try FileManager.default.attributesOfItem(atPath: fixture.path)[.systemFileNumber] as? NSNumber)?.uint64Value
        XCTAssertNotNil(parentInode)
        XCTAssertEqual(entries[".."], entries["."])
        XCTAssertNotEqual(entries[".."], parentInode)
    }

    func testRenumberOntoAPreopenThenEscape() throws {
        var guest = HostileGuest()
        let sub = guest.string("sub")
        let up = guest.string("../file.txt")
        let upTwice = guest.string("../../secret.txt")
        XCTAssertEqual(try run(guest, """
            (call $ok (call $path_open (i32.const 3) (i32.const 0) \(sub) (i32.const 2) (i64.const 0x2000) (i64.const 0x1fffffff) (i32.const 0) (i32.const 256)))
            (call $ok (call $fd_renumber (i32.load (i32.const 256)) (i32.const 3)))
            ;; descriptor 3 is now "sub": no longer a preopen, and its own root.
            (call $ok (i32.ne (call $fd_prestat_get (i32.const 3) (i32.const 512)) (i32.const 8)))
            (call $ok (i32.ne (call $path_open (i32.const 3) (i32.const 0) \(up) \(HostileGuest.openRead)) (i32.const 63)))
            (call $path_open (i32.const 3) (i32.const 0) \(upTwice) \(HostileGuest.openRead))
            """), Self.perm)
    }

    func testRightsEscalation() throws {
        var guest = HostileGuest()
        let file = guest.string("file.txt")
        let sub = guest.string("sub")
        let deeper = guest.string("deeper")
        let note = guest.string("note.txt")
        // fd_read only; asking for fd_write back is refused, and writing stays refused.
        XCTAssertEqual(try run(guest, """
            (call $ok (call $path_open (i32.const 3) (i32.const 0) \(file) \(HostileGuest.openRead)))
            (call $ok (i32.ne (call $fd_fdstat_set_rights (i32.load (i32.const 256)) (i64.const 0x42) (i64.const 0)) (i32.const 76)))
            (i32.store (i32.const 512) (i32.const 1024)) (i32.store (i32.const 516) (i32.const 4))
            (call $fd_write (i32.load (i32.const 256)) (i32.const 512) (i32.const 1) (i32.const 260))
            """), Self.notcapable)
        // A directory whose inheriting rights lack fd_write cannot hand it out, neither to a
        // subdirectory nor to a file opened through it.
        try "note".write(to: sandbox.appendingPathComponent("sub/note.txt"), atomically: false, encoding: .utf8)
        XCTAssertEqual(try run(guest, """
            (call $ok (call $path_open (i32.const 3) (i32.const 0) \(sub) (i32.const 2) (i64.const 0x2000) (i64.const 0x2) (i32.const 0) (i32.const 256)))
            (call $ok (call $path_open (i32.load (i32.const 256)) (i32.const 0) \(deeper) (i32.const 2) (i64.const 0x2000) (i64.const 0x42) (i32.const 0) (i32.const 260)))
            (call $ok (call $fd_fdstat_get (i32.load (i32.const 260)) (i32.const 768)))
            (call $ok (i32.wrap_i64 (i64.and (i64.load (i32.const 784)) (i64.const 0x40))))
            (call $ok (call $path_open (i32.load (i32.const 256)) (i32.const 0) \(note) (i32.const 0) (i64.const 0x42) (i64.const 0) (i32.const 0) (i32.const 264)))
            (i32.store (i32.const 512) (i32.const 1024)) (i32.store (i32.const 516) (i32.const 4))
            (call $fd_write (i32.load (i32.const 264)) (i32.const 512) (i32.const 1) (i32.const 268))
            """), Self.notcapable)
        XCTAssertEqual(try String(contentsOf: sandbox.appendingPathComponent("sub/note.txt"), encoding: .utf8), "note")
    }

    func testOutOfBoundsPointers() throws {
        let guest = HostileGuest()
        XCTAssertEqual(try run(guest, "(call $path_open (i32.const 3) (i32.const 0) (i32.const 0xfffffff0) (i32.const 100) \(HostileGuest.openRead))"), Self.fault)
        XCTAssertEqual(try run(guest, """
            (i32.store (i32.const 512) (i32.const 65530)) (i32.store (i32.const 516) (i32.const 100))
            (call $fd_write (i32.const 1) (i32.const 512) (i32.const 1) (i32.const 260))
            """), Self.fault)
        XCTAssertEqual(try run(guest, "(call $fd_fdstat_get (i32.const 3) (i32.const 65530))"), Self.fault)
        XCTAssertEqual(try run(guest, "(call $random_get (i32.const 65000) (i32.const 0xffffffff))"), Self.fault)
        XCTAssertEqual(try run(guest, "(call $fd_read (i32.const 0) (i32.const 0xfffffffc) (i32.const 0x20000000) (i32.const 260))"), Self.fault)
    }

    func testAbsoluteSymlinkCannotBeCreated() throws {
        var guest = HostileGuest()
        let target = guest.string(secret.path)
        let name = guest.string("evil")
        XCTAssertEqual(try run(guest, "(call $path_symlink \(target) (i32.const 3) \(name))"), Self.perm)
        XCTAssertFalse(FileManager.default.fileExists(atPath: sandbox.appendingPathComponent("evil").path))
    }

    func testMetadataOutsideIsHiddenToo() throws {
        var guest = HostileGuest()
        let path = guest.string("../secret.txt")
        let outside = guest.string("../outside")
        XCTAssertEqual(try run(guest, "(call $path_filestat_get (i32.const 3) (i32.const 0) \(path) (i32.const 512))"), Self.perm)
        XCTAssertEqual(try run(guest, "(call $path_create_directory (i32.const 3) \(outside))"), Self.perm)
        XCTAssertEqual(try run(guest, "(call $path_unlink_file (i32.const 3) \(path))"), Self.perm)
        XCTAssertEqual(try String(contentsOf: secret, encoding: .utf8), "TOP SECRET")
    }

    // MARK: - Running a guest

    func run(_ guest: HostileGuest, _ body: String, file: StaticString = #filePath, line: UInt = #line) throws -> UInt32 {
        try runKeepingInstance(guest, body).errno
    }

    func runKeepingInstance(_ guest: HostileGuest, _ body: String) throws -> (errno: UInt32, instance: Instance) {
        let bytes = try WAT.encode(guest.module(body))
        let engine = Engine()
        let module = try Module(engine: engine, bytes: bytes)
        var configuration = WASIConfiguration(arguments: ["hostile"])
        configuration.preopens = [
            Preopen(hostPath: sandbox.path, guestPath: "/"),
            Preopen(hostPath: readonly.path, guestPath: "/ro", readOnly: true),
        ]
        configuration.stdin = .null
        configuration.stdout = .null
        let wasi = try WASI(configuration: configuration)
        let store = Store(engine: engine)
        let linker = Linker()
        wasi.define(in: linker, store: store)
        let instance = try linker.instantiate(store: store, module: module)
        guard let run = instance.function("run") else { throw WASIConfigurationError("no run export") }
        guard case .i32(let errno)? = try run.call([]).first else { throw WASIConfigurationError("run returned no i32") }
        return (errno, instance)
    }
}

/// A WAT module whose `run` export performs an attack and returns the last call's errno.
/// `$ok` traps on a non-zero errno, for the steps that must succeed on the way. Results go
/// to fixed addresses: 256 and 260 (out values), 512 (iovecs or records), 1024 (data),
/// 8192 (buffers); strings are placed from 4096 on.
struct HostileGuest {
    /// `path_open`'s tail for opening read-only: no oflags, rights fd_read, no inheriting,
    /// no fdflags, the new descriptor stored at 256.
    static let openRead = "(i32.const 0) (i64.const 2) (i64.const 0) (i32.const 0) (i32.const 256)"

    private var data: [(offset: Int, bytes: [UInt8])] = []
    private var next = 4096

    /// Places `text` in memory; returns the `(i32.const pointer) (i32.const length)` pair.
    mutating func string(_ text: String) -> String {
        let bytes = Array(text.utf8)
        data.append((next, bytes))
        defer { next += bytes.count + 1 }
        return "(i32.const \(next)) (i32.const \(bytes.count))"
    }

    func module(_ body: String) -> String {
        let segments = data.map { entry in
            "(data (i32.const \(entry.offset)) \"" + entry.bytes.map { String(format: "\\%02x", $0) }.joined() + "\")"
        }.joined(separator: "\n  ")
        return """
        (module
          (import "wasi_snapshot_preview1" "path_open" (func $path_open (param i32 i32 i32 i32 i32 i64 i64 i32 i32) (result i32)))
          (import "wasi_snapshot_preview1" "path_link" (func $path_link (param i32 i32 i32 i32 i32 i32 i32) (result i32)))
          (import "wasi_snapshot_preview1" "path_rename" (func $path_rename (param i32 i32 i32 i32 i32 i32) (result i32)))
          (import "wasi_snapshot_preview1" "path_symlink" (func $path_symlink (param i32 i32 i32 i32 i32) (result i32)))
          (import "wasi_snapshot_preview1" "path_unlink_file" (func $path_unlink_file (param i32 i32 i32) (result i32)))
          (import "wasi_snapshot_preview1" "path_create_directory" (func $path_create_directory (param i32 i32 i32) (result i32)))
          (import "wasi_snapshot_preview1" "path_filestat_get" (func $path_filestat_get (param i32 i32 i32 i32 i32) (result i32)))
          (import "wasi_snapshot_preview1" "fd_read" (func $fd_read (param i32 i32 i32 i32) (result i32)))
          (import "wasi_snapshot_preview1" "fd_write" (func $fd_write (param i32 i32 i32 i32) (result i32)))
          (import "wasi_snapshot_preview1" "fd_close" (func $fd_close (param i32) (result i32)))
          (import "wasi_snapshot_preview1" "fd_renumber" (func $fd_renumber (param i32 i32) (result i32)))
          (import "wasi_snapshot_preview1" "fd_readdir" (func $fd_readdir (param i32 i32 i32 i64 i32) (result i32)))
          (import "wasi_snapshot_preview1" "fd_prestat_get" (func $fd_prestat_get (param i32 i32) (result i32)))
          (import "wasi_snapshot_preview1" "fd_fdstat_get" (func $fd_fdstat_get (param i32 i32) (result i32)))
          (import "wasi_snapshot_preview1" "fd_fdstat_set_rights" (func $fd_fdstat_set_rights (param i32 i64 i64) (result i32)))
          (import "wasi_snapshot_preview1" "random_get" (func $random_get (param i32 i32) (result i32)))
          (import "wasi_snapshot_preview1" "poll_oneoff" (func $poll_oneoff (param i32 i32 i32 i32) (result i32)))
          (import "wasi_snapshot_preview1" "fd_seek" (func $fd_seek (param i32 i64 i32 i32) (result i32)))
          (import "wasi_snapshot_preview1" "fd_tell" (func $fd_tell (param i32 i32) (result i32)))
          (import "wasi_snapshot_preview1" "fd_fdstat_set_flags" (func $fd_fdstat_set_flags (param i32 i32) (result i32)))
          (import "wasi_snapshot_preview1" "fd_filestat_get" (func $fd_filestat_get (param i32 i32) (result i32)))
          (import "wasi_snapshot_preview1" "fd_filestat_set_size" (func $fd_filestat_set_size (param i32 i64) (result i32)))
          (import "wasi_snapshot_preview1" "path_filestat_set_times" (func $path_filestat_set_times (param i32 i32 i32 i32 i64 i64 i32) (result i32)))
          (memory (export "memory") 1)
          \(segments)
          (func $ok (param i32) (if (local.get 0) (then unreachable)))
          (func (export "run") (result i32)
            \(body))
        )
        """
    }
}
