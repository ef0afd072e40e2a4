/// The binary module decoder (https://webassembly.github.io/spec/core/binary/modules.html).
///
/// One streaming pass over the bytes: every section is decoded into `ModuleSections`
/// except function bodies, whose local declarations are read and whose instructions are
/// left as a byte range for the lazy validator. Nothing is copied out of the module's
/// buffer: bodies, data segments and custom sections are ranges into `ModuleSections.bytes`.
///
/// Errors are `SwasmError.malformed` with the spec reference interpreter's messages, except:
/// a non-constant instruction in a constant expression is `.invalid` (it is a validation
/// rule, found here because `ConstExpr` cannot hold it), and features this build cannot run
/// yet (GC type definitions, table initialisers, more than
/// `maxLocalsPerFunction` locals) are `.unsupported`.
public enum ModuleDecoder {
    /// Above this many declared locals in one function the module is rejected as unsupported
    /// (the binary format allows up to 2^32-1; engines cap it to keep frames bounded).
    public static let maxLocalsPerFunction = 50_000

    /// Decodes a binary module. Throws `SwasmError.malformed` (or `.invalid` /
    /// `.unsupported` as described above).
    /// `memory64: false` reads limits as Wasm 2.0 did (u32 bounds, no 64-bit address type).
    public static func decode(_ bytes: [UInt8], memory64: Bool = true) throws -> ModuleSections {
        var decoder = SectionDecoder(bytes: bytes)
        decoder.memory64 = memory64
        return try decoder.decodeModule()
    }

    /// The conventional name of a section id, for `swasm inspect` and error messages.
    public static func sectionName(_ id: UInt8) -> String {
        switch id {
        case 0: return "custom"
        case 1: return "type"
        case 2: return "import"
        case 3: return "function"
        case 4: return "table"
        case 5: return "memory"
        case 6: return "global"
        case 7: return "export"
        case 8: return "start"
        case 9: return "element"
        case 10: return "code"
        case 11: return "data"
        case 12: return "data count"
        case 13: return "tag"
        default: return "unknown"
        }
    }
}

/// Position of each non-custom section in the required order; the data count section (12)
/// sits between element (9) and code (10), the tag section (13) between memory and global.
private func sectionRank(_ id: UInt8) -> Int {
    switch id {
    case 1...5: return Int(id) * 2
    case 13: return 11
    case 6...9: return Int(id) * 2
    case 12: return 19
    case 10: return 20
    case 11: return 22
    default: return 0
    }
}

private struct SectionDecoder {
    var reader: ByteReader
    var module = ModuleSections()
    var lastRank = 0
    var sawDataSection = false
    var memory64 = true

    init(bytes: [UInt8]) {
        reader = ByteReader(bytes: bytes)
        module.bytes = bytes
    }

    mutating func decodeModule() throws -> ModuleSections {
        try readHeader()
        while !reader.isAtEnd {
            try readSection()
        }
        if module.code.count != module.functions.count {
            throw SwasmError.malformed(
                "function and code section have inconsistent lengths", offset: reader.offset)
        }
        if !sawDataSection, let count = module.dataCount, count != 0 {
            throw SwasmError.malformed(
                "data count and data section have inconsistent lengths", offset: reader.offset)
        }
        return module
    }

    mutating func readHeader() throws {
        let magic: [UInt8] = [0x00, 0x61, 0x73, 0x6D]
        guard reader.remaining >= 4 else { throw reader.unexpectedEnd() }
        for b in magic where try reader.readU8() != b {
            throw SwasmError.malformed("magic header not detected", offset: 0)
        }
        guard reader.remaining >= 4 else { throw reader.unexpectedEnd() }
        let version = try reader.readF32Bits()  // a little-endian u32
        guard version == 1 else {
            throw SwasmError.malformed("unknown binary version", offset: 4)
        }
    }

    mutating func readSection() throws {
        let headerOffset = reader.offset
        let id = try reader.readU8()
        guard id <= 13 else {
            throw SwasmError.malformed("malformed section id", offset: headerOffset)
        }
        let size = Int(try reader.readU32())
        let range = try reader.readByteRange(size)
        if id != 0 {
            let rank = sectionRank(id)
            guard rank > lastRank else {
                throw SwasmError.malformed("unexpected content after last section", offset: headerOffset)
            }
            lastRank = rank
        }
        var section = ByteReader(bytes: reader.bytes, range: range)
        section.limits64 = memory64
        var name = ModuleDecoder.sectionName(id)
        switch id {
        case 0: name = try readCustomSection(&section)
        case 1: (module.types, module.typeDefinitions) = try section.readTypeSection()
        case 2: module.imports = try section.readVector(minElementSize: 4) { try $0.readImport() }
        case 3: module.functions = try section.readVector { try $0.readU32() }
        case 4:
            let definitions = try section.readVector(minElementSize: 3) { try $0.readTableDefinition() }
            module.tables = definitions.map(\.type)
            module.tableInitializers = definitions.map(\.initializer)
        case 5: module.memories = try section.readVector(minElementSize: 2) { try $0.readMemoryType() }
        case 6: module.globals = try section.readVector(minElementSize: 3) { try $0.readGlobal() }
        case 7: module.exports = try section.readVector(minElementSize: 3) { try $0.readExport() }
        case 8: module.start = try section.readU32()
        case 9: module.elements = try section.readVector(minElementSize: 2) { try $0.readElementSegment() }
        case 10: try readCodeSection(&section)
        case 11: try readDataSection(&section)
        case 12: module.dataCount = try section.readU32()
        default: module.tags = try section.readVector(minElementSize: 2) { try $0.readTagType() }
        }
        guard section.isAtEnd else {
            throw SwasmError.malformed("section size mismatch", offset: section.offset)
        }
        module.sectionLayout.append((id: id, name: name, range: range))
    }

    /// Records a custom section; returns its name. Only the section's own name must be well
    /// formed: a malformed `name` section payload is ignored, as the spec asks of custom
    /// sections.
    mutating func readCustomSection(_ section: inout ByteReader) throws -> String {
        let name = try section.readName()
        let payload = section.offset..<section.limit
        section.offset = section.limit
        module.customSections.append(CustomSection(name: name, bytes: payload))
        if name == "name" {
            NameSectionDecoder.decode(module.bytes, payload, into: &module.names)
        }
        return name
    }

    mutating func readCodeSection(_ section: inout ByteReader) throws {
        let count = Int(try section.readU32())
        var bodies: [FunctionBody] = []
        bodies.reserveCapacity(Swift.min(count, section.remaining / 2))
        for _ in 0..<count {
            bodies.append(try section.readFunctionBody())
        }
        module.code = bodies
    }

    mutating func readDataSection(_ section: inout ByteReader) throws {
        sawDataSection = true
        let countOffset = section.offset
        let count = Int(try section.readU32())
        if let expected = module.dataCount, expected != count {
            throw SwasmError.malformed(
                "data count and data section have inconsistent lengths", offset: countOffset)
        }
        var segments: [DataSegment] = []
        segments.reserveCapacity(Swift.min(count, section.remaining / 2))
        for _ in 0..<count {
            segments.append(try section.readDataSegment())
        }
        module.data = segments
    }
}

extension ByteReader {
    mutating func readImport() throws -> Import {
        let moduleName = try readName()
        let name = try readName()
        let kindOffset = offset
        let kind = try readU8()
        let descriptor: Import.Descriptor
        switch kind {
        case 0: descriptor = .function(typeIndex: try readU32())
        case 1: descriptor = .table(try readTableType())
        case 2: descriptor = .memory(try readMemoryType())
        case 3: descriptor = .global(try readGlobalType())
        case 4: descriptor = .tag(typeIndex: try readTagType())
        default: throw malformed("malformed import kind", at: kindOffset)
        }
        return Import(module: moduleName, name: name, descriptor: descriptor)
    }

    mutating func readExport() throws -> Export {
        let name = try readName()
        let kindOffset = offset
        let kindByte = try readU8()
        guard kindByte <= 4, let kind = ExternalKind(rawValue: kindByte) else {
            throw malformed("malformed export kind", at: kindOffset)
        }
        return Export(name: name, kind: kind, index: try readU32())
    }

    /// A tag type: an attribute byte (0, "exception") and the type index of its parameters.
    mutating func readTagType() throws -> UInt32 {
        let attributeOffset = offset
        guard try readU8() == 0 else { throw malformed("malformed tag attribute", at: attributeOffset) }
        return try readU32()
    }

    mutating func readGlobal() throws -> GlobalDefinition {
        let type = try readGlobalType()
        return GlobalDefinition(type: type, initializer: try readConstExpr())
    }

    /// The eight element segment forms, selected by a flags field: bit 0 passive or
    /// declarative, bit 1 explicit table index (active) or declarative (non-active),
    /// bit 2 expressions instead of function indices.
    mutating func readElementSegment() throws -> ElementSegment {
        let flagsOffset = offset
        let flags = try readU32()
        guard flags <= 7 else { throw malformed("malformed elements segment kind", at: flagsOffset) }
        let usesExpressions = flags & 4 != 0
        let mode: ElementSegment.Mode
        var hasTypeField = true
        if flags & 1 == 0 {
            let table: UInt32 = flags & 2 != 0 ? try readU32() : 0
            mode = .active(table: table, offset: try readConstExpr())
            // Forms 0 and 4 imply funcref and carry no type field.
            hasTypeField = flags & 2 != 0
        } else {
            mode = flags & 2 != 0 ? .declarative : .passive
        }
        // Function indices are never null: Wasm 3.0 types those forms `(ref func)`, which still
        // matches the `funcref` of Wasm 2.0 wherever a segment is used.
        var type = usesExpressions ? RefType.funcref : RefType(nullable: false, heapType: .func)
        if hasTypeField {
            if usesExpressions {
                type = try readRefType()
            } else {
                let kindOffset = offset
                guard try readU8() == 0x00 else { throw malformed("malformed element kind", at: kindOffset) }
            }
        }
        let items: ElementSegment.Items
        if usesExpressions {
            items = .expressions(try readVector(minElementSize: 2) { try $0.readConstExpr() })
        } else {
            items = .functions(try readVector { try $0.readU32() })
        }
        return ElementSegment(type: type, mode: mode, items: items)
    }

    /// The three data segment forms: 0 active in memory 0, 1 passive, 2 active with an
    /// explicit memory index.
    mutating func readDataSegment() throws -> DataSegment {
        let flagsOffset = offset
        let flags = try readU32()
        let mode: DataSegment.Mode
        switch flags {
        case 0: mode = .active(memory: 0, offset: try readConstExpr())
        case 1: mode = .passive
        case 2:
            let memory = try readU32()
            mode = .active(memory: memory, offset: try readConstExpr())
        default: throw malformed("malformed data segment kind", at: flagsOffset)
        }
        let length = try readU32()
        guard Int(length) <= remaining else { throw unexpectedEnd() }
        return DataSegment(mode: mode, bytes: try readByteRange(Int(length)))
    }

    /// A function body: its size, local declarations and the range of its instructions.
    /// The instructions are not decoded here, but the body must end with `end` (0x0B).
    mutating func readFunctionBody() throws -> FunctionBody {
        let sizeOffset = offset
        let size = Int(try readU32())
        guard size <= remaining else { throw unexpectedEnd() }
        let bodyRange = offset..<(offset + size)
        offset = bodyRange.upperBound
        var body = ByteReader(bytes: bytes, range: bodyRange)
        let runCount = Int(try body.readU32())
        var runs: [FunctionBody.LocalRun] = []
        runs.reserveCapacity(Swift.min(runCount, body.remaining / 2))
        var total: UInt64 = 0
        for _ in 0..<runCount {
            let count = try body.readU32()
            let type = try body.readValueType()
            total += UInt64(count)
            if total > UInt64(UInt32.max) {
                throw malformed("too many locals", at: sizeOffset)
            }
            runs.append(FunctionBody.LocalRun(count: count, type: type))
        }
        if total > UInt64(ModuleDecoder.maxLocalsPerFunction) {
            throw SwasmError.unsupported(
                "function at offset \(sizeOffset) declares \(total) locals; at most "
                + "\(ModuleDecoder.maxLocalsPerFunction) are supported")
        }
        guard !body.isAtEnd else { throw body.unexpectedEnd() }
        guard bytes[bodyRange.upperBound - 1] == 0x0B else {
            throw malformed("END opcode expected", at: bodyRange.upperBound - 1)
        }
        return FunctionBody(localRuns: runs, localCount: Int(total), code: body.offset..<bodyRange.upperBound)
    }
}
