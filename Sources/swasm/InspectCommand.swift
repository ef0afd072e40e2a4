import Swasm

/// `swasm inspect`: a summary of a module's structure.
struct InspectCommand {
    static let spec = CommandSpec(
        name: "inspect",
        abstract: "Show a module's sections, imports, exports and the features it uses.",
        usage: "swasm inspect FILE",
        arguments: [("FILE", "The module (.wasm or .wat).")]
    )

    var file: String

    init(parsing arguments: [String]) throws {
        file = try ParsedArguments(arguments, for: Self.spec).onlyPositional(Self.spec)
    }

    func run() throws {
        let module = try loadModule(file)
        let s = module.sections
        print("\(file): \(s.bytes.count) bytes")

        print("sections:")
        for section in s.sectionLayout {
            var label = section.name
            if section.id == 0, let custom = s.customSections.first(where: { section.range.contains($0.bytes.lowerBound) || ($0.bytes.isEmpty && $0.bytes.lowerBound == section.range.upperBound) }) {
                label = "custom \"\(custom.name)\""
            }
            let id = String(section.id).leftPadded(to: 2)
            print("  \(id) \(label.rightPadded(to: 24)) offset 0x\(String(section.range.lowerBound, radix: 16).leftPadded(to: 8, with: "0"))  size \(section.range.count)")
        }

        let importedFunctions = s.imports.filter { if case .function = $0.descriptor { return true }; return false }.count
        print("functions: \(importedFunctions + s.functions.count) (\(importedFunctions) imported, \(s.functions.count) defined)")
        print("types: \(s.types.count), tables: \(s.tables.count), memories: \(s.memories.count), globals: \(s.globals.count), element segments: \(s.elements.count), data segments: \(s.data.count)")
        if let start = s.start { print("start: function \(start)") }

        print("imports: \(s.imports.count)")
        for imp in s.imports {
            print("  \(imp.module).\(imp.name): \(describeImport(imp.descriptor, types: s.types))")
        }
        print("exports: \(s.exports.count)")
        for info in module.exports {
            print("  \(info.name): \(describeExtern(info.type))")
        }
        if module.exports.isEmpty && !s.exports.isEmpty {
            for exp in s.exports { print("  \(exp.name): \(exp.kind) \(exp.index)") }
        }
        let features = module.featuresUsed
        print("features: \(features.isEmpty ? "none beyond Wasm 1.0" : features.description)")
    }

    private func describeImport(_ descriptor: Import.Descriptor, types: [FuncType]) -> String {
        switch descriptor {
        case .function(let index):
            let i = Int(index)
            return i < types.count ? describe(types[i]) : "func (type \(index))"
        case .table(let t): return describeExtern(.table(t))
        case .memory(let m): return describeExtern(.memory(m))
        case .global(let g): return describeExtern(.global(g))
        case .tag(let index): return "tag (type \(index))"
        }
    }

    private func describeExtern(_ type: ExternType) -> String {
        switch type {
        case .function(let f): return describe(f)
        case .table(let t): return "table \(describeLimits(t.limits)) \(describe(.ref(t.elementType)))"
        case .memory(let m): return "memory \(describeLimits(m.limits))"
        case .global(let g):
            let v = describe(g.valueType)
            return g.mutable ? "global (mut \(v))" : "global \(v)"
        case .tag(let t): return "tag \(describe(t))"
        }
    }

    private func describeLimits(_ limits: Limits) -> String {
        var s = limits.is64 ? "i64 " : ""
        s += "\(limits.min)"
        if let max = limits.max { s += " \(max)" }
        if limits.shared { s += " shared" }
        return s
    }
}

extension String {
    func leftPadded(to width: Int, with pad: Character = " ") -> String {
        count >= width ? self : String(repeating: pad, count: width - count) + self
    }
    func rightPadded(to width: Int) -> String {
        count >= width ? self : self + String(repeating: " ", count: width - count)
    }
}
