/// A forward-only reader over a module's bytes, shared by the section decoder and the
/// function-body instruction reader. Every failure is `SwasmError.malformed` with the byte
/// offset where it happened; the messages are the spec reference interpreter's, so the
/// spec tests' `assert_malformed` texts line up.
///
/// The reader never copies the module: `bytes` is a copy-on-write reference to the module's
/// buffer, and sub-readers (a section, a function body) share it with a narrower `limit`.
///
/// LEB128 rules (https://webassembly.github.io/spec/core/binary/values.html#integers):
/// an N-bit integer takes at most ceil(N/7) bytes ("integer representation too long"), and
/// the unused high bits of the last byte must be zero for unsigned and a sign extension for
/// signed integers ("integer too large"). Zero padding within the byte budget is valid,
/// e.g. a 5-byte `u32` as clang emits for relocatable `call_indirect` type indices.
struct ByteReader {
    /// The whole module; offsets are absolute positions in it.
    let bytes: [UInt8]
    /// Position of the next byte to read.
    var offset: Int
    /// One past the last byte this reader may read (the end of a section or body).
    var limit: Int

    /// Message used when a read runs past `limit`. The reference interpreter reports
    /// "unexpected end" at the module's top level and "unexpected end of section or function"
    /// inside a section or a body.
    var endMessage: String = "unexpected end"

    /// Whether limits are read as Wasm 3.0 reads them (memory64): every bound a u64 whose
    /// range validation checks, and the 64-bit address-type flag allowed. Otherwise as in Wasm
    /// 2.0: 32-bit bounds, a larger one "integer too large".
    var limits64 = true

    init(bytes: [UInt8]) {
        self.bytes = bytes
        self.offset = 0
        self.limit = bytes.count
    }

    /// A reader over `range` of `bytes`. `range` is clamped to the buffer.
    init(bytes: [UInt8], range: Range<Int>, endMessage: String = "unexpected end of section or function") {
        self.bytes = bytes
        let lower = Swift.max(0, Swift.min(range.lowerBound, bytes.count))
        let upper = Swift.max(lower, Swift.min(range.upperBound, bytes.count))
        self.offset = lower
        self.limit = upper
        self.endMessage = endMessage
    }

    @inline(__always) var isAtEnd: Bool { offset >= limit }
    @inline(__always) var remaining: Int { limit - offset }

    // MARK: Errors

    /// A malformed error at the current offset (or `at`).
    func malformed(_ message: String, at position: Int? = nil) -> SwasmError {
        .malformed(message, offset: position ?? offset)
    }

    @inline(never)
    func unexpectedEnd() -> SwasmError {
        .malformed(endMessage, offset: offset)
    }

    // MARK: Bytes

    @inline(__always)
    mutating func readU8() throws -> UInt8 {
        guard offset < limit else { throw unexpectedEnd() }
        let b = bytes[offset]
        offset &+= 1
        return b
    }

    /// The next byte without consuming it.
    @inline(__always)
    func peekU8() throws -> UInt8 {
        guard offset < limit else { throw unexpectedEnd() }
        return bytes[offset]
    }

    /// Skips `count` bytes ("unexpected end" when fewer remain).
    @inline(__always)
    mutating func skip(_ count: Int) throws {
        guard count >= 0, count <= limit - offset else { throw unexpectedEnd() }
        offset += count
    }

    /// Consumes `count` bytes and returns their range in `bytes` (no copy).
    /// A count beyond the end is a bad length prefix: "length out of bounds".
    @inline(__always)
    mutating func readByteRange(_ count: Int) throws -> Range<Int> {
        guard count >= 0, count <= limit - offset else {
            throw malformed("length out of bounds")
        }
        let start = offset
        offset += count
        return start..<offset
    }

    /// Consumes `count` bytes and returns them as a slice of `bytes` (no copy).
    @inline(__always)
    mutating func readBytes(_ count: Int) throws -> ArraySlice<UInt8> {
        bytes[try readByteRange(count)]
    }

    // MARK: LEB128

    @inline(__always)
    mutating func readU32() throws -> UInt32 {
        // Fast path: one byte covers 0...127, the common case for indices and counts.
        if offset < limit {
            let b = bytes[offset]
            if b & 0x80 == 0 {
                offset &+= 1
                return UInt32(b)
            }
        }
        return try readU32Slow()
    }

    @inline(never)
    mutating func readU32Slow() throws -> UInt32 {
        var result: UInt32 = 0
        var shift: UInt32 = 0
        while true {
            let b = try readU8()
            if shift == 28 {
                // Fifth byte: only 4 payload bits remain; a continuation bit means too long.
                if b & 0x80 != 0 { throw malformed("integer representation too long", at: offset - 1) }
                if b & 0x70 != 0 { throw malformed("integer too large", at: offset - 1) }
                return result | (UInt32(b) << 28)
            }
            result |= UInt32(b & 0x7F) << shift
            if b & 0x80 == 0 { return result }
            shift += 7
        }
    }

    @inline(__always)
    mutating func readU64() throws -> UInt64 {
        var result: UInt64 = 0
        var shift: UInt64 = 0
        while true {
            let b = try readU8()
            if shift == 63 {
                // Tenth byte: one payload bit remains.
                if b & 0x80 != 0 { throw malformed("integer representation too long", at: offset - 1) }
                if b & 0x7E != 0 { throw malformed("integer too large", at: offset - 1) }
                return result | (UInt64(b) << 63)
            }
            result |= UInt64(b & 0x7F) << shift
            if b & 0x80 == 0 { return result }
            shift += 7
        }
    }

    @inline(__always)
    mutating func readS32() throws -> Int32 {
        if offset < limit {
            let b = bytes[offset]
            if b & 0x80 == 0 {
                offset &+= 1
                // Sign-extend the 7-bit payload.
                return Int32(Int8(bitPattern: b << 1) >> 1)
            }
        }
        return Int32(truncatingIfNeeded: try readSigned(bits: 32))
    }

    @inline(__always)
    mutating func readS64() throws -> Int64 {
        if let value = readOneByteSigned() { return value }
        return try readSigned(bits: 64)
    }

    /// A signed 33-bit integer, used for block types: a negative one-byte value is a value
    /// type or the empty type, a non-negative value a type index.
    @inline(__always)
    mutating func readS33() throws -> Int64 {
        if let value = readOneByteSigned() { return value }
        return try readSigned(bits: 33)
    }

    /// A signed LEB128 that fits in one byte (the common case), sign-extended; nil otherwise.
    @inline(__always)
    mutating func readOneByteSigned() -> Int64? {
        guard offset < limit else { return nil }
        let b = bytes[offset]
        guard b & 0x80 == 0 else { return nil }
        offset &+= 1
        return Int64(Int8(bitPattern: b << 1) >> 1)
    }

    /// Signed LEB128 of width `bits` (32, 33 or 64), sign-extended to 64 bits.
    @inline(never)
    mutating func readSigned(bits: Int) throws -> Int64 {
        let maxBytes = (bits + 6) / 7
        var result: Int64 = 0
        var shift = 0
        var count = 0
        while true {
            let b = try readU8()
            count += 1
            if count == maxBytes {
                if b & 0x80 != 0 { throw malformed("integer representation too long", at: offset - 1) }
                // The bits of the last byte above the integer's width must all equal its
                // sign bit (bit `bits - 1 - shift` of the payload).
                let payloadBits = bits - shift          // bits of the value held in this byte
                if payloadBits < 7 {
                    let signBit = (b >> UInt8(payloadBits - 1)) & 1
                    let unused = b & 0x7F & ~UInt8((1 << (payloadBits - 1)) - 1)  // sign + unused
                    let expected: UInt8 = signBit == 1 ? (0x7F & ~UInt8((1 << (payloadBits - 1)) - 1)) : 0
                    if unused != expected { throw malformed("integer too large", at: offset - 1) }
                }
                result |= Int64(b & 0x7F) << Int64(shift)
                shift += 7
                break
            }
            result |= Int64(b & 0x7F) << Int64(shift)
            shift += 7
            if b & 0x80 == 0 {
                break
            }
        }
        if shift < 64 && result & (1 << Int64(shift - 1)) != 0 {
            result |= -1 << Int64(shift)  // sign-extend
        }
        return result
    }

    // MARK: Fixed-width

    @inline(__always)
    mutating func readF32Bits() throws -> UInt32 {
        guard limit - offset >= 4 else { throw unexpectedEnd() }
        let o = offset
        offset &+= 4
        return UInt32(bytes[o]) | UInt32(bytes[o + 1]) << 8 | UInt32(bytes[o + 2]) << 16
            | UInt32(bytes[o + 3]) << 24
    }

    @inline(__always)
    mutating func readF64Bits() throws -> UInt64 {
        guard limit - offset >= 8 else { throw unexpectedEnd() }
        let o = offset
        offset &+= 8
        var v: UInt64 = 0
        for i in 0..<8 { v |= UInt64(bytes[o + i]) << UInt64(8 * i) }
        return v
    }

    /// A 16-byte vector constant as (low, high) 64-bit halves, little-endian.
    mutating func readV128() throws -> (UInt64, UInt64) {
        let lo = try readF64Bits()
        let hi = try readF64Bits()
        return (lo, hi)
    }

    // MARK: Names and vectors

    /// A length-prefixed UTF-8 name.
    mutating func readName() throws -> String {
        let length = try readU32()
        let range = try readByteRange(Int(length))
        guard let s = ByteReader.decodeUTF8(bytes, range) else {
            throw malformed("malformed UTF-8 encoding", at: range.lowerBound)
        }
        return s
    }

    /// A vector's element count, checked for plausibility against the bytes left (every
    /// element takes at least `minElementSize` bytes), so a huge count fails fast instead of
    /// reserving memory.
    mutating func readCount(minElementSize: Int = 1) throws -> Int {
        let n = Int(try readU32())
        if minElementSize > 0, n > remaining / minElementSize {
            // The reference interpreter reads elements until it runs out of bytes.
            throw unexpectedEnd()
        }
        return n
    }

    /// A length-prefixed vector whose elements are read by `element`. The count is not
    /// checked up front, so a short vector fails where its first missing element is, as in
    /// the reference interpreter; the reservation is capped by the bytes left, so a huge
    /// count cannot reserve memory beyond what the input could hold.
    mutating func readVector<T>(minElementSize: Int = 1, _ element: (inout ByteReader) throws -> T) throws -> [T] {
        let n = Int(try readU32())
        var result: [T] = []
        result.reserveCapacity(Swift.min(n, remaining / Swift.max(1, minElementSize)))
        for _ in 0..<n { result.append(try element(&self)) }
        return result
    }

    /// Strict UTF-8 validation (no overlongs, no surrogates, at most U+10FFFF), as the spec
    /// requires for names. Returns nil when the bytes are not valid UTF-8.
    static func decodeUTF8(_ bytes: [UInt8], _ range: Range<Int>) -> String? {
        var i = range.lowerBound
        let end = range.upperBound
        while i < end {
            let b0 = bytes[i]
            if b0 < 0x80 { i += 1; continue }
            let need: Int
            var cp: UInt32
            switch b0 {
            case 0xC2...0xDF: need = 1; cp = UInt32(b0 & 0x1F)
            case 0xE0...0xEF: need = 2; cp = UInt32(b0 & 0x0F)
            case 0xF0...0xF4: need = 3; cp = UInt32(b0 & 0x07)
            default: return nil
            }
            guard end - i > need else { return nil }
            for k in 1...need {
                let b = bytes[i + k]
                guard b & 0xC0 == 0x80 else { return nil }
                cp = cp << 6 | UInt32(b & 0x3F)
            }
            switch need {
            case 2: if cp < 0x800 || (0xD800...0xDFFF).contains(cp) { return nil }
            case 3: if cp < 0x10000 || cp > 0x10FFFF { return nil }
            default: break
            }
            i += need + 1
        }
        return String(decoding: bytes[range], as: UTF8.self)
    }
}
