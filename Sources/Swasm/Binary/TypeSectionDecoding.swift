/// The Wasm 3.0 forms of the type and table sections
/// (https://webassembly.github.io/spec/core/binary/types.html#recursive-types and
/// https://webassembly.github.io/spec/core/binary/modules.html#table-section): recursion
/// groups of sub types, and tables with an initialiser expression.
extension ByteReader {
    /// The type section: a vector of recursion groups, each `0x4E vec(subtype)` or one sub type.
    /// Returns the function types by type index and what each definition declares.
    mutating func readTypeSection() throws -> (types: [FuncType], definitions: [TypeDefinitionInfo]) {
        let groupCount = try readCount(minElementSize: 1)
        var types: [FuncType] = []
        var definitions: [TypeDefinitionInfo] = []
        types.reserveCapacity(groupCount)
        definitions.reserveCapacity(groupCount)
        for _ in 0..<groupCount {
            let first = types.count
            if try peekU8() == 0x4E {
                offset += 1
                let count = try readCount(minElementSize: 1)
                for _ in 0..<count {
                    let (type, composite, isFinal, supertypes) = try readSubType()
                    types.append(type)
                    definitions.append(TypeDefinitionInfo(isFinal: isFinal, supertypes: supertypes,
                                                          recGroup: first..<first + count, composite: composite))
                }
            } else {
                let (type, composite, isFinal, supertypes) = try readSubType()
                types.append(type)
                definitions.append(TypeDefinitionInfo(isFinal: isFinal, supertypes: supertypes,
                                                      recGroup: first..<first + 1, composite: composite))
            }
        }
        return (types, definitions)
    }

    /// `0x50 vec(typeidx) comptype` (open), `0x4F vec(typeidx) comptype` (final), or a bare
    /// composite type (final, no supertype).
    private mutating func readSubType() throws
        -> (FuncType, CompositeType, isFinal: Bool, supertypes: [UInt32])
    {
        let byte = try peekU8()
        guard byte == 0x50 || byte == 0x4F else {
            let (type, composite) = try readCompositeType()
            return (type, composite, true, [])
        }
        offset += 1
        let supertypes = try readVector { try $0.readU32() }
        let (type, composite) = try readCompositeType()
        return (type, composite, byte == 0x4F, supertypes)
    }

    /// `0x60 functype`, `0x5F vec(fieldtype)` (struct) or `0x5E fieldtype` (array). Struct and
    /// array definitions get an empty signature in the function-type list.
    mutating func readCompositeType() throws -> (FuncType, CompositeType) {
        switch try peekU8() {
        case 0x5F:
            offset += 1
            let fields = try readVector { try $0.readFieldType() }
            return (FuncType(params: [], results: []), .structure(fields))
        case 0x5E:
            offset += 1
            return (FuncType(params: [], results: []), .array(try readFieldType()))
        default:
            return (try readFuncType(), .function)
        }
    }

    /// `storagetype mut`, where a storage type is a value type or `0x78` (i8) / `0x77` (i16).
    mutating func readFieldType() throws -> FieldType {
        let storage: StorageType
        switch try peekU8() {
        case 0x78: offset += 1; storage = .i8
        case 0x77: offset += 1; storage = .i16
        default: storage = .value(try readValueType())
        }
        let start = offset
        switch try readU8() {
        case 0: return FieldType(storage: storage, mutable: false)
        case 1: return FieldType(storage: storage, mutable: true)
        default: throw malformed("malformed mutability", at: start)
        }
    }

    /// A table section entry: `tabletype`, or `0x40 0x00 tabletype expr` with an initialiser.
    mutating func readTableDefinition() throws -> (type: TableType, initializer: ConstExpr?) {
        guard try peekU8() == 0x40 else { return (try readTableType(), nil) }
        let start = offset
        offset += 1
        guard try readU8() == 0 else { throw malformed("malformed table", at: start) }
        let type = try readTableType()
        return (type, try readConstExpr())
    }
}
