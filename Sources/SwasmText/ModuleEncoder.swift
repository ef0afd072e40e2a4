/// Turns the tokens of one module into binary, in two passes over its fields: the first
/// allocates every index space (so `$id`s may be used before their definition), the second
/// parses each field and appends it straight to its section.
/// https://webassembly.github.io/spec/core/text/modules.html
final class ModuleEncoder {
    var c: TokenCursor

    var types = IndexSpace("type")
    var funcs = IndexSpace("func")
    var tables = IndexSpace("table")
    var memories = IndexSpace("memory")
    var globals = IndexSpace("global")
    var elems = IndexSpace("elem")
    var datas = IndexSpace("data")
    var tags = IndexSpace("tag")
    /// Field names of struct types, by type index.
    var fieldNames: [UInt32: [String: UInt32]] = [:]
    var memoryIs64: [Bool] = []
    var tableIs64: [Bool] = []

    /// Every defined type by index, and how they are grouped for the type section.
    var typeDefs: [SubType] = []
    var recGroups: [(explicit: Bool, types: [SubType])] = []
    /// Function types that an inline type use may match: alone in their group, final,
    /// without supertypes; the first index wins.
    var matchableFuncTypes: [FuncType: UInt32] = [:]

    var imports = VectorBuffer()
    var functions = VectorBuffer()
    var tableSection = VectorBuffer()
    var memorySection = VectorBuffer()
    var tagSection = VectorBuffer()
    var globalSection = VectorBuffer()
    var exports = VectorBuffer()
    var start: UInt32?
    var elemSection = VectorBuffer()
    var code = VectorBuffer()
    var dataSection = VectorBuffer()
    /// `memory.init`, `data.drop` and GC data instructions need the data count section.
    var usesDataCount = false

    var moduleName: String?
    var localNames: [(UInt32, [(UInt32, String)])] = []

    /// Labels and locals of the function (or constant expression) being parsed.
    var fn = FunctionContext()

    let options: WATOptions

    init(bytes: [UInt8], tokens: [Token], options: WATOptions) {
        c = TokenCursor(bytes: bytes, tokens: tokens)
        self.options = options
    }

    static func encode(_ bytes: [UInt8], options: WATOptions) throws -> [UInt8] {
        let tokens = try Lexer.tokenize(bytes)
        let encoder = ModuleEncoder(bytes: bytes, tokens: tokens, options: options)
        return try encoder.encodeModule()
    }

    /// A whole source: `(module $id? field*)` or just `field*`.
    func encodeModule() throws -> [UInt8] {
        let wrapped = c.atParen("module")
        if wrapped {
            c.pos += 2
            moduleName = try c.takeId()
        }
        let fields = try scanFields()
        if wrapped { try c.expectRParen() }
        guard c.peek.kind == .eof else { throw c.unexpected() }
        for field in fields where field.kind == .type || field.kind == .rec {
            c.pos = field.start
            try parseTypeField(rec: field.kind == .rec)
        }
        for field in fields {
            c.pos = field.start
            switch field.kind {
            case .type, .rec: break
            case .importField: try parseImport()
            case .function: try parseFunction(field)
            case .table: try parseTable(field)
            case .memory: try parseMemory(field)
            case .global: try parseGlobal(field)
            case .tag: try parseTag(field)
            case .export: try parseExport()
            case .start: try parseStart()
            case .elem: try parseElem()
            case .data: try parseData()
            }
        }
        return assemble()
    }

    // MARK: - First pass

    enum FieldKind { case type, rec, importField, function, table, memory, global, tag, export, start, elem, data }

    struct FieldInfo {
        var kind: FieldKind
        var start: Int
        var index: UInt32 = 0
        /// The segment created by an inline `(elem ...)` or `(data ...)`.
        var segment: UInt32 = 0
    }

    private func scanFields() throws -> [FieldInfo] {
        var fields: [FieldInfo] = []
        // The kind of the first non-imported definition: imports may not follow one.
        var firstDefinition: String?
        while c.peek.kind == .lparen {
            let start = c.pos
            c.pos += 1
            let keywordToken = c.peek
            guard keywordToken.kind == .atom else { throw c.unexpected() }
            c.pos += 1
            var field: FieldInfo
            func checkImportOrder(_ isImport: Bool, _ kind: String) throws {
                if isImport {
                    if let first = firstDefinition {
                        throw c.error("import after \(first)", at: keywordToken)
                    }
                } else if firstDefinition == nil {
                    firstDefinition = kind
                }
            }
            switch c.text(keywordToken) {
            case "type":
                field = FieldInfo(kind: .type, start: start)
                _ = try types.add(try c.takeId(), cursor: c, at: keywordToken)
            case "rec":
                field = FieldInfo(kind: .rec, start: start)
                while c.atParen("type") {
                    let typeStart = c.pos
                    c.pos += 2
                    let t = c.peek
                    _ = try types.add(try c.takeId(), cursor: c, at: t)
                    c.pos = typeStart
                    try c.skipSExpression()
                }
            case "func":
                let (id, isImport) = try scanDefinitionHead()
                try checkImportOrder(isImport, "function")
                field = FieldInfo(kind: .function, start: start)
                field.index = try funcs.add(id, cursor: c, at: keywordToken)
            case "table":
                let (id, isImport) = try scanDefinitionHead()
                try checkImportOrder(isImport, "table")
                field = FieldInfo(kind: .table, start: start)
                field.index = try tables.add(id, cursor: c, at: keywordToken)
                tableIs64.append(c.isKeyword(c.peek, "i64"))
                if !isImport, try childStarts(with: "elem") {
                    field.segment = try elems.add(nil, cursor: c, at: keywordToken)
                }
            case "memory":
                let (id, isImport) = try scanDefinitionHead()
                try checkImportOrder(isImport, "memory")
                field = FieldInfo(kind: .memory, start: start)
                field.index = try memories.add(id, cursor: c, at: keywordToken)
                memoryIs64.append(c.isKeyword(c.peek, "i64"))
                if !isImport, try childStarts(with: "data") {
                    field.segment = try datas.add(nil, cursor: c, at: keywordToken)
                }
            case "global":
                let (id, isImport) = try scanDefinitionHead()
                try checkImportOrder(isImport, "global")
                field = FieldInfo(kind: .global, start: start)
                field.index = try globals.add(id, cursor: c, at: keywordToken)
            case "tag":
                let (id, isImport) = try scanDefinitionHead()
                try checkImportOrder(isImport, "tag")
                field = FieldInfo(kind: .tag, start: start)
                field.index = try tags.add(id, cursor: c, at: keywordToken)
            case "import":
                try checkImportOrder(true, "")
                field = FieldInfo(kind: .importField, start: start)
                _ = try c.string()
                _ = try c.string()
                try c.expectLParen()
                let kindToken = c.advance()
                let id = try c.takeId()
                switch c.text(kindToken) {
                case "func": field.index = try funcs.add(id, cursor: c, at: kindToken)
                case "table":
                    field.index = try tables.add(id, cursor: c, at: kindToken)
                    tableIs64.append(c.isKeyword(c.peek, "i64"))
                case "memory":
                    field.index = try memories.add(id, cursor: c, at: kindToken)
                    memoryIs64.append(c.isKeyword(c.peek, "i64"))
                case "global": field.index = try globals.add(id, cursor: c, at: kindToken)
                case "tag": field.index = try tags.add(id, cursor: c, at: kindToken)
                default: throw c.error("unexpected token \(c.text(kindToken))", at: kindToken)
                }
            case "export":
                field = FieldInfo(kind: .export, start: start)
            case "start":
                field = FieldInfo(kind: .start, start: start)
            case "elem":
                field = FieldInfo(kind: .elem, start: start)
                field.index = try elems.add(try c.takeId(), cursor: c, at: keywordToken)
            case "data":
                field = FieldInfo(kind: .data, start: start)
                field.index = try datas.add(try c.takeId(), cursor: c, at: keywordToken)
            default:
                throw c.error("unexpected token \(c.text(keywordToken))", at: keywordToken)
            }
            fields.append(field)
            c.pos = start
            try c.skipSExpression()
        }
        return fields
    }

    /// Reads `$id? (export ...)* (import ...)?` of a definition; leaves the cursor after it.
    private func scanDefinitionHead() throws -> (String?, Bool) {
        let id = try c.takeId()
        while c.atParen("export") { try c.skipSExpression() }
        if c.atParen("import") {
            try c.skipSExpression()
            return (id, true)
        }
        return (id, false)
    }

    /// Whether a direct child of the current field is `(word ...)`; the cursor is restored.
    private func childStarts(with word: StaticString) throws -> Bool {
        let saved = c.pos
        defer { c.pos = saved }
        while c.peek.kind != .rparen && c.peek.kind != .eof {
            if c.peek.kind == .lparen {
                if c.atParen(word) { return true }
                try c.skipSExpression()
            } else {
                c.pos += 1
            }
        }
        return false
    }

    // MARK: - Index resolution

    /// An index into `space`: a `$id` or a u32.
    func resolve(_ space: IndexSpace) throws -> UInt32 {
        let t = c.peek
        if t.kind == .id {
            let name = try c.idName(t)
            guard let index = space.names[name] else {
                throw c.error("unknown \(space.kind) $\(name)", at: t)
            }
            c.pos += 1
            return index
        }
        return try c.u32()
    }

    // MARK: - Fields

    private func parseInlineExports(kind: UInt8, index: UInt32) throws {
        while c.takeParen("export") {
            let name = try c.name()
            try c.expectRParen()
            addExport(name, kind: kind, index: index)
        }
    }

    private func addExport(_ name: [UInt8], kind: UInt8, index: UInt32) {
        exports.count += 1
        exports.body.vector(name)
        exports.body.byte(kind)
        exports.body.u32(index)
    }

    /// `(import "m" "n")` inside a definition; returns whether it was there.
    private func beginInlineImport() throws -> Bool {
        guard c.takeParen("import") else { return false }
        let module = try c.name()
        let name = try c.name()
        try c.expectRParen()
        imports.count += 1
        imports.body.vector(module)
        imports.body.vector(name)
        return true
    }

    private func parseImport() throws {
        try c.expectParen("import")
        let module = try c.name()
        let name = try c.name()
        try c.expectLParen()
        let kind = c.advance()
        _ = try c.takeId()
        imports.count += 1
        imports.body.vector(module)
        imports.body.vector(name)
        switch c.text(kind) {
        case "func":
            let use = try parseTypeUse(allowNames: true)
            try checkDuplicateParams(use)
            imports.body.byte(0x00)
            imports.body.u32(use.index)
        case "table":
            imports.body.byte(0x01)
            try parseTableType(into: &imports.body)
        case "memory":
            imports.body.byte(0x02)
            try parseMemoryType(into: &imports.body)
        case "global":
            imports.body.byte(0x03)
            try parseGlobalType(into: &imports.body)
        case "tag":
            imports.body.byte(0x04)
            imports.body.byte(0x00)
            imports.body.u32(try parseTypeUse(allowNames: true).index)
        default:
            throw c.error("unexpected token \(c.text(kind))", at: kind)
        }
        try c.expectRParen()
        try c.expectRParen()
    }

    private func checkDuplicateParams(_ use: TypeUse) throws {
        var seen = Set<String>()
        for case let (name, token)? in use.paramNames where !seen.insert(name).inserted {
            throw c.error("duplicate local $\(name)", at: token)
        }
    }

    private func parseFunction(_ field: FieldInfo) throws {
        try c.expectParen("func")
        _ = try c.takeId()
        try parseInlineExports(kind: 0x00, index: field.index)
        if try beginInlineImport() {
            let use = try parseTypeUse(allowNames: true)
            try checkDuplicateParams(use)
            imports.body.byte(0x00)
            imports.body.u32(use.index)
            try c.expectRParen()
            return
        }
        let use = try parseTypeUse(allowNames: true)
        functions.count += 1
        functions.body.u32(use.index)

        fn = FunctionContext()
        var names: [(UInt32, String)] = []
        func bindLocal(_ name: String?, _ token: Token?) throws {
            let index = fn.localCount
            fn.localCount += 1
            guard let name else { return }
            if fn.locals[name] != nil {
                throw c.error("duplicate local $\(name)", at: token)
            }
            fn.locals[name] = index
            names.append((index, name))
        }
        for p in use.paramNames { try bindLocal(p?.0, p?.1) }
        var localTypes: [ValType] = []
        while c.takeParen("local") {
            if c.peek.kind == .id {
                let token = c.peek
                try bindLocal(try c.takeId(), token)
                localTypes.append(try parseValType())
            } else {
                while c.peek.kind != .rparen {
                    try bindLocal(nil, nil)
                    localTypes.append(try parseValType())
                }
            }
            try c.expectRParen()
        }
        var body = ByteWriter()
        // Locals are run-length encoded by type.
        var groups: [(UInt32, ValType)] = []
        for t in localTypes {
            if let last = groups.last, last.1 == t {
                groups[groups.count - 1].0 += 1
            } else {
                groups.append((1, t))
            }
        }
        body.u32(UInt32(groups.count))
        for (count, type) in groups {
            body.u32(count)
            type.encode(into: &body)
        }
        try parseInstructions(into: &body)
        guard c.peek.kind == .rparen else { throw c.unexpected() }
        c.pos += 1
        body.byte(0x0B)
        code.count += 1
        code.body.vector(body.bytes)
        if !names.isEmpty { localNames.append((field.index, names)) }
    }

    /// The optional address type of a table or memory: `i64` or the default `i32`.
    private func takeAddressType() -> Bool {
        if c.takeKeyword("i64") { return true }
        _ = c.takeKeyword("i32")
        return false
    }

    private func parseLimits(is64: Bool) throws -> Limits {
        let bits = is64 || options.wideLimits ? 64 : 32
        let min = try c.unsigned(bits: bits)
        var max: UInt64?
        if c.isUnsigned(c.peek) { max = try c.unsigned(bits: bits) }
        return Limits(min: min, max: max, is64: is64)
    }

    private func parseTableType(into w: inout ByteWriter) throws {
        let is64 = takeAddressType()
        let limits = try parseLimits(is64: is64)
        let ref = try parseRefType()
        ValType.ref(nullable: ref.nullable, ref.heap).encode(into: &w)
        limits.encode(into: &w)
    }

    private func parseMemoryType(into w: inout ByteWriter) throws {
        let is64 = takeAddressType()
        var limits = try parseLimits(is64: is64)
        if c.takeKeyword("shared") {
            limits.shared = true
        } else {
            _ = c.takeKeyword("unshared")
        }
        if c.takeParen("pagesize") {
            let t = c.peek
            let size = try c.u32()
            guard size != 0, size & (size - 1) == 0 else { throw c.error("invalid custom page size", at: t) }
            limits.pageSizeLog2 = UInt32(size.trailingZeroBitCount)
            try c.expectRParen()
        }
        limits.encode(into: &w)
    }

    private func parseGlobalType(into w: inout ByteWriter) throws {
        if c.takeParen("mut") {
            try parseValType().encode(into: &w)
            w.byte(0x01)
            try c.expectRParen()
        } else {
            try parseValType().encode(into: &w)
            w.byte(0x00)
        }
    }

    private func parseTable(_ field: FieldInfo) throws {
        try c.expectParen("table")
        _ = try c.takeId()
        try parseInlineExports(kind: 0x01, index: field.index)
        if try beginInlineImport() {
            imports.body.byte(0x01)
            try parseTableType(into: &imports.body)
            try c.expectRParen()
            return
        }
        let is64 = takeAddressType()
        if !c.isUnsigned(c.peek) {
            // `(table reftype (elem ...))`: the table is sized to fit the segment exactly.
            let ref = try parseRefType()
            try c.expectParen("elem")
            var segment = ByteWriter()
            let count = try parseElemList(refType: ref, into: &segment, activeTable: field.index, is64: is64)
            try c.expectRParen()
            try c.expectRParen()
            tableSection.count += 1
            ValType.ref(nullable: ref.nullable, ref.heap).encode(into: &tableSection.body)
            Limits(min: UInt64(count), max: UInt64(count), is64: is64).encode(into: &tableSection.body)
            elemSection.count += 1
            elemSection.body.append(segment.bytes)
            return
        }
        let limits = try parseLimits(is64: is64)
        let ref = try parseRefType()
        tableSection.count += 1
        if c.peek.kind == .lparen {
            // A table with an initializer expression.
            tableSection.body.byte(0x40)
            tableSection.body.byte(0x00)
            ValType.ref(nullable: ref.nullable, ref.heap).encode(into: &tableSection.body)
            limits.encode(into: &tableSection.body)
            try parseConstantExpression(into: &tableSection.body)
        } else {
            ValType.ref(nullable: ref.nullable, ref.heap).encode(into: &tableSection.body)
            limits.encode(into: &tableSection.body)
        }
        try c.expectRParen()
    }

    private func parseMemory(_ field: FieldInfo) throws {
        try c.expectParen("memory")
        _ = try c.takeId()
        try parseInlineExports(kind: 0x02, index: field.index)
        if try beginInlineImport() {
            imports.body.byte(0x02)
            try parseMemoryType(into: &imports.body)
            try c.expectRParen()
            return
        }
        let saved = c.pos
        let is64 = takeAddressType()
        var pageSizeLog2: UInt32?
        if c.takeParen("pagesize") {
            let size = try c.u32()
            guard size != 0, size & (size - 1) == 0 else { throw c.error("invalid custom page size") }
            pageSizeLog2 = UInt32(size.trailingZeroBitCount)
            try c.expectRParen()
        }
        if c.takeParen("data") {
            var contents: [UInt8] = []
            while c.peek.kind == .string { contents += try c.string() }
            try c.expectRParen()
            try c.expectRParen()
            let pageSize = UInt64(1) << UInt64(pageSizeLog2 ?? 16)
            let pages = (UInt64(contents.count) + pageSize - 1) / pageSize
            memorySection.count += 1
            Limits(min: pages, max: pages, is64: is64, pageSizeLog2: pageSizeLog2).encode(into: &memorySection.body)
            dataSection.count += 1
            // Memory 0's segment keeps the short form; another memory's names its index.
            if field.index == 0 {
                dataSection.body.byte(0x00)
            } else {
                dataSection.body.byte(0x02)
                dataSection.body.u32(field.index)
            }
            dataSection.body.byte(is64 ? 0x42 : 0x41)
            dataSection.body.byte(0x00)
            dataSection.body.byte(0x0B)
            dataSection.body.vector(contents)
            return
        }
        c.pos = saved
        memorySection.count += 1
        try parseMemoryType(into: &memorySection.body)
        try c.expectRParen()
    }

    private func parseGlobal(_ field: FieldInfo) throws {
        try c.expectParen("global")
        _ = try c.takeId()
        try parseInlineExports(kind: 0x03, index: field.index)
        if try beginInlineImport() {
            imports.body.byte(0x03)
            try parseGlobalType(into: &imports.body)
            try c.expectRParen()
            return
        }
        globalSection.count += 1
        try parseGlobalType(into: &globalSection.body)
        try parseConstantExpression(into: &globalSection.body)
        try c.expectRParen()
    }

    private func parseTag(_ field: FieldInfo) throws {
        try c.expectParen("tag")
        _ = try c.takeId()
        try parseInlineExports(kind: 0x04, index: field.index)
        if try beginInlineImport() {
            imports.body.byte(0x04)
            imports.body.byte(0x00)
            imports.body.u32(try parseTypeUse(allowNames: true).index)
            try c.expectRParen()
            return
        }
        tagSection.count += 1
        tagSection.body.byte(0x00)
        tagSection.body.u32(try parseTypeUse(allowNames: true).index)
        try c.expectRParen()
    }

    private func parseExport() throws {
        try c.expectParen("export")
        let name = try c.name()
        try c.expectLParen()
        let kind = c.advance()
        let index: UInt32
        let code: UInt8
        switch c.text(kind) {
        case "func": code = 0; index = try resolve(funcs)
        case "table": code = 1; index = try resolve(tables)
        case "memory": code = 2; index = try resolve(memories)
        case "global": code = 3; index = try resolve(globals)
        case "tag": code = 4; index = try resolve(tags)
        default: throw c.error("unexpected token \(c.text(kind))", at: kind)
        }
        try c.expectRParen()
        try c.expectRParen()
        addExport(name, kind: code, index: index)
    }

    private func parseStart() throws {
        let t = c.peek
        try c.expectParen("start")
        if start != nil { throw c.error("multiple start sections", at: t) }
        start = try resolve(funcs)
        try c.expectRParen()
    }

    /// An expression that ends at the closing parenthesis of its field, followed by `end`.
    func parseConstantExpression(into w: inout ByteWriter) throws {
        fn = FunctionContext()
        try parseInstructions(into: &w)
        w.byte(0x0B)
    }

    /// `(offset instr*)` or a single folded instruction.
    private func parseOffset(into w: inout ByteWriter) throws {
        fn = FunctionContext()
        if c.takeParen("offset") {
            try parseInstructions(into: &w)
            try c.expectRParen()
        } else {
            try parseFoldedInstruction(into: &w)
        }
        w.byte(0x0B)
    }

    private func parseElem() throws {
        try c.expectParen("elem")
        _ = try c.takeId()
        var segment = ByteWriter()
        if c.takeKeyword("declare") {
            try parseElemBody(mode: .declarative, into: &segment)
        } else if c.atParen("table") || c.isIndex(c.peek) {
            var table: UInt32
            if c.takeParen("table") {
                table = try resolve(tables)
                try c.expectRParen()
            } else {
                table = try resolve(tables)
            }
            try parseElemBody(mode: .active(table: table, explicitTable: true), into: &segment)
        } else if c.peek.kind == .lparen && !c.atParen("ref") && !c.atParen("item") {
            try parseElemBody(mode: .active(table: 0, explicitTable: false), into: &segment)
        } else {
            try parseElemBody(mode: .passive, into: &segment)
        }
        try c.expectRParen()
        elemSection.count += 1
        elemSection.body.append(segment.bytes)
    }

    enum ElemMode {
        case passive, declarative
        case active(table: UInt32, explicitTable: Bool)
    }

    /// After the mode: the offset (if active) and the element list, encoded with the flags
    /// that describe them (https://webassembly.github.io/spec/core/binary/modules.html#element-section).
    private func parseElemBody(mode: ElemMode, into w: inout ByteWriter) throws {
        var offset = ByteWriter()
        if case .active = mode { try parseOffset(into: &offset) }
        // `func x*`, `reftype expr*`, or (active only, for compatibility) bare `x*`.
        var refType: (nullable: Bool, heap: HeapType) = (true, .funcType)
        var usesExpressions: Bool
        if c.takeKeyword("func") {
            usesExpressions = false
        } else if (c.peek.kind == .atom && !c.isIndex(c.peek)) || c.atParen("ref") {
            refType = try parseRefType()
            usesExpressions = true
        } else {
            guard case .active = mode else { throw c.unexpected() }
            usesExpressions = false
        }
        var items = ByteWriter()
        var count: UInt32 = 0
        if usesExpressions {
            while c.peek.kind == .lparen {
                try parseElemExpression(into: &items)
                count += 1
            }
        } else {
            while c.isIndex(c.peek) {
                items.u32(try resolve(funcs))
                count += 1
            }
        }
        let isFuncref = refType.nullable && refType.heap == .funcType
        var flags: UInt8 = usesExpressions ? 4 : 0
        switch mode {
        case .passive: flags |= 1
        case .declarative: flags |= 3
        case .active(let table, _):
            if table != 0 || (usesExpressions && !isFuncref) { flags |= 2 }
        }
        w.u32(UInt32(flags))
        if case .active(let table, _) = mode, flags & 2 != 0 { w.u32(table) }
        if case .active = mode { w.append(offset.bytes) }
        if flags & 3 != 0 {
            if usesExpressions {
                ValType.ref(nullable: refType.nullable, refType.heap).encode(into: &w)
            } else {
                w.byte(0x00)
            }
        }
        w.u32(count)
        w.append(items.bytes)
    }

    /// `(item instr*)` or a single folded instruction, with its `end`.
    private func parseElemExpression(into w: inout ByteWriter) throws {
        fn = FunctionContext()
        if c.takeParen("item") {
            try parseInstructions(into: &w)
            try c.expectRParen()
        } else {
            try parseFoldedInstruction(into: &w)
        }
        w.byte(0x0B)
    }

    /// The element list of a table's inline `(elem ...)`: expressions or function indices.
    /// Writes an active segment for `activeTable` at offset 0 and returns the element count.
    private func parseElemList(
        refType: (nullable: Bool, heap: HeapType), into w: inout ByteWriter,
        activeTable: UInt32, is64: Bool
    ) throws -> UInt32 {
        var items = ByteWriter()
        var count: UInt32 = 0
        let isFuncref = refType.nullable && refType.heap == .funcType
        // Function indices make a `(ref func)` segment; a table of another type (`(ref null $t)`)
        // gets them as `ref.func` expressions of its own type.
        let usesExpressions = c.peek.kind == .lparen || !isFuncref
        if c.peek.kind == .lparen {
            while c.peek.kind == .lparen {
                try parseElemExpression(into: &items)
                count += 1
            }
        } else {
            while c.isIndex(c.peek) {
                let index = try resolve(funcs)
                if usesExpressions {
                    items.byte(0xD2)
                    items.u32(index)
                    items.byte(0x0B)
                } else {
                    items.u32(index)
                }
                count += 1
            }
        }
        var flags: UInt8 = usesExpressions ? 4 : 0
        if activeTable != 0 || (usesExpressions && !isFuncref) { flags |= 2 }
        w.u32(UInt32(flags))
        if flags & 2 != 0 { w.u32(activeTable) }
        w.byte(is64 ? 0x42 : 0x41)
        w.byte(0x00)
        w.byte(0x0B)
        if flags & 2 != 0 {
            if usesExpressions {
                ValType.ref(nullable: refType.nullable, refType.heap).encode(into: &w)
            } else {
                w.byte(0x00)
            }
        }
        w.u32(count)
        w.append(items.bytes)
        return count
    }

    private func parseData() throws {
        try c.expectParen("data")
        _ = try c.takeId()
        var memory: UInt32?
        if c.takeParen("memory") {
            memory = try resolve(memories)
            try c.expectRParen()
        } else if c.isIndex(c.peek) {
            memory = try resolve(memories)
        }
        dataSection.count += 1
        if c.peek.kind == .lparen {
            let index = memory ?? 0
            if index == 0 {
                dataSection.body.byte(0x00)
            } else {
                dataSection.body.byte(0x02)
                dataSection.body.u32(index)
            }
            try parseOffset(into: &dataSection.body)
        } else {
            guard memory == nil else { throw c.unexpected() }
            dataSection.body.byte(0x01)
        }
        var contents: [UInt8] = []
        while c.peek.kind == .string { contents += try c.string() }
        dataSection.body.vector(contents)
        try c.expectRParen()
    }

    // MARK: - Output

    private func assemble() -> [UInt8] {
        var w = ByteWriter()
        w.append([0x00, 0x61, 0x73, 0x6D, 0x01, 0x00, 0x00, 0x00])
        if !recGroups.isEmpty {
            var t = ByteWriter()
            t.u32(UInt32(recGroups.count))
            for group in recGroups {
                if group.explicit {
                    t.byte(0x4E)
                    t.u32(UInt32(group.types.count))
                }
                for sub in group.types { sub.encode(into: &t) }
            }
            w.section(1, t.bytes)
        }
        if !imports.isEmpty { w.section(2, imports.encoded()) }
        if !functions.isEmpty { w.section(3, functions.encoded()) }
        if !tableSection.isEmpty { w.section(4, tableSection.encoded()) }
        if !memorySection.isEmpty { w.section(5, memorySection.encoded()) }
        if !tagSection.isEmpty { w.section(13, tagSection.encoded()) }
        if !globalSection.isEmpty { w.section(6, globalSection.encoded()) }
        if !exports.isEmpty { w.section(7, exports.encoded()) }
        if let start {
            var s = ByteWriter()
            s.u32(start)
            w.section(8, s.bytes)
        }
        if !elemSection.isEmpty { w.section(9, elemSection.encoded()) }
        if usesDataCount {
            var s = ByteWriter()
            s.u32(datas.count)
            w.section(12, s.bytes)
        }
        if !code.isEmpty { w.section(10, code.encoded()) }
        if !dataSection.isEmpty { w.section(11, dataSection.encoded()) }
        let names = nameSection()
        if !names.isEmpty { w.section(0, names) }
        return w.bytes
    }

    /// The `name` custom section: module, function and local names from `$id`s
    /// (https://webassembly.github.io/spec/core/appendix/custom.html#name-section).
    private func nameSection() -> [UInt8] {
        var subsections = ByteWriter()
        func nameMap(_ entries: [(UInt32, String)], into w: inout ByteWriter) {
            let sorted = entries.sorted { $0.0 < $1.0 }
            w.u32(UInt32(sorted.count))
            for (index, name) in sorted {
                w.u32(index)
                w.vector(Array(name.utf8))
            }
        }
        if let moduleName {
            var s = ByteWriter()
            s.vector(Array(moduleName.utf8))
            subsections.byte(0)
            subsections.vector(s.bytes)
        }
        if !funcs.named.isEmpty {
            var s = ByteWriter()
            nameMap(funcs.named, into: &s)
            subsections.byte(1)
            subsections.vector(s.bytes)
        }
        if !localNames.isEmpty {
            var s = ByteWriter()
            let sorted = localNames.sorted { $0.0 < $1.0 }
            s.u32(UInt32(sorted.count))
            for (function, names) in sorted {
                s.u32(function)
                nameMap(names, into: &s)
            }
            subsections.byte(2)
            subsections.vector(s.bytes)
        }
        if subsections.bytes.isEmpty { return [] }
        var w = ByteWriter()
        w.vector(Array("name".utf8))
        w.append(subsections.bytes)
        return w.bytes
    }
}

/// What instruction parsing needs to know about the enclosing function.
struct FunctionContext {
    var locals: [String: UInt32] = [:]
    var localCount: UInt32 = 0
    /// Enclosing block labels, innermost last.
    var labels: [String?] = []
}
