/// smith's `--ensure-termination` bounds every loop and call with one mutable i32 global that
/// it appends after the module's own globals, but it does not export it. Once that fuel runs
/// out every later call traps at its first instruction, so the first export that loops would
/// leave nothing for the others to run. Exporting the global lets the harness refill it before
/// each call, on both tiers alike.
enum FuelExport {
    /// `module` with one more export, `name`, of its last global; nil when the module has no
    /// globals or imports anything but functions (an imported global would come first in the
    /// index space, and the harness offers only functions).
    static func exportingLastGlobal(of module: [UInt8], as name: String) -> [UInt8]? {
        guard module.count >= 8, Array(module.prefix(4)) == [0x00, 0x61, 0x73, 0x6D] else { return nil }
        var sections: [(id: UInt8, content: ArraySlice<UInt8>)] = []
        var reader = LEBReader(bytes: module, position: 8)
        while reader.position < module.count {
            let id = module[reader.position]
            reader.position += 1
            guard let size = reader.u32(), reader.position + Int(size) <= module.count else { return nil }
            sections.append((id, module[reader.position..<reader.position + Int(size)]))
            reader.position += Int(size)
        }
        if let imports = sections.first(where: { $0.id == importSectionID }),
           !importsOnlyFunctions(Array(imports.content)) {
            return nil
        }
        guard let globals = sections.first(where: { $0.id == globalSectionID }) else { return nil }
        var globalReader = LEBReader(bytes: Array(globals.content), position: 0)
        guard let globalCount = globalReader.u32(), globalCount > 0 else { return nil }

        var entry = leb(UInt32(name.utf8.count)) + Array(name.utf8)
        entry.append(globalKind)
        entry += leb(globalCount - 1)

        var output = Array(module.prefix(8))
        var exported = false
        for section in sections {
            if !exported, section.id == exportSectionID {
                var exportReader = LEBReader(bytes: Array(section.content), position: 0)
                guard let count = exportReader.u32() else { return nil }
                let rest = Array(section.content)[exportReader.position...]
                append(section: exportSectionID, content: leb(count + 1) + rest + entry, to: &output)
                exported = true
                continue
            }
            if !exported, sectionsAfterExports.contains(section.id) {
                append(section: exportSectionID, content: leb(1) + entry, to: &output)
                exported = true
            }
            append(section: section.id, content: Array(section.content), to: &output)
        }
        if !exported { append(section: exportSectionID, content: leb(1) + entry, to: &output) }
        return output
    }

    private static func importsOnlyFunctions(_ content: [UInt8]) -> Bool {
        var reader = LEBReader(bytes: content, position: 0)
        guard let count = reader.u32() else { return false }
        for _ in 0..<count {
            for _ in 0..<2 {
                guard let length = reader.u32() else { return false }
                reader.position += Int(length)
            }
            guard reader.position < content.count, content[reader.position] == functionKind else { return false }
            reader.position += 1
            guard reader.u32() != nil else { return false }
        }
        return true
    }

    private static let importSectionID: UInt8 = 2
    private static let functionKind: UInt8 = 0
    private static let globalSectionID: UInt8 = 6
    private static let exportSectionID: UInt8 = 7
    private static let globalKind: UInt8 = 3
    /// Start, element, data count, code and data: the sections the binary format orders after
    /// the export section.
    private static let sectionsAfterExports: Set<UInt8> = [8, 9, 12, 10, 11]

    private static func append(section id: UInt8, content: [UInt8], to output: inout [UInt8]) {
        output.append(id)
        output += leb(UInt32(content.count))
        output += content
    }

    private static func leb(_ value: UInt32) -> [UInt8] {
        var value = value
        var bytes: [UInt8] = []
        repeat {
            var byte = UInt8(value & 0x7F)
            value >>= 7
            if value != 0 { byte |= 0x80 }
            bytes.append(byte)
        } while value != 0
        return bytes
    }
}

private struct LEBReader {
    let bytes: [UInt8]
    var position: Int

    mutating func u32() -> UInt32? {
        var result: UInt32 = 0
        var shift: UInt32 = 0
        while position < bytes.count, shift < 35 {
            let byte = bytes[position]
            position += 1
            result |= UInt32(byte & 0x7F) << shift
            if byte & 0x80 == 0 { return result }
            shift += 7
        }
        return nil
    }
}
