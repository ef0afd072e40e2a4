#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

// The path_* functions. Each resolves its path(s) with `Sandbox.resolve` below the
// directory descriptor the guest named, then acts with the `*at` call on the entry found,
// never following a symlink the sandbox has not checked.

extension WASI {
    /// Opens a file or directory. The new descriptor's rights are those asked for, limited
    /// to the directory's inheriting rights and to what applies to the file's type; the host
    /// access mode follows from them (read for `fd_read`/`fd_readdir`; write for `fd_write`,
    /// `fd_allocate`, `fd_filestat_set_size`).
    func pathOpen(
        fd: UInt32, lookupFlags: UInt32, path pathPointer: UInt32, pathLength: UInt32, openFlags: UInt32,
        rights rawRights: UInt64, inheriting rawInheriting: UInt64, fdFlags: UInt32, result: UInt32, _ memory: GuestMemory
    ) throws {
        let directory = try descriptors.directory(fd, requiring: [])
        guard openFlags <= UInt32(OpenFlags.all), fdFlags <= UInt32(FDFlags.all) else { throw WASIErrno.inval }
        let oflags = UInt16(openFlags)
        let fdflags = UInt16(fdFlags)
        let path = try memory.path(pathPointer, pathLength)
        _ = try memory.region(result, 4)

        let requested = WASIRights(rawValue: rawRights)
        let create = oflags & OpenFlags.creat != 0
        let truncate = oflags & OpenFlags.trunc != 0
        let writing: WASIRights = [.fdWrite, .fdAllocate, .fdFilestatSetSize]
        if directory.readOnly && (create || truncate || !requested.isDisjoint(with: writing) || fdflags & FDFlags.append != 0) {
            throw WASIErrno.perm
        }
        var needed: WASIRights = [.pathOpen]
        if create { needed.insert(.pathCreateFile) }
        if truncate { needed.insert(.pathFilestatSetSize) }
        try directory.require(needed)
        var neededInheriting: WASIRights = []
        if fdflags & FDFlags.dsync != 0 { neededInheriting.insert(.fdDatasync) }
        if fdflags & (FDFlags.rsync | FDFlags.sync) != 0 { neededInheriting.insert(.fdSync) }
        guard directory.inheriting.isSuperset(of: neededInheriting) else { throw WASIErrno.notcapable }

        var rights = requested.intersection(directory.inheriting)
        var inheriting = WASIRights(rawValue: rawInheriting).intersection(directory.inheriting)
        let read = !rights.isDisjoint(with: [.fdRead, .fdReaddir])
        let write = !rights.isDisjoint(with: writing)
        // O_NONBLOCK keeps a FIFO in the sandbox from blocking the open; it is cleared
        // afterwards unless asked for.
        var flags = O_CLOEXEC | O_NOFOLLOW | O_NOCTTY | O_NONBLOCK
        flags |= write ? (read ? O_RDWR : O_WRONLY) : O_RDONLY
        if create { flags |= O_CREAT }
        if oflags & OpenFlags.excl != 0 { flags |= O_EXCL }
        if truncate { flags |= O_TRUNC }
        if oflags & OpenFlags.directory != 0 { flags |= O_DIRECTORY }
        if fdflags & FDFlags.append != 0 { flags |= O_APPEND }
        if fdflags & FDFlags.dsync != 0 { flags |= O_DSYNC }
        if fdflags & FDFlags.rsync != 0 { flags |= O_RSYNC }
        if fdflags & FDFlags.sync != 0 { flags |= O_SYNC }

        let follow = lookupFlags & LookupFlags.symlinkFollow != 0
        let host = try Sandbox.resolve(path, from: directory.host, followFinal: follow) { target -> Int32 in
            var flags = flags
            if target.trailingSlash {
                if create { throw WASIErrno.isdir }
                flags |= O_DIRECTORY
            }
            let host = target.withName { openat(target.directory, $0, flags, 0o666) }
            guard host >= 0 else { throw WASIErrno.current }
            return host
        }
        var info = stat()
        if fstat(host, &info) != 0 {
            let failure = WASIErrno.current
            _ = closeHost(host)
            throw failure
        }
        if fdflags & FDFlags.nonblock == 0 {
            _ = fcntl(host, F_SETFL, fcntl(host, F_GETFL) & ~O_NONBLOCK)
        }
        let type = WASIFileType(mode: info.st_mode, descriptor: host)
        rights.formIntersection(type.applicableRights)
        if directory.readOnly {
            rights.subtract(WASIRights.fileMutation.union(.directoryMutation))
            inheriting.subtract(.directoryMutation)
        }
        let descriptor = Descriptor(
            host: host, type: type, rights: rights, inheriting: inheriting, flags: fdflags, readOnly: directory.readOnly)
        try memory.storeU32(try descriptors.insert(descriptor), result)
    }

    func pathCreateDirectory(fd: UInt32, path: UInt32, length: UInt32, _ memory: GuestMemory) throws {
        let directory = try descriptors.directory(fd, requiring: .pathCreateDirectory, mutating: true)
        try Sandbox.resolve(try memory.path(path, length), from: directory.host, followFinal: false) { target in
            guard target.withName({ mkdirat(target.directory, $0, 0o777) }) == 0 else { throw WASIErrno.current }
        }
    }

    func pathFilestatGet(fd: UInt32, lookupFlags: UInt32, path: UInt32, length: UInt32, result: UInt32, _ memory: GuestMemory) throws {
        let directory = try descriptors.directory(fd, requiring: .pathFilestatGet)
        let follow = lookupFlags & LookupFlags.symlinkFollow != 0
        var info = stat()
        try Sandbox.resolve(try memory.path(path, length), from: directory.host, followFinal: follow) { target in
            try target.requireDirectoryIfSlashed()
            guard target.withName({ fstatat(target.directory, $0, &info, AT_SYMLINK_NOFOLLOW) }) == 0 else {
                throw WASIErrno.current
            }
        }
        try writeFilestat(info, descriptor: nil, to: result, memory)
    }

    func pathFilestatSetTimes(
        fd: UInt32, lookupFlags: UInt32, path: UInt32, length: UInt32,
        accessTime: UInt64, modificationTime: UInt64, flags: UInt32, _ memory: GuestMemory
    ) throws {
        let directory = try descriptors.directory(fd, requiring: .pathFilestatSetTimes, mutating: true)
        let times = try fileTimes(accessTime, modificationTime, flags)
        let follow = lookupFlags & LookupFlags.symlinkFollow != 0
        try Sandbox.resolve(try memory.path(path, length), from: directory.host, followFinal: follow) { target in
            try target.requireDirectoryIfSlashed()
            guard target.withName({ utimensat(target.directory, $0, times, AT_SYMLINK_NOFOLLOW) }) == 0 else {
                throw WASIErrno.current
            }
        }
    }

    /// A hard link gives the file a second name, so the source must not be read-only: the
    /// new name would let a read-only file be written through the target directory.
    func pathLink(
        oldFD: UInt32, oldFlags: UInt32, oldPath: UInt32, oldLength: UInt32,
        newFD: UInt32, newPath: UInt32, newLength: UInt32, _ memory: GuestMemory
    ) throws {
        let source = try descriptors.directory(oldFD, requiring: .pathLinkSource, mutating: true)
        let destination = try descriptors.directory(newFD, requiring: .pathLinkTarget, mutating: true)
        let oldName = try memory.path(oldPath, oldLength)
        let newName = try memory.path(newPath, newLength)
        let follow = oldFlags & LookupFlags.symlinkFollow != 0
        try Sandbox.resolve(oldName, from: source.host, followFinal: follow) { old in
            try Sandbox.resolve(newName, from: destination.host, followFinal: false) { new in
                try old.requireDirectoryIfSlashed()
                try new.requireNoSlashForNewEntry()
                let status = old.withName { oldC in new.withName { newC in linkat(old.directory, oldC, new.directory, newC, 0) } }
                guard status == 0 else { throw WASIErrno.current }
            }
        }
    }

    /// Copies the symlink's contents (cut to the buffer, as POSIX `readlink` does).
    func pathReadlink(
        fd: UInt32, path: UInt32, length: UInt32, buffer: UInt32, bufferLength: UInt32, result: UInt32, _ memory: GuestMemory
    ) throws {
        let directory = try descriptors.directory(fd, requiring: .pathReadlink)
        let output = try memory.region(buffer, bufferLength)
        _ = try memory.region(result, 4)
        let count = try Sandbox.resolve(try memory.path(path, length), from: directory.host, followFinal: false) { target -> Int in
            try target.requireDirectoryIfSlashed()
            var contents = [CChar](repeating: 0, count: Sandbox.maxPathLength + 1)
            let count = target.withName { readlinkat(target.directory, $0, &contents, contents.count) }
            guard count >= 0 else { throw WASIErrno.current }
            let copied = min(count, output.count)
            for i in 0..<copied { output[i] = UInt8(bitPattern: contents[i]) }
            return copied
        }
        try memory.storeU32(UInt32(count), result)
    }

    func pathRemoveDirectory(fd: UInt32, path: UInt32, length: UInt32, _ memory: GuestMemory) throws {
        let directory = try descriptors.directory(fd, requiring: .pathRemoveDirectory, mutating: true)
        try Sandbox.resolve(try memory.path(path, length), from: directory.host, followFinal: false) { target in
            try target.requireDirectoryIfSlashed()
            guard target.withName({ unlinkat(target.directory, $0, AT_REMOVEDIR) }) == 0 else { throw WASIErrno.current }
        }
    }

    func pathRename(
        fd: UInt32, oldPath: UInt32, oldLength: UInt32, newFD: UInt32, newPath: UInt32, newLength: UInt32, _ memory: GuestMemory
    ) throws {
        let source = try descriptors.directory(fd, requiring: .pathRenameSource, mutating: true)
        let destination = try descriptors.directory(newFD, requiring: .pathRenameTarget, mutating: true)
        let oldName = try memory.path(oldPath, oldLength)
        let newName = try memory.path(newPath, newLength)
        try Sandbox.resolve(oldName, from: source.host, followFinal: false) { old in
            try Sandbox.resolve(newName, from: destination.host, followFinal: false) { new in
                try old.requireDirectoryIfSlashed()
                try new.requireDirectoryIfSlashed()
                // "a/" on either side makes it a directory rename (Linux: `notdir` for a file).
                if (old.trailingSlash || new.trailingSlash) && !old.isDirectory && old.entryMode() != nil {
                    throw WASIErrno.notdir
                }
                let status = old.withName { oldC in new.withName { newC in renameat(old.directory, oldC, new.directory, newC) } }
                guard status == 0 else { throw WASIErrno.current }
            }
        }
    }

    /// Creates a symlink. An absolute target is refused (`perm`): the sandbox would never
    /// follow it, and it would point a host program that does at the host's own tree.
    func pathSymlink(oldPath: UInt32, oldLength: UInt32, fd: UInt32, newPath: UInt32, newLength: UInt32, _ memory: GuestMemory) throws {
        let directory = try descriptors.directory(fd, requiring: .pathSymlink, mutating: true)
        let contents = try memory.path(oldPath, oldLength)
        try Sandbox.validate(contents)
        if contents.isEmpty { throw WASIErrno.noent }
        if contents[0] == 0x2F { throw WASIErrno.perm }
        try Sandbox.resolve(try memory.path(newPath, newLength), from: directory.host, followFinal: false) { target in
            try target.requireNoSlashForNewEntry()
            let status = Sandbox.withCString(contents) { link in target.withName { symlinkat(link, target.directory, $0) } }
            guard status == 0 else { throw WASIErrno.current }
        }
    }

    func pathUnlinkFile(fd: UInt32, path: UInt32, length: UInt32, _ memory: GuestMemory) throws {
        let directory = try descriptors.directory(fd, requiring: .pathUnlinkFile, mutating: true)
        try Sandbox.resolve(try memory.path(path, length), from: directory.host, followFinal: false) { target in
            try target.requireDirectoryIfSlashed()
            guard target.withName({ unlinkat(target.directory, $0, 0) }) == 0 else { throw WASIErrno.current }
        }
    }
}
