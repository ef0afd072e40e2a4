#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

// The fd_* functions about a descriptor itself: its flags, rights and attributes, its
// offset, closing and renumbering it. Reading and writing are in FileIO.swift.

extension WASI {
    func fdClose(fd: UInt32) throws {
        try descriptors.remove(fd).close()
    }

    func fdRenumber(from: UInt32, to: UInt32) throws {
        try descriptors.renumber(from: from, to: to)
    }

    func fdFdstatGet(fd: UInt32, result: UInt32, _ memory: GuestMemory) throws {
        let descriptor = try descriptors.get(fd)
        // A shared description's host flags are the host's; the guest sees its own.
        let live = descriptor.sharesHostDescription
            ? descriptor.flags & (FDFlags.append | FDFlags.nonblock)
            : WASI.hostFlags(descriptor.host) & (FDFlags.append | FDFlags.nonblock)
        let flags = descriptor.flags & (FDFlags.dsync | FDFlags.rsync | FDFlags.sync) | live
        _ = try memory.region(result, UInt32(Layout.fdstatSize))
        try memory.storeU64(0, result)
        try memory.storeU8(descriptor.type.rawValue, result)
        try memory.storeU16(flags, result, offset: 2)
        try memory.storeU64(descriptor.rights.rawValue, result, offset: 8)
        try memory.storeU64(descriptor.inheriting.rawValue, result, offset: 16)
    }

    /// Only `append` and `nonblock` can change on an open descriptor (Linux ignores the
    /// sync flags in `F_SETFL`); asking to change the others is `notsup`.
    func fdFdstatSetFlags(fd: UInt32, flags raw: UInt32) throws {
        let descriptor = try descriptors.get(fd, requiring: .fdFdstatSetFlags)
        guard raw <= UInt32(FDFlags.all) else { throw WASIErrno.inval }
        let flags = UInt16(raw)
        let syncFlags = FDFlags.dsync | FDFlags.rsync | FDFlags.sync
        guard flags & syncFlags == descriptor.flags & syncFlags else { throw WASIErrno.notsup }
        if descriptor.sharesHostDescription {
            // Only non-blocking mode, emulated on the guest's side; the host's flags stay.
            guard flags & FDFlags.append == descriptor.flags & FDFlags.append else { throw WASIErrno.notsup }
            descriptor.flags = flags
            return
        }
        var status = fcntl(descriptor.host, F_GETFL)
        guard status >= 0 else { throw WASIErrno.current }
        status &= ~(O_APPEND | O_NONBLOCK)
        if flags & FDFlags.append != 0 { status |= O_APPEND }
        if flags & FDFlags.nonblock != 0 { status |= O_NONBLOCK }
        guard fcntl(descriptor.host, F_SETFL, status) == 0 else { throw WASIErrno.current }
        descriptor.flags = flags
    }

    /// Rights can only be dropped: asking for one the descriptor lacks is `notcapable`.
    func fdFdstatSetRights(fd: UInt32, rights: UInt64, inheriting: UInt64) throws {
        let descriptor = try descriptors.get(fd)
        let newRights = WASIRights(rawValue: rights)
        let newInheriting = WASIRights(rawValue: inheriting)
        guard descriptor.rights.isSuperset(of: newRights), descriptor.inheriting.isSuperset(of: newInheriting) else {
            throw WASIErrno.notcapable
        }
        descriptor.rights = newRights
        descriptor.inheriting = newInheriting
    }

    func fdFilestatGet(fd: UInt32, result: UInt32, _ memory: GuestMemory) throws {
        let descriptor = try descriptors.get(fd, requiring: .fdFilestatGet)
        if descriptor.sharesHostDescription && !descriptor.isSocket {
            // A standard stream: its type only, nothing of the host file behind it.
            _ = try memory.region(result, UInt32(Layout.filestatSize))
            for offset in stride(from: 0, to: Layout.filestatSize, by: 8) { try memory.storeU64(0, result, offset: offset) }
            try memory.storeU8(descriptor.type.rawValue, result, offset: 16)
            return
        }
        var info = stat()
        guard fstat(descriptor.host, &info) == 0 else { throw WASIErrno.current }
        try writeFilestat(info, descriptor: descriptor.host, to: result, memory)
    }

    func fdFilestatSetSize(fd: UInt32, size: UInt64) throws {
        let descriptor = try descriptors.get(fd)
        try descriptor.requireWritable()
        try descriptor.require(.fdFilestatSetSize)
        guard size <= UInt64(Int64.max) else { throw WASIErrno.inval }
        guard ftruncate(descriptor.host, off_t(size)) == 0 else { throw WASIErrno.current }
    }

    func fdFilestatSetTimes(fd: UInt32, accessTime: UInt64, modificationTime: UInt64, flags: UInt32) throws {
        let descriptor = try descriptors.get(fd)
        try descriptor.requireWritable()
        try descriptor.require(.fdFilestatSetTimes)
        let times = try fileTimes(accessTime, modificationTime, flags)
        guard futimens(descriptor.host, times) == 0 else { throw WASIErrno.current }
    }

    func fdPrestatGet(fd: UInt32, result: UInt32, _ memory: GuestMemory) throws {
        guard let path = try descriptors.get(fd).preopenPath else { throw WASIErrno.badf }
        _ = try memory.region(result, UInt32(Layout.prestatSize))
        try memory.storeU64(0, result)
        try memory.storeU32(UInt32(path.count), result, offset: 4)
    }

    func fdPrestatDirName(fd: UInt32, buffer: UInt32, length: UInt32, _ memory: GuestMemory) throws {
        guard let path = try descriptors.get(fd).preopenPath else { throw WASIErrno.badf }
        guard UInt64(length) >= UInt64(path.count) else { throw WASIErrno.nametoolong }
        try memory.store(path, buffer)
    }

    func fdSeek(fd: UInt32, offset: UInt64, whence: UInt32, result: UInt32, _ memory: GuestMemory) throws {
        let descriptor = try descriptors.get(fd)
        // The host's own stream: its offset is not the guest's to move (wasmtime: `spipe`).
        if descriptor.sharesHostDescription { throw WASIErrno.spipe }
        let hostWhence: Int32
        switch whence {
        case 0: hostWhence = SEEK_SET
        case 1: hostWhence = SEEK_CUR
        case 2: hostWhence = SEEK_END
        default: throw WASIErrno.inval
        }
        if whence == 1 && offset == 0 {
            // Asking where the offset is needs only `fd_tell`.
            guard !descriptor.rights.isDisjoint(with: [.fdSeek, .fdTell]) else { throw WASIErrno.notcapable }
        } else {
            try descriptor.require(.fdSeek)
        }
        let position = lseek(descriptor.host, off_t(Int64(bitPattern: offset)), hostWhence)
        guard position >= 0 else { throw WASIErrno.current }
        try memory.storeU64(UInt64(position), result)
    }

    func fdTell(fd: UInt32, result: UInt32, _ memory: GuestMemory) throws {
        let descriptor = try descriptors.get(fd)
        if descriptor.sharesHostDescription { throw WASIErrno.spipe }
        try descriptor.require(.fdTell)
        let position = lseek(descriptor.host, 0, SEEK_CUR)
        guard position >= 0 else { throw WASIErrno.current }
        try memory.storeU64(UInt64(position), result)
    }

    func fdSync(fd: UInt32) throws {
        let descriptor = try descriptors.get(fd, requiring: .fdSync)
        guard fsync(descriptor.host) == 0 else { throw WASIErrno.current }
    }

    func fdDatasync(fd: UInt32) throws {
        let descriptor = try descriptors.get(fd, requiring: .fdDatasync)
        guard fdatasync(descriptor.host) == 0 else { throw WASIErrno.current }
    }

    func fdAdvise(fd: UInt32, offset: UInt64, length: UInt64, advice: UInt32) throws {
        let descriptor = try descriptors.get(fd, requiring: .fdAdvise)
        let hostAdvice: Int32
        switch advice {
        case 0: hostAdvice = POSIX_FADV_NORMAL
        case 1: hostAdvice = POSIX_FADV_SEQUENTIAL
        case 2: hostAdvice = POSIX_FADV_RANDOM
        case 3: hostAdvice = POSIX_FADV_WILLNEED
        case 4: hostAdvice = POSIX_FADV_DONTNEED
        case 5: hostAdvice = POSIX_FADV_NOREUSE
        default: throw WASIErrno.inval
        }
        guard offset <= UInt64(Int64.max), length <= UInt64(Int64.max) else { throw WASIErrno.inval }
        let failure = posix_fadvise(descriptor.host, off_t(offset), off_t(length), hostAdvice)
        if failure != 0 { throw WASIErrno(hostErrno: failure) }
    }

    func fdAllocate(fd: UInt32, offset: UInt64, length: UInt64) throws {
        let descriptor = try descriptors.get(fd)
        try descriptor.requireWritable()
        try descriptor.require(.fdAllocate)
        guard offset <= UInt64(Int64.max), length <= UInt64(Int64.max) - offset else { throw WASIErrno.fbig }
        if descriptor.isDirectory { throw WASIErrno.isdir }
        let failure = posix_fallocate(descriptor.host, off_t(offset), off_t(length))
        if failure != 0 { throw WASIErrno(hostErrno: failure) }
    }

    // MARK: - Shared with the path functions

    /// The `futimens`/`utimensat` times for `fst_flags`: setting a time both to a value and
    /// to "now", or an unknown flag, is `inval`.
    func fileTimes(_ accessTime: UInt64, _ modificationTime: UInt64, _ flags: UInt32) throws -> [timespec] {
        guard flags <= UInt32(FSTFlags.all) else { throw WASIErrno.inval }
        let flags = UInt16(flags)
        func time(_ value: UInt64, set: UInt16, now: UInt16) throws -> timespec {
            switch (flags & set != 0, flags & now != 0) {
            case (true, true): throw WASIErrno.inval
            case (false, true): return timespec(tv_sec: 0, tv_nsec: Self.utimeNow)
            case (true, false):
                return timespec(tv_sec: Int(value / 1_000_000_000), tv_nsec: Int(value % 1_000_000_000))
            case (false, false): return timespec(tv_sec: 0, tv_nsec: Self.utimeOmit)
            }
        }
        return [
            try time(accessTime, set: FSTFlags.atim, now: FSTFlags.atimNow),
            try time(modificationTime, set: FSTFlags.mtim, now: FSTFlags.mtimNow),
        ]
    }

    // `UTIME_NOW` and `UTIME_OMIT` are macros Swift does not import.
    static let utimeNow = (1 << 30) - 1
    static let utimeOmit = (1 << 30) - 2

    /// Writes a `filestat` record for host attributes `info`.
    func writeFilestat(_ info: stat, descriptor: Int32?, to pointer: UInt32, _ memory: GuestMemory) throws {
        func nanoseconds(_ time: timespec) -> UInt64 {
            time.tv_sec < 0 ? 0 : UInt64(time.tv_sec) &* 1_000_000_000 &+ UInt64(time.tv_nsec)
        }
        _ = try memory.region(pointer, UInt32(Layout.filestatSize))
        try memory.storeU64(UInt64(info.st_dev), pointer)
        try memory.storeU64(UInt64(info.st_ino), pointer, offset: 8)
        try memory.storeU64(0, pointer, offset: 16)
        try memory.storeU8(WASIFileType(mode: info.st_mode, descriptor: descriptor).rawValue, pointer, offset: 16)
        try memory.storeU64(UInt64(info.st_nlink), pointer, offset: 24)
        try memory.storeU64(UInt64(max(0, info.st_size)), pointer, offset: 32)
        try memory.storeU64(nanoseconds(info.st_atim), pointer, offset: 40)
        try memory.storeU64(nanoseconds(info.st_mtim), pointer, offset: 48)
        try memory.storeU64(nanoseconds(info.st_ctim), pointer, offset: 56)
    }
}
