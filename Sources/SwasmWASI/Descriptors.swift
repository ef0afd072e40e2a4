#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// One open guest descriptor: a host descriptor this table owns, with the rights the guest
/// holds on it. Guest numbers never reach the host: a guest can only name descriptors of
/// its own table.
final class Descriptor {
    /// The owned host descriptor; -1 once closed.
    private(set) var host: Int32
    let type: WASIFileType
    var rights: WASIRights
    var inheriting: WASIRights
    /// The `fdflags` the guest asked for (sync flags cannot be read back from Linux).
    var flags: UInt16
    /// The guest path of a preopened directory (reported by `fd_prestat_*`).
    let preopenPath: [UInt8]?
    /// Set on everything reached through a read-only preopen: no creation, writing,
    /// renaming or removal, whatever the rights say.
    let readOnly: Bool
    /// The host descriptor is a duplicate of one the host itself uses (its stdio, a socket
    /// the embedder handed over): the open file description, with its offset and status
    /// flags, is shared with the host, so the guest may not seek it or change its flags. A
    /// non-blocking mode the guest asks for is kept here and emulated.
    let sharesHostDescription: Bool
    /// `fd_readdir`'s snapshot of the directory, indexed by cookie; refreshed at cookie 0.
    var listing: [DirectoryEntry]?

    init(host: Int32, type: WASIFileType, rights: WASIRights, inheriting: WASIRights,
         flags: UInt16, preopenPath: [UInt8]? = nil, readOnly: Bool = false, sharesHostDescription: Bool = false) {
        self.host = host
        self.type = type
        self.rights = rights
        self.inheriting = inheriting
        self.flags = flags
        self.preopenPath = preopenPath
        self.readOnly = readOnly
        self.sharesHostDescription = sharesHostDescription
    }

    deinit { if host >= 0 { _ = closeHost(host) } }

    /// Closes the host descriptor now; the error of `close` is the guest's to see.
    func close() throws {
        let descriptor = host
        host = -1
        if closeHost(descriptor) != 0 && errno != EINTR { throw WASIErrno.current }
    }

    var isDirectory: Bool { type == .directory }
    var isSocket: Bool { type == .socketStream || type == .socketDgram }
    var isNonblocking: Bool { flags & FDFlags.nonblock != 0 }

    /// Whether a read or accept on it can wait: anything but files and directories (pipes,
    /// terminals, sockets), unless the guest made it non-blocking.
    var mayBlock: Bool { type != .regularFile && type != .directory && !isNonblocking }

    /// The guest asked for non-blocking mode on a description it shares with the host,
    /// whose flags stay as the host set them: calls check readiness first instead.
    var emulatesNonblocking: Bool { sharesHostDescription && isNonblocking }

    func require(_ needed: WASIRights) throws {
        guard rights.isSuperset(of: needed) else { throw WASIErrno.notcapable }
    }

    /// Fails with `perm` on a descriptor reached through a read-only preopen (wasmtime
    /// reports "not permitted" there too), before any rights check.
    func requireWritable() throws {
        if readOnly { throw WASIErrno.perm }
    }
}

/// `close(2)`, named apart from `Descriptor.close()`.
func closeHost(_ descriptor: Int32) -> Int32 { close(descriptor) }

/// An entry of a directory listing.
struct DirectoryEntry {
    var name: [UInt8]
    var inode: UInt64
    var type: WASIFileType
}

/// The guest's descriptor numbers. New descriptors take the lowest free number, as POSIX
/// `open` does (guests such as wasi-libc and the Rust tests expect small numbers).
struct DescriptorTable {
    private var slots: [Descriptor?] = []
    /// A guest cannot hold more descriptors than this, whatever the host allows.
    static let limit = 1 << 16

    /// Puts `descriptor` at the lowest free number.
    mutating func insert(_ descriptor: Descriptor) throws -> UInt32 {
        if let free = slots.firstIndex(where: { $0 == nil }) {
            slots[free] = descriptor
            return UInt32(free)
        }
        guard slots.count < Self.limit else { throw WASIErrno.mfile }
        slots.append(descriptor)
        return UInt32(slots.count - 1)
    }

    /// The descriptor numbered `fd`; `badf` for a number that is not open.
    func get(_ fd: UInt32) throws -> Descriptor {
        guard Int(fd) < slots.count, let descriptor = slots[Int(fd)] else { throw WASIErrno.badf }
        return descriptor
    }

    /// The descriptor numbered `fd`, which must hold `rights`.
    func get(_ fd: UInt32, requiring rights: WASIRights) throws -> Descriptor {
        let descriptor = try get(fd)
        try descriptor.require(rights)
        return descriptor
    }

    /// The directory numbered `fd` (`notdir` for another kind), which must hold `rights`.
    func directory(_ fd: UInt32, requiring rights: WASIRights, mutating: Bool = false) throws -> Descriptor {
        let descriptor = try get(fd)
        guard descriptor.isDirectory else { throw WASIErrno.notdir }
        if mutating { try descriptor.requireWritable() }
        try descriptor.require(rights)
        return descriptor
    }

    /// Removes and returns the descriptor numbered `fd`.
    mutating func remove(_ fd: UInt32) throws -> Descriptor {
        let descriptor = try get(fd)
        slots[Int(fd)] = nil
        while let last = slots.last, last == nil { slots.removeLast() }
        return descriptor
    }

    /// Moves descriptor `from` to number `to`, closing what `to` held. Both must be open.
    mutating func renumber(from: UInt32, to: UInt32) throws {
        let moving = try get(from)
        let replaced = try get(to)
        if from == to { return }
        slots[Int(to)] = moving
        _ = try remove(from)
        try? replaced.close()
    }

    /// Closes every descriptor.
    mutating func removeAll() { slots.removeAll() }
}

extension WASIFileType {
    /// The WASI type of a host file mode (`st_mode`). FIFOs have no WASI type.
    init(mode: mode_t, descriptor: Int32? = nil) {
        switch mode & 0o170000 {
        case 0o100000: self = .regularFile
        case 0o040000: self = .directory
        case 0o020000: self = .characterDevice
        case 0o060000: self = .blockDevice
        case 0o120000: self = .symbolicLink
        case 0o140000:
            var kind: Int32 = 0
            var length = socklen_t(MemoryLayout<Int32>.size)
            if let descriptor, getsockopt(descriptor, SOL_SOCKET, SO_TYPE, &kind, &length) == 0,
               kind == Int32(SOCK_DGRAM.rawValue) {
                self = .socketDgram
            } else {
                self = .socketStream
            }
        default: self = .unknown
        }
    }

    /// The rights a descriptor of this type can use at all.
    var applicableRights: WASIRights {
        switch self {
        case .directory: return .directory
        case .regularFile: return .regularFile
        case .socketStream, .socketDgram: return .socket
        default: return .stream
        }
    }
}
