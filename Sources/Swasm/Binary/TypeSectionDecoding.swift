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
                    let (type, isFinal, supertypes) = try readSubType()
                    types.append(type)
                    definitions.append(TypeDefinitionInfo(isFinal: isFinal, supertypes: supertypes,
                                                          recGroup: first..<first + count))
                }
            } else {
                let (type, isFinal, supertypes) = try readSubType()
                types.append(type)
                definitions.append(TypeDefinitionInfo(isFinal: isFinal, supertypes: supertypes,
                                                      recGroup: first..<first + 1))
            }
        }
        return (types, definitions)
    }

    /// `0x50 vec(typeidx) comptype` (open), `0x4F vec(typeidx) comptype` (final), or a bare
    /// composite type (final, no supertype).
    private mutating func readSubType() throws -> (FuncType, isFinal: Bool, supertypes: [UInt32]) {
        let byte = try peekU8()
        guard byte == 0x50 || byte == 0x4F else { return (try readFuncType(), true, []) }
        offset += 1
        let supertypes = try readVector { try $0.readU32() }
        return (try readFuncType(), byte == 0x4F, supertypes)
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
