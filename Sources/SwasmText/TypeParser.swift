/// Type definitions (`type`, `rec`, `sub`, `func`, `struct`, `array`), value types and type
/// uses, including the insertion of implicit function types
/// (https://webassembly.github.io/spec/core/text/modules.html#type-uses).
extension ModuleEncoder {
    func parseTypeField(rec: Bool) throws {
        if rec {
            try c.expectParen("rec")
            var group: [SubType] = []
            while c.atParen("type") {
                group.append(try parseTypeDefinition(index: UInt32(typeDefs.count + group.count)))
            }
            try c.expectRParen()
            typeDefs.append(contentsOf: group)
            recGroups.append((true, group))
            if group.count == 1 { registerMatchable(group[0], index: UInt32(typeDefs.count - 1)) }
        } else {
            let sub = try parseTypeDefinition(index: UInt32(typeDefs.count))
            typeDefs.append(sub)
            recGroups.append((false, [sub]))
            registerMatchable(sub, index: UInt32(typeDefs.count - 1))
        }
    }

    func registerMatchable(_ sub: SubType, index: UInt32) {
        if sub.isFinal, sub.supertypes.isEmpty, case .function(let f) = sub.composite,
            matchableFuncTypes[f] == nil
        {
            matchableFuncTypes[f] = index
        }
    }

    /// `(type $id? subtype)`.
    func parseTypeDefinition(index: UInt32) throws -> SubType {
        try c.expectParen("type")
        _ = try c.takeId()
        var sub: SubType
        if c.takeParen("sub") {
            let isFinal = c.takeKeyword("final")
            var supers: [UInt32] = []
            while c.isIndex(c.peek) { supers.append(try resolve(types)) }
            sub = SubType(isFinal: isFinal, supertypes: supers, composite: try parseCompositeType(index: index))
            try c.expectRParen()
        } else {
            sub = SubType(isFinal: true, supertypes: [], composite: try parseCompositeType(index: index))
        }
        try c.expectRParen()
        return sub
    }

    func parseCompositeType(index: UInt32) throws -> CompositeType {
        if c.takeParen("func") {
            let signature = try parseSignature(allowNames: true)
            try c.expectRParen()
            return .function(FuncType(params: signature.params, results: signature.results))
        }
        if c.takeParen("struct") {
            var fields: [FieldType] = []
            var names: [String: UInt32] = [:]
            while c.takeParen("field") {
                let idToken = c.peek
                if let name = try c.takeId() {
                    if names[name] != nil { throw c.error("duplicate field $\(name)", at: idToken) }
                    names[name] = UInt32(fields.count)
                    fields.append(try parseFieldType())
                } else {
                    while c.peek.kind != .rparen { fields.append(try parseFieldType()) }
                }
                try c.expectRParen()
            }
            try c.expectRParen()
            if !names.isEmpty { fieldNames[index] = names }
            return .structure(fields)
        }
        if c.takeParen("array") {
            let field = try parseFieldType()
            try c.expectRParen()
            return .array(field)
        }
        throw c.unexpected()
    }

    func parseFieldType() throws -> FieldType {
        if c.takeParen("mut") {
            let storage = try parseStorageType()
            try c.expectRParen()
            return FieldType(storage: storage, mutable: true)
        }
        return FieldType(storage: try parseStorageType(), mutable: false)
    }

    func parseStorageType() throws -> StorageType {
        if c.takeKeyword("i8") { return .i8 }
        if c.takeKeyword("i16") { return .i16 }
        return .value(try parseValType())
    }

    func parseValType() throws -> ValType {
        let t = c.peek
        if t.kind == .atom {
            c.pos += 1
            switch c.text(t) {
            case "i32": return .i32
            case "i64": return .i64
            case "f32": return .f32
            case "f64": return .f64
            case "v128": return .v128
            case let word:
                if let heap = ValType.referenceShorthands[word] { return .ref(nullable: true, heap) }
                c.pos -= 1
                throw c.error("unexpected token \(word): expected a value type", at: t)
            }
        }
        if c.takeParen("ref") {
            let nullable = c.takeKeyword("null")
            let heap = try parseHeapType()
            try c.expectRParen()
            return .ref(nullable: nullable, heap)
        }
        throw c.unexpected()
    }

    /// A reference type, either shorthand (`funcref`) or `(ref null? ht)`.
    func parseRefType() throws -> (nullable: Bool, heap: HeapType) {
        let t = c.peek
        guard case .ref(let nullable, let heap) = try parseValType() else {
            throw c.error("unexpected token \(c.text(t)): expected a reference type", at: t)
        }
        return (nullable, heap)
    }

    func parseHeapType() throws -> HeapType {
        let t = c.peek
        if t.kind == .atom, let b = HeapType.abstractNames[c.text(t)] {
            c.pos += 1
            return .abstract(b)
        }
        if c.isIndex(t) { return .index(try resolve(types)) }
        throw c.unexpected()
    }

    struct Signature {
        var params: [ValType] = []
        var paramNames: [(String, Token)?] = []
        var results: [ValType] = []
        /// Whether any `(param ...)` or `(result ...)` clause was written.
        var isWritten = false
    }

    /// `(param ...)* (result ...)*`; names are allowed on params of functions and types, not
    /// in instructions' type uses.
    func parseSignature(allowNames: Bool) throws -> Signature {
        var s = Signature()
        while c.atParen("param") {
            c.pos += 2
            s.isWritten = true
            if c.peek.kind == .id {
                let idToken = c.peek
                guard allowNames else { throw c.unexpected() }
                let name = try c.idName(c.advance())
                s.params.append(try parseValType())
                s.paramNames.append((name, idToken))
            } else {
                while c.peek.kind != .rparen {
                    s.params.append(try parseValType())
                    s.paramNames.append(nil)
                }
            }
            try c.expectRParen()
        }
        while c.takeParen("result") {
            s.isWritten = true
            while c.peek.kind != .rparen { s.results.append(try parseValType()) }
            try c.expectRParen()
        }
        return s
    }

    struct TypeUse {
        var index: UInt32
        var params: [ValType]
        var paramNames: [(String, Token)?]
        var results: [ValType]
        var explicit: Bool
    }

    /// `(type x)? (param ...)* (result ...)*`, inserting a new function type at the end of the
    /// type section when no `(type x)` is given and no existing type matches.
    func parseTypeUse(allowNames: Bool) throws -> TypeUse {
        var explicitIndex: UInt32?
        if c.takeParen("type") {
            explicitIndex = try resolve(types)
            try c.expectRParen()
        }
        let s = try parseSignature(allowNames: allowNames)
        let written = FuncType(params: s.params, results: s.results)
        guard let index = explicitIndex else {
            return TypeUse(
                index: funcTypeIndex(written), params: s.params, paramNames: s.paramNames,
                results: s.results, explicit: false)
        }
        var defined: FuncType?
        if Int(index) < typeDefs.count, case .function(let f) = typeDefs[Int(index)].composite {
            defined = f
        }
        if s.isWritten {
            guard let defined, defined == written else {
                throw c.error("inline function type does not match type \(index)")
            }
            return TypeUse(index: index, params: s.params, paramNames: s.paramNames, results: s.results, explicit: true)
        }
        let params = defined?.params ?? []
        return TypeUse(
            index: index, params: params, paramNames: Array(repeating: nil, count: params.count),
            results: defined?.results ?? [], explicit: true)
    }

    func funcTypeIndex(_ type: FuncType) -> UInt32 {
        if let index = matchableFuncTypes[type] { return index }
        let index = UInt32(typeDefs.count)
        let sub = SubType(isFinal: true, supertypes: [], composite: .function(type))
        typeDefs.append(sub)
        recGroups.append((false, [sub]))
        matchableFuncTypes[type] = index
        return index
    }
}
