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
        let features = featuresUsed(s)
        print("features: \(features.isEmpty ? "none beyond Wasm 1.0" : features.joined(separator: ", "))")
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

/// Wasm 2.0 (and later) proposals the module uses, from its types, imports, segments and
/// the instructions of its function bodies.
func featuresUsed(_ s: ModuleSections) -> [String] {
    var features: Set<String> = []
    func note(_ type: ValueType) {
        switch type {
        case .v128: features.insert("simd")
        case .ref(let r):
            if r != .funcref { features.insert("reference-types") }
            if !r.nullable { features.insert("function-references") }
            switch r.heapType {
            case .func, .extern: break
            case .exn, .noexn: features.insert("exception-handling")
            default: features.insert("gc")
            }
        default: break
        }
    }
    for type in s.types {
        if type.results.count > 1 { features.insert("multi-value") }
        type.params.forEach(note)
        type.results.forEach(note)
    }
    var tableCount = s.tables.count
    var memoryCount = s.memories.count
    for imp in s.imports {
        switch imp.descriptor {
        case .table(let t):
            tableCount += 1
            note(.ref(t.elementType))
        case .memory(let m):
            memoryCount += 1
            if m.limits.is64 { features.insert("memory64") }
            if m.limits.shared { features.insert("threads") }
        case .global(let g):
            if g.mutable { features.insert("mutable-globals") }
            note(g.valueType)
        case .tag: features.insert("exception-handling")
        case .function: break
        }
    }
    for t in s.tables { note(.ref(t.elementType)) }
    for m in s.memories {
        if m.limits.is64 { features.insert("memory64") }
        if m.limits.shared { features.insert("threads") }
    }
    if tableCount > 1 { features.insert("reference-types") }
    if memoryCount > 1 { features.insert("multi-memory") }
    for g in s.globals {
        note(g.type.valueType)
        for instruction in g.initializer.instructions {
            switch instruction {
            case .i32Add, .i32Sub, .i32Mul, .i64Add, .i64Sub, .i64Mul: features.insert("extended-const")
            default: break
            }
        }
    }
    for exp in s.exports where exp.kind == .global {
        let importedGlobals = s.imports.filter { if case .global = $0.descriptor { return true }; return false }
        let index = Int(exp.index)
        if index >= importedGlobals.count {
            let defined = index - importedGlobals.count
            if defined < s.globals.count, s.globals[defined].type.mutable { features.insert("mutable-globals") }
        }
    }
    if s.dataCount != nil { features.insert("bulk-memory") }
    for d in s.data {
        if case .passive = d.mode { features.insert("bulk-memory") }
    }
    for e in s.elements {
        switch e.mode {
        case .passive, .declarative: features.insert("bulk-memory")
        case .active(let table, _): if table != 0 { features.insert("reference-types") }
        }
        if e.type != .funcref { features.insert("reference-types") }
        if case .expressions = e.items { features.insert("bulk-memory") }
    }
    for body in s.code {
        for run in body.localRuns { note(run.type) }
        // A set of its own: `note` updates `features`, which must not be borrowed meanwhile.
        var found: Set<String> = []
        scanInstructions(body, in: s, into: &found, note: note)
        features.formUnion(found)
    }
    return features.sorted()
}

private func scanInstructions(
    _ body: FunctionBody, in s: ModuleSections, into features: inout Set<String>, note: (ValueType) -> Void
) {
    var reader = InstructionReader(bytes: s.bytes, range: body.code, features: [.tailCall, .multiMemory])
    while !reader.isAtEnd {
        let instruction: Instruction
        do {
            instruction = try reader.read()
        } catch SwasmError.unsupported(let what) {
            // The reader stops at the first opcode of a proposal it does not decode.
            features.insert(what.contains("SIMD") ? "simd" : "unsupported: \(what)")
            return
        } catch {
            return
        }
        switch instruction {
        case .numeric(let op):
            switch op.rawValue {
            case NumericOp.i32Extend8S.rawValue...NumericOp.i64Extend32S.rawValue:
                features.insert("sign-extension")
            case NumericOp.i32TruncSatF32S.rawValue...NumericOp.i64TruncSatF64U.rawValue:
                features.insert("nontrapping-float-to-int")
            default: break
            }
        case .block(let type), .loop(let type), .if(let type):
            if case .typeIndex(let index) = type, Int(index) < s.types.count {
                let t = s.types[Int(index)]
                if !t.params.isEmpty || t.results.count > 1 { features.insert("multi-value") }
            }
            if case .value(let v) = type { note(v) }
        case .memoryFill, .memoryCopy, .memoryInit, .dataDrop, .tableCopy, .tableInit, .elemDrop:
            features.insert("bulk-memory")
        case .refNull, .refIsNull, .refFunc, .tableGet, .tableSet, .tableSize, .tableGrow, .tableFill, .typedSelect:
            features.insert("reference-types")
        case .callIndirect(_, let table):
            if table != 0 { features.insert("reference-types") }
        case .returnCall, .returnCallIndirect:
            features.insert("tail-call")
        case .throw, .throwRef, .tryTable:
            features.insert("exception-handling")
        case .try, .catch, .catchAll, .delegate, .rethrow:
            features.insert("exception-handling (legacy)")
        case .simd(let simd):
            features.insert(simd.op.isRelaxed ? "relaxed-simd" : "simd")
        case .load(_, let arg), .store(_, let arg):
            if arg.memory != 0 { features.insert("multi-memory") }
        default:
            break
        }
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
