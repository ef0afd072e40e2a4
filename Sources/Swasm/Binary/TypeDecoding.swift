/// Decoding of types (https://webassembly.github.io/spec/core/binary/types.html), shared by
/// the section decoder and the function-body reader (`select t*`, `ref.null`, block types).
///
/// Wasm 3.0 reference types (`0x63`/`0x64` prefixes, GC abstract heap types, concrete type
/// indices) decode into `HeapType`'s extra cases so later features need no new decoder; the
/// module validator decides which of them this build supports.
extension ByteReader {
    /// Decodes the abstract heap type for a one-byte negative s33 code, or nil.
    @inline(__always)
    static func abstractHeapType(_ byte: UInt8) -> HeapType? {
        switch byte {
        case 0x70: return .func
        case 0x6F: return .extern
        case 0x6E: return .any
        case 0x6D: return .eq
        case 0x6C: return .i31
        case 0x6B: return .struct
        case 0x6A: return .array
        case 0x71: return HeapType.none
        case 0x72: return .noextern
        case 0x73: return .nofunc
        case 0x69: return .exn
        case 0x74: return .noexn
        default: return nil
        }
    }

    /// A heap type: an abstract type (one negative s33 byte) or a type index.
    mutating func readHeapType() throws -> HeapType {
        let start = offset
        let byte = try peekU8()
        if let abstract = ByteReader.abstractHeapType(byte) {
            offset += 1
            return abstract
        }
        let code = try readS33()
        guard code >= 0 else { throw malformed("malformed heap type", at: start) }
        guard code <= Int64(UInt32.max) else { throw malformed("integer too large", at: start) }
        return .concrete(UInt32(code))
    }

    /// A reference type: `funcref`/`externref` (and the other shorthands), or
    /// `0x63 ht` (nullable) / `0x64 ht` (non-nullable).
    mutating func readRefType() throws -> RefType {
        let start = offset
        let byte = try readU8()
        return try refType(startingWith: byte, at: start)
    }

    /// A reference type whose first byte `byte` has already been consumed.
    mutating func refType(startingWith byte: UInt8, at start: Int) throws -> RefType {
        switch byte {
        case 0x70: return .funcref
        case 0x6F: return .externref
        case 0x63: return RefType(nullable: true, heapType: try readHeapType())
        case 0x64: return RefType(nullable: false, heapType: try readHeapType())
        default:
            if let abstract = ByteReader.abstractHeapType(byte) {
                return RefType(nullable: true, heapType: abstract)
            }
            throw malformed("malformed reference type", at: start)
        }
    }

    /// A value type.
    @inline(__always)
    mutating func readValueType() throws -> ValueType {
        let start = offset
        let byte = try readU8()
        switch byte {
        case 0x7F: return .i32
        case 0x7E: return .i64
        case 0x7D: return .f32
        case 0x7C: return .f64
        case 0x7B: return .v128
        case 0x70: return .funcref
        case 0x6F: return .externref
        default:
            if byte == 0x63 || byte == 0x64 || ByteReader.abstractHeapType(byte) != nil {
                return .ref(try refType(startingWith: byte, at: start))
            }
            throw malformed("malformed value type", at: start)
        }
    }

    /// `0x60 vec(valtype) vec(valtype)` (struct and array types, recursion groups and sub types:
    /// TypeSectionDecoding.swift).
    mutating func readFuncType() throws -> FuncType {
        let start = offset
        let form = try readU8()
        switch form {
        case 0x60:
            let params = try readVector { try $0.readValueType() }
            let results = try readVector { try $0.readValueType() }
            return FuncType(params: params, results: results)
        default:
            // The form is a signed LEB128 byte in the reference interpreter.
            if form & 0x80 != 0 { throw malformed("integer representation too long", at: start) }
            throw malformed("malformed function type", at: start)
        }
    }

    /// Limits, with the memory64/threads flag bits (the 64-bit one when `limits64`).
    /// In Wasm 2.0 the flag is a 1-bit LEB128 value, so a continuation bit is "integer
    /// representation too long" and any other unknown bit "integer too large".
    mutating func readLimits(isMemory: Bool) throws -> Limits {
        let start = offset
        let flags = try readU8()
        if flags & 0x80 != 0 { throw malformed("integer representation too long", at: start) }
        let hasMax: Bool, shared: Bool, is64: Bool
        switch flags {
        case 0x00: (hasMax, shared, is64) = (false, false, false)
        case 0x01: (hasMax, shared, is64) = (true, false, false)
        // A shared memory without a maximum decodes; validation refuses it.
        case 0x02 where isMemory: (hasMax, shared, is64) = (false, true, false)
        case 0x03 where isMemory: (hasMax, shared, is64) = (true, true, false)
        case 0x04: (hasMax, shared, is64) = (false, false, true)
        case 0x05: (hasMax, shared, is64) = (true, false, true)
        case 0x06 where isMemory: (hasMax, shared, is64) = (false, true, true)
        case 0x07 where isMemory: (hasMax, shared, is64) = (true, true, true)
        default: throw malformed("integer too large", at: start)
        }
        if is64 && !limits64 { throw malformed("integer too large", at: start) }
        if is64 || limits64 {
            let min = try readU64()
            let max = hasMax ? try readU64() : nil
            return Limits(min: min, max: max, is64: is64, shared: shared)
        }
        let min = UInt64(try readU32())
        let max = hasMax ? UInt64(try readU32()) : nil
        return Limits(min: min, max: max, is64: false, shared: shared)
    }

    mutating func readTableType() throws -> TableType {
        let element = try readRefType()
        let limits = try readLimits(isMemory: false)
        return TableType(elementType: element, limits: limits)
    }

    mutating func readMemoryType() throws -> MemoryType {
        MemoryType(limits: try readLimits(isMemory: true))
    }

    mutating func readGlobalType() throws -> GlobalType {
        let type = try readValueType()
        let start = offset
        let mutability = try readU8()
        switch mutability {
        case 0: return GlobalType(valueType: type, mutable: false)
        case 1: return GlobalType(valueType: type, mutable: true)
        default: throw malformed("malformed mutability", at: start)
        }
    }
}
