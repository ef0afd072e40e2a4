#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The last component of a guest path, resolved below a directory descriptor: the host
/// call that acts on it gets `directory` and `name` and uses the `*at` form with symlinks
/// not followed, so the kernel never walks a path the sandbox has not checked.
struct PathTarget {
    /// The directory holding the entry (borrowed: valid only inside the resolution call).
    let directory: Int32
    /// The entry's name: one component without `/`, or `.` for the directory itself.
    let name: [UInt8]
    /// The guest path ended in `/`: the entry must be a directory.
    let trailingSlash: Bool

    /// Calls `body` with the name as a C string. The name never carries the guest's
    /// trailing `/`: given "name/", the kernel would follow `name` if it had become a
    /// symlink since the walk checked it, and a symlink swapped in by a second process
    /// would lead it out of the sandbox. Operations that need the directory-only rule of
    /// "name/" check it with `requireDirectoryIfSlashed()` and act on the bare name with
    /// symlinks not followed, so a swap between check and use reaches at worst the symlink
    /// itself, which lies inside the sandbox.
    func withName<R>(_ body: (UnsafePointer<CChar>) throws -> R) rethrows -> R {
        try Sandbox.withCString(name, body)
    }

    /// The entry's file mode, not following a symlink; nil when there is no such entry.
    func entryMode() -> mode_t? {
        var info = stat()
        let found = withName { fstatat(directory, $0, &info, AT_SYMLINK_NOFOLLOW) }
        return found == 0 ? info.st_mode : nil
    }

    /// Whether the entry exists and is a directory.
    var isDirectory: Bool {
        guard let mode = entryMode() else { return false }
        return mode & S_IFMT == S_IFDIR
    }

    /// Applies the rule of a path ending in `/` to an existing entry: it must be a
    /// directory (`notdir`, as Linux answers). A missing entry is left to the operation.
    func requireDirectoryIfSlashed() throws {
        guard trailingSlash, let mode = entryMode() else { return }
        if mode & S_IFMT != S_IFDIR { throw WASIErrno.notdir }
    }

    /// For a new name (link, symlink) given as "name/": Linux refuses to create anything
    /// but a directory there, with `noent` when the name is free (an existing one makes the
    /// operation itself fail with `exist`).
    func requireNoSlashForNewEntry() throws {
        if trailingSlash && entryMode() == nil { throw WASIErrno.noent }
    }
}

/// Resolves guest paths component by component below a directory descriptor, so that
/// nothing outside it can be named:
/// - absolute paths are refused (`perm`, as wasmtime reports escapes);
/// - `..` pops one directory opened during this walk and is refused at the starting one;
/// - every intermediate directory is opened with `openat(O_NOFOLLOW | O_DIRECTORY)`; a
///   symlink found on the way is read with `readlinkat` and its target walked the same way
///   from the directory holding it (an absolute target is an escape, `perm`);
/// - after 40 symlinks the walk fails with `loop`, as Linux does.
/// Each directory descriptor is its own root: `..` never goes above the descriptor the
/// guest named, so it never goes above the preopen that descriptor came from.
enum Sandbox {
    static let maxSymlinks = 40
    static let maxPathLength = 4096

    /// Open flags for walking through a directory: search only (`O_PATH`, no read
    /// permission needed), never through a symlink.
    #if os(Linux)
    static let walkFlags: Int32 = 0o10000000 | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC
    #else
    static let walkFlags: Int32 = O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC
    #endif

    /// Checks a path from the guest: not empty, no NUL (`inval`), valid UTF-8 (`ilseq`).
    static func validate(_ path: [UInt8]) throws {
        if path.contains(0) { throw WASIErrno.inval }
        guard String(validating: path, as: UTF8.self) != nil else { throw WASIErrno.ilseq }
        if path.count > maxPathLength { throw WASIErrno.nametoolong }
    }

    /// Splits a path into its non-empty components.
    static func components(_ path: some Collection<UInt8>) -> [[UInt8]] {
        path.split(separator: 0x2F, omittingEmptySubsequences: true).map(Array.init)
    }

    /// Resolves `path` below `base` and calls `body` with the entry it names.
    /// - Parameter followFinal: expand a symlink in the last component too (the
    ///   `symlink_follow` lookup flag). A trailing `/` always does, as in POSIX.
    static func resolve<R>(
        _ path: [UInt8], from base: Int32, followFinal: Bool, _ body: (PathTarget) throws -> R
    ) throws -> R {
        try validate(path)
        if path.isEmpty { throw WASIErrno.noent }
        if path[0] == 0x2F { throw WASIErrno.perm }

        var opened: [Int32] = []
        defer { for descriptor in opened { _ = closeHost(descriptor) } }
        var pending = Array(components(path).reversed())
        var trailingSlash = path.last == 0x2F
        var symlinks = 0
        var finalName: [UInt8]?

        func current() -> Int32 { opened.last ?? base }

        /// Replaces the symlink just met by its target's components.
        func expand(_ target: [UInt8], wasLast: Bool) throws {
            symlinks += 1
            if symlinks > maxSymlinks { throw WASIErrno.loop }
            if target.isEmpty { throw WASIErrno.noent }
            if target[0] == 0x2F { throw WASIErrno.perm }
            if wasLast && target.last == 0x2F { trailingSlash = true }
            pending.append(contentsOf: components(target).reversed())
        }

        while let component = pending.popLast() {
            let isLast = pending.isEmpty
            if component == [0x2E] { continue }
            if component == [0x2E, 0x2E] {
                guard let top = opened.popLast() else { throw WASIErrno.perm }
                _ = closeHost(top)
                continue
            }
            if isLast {
                if followFinal || trailingSlash, let target = readSymlink(in: current(), component) {
                    try expand(target, wasLast: true)
                    continue
                }
                finalName = component
                break
            }
            let next = withCString(component) { openat(current(), $0, walkFlags) }
            if next >= 0 {
                opened.append(next)
                continue
            }
            let failure = errno
            if failure == ENOTDIR || failure == ELOOP, let target = readSymlink(in: current(), component) {
                try expand(target, wasLast: false)
                continue
            }
            throw WASIErrno(hostErrno: failure)
        }
        let target = PathTarget(directory: current(), name: finalName ?? [0x2E], trailingSlash: trailingSlash)
        return try body(target)
    }

    /// The target of the symlink `name` in `directory`, or nil when it is not a symlink
    /// (or cannot be read, in which case the operation itself reports the problem).
    static func readSymlink(in directory: Int32, _ name: [UInt8]) -> [UInt8]? {
        var buffer = [CChar](repeating: 0, count: maxPathLength + 1)
        let count = withCString(name) { readlinkat(directory, $0, &buffer, buffer.count) }
        guard count >= 0 else { return nil }
        return buffer[0..<min(count, buffer.count)].map { UInt8(bitPattern: $0) }
    }

    static func withCString<R>(_ bytes: [UInt8], _ body: (UnsafePointer<CChar>) throws -> R) rethrows -> R {
        var text = bytes
        text.append(0)
        return try text.withUnsafeBufferPointer { buffer in
            try buffer.withMemoryRebound(to: CChar.self) { try body($0.baseAddress!) }
        }
    }
}
