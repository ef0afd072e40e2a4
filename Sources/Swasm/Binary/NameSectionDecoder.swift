/// The `name` custom section
/// (https://webassembly.github.io/spec/core/appendix/custom.html#name-section): module,
/// function and local names, for backtraces and error messages.
///
/// Custom sections never make a module malformed, so decoding is best effort: each
/// subsection that decodes completely is kept, and decoding stops at the first error.
enum NameSectionDecoder {
    static func decode(_ bytes: [UInt8], _ payload: Range<Int>, into names: inout NameSection) {
        var reader = ByteReader(bytes: bytes, range: payload)
        var decoded = NameSection()
        while !reader.isAtEnd {
            guard let id = try? reader.readU8(),
                  let size = try? reader.readU32(),
                  let range = try? reader.readByteRange(Int(size))
            else { break }
            var sub = ByteReader(bytes: bytes, range: range)
            switch id {
            case 0:
                guard let name = try? sub.readName(), sub.isAtEnd else { break }
                decoded.moduleName = name
            case 1:
                guard let map = try? readNameMap(&sub), sub.isAtEnd else { break }
                decoded.functionNames = map
            case 2:
                guard let map = try? readIndirectNameMap(&sub), sub.isAtEnd else { break }
                decoded.localNames = map
            default:
                continue  // labels, types, tables, ... are not used
            }
        }
        names = decoded
    }

    private static func readNameMap(_ reader: inout ByteReader) throws -> [UInt32: String] {
        let count = try reader.readCount(minElementSize: 2)
        var map: [UInt32: String] = [:]
        map.reserveCapacity(count)
        for _ in 0..<count {
            let index = try reader.readU32()
            map[index] = try reader.readName()
        }
        return map
    }

    private static func readIndirectNameMap(_ reader: inout ByteReader) throws -> [UInt32: [UInt32: String]] {
        let count = try reader.readCount(minElementSize: 2)
        var map: [UInt32: [UInt32: String]] = [:]
        map.reserveCapacity(count)
        for _ in 0..<count {
            let index = try reader.readU32()
            map[index] = try readNameMap(&reader)
        }
        return map
    }
}
