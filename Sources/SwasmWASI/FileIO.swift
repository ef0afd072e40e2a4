#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

// fd_read, fd_write, fd_pread, fd_pwrite, fd_readdir. Reads and writes go straight between
// the host descriptor and the guest's buffers (each checked to lie inside its memory).

extension WASI {
    /// Linux accepts at most this many buffers per call; more make a short read or write,
    /// which the ABI allows.
    static let maxIOVectors = 1024

    private func transfer(
        _ descriptor: Descriptor, vectors pointer: UInt32, count: UInt32, result: UInt32, _ memory: GuestMemory,
        _ operation: (Int32, UnsafePointer<iovec>, Int32) -> Int
    ) throws {
        _ = try memory.region(result, 4)
        let vectors = try memory.ioVectors(pointer, count, limit: Self.maxIOVectors)
        let used = Int32(vectors.count)
        var transferred: Int
        repeat {
            transferred = vectors.withUnsafeBufferPointer { buffer -> Int in
                guard let base = buffer.baseAddress else { return 0 }
                return operation(descriptor.host, base, used)
            }
        } while transferred < 0 && errno == EINTR
        guard transferred >= 0 else { throw WASIErrno.current }
        try memory.storeU32(UInt32(clamping: transferred), result)
    }

    func fdRead(fd: UInt32, vectors: UInt32, count: UInt32, result: UInt32, _ memory: GuestMemory) throws {
        let descriptor = try descriptors.get(fd, requiring: .fdRead)
        try requireReadyIfNonblocking(descriptor, events: POLLIN)
        try waitUntilReady(descriptor, events: POLLIN)
        try transfer(descriptor, vectors: vectors, count: count, result: result, memory) { readv($0, $1, $2) }
    }

    func fdWrite(fd: UInt32, vectors: UInt32, count: UInt32, result: UInt32, _ memory: GuestMemory) throws {
        let descriptor = try descriptors.get(fd)
        try descriptor.requireWritable()
        try descriptor.require(.fdWrite)
        try requireReadyIfNonblocking(descriptor, events: POLLOUT)
        try transfer(descriptor, vectors: vectors, count: count, result: result, memory) { writev($0, $1, $2) }
    }

    func fdPread(fd: UInt32, vectors: UInt32, count: UInt32, offset: UInt64, result: UInt32, _ memory: GuestMemory) throws {
        let descriptor = try descriptors.get(fd, requiring: [.fdRead, .fdSeek])
        guard offset <= UInt64(Int64.max) else { throw WASIErrno.inval }
        try transfer(descriptor, vectors: vectors, count: count, result: result, memory) {
            preadv($0, $1, $2, off_t(offset))
        }
    }

    func fdPwrite(fd: UInt32, vectors: UInt32, count: UInt32, offset: UInt64, result: UInt32, _ memory: GuestMemory) throws {
        let descriptor = try descriptors.get(fd)
        try descriptor.requireWritable()
        try descriptor.require([.fdWrite, .fdSeek])
        guard offset <= UInt64(Int64.max) else { throw WASIErrno.inval }
        try transfer(descriptor, vectors: vectors, count: count, result: result, memory) {
            pwritev($0, $1, $2, off_t(offset))
        }
    }

    /// Fills the buffer with `dirent` records from entry number `cookie` on; the last one
    /// may be cut short, as the ABI specifies. `.` and `..` come first and both carry the
    /// directory's own inode, so a listing reveals nothing about the directory's parent
    /// (which, for a preopen, is outside the sandbox).
    func fdReaddir(fd: UInt32, buffer: UInt32, length: UInt32, cookie: UInt64, result: UInt32, _ memory: GuestMemory) throws {
        let descriptor = try descriptors.get(fd)
        guard descriptor.isDirectory else { throw WASIErrno.notdir }
        try descriptor.require(.fdReaddir)
        _ = try memory.region(result, 4)
        let output = try memory.region(buffer, length)
        if cookie == 0 || descriptor.listing == nil {
            descriptor.listing = try readListing(descriptor.host)
        }
        let entries = descriptor.listing ?? []
        var used = 0
        if cookie < UInt64(entries.count) {
            for index in Int(cookie)..<entries.count where used < output.count {
                let entry = entries[index]
                var record = [UInt8](repeating: 0, count: Layout.direntSize)
                record.withUnsafeMutableBytes { bytes in
                    bytes.storeBytes(of: UInt64(index + 1).littleEndian, toByteOffset: 0, as: UInt64.self)
                    bytes.storeBytes(of: entry.inode.littleEndian, toByteOffset: 8, as: UInt64.self)
                    bytes.storeBytes(of: UInt32(entry.name.count).littleEndian, toByteOffset: 16, as: UInt32.self)
                    bytes.storeBytes(of: entry.type.rawValue, toByteOffset: 20, as: UInt8.self)
                }
                record += entry.name
                let count = min(record.count, output.count - used)
                for i in 0..<count { output[used + i] = record[i] }
                used += count
            }
        }
        try memory.storeU32(UInt32(used), result)
    }

    /// The entries of the directory open as `host`, read through a fresh descriptor (so the
    /// guest's descriptor offset is untouched), with `.` and `..` first.
    func readListing(_ host: Int32) throws -> [DirectoryEntry] {
        var info = stat()
        guard fstat(host, &info) == 0 else { throw WASIErrno.current }
        let own = UInt64(info.st_ino)
        let handle = openat(host, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard handle >= 0 else { throw WASIErrno.current }
        guard let stream = fdopendir(handle) else {
            let failure = WASIErrno.current
            _ = closeHost(handle)
            throw failure
        }
        defer { closedir(stream) }
        var entries = [
            DirectoryEntry(name: [0x2E], inode: own, type: .directory),
            DirectoryEntry(name: [0x2E, 0x2E], inode: own, type: .directory),
        ]
        while true {
            errno = 0
            guard let entry = readdir(stream) else {
                if errno != 0 { throw WASIErrno.current }
                break
            }
            let name: [UInt8] = withUnsafeBytes(of: &entry.pointee.d_name) { raw in
                let bytes = raw.bindMemory(to: UInt8.self)
                return Array(bytes.prefix { $0 != 0 })
            }
            if name == [0x2E] || name == [0x2E, 0x2E] { continue }
            var type: WASIFileType
            switch Int32(entry.pointee.d_type) {
            case Int32(DT_REG): type = .regularFile
            case Int32(DT_DIR): type = .directory
            case Int32(DT_LNK): type = .symbolicLink
            case Int32(DT_CHR): type = .characterDevice
            case Int32(DT_BLK): type = .blockDevice
            case Int32(DT_SOCK): type = .socketStream
            case Int32(DT_FIFO): type = .unknown
            default:
                var entryInfo = stat()
                let found = Sandbox.withCString(name) { fstatat(dirfd(stream), $0, &entryInfo, AT_SYMLINK_NOFOLLOW) }
                type = found == 0 ? WASIFileType(mode: entryInfo.st_mode) : .unknown
            }
            entries.append(DirectoryEntry(name: name, inode: UInt64(entry.pointee.d_ino), type: type))
        }
        return entries
    }
}
