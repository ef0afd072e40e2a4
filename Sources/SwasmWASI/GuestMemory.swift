#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The calling instance's linear memory, seen for the duration of one host call.
///
/// Every access is bounds-checked in 64-bit arithmetic, so no guest pointer or length can
/// reach outside the memory: an out-of-bounds access throws `WASIErrno.fault`, which the
/// guest receives as its errno (the WASI call fails; the host never traps or crashes).
/// Values are little-endian and may be unaligned, as the ABI allows.
struct GuestMemory {
    let bytes: UnsafeMutableRawBufferPointer

    /// The region `[pointer, pointer + length)`, or `.fault` when any of it is outside memory.
    func region(_ pointer: UInt32, _ length: UInt32) throws -> UnsafeMutableRawBufferPointer {
        try region(UInt64(pointer), UInt64(length))
    }

    func region(_ pointer: UInt64, _ length: UInt64) throws -> UnsafeMutableRawBufferPointer {
        guard pointer <= UInt64(bytes.count), length <= UInt64(bytes.count) - pointer else {
            throw WASIErrno.fault
        }
        guard let base = bytes.baseAddress else {
            // An empty memory has no base; only empty regions at offset 0 fit in it.
            return UnsafeMutableRawBufferPointer(start: nil, count: 0)
        }
        return UnsafeMutableRawBufferPointer(start: base + Int(pointer), count: Int(length))
    }

    private func check(_ pointer: UInt32, _ offset: Int, _ size: Int) throws -> Int {
        let start = UInt64(pointer) + UInt64(offset)
        guard start <= UInt64(bytes.count), UInt64(size) <= UInt64(bytes.count) - start else {
            throw WASIErrno.fault
        }
        return Int(start)
    }

    func loadU8(_ pointer: UInt32, offset: Int = 0) throws -> UInt8 {
        bytes[try check(pointer, offset, 1)]
    }

    func loadU16(_ pointer: UInt32, offset: Int = 0) throws -> UInt16 {
        UInt16(littleEndian: bytes.loadUnaligned(fromByteOffset: try check(pointer, offset, 2), as: UInt16.self))
    }

    func loadU32(_ pointer: UInt32, offset: Int = 0) throws -> UInt32 {
        UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: try check(pointer, offset, 4), as: UInt32.self))
    }

    func loadU64(_ pointer: UInt32, offset: Int = 0) throws -> UInt64 {
        UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: try check(pointer, offset, 8), as: UInt64.self))
    }

    func storeU8(_ value: UInt8, _ pointer: UInt32, offset: Int = 0) throws {
        bytes[try check(pointer, offset, 1)] = value
    }

    func storeU16(_ value: UInt16, _ pointer: UInt32, offset: Int = 0) throws {
        bytes.storeBytes(of: value.littleEndian, toByteOffset: try check(pointer, offset, 2), as: UInt16.self)
    }

    func storeU32(_ value: UInt32, _ pointer: UInt32, offset: Int = 0) throws {
        bytes.storeBytes(of: value.littleEndian, toByteOffset: try check(pointer, offset, 4), as: UInt32.self)
    }

    func storeU64(_ value: UInt64, _ pointer: UInt32, offset: Int = 0) throws {
        bytes.storeBytes(of: value.littleEndian, toByteOffset: try check(pointer, offset, 8), as: UInt64.self)
    }

    /// A copy of `length` bytes at `pointer`.
    func load(_ pointer: UInt32, _ length: UInt32) throws -> [UInt8] {
        Array(try region(pointer, length))
    }

    /// Copies `source` to `pointer`.
    func store(_ source: [UInt8], _ pointer: UInt32) throws {
        let target = try region(UInt64(pointer), UInt64(source.count))
        source.withUnsafeBytes { if let from = $0.baseAddress, let to = target.baseAddress { to.copyMemory(from: from, byteCount: $0.count) } }
    }

    /// The buffers of an `iovec`/`ciovec` array (`count` records of pointer and length),
    /// each checked to lie inside memory, ready to hand to `readv`/`writev`. Only the first
    /// `limit` records are used (a short read or write, which the ABI allows), so a guest
    /// cannot make the host allocate in proportion to a huge count.
    func ioVectors(_ pointer: UInt32, _ count: UInt32, limit: Int = 1024) throws -> [iovec] {
        let used = min(Int(count), limit)
        let table = try region(UInt64(pointer), UInt64(count) * UInt64(Layout.iovecSize))
        var vectors: [iovec] = []
        vectors.reserveCapacity(used)
        for i in 0..<used {
            let base = UInt32(littleEndian: table.loadUnaligned(fromByteOffset: i * 8, as: UInt32.self))
            let length = UInt32(littleEndian: table.loadUnaligned(fromByteOffset: i * 8 + 4, as: UInt32.self))
            let buffer = try region(base, length)
            vectors.append(iovec(iov_base: buffer.baseAddress, iov_len: buffer.count))
        }
        return vectors
    }

    /// A path argument: `nametoolong` past `Sandbox.maxPathLength` bytes, checked before
    /// anything is copied.
    func path(_ pointer: UInt32, _ length: UInt32) throws -> [UInt8] {
        let bytes = try region(pointer, length)
        guard bytes.count <= Sandbox.maxPathLength else { throw WASIErrno.nametoolong }
        return Array(bytes)
    }
}
