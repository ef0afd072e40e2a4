#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Reading files from the host without Foundation (which would add to start-up time).
public enum HostFile {
    /// The whole contents of the file at `path`. Throws an ``APIError`` that names the path
    /// and the operating system's reason ("cannot read m.wasm: No such file or directory"),
    /// also for a directory.
    public static func readAll(_ path: String) throws -> [UInt8] {
        func failure(_ reason: String) -> APIError { APIError("cannot read \(path): \(reason)") }
        let fd = open(path, O_RDONLY)
        if fd < 0 { throw failure(String(cString: strerror(errno))) }
        defer { close(fd) }
        var info = stat()
        if fstat(fd, &info) == 0, (info.st_mode & S_IFMT) == S_IFDIR { throw failure("Is a directory") }
        // Read straight into the array's storage: a large module is not copied a second time.
        let expected = info.st_size > 0 ? Int(info.st_size) : 0
        var failed: Int32 = 0
        var bytes = [UInt8](unsafeUninitializedCapacity: expected) { buffer, initialized in
            adviseHugePages(UnsafeMutableRawBufferPointer(buffer))
            while initialized < expected {
                let n = read(fd, buffer.baseAddress.map { $0 + initialized }, expected - initialized)
                if n < 0 {
                    if errno == EINTR { continue }
                    failed = errno
                    return
                }
                if n == 0 { return }
                initialized += n
            }
        }
        if failed != 0 { throw failure(String(cString: strerror(failed))) }
        // The file may be longer than its size said (it grew, or it is a pipe or /proc file).
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let n = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if n < 0 {
                if errno == EINTR { continue }
                throw failure(String(cString: strerror(errno)))
            }
            if n == 0 { return bytes }
            bytes.append(contentsOf: chunk[0..<n])
        }
    }

    /// Asks the kernel to back a large buffer with huge pages where it can (Linux): reading a
    /// 50 MB module into 4 KiB pages spends more time faulting them in than copying.
    private static func adviseHugePages(_ buffer: UnsafeMutableRawBufferPointer) {
        #if os(Linux)
        let hugePage = 2 << 20
        guard let base = buffer.baseAddress, buffer.count >= 2 * hugePage else { return }
        let start = (Int(bitPattern: base) + hugePage - 1) & ~(hugePage - 1)
        let end = (Int(bitPattern: base) + buffer.count) & ~(hugePage - 1)
        guard end > start, let aligned = UnsafeMutableRawPointer(bitPattern: start) else { return }
        _ = madvise(aligned, end - start, MADV_HUGEPAGE)
        #endif
    }
}
