/// Appends binary-format primitives (https://webassembly.github.io/spec/core/binary/values.html).
struct ByteWriter {
    var bytes: [UInt8] = []

    @inline(__always)
    mutating func byte(_ b: UInt8) { bytes.append(b) }

    mutating func append(_ other: [UInt8]) { bytes.append(contentsOf: other) }

    mutating func u32(_ value: UInt32) { u64(UInt64(value)) }

    mutating func u64(_ value: UInt64) {
        var v = value
        repeat {
            var b = UInt8(v & 0x7F)
            v >>= 7
            if v != 0 { b |= 0x80 }
            bytes.append(b)
        } while v != 0
    }

    mutating func s64(_ value: Int64) {
        var v = value
        while true {
            let b = UInt8(v & 0x7F)
            v >>= 7
            let done = (v == 0 && b & 0x40 == 0) || (v == -1 && b & 0x40 != 0)
            bytes.append(done ? b : b | 0x80)
            if done { return }
        }
    }

    mutating func s32(_ value: Int32) { s64(Int64(value)) }

    mutating func u32LE(_ value: UInt32) {
        for k in 0..<4 { bytes.append(UInt8(truncatingIfNeeded: value >> UInt32(8 * k))) }
    }

    mutating func u64LE(_ value: UInt64) {
        for k in 0..<8 { bytes.append(UInt8(truncatingIfNeeded: value >> UInt64(8 * k))) }
    }

    /// A length-prefixed byte vector (names, data strings).
    mutating func vector(_ contents: [UInt8]) {
        u32(UInt32(contents.count))
        bytes.append(contentsOf: contents)
    }

    /// A section: id, size, contents.
    mutating func section(_ id: UInt8, _ contents: [UInt8]) {
        byte(id)
        vector(contents)
    }
}

/// A section body that is a vector: the count is known only at the end, so items are
/// buffered and prefixed with it on output.
struct VectorBuffer {
    var count: UInt32 = 0
    var body = ByteWriter()

    var isEmpty: Bool { count == 0 }

    func encoded() -> [UInt8] {
        var w = ByteWriter()
        w.u32(count)
        w.append(body.bytes)
        return w.bytes
    }
}
