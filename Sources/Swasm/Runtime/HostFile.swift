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
        var bytes: [UInt8] = []
        if info.st_size > 0 { bytes.reserveCapacity(Int(info.st_size)) }
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
}
