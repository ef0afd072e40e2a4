/// Immediates of individual instructions, encoded as they are read
/// (https://webassembly.github.io/spec/core/text/instructions.html).
extension ModuleEncoder {
    /// `try_table` catch clauses; their labels are resolved outside the `try_table` block.
    func parseCatchClauses(into w: inout ByteWriter) throws {
        var clauses = ByteWriter()
        var count: UInt32 = 0
        while c.peek.kind == .lparen {
            if c.takeParen("catch") {
                clauses.byte(0x00)
                clauses.u32(try resolve(tags))
            } else if c.takeParen("catch_ref") {
                clauses.byte(0x01)
                clauses.u32(try resolve(tags))
            } else if c.takeParen("catch_all") {
                clauses.byte(0x02)
            } else if c.takeParen("catch_all_ref") {
                clauses.byte(0x03)
            } else {
                break
            }
            clauses.u32(try resolveLabel())
            try c.expectRParen()
            count += 1
        }
        w.u32(count)
        w.append(clauses.bytes)
    }

    /// A block type: empty (0x40), one result value type, or a type index.
    func parseBlockType(into w: inout ByteWriter) throws {
        if !c.atParen("type") {
            let s = try parseSignature(allowNames: false)
            if s.params.isEmpty && s.results.count <= 1 {
                if let result = s.results.first {
                    result.encode(into: &w)
                } else {
                    w.byte(0x40)
                }
                return
            }
            w.s64(Int64(funcTypeIndex(FuncType(params: s.params, results: s.results))))
            return
        }
        let use = try parseTypeUse(allowNames: false)
        w.s64(Int64(use.index))
    }

    func resolveLabel() throws -> UInt32 {
        let t = c.peek
        if t.kind == .id {
            let name = try c.idName(t)
            guard let depth = fn.labels.lastIndex(where: { $0 == name }) else {
                throw c.error("unknown label $\(name)", at: t)
            }
            c.pos += 1
            return UInt32(fn.labels.count - 1 - depth)
        }
        return try c.u32()
    }

    private func resolveLocal() throws -> UInt32 {
        let t = c.peek
        if t.kind == .id {
            let name = try c.idName(t)
            guard let index = fn.locals[name] else { throw c.error("unknown local $\(name)", at: t) }
            c.pos += 1
            return index
        }
        return try c.u32()
    }

    private func resolveField(of type: UInt32) throws -> UInt32 {
        let t = c.peek
        if t.kind == .id {
            let name = try c.idName(t)
            guard let index = fieldNames[type]?[name] else { throw c.error("unknown field $\(name)", at: t) }
            c.pos += 1
            return index
        }
        return try c.u32()
    }

    /// Counts the index tokens ahead, to tell `table.init $t $e` from `table.init $e`.
    private func indicesAhead() -> Int {
        var n = 0
        while c.isIndex(c.peek(n)) { n += 1 }
        return n
    }

    /// Writes an instruction without a body: its opcode and immediates.
    func encodeInstruction(_ info: InstructionInfo, into w: inout ByteWriter) throws {
        let opcode = info.opcode
        switch info.immediate {
        case .none:
            opcode.encode(into: &w)
        case .label:
            opcode.encode(into: &w)
            w.u32(try resolveLabel())
        case .labelTable:
            opcode.encode(into: &w)
            var labels: [UInt32] = []
            while c.isIndex(c.peek) { labels.append(try resolveLabel()) }
            guard let last = labels.popLast() else { throw c.unexpected() }
            w.u32(UInt32(labels.count))
            for l in labels { w.u32(l) }
            w.u32(last)
        case .function:
            opcode.encode(into: &w)
            w.u32(try resolve(funcs))
        case .callIndirect:
            let table = c.isIndex(c.peek) ? try resolve(tables) : 0
            let use = try parseTypeUse(allowNames: false)
            opcode.encode(into: &w)
            w.u32(use.index)
            w.u32(table)
        case .type:
            opcode.encode(into: &w)
            w.u32(try resolve(types))
        case .typeField:
            opcode.encode(into: &w)
            let type = try resolve(types)
            w.u32(type)
            w.u32(try resolveField(of: type))
        case .typeData:
            opcode.encode(into: &w)
            w.u32(try resolve(types))
            w.u32(try resolve(datas))
            usesDataCount = true
        case .typeElem:
            opcode.encode(into: &w)
            w.u32(try resolve(types))
            w.u32(try resolve(elems))
        case .typeCount:
            opcode.encode(into: &w)
            w.u32(try resolve(types))
            w.u32(try c.u32())
        case .typeType:
            opcode.encode(into: &w)
            w.u32(try resolve(types))
            w.u32(try resolve(types))
        case .local:
            opcode.encode(into: &w)
            w.u32(try resolveLocal())
        case .global:
            opcode.encode(into: &w)
            w.u32(try resolve(globals))
        case .table:
            opcode.encode(into: &w)
            w.u32(c.isIndex(c.peek) ? try resolve(tables) : 0)
        case .tableCopy:
            opcode.encode(into: &w)
            if c.isIndex(c.peek) {
                w.u32(try resolve(tables))
                w.u32(try resolve(tables))
            } else {
                w.u32(0)
                w.u32(0)
            }
        case .tableInit:
            opcode.encode(into: &w)
            let table = indicesAhead() >= 2 ? try resolve(tables) : 0
            w.u32(try resolve(elems))
            w.u32(table)
        case .elem:
            opcode.encode(into: &w)
            w.u32(try resolve(elems))
        case .memory:
            opcode.encode(into: &w)
            w.u32(c.isIndex(c.peek) ? try resolve(memories) : 0)
        case .memoryCopy:
            opcode.encode(into: &w)
            if c.isIndex(c.peek) {
                w.u32(try resolve(memories))
                w.u32(try resolve(memories))
            } else {
                w.u32(0)
                w.u32(0)
            }
        case .memoryInit:
            opcode.encode(into: &w)
            let memory = indicesAhead() >= 2 ? try resolve(memories) : 0
            w.u32(try resolve(datas))
            w.u32(memory)
            usesDataCount = true
        case .data:
            opcode.encode(into: &w)
            w.u32(try resolve(datas))
            usesDataCount = true
        case .tag:
            opcode.encode(into: &w)
            w.u32(try resolve(tags))
        case .memarg(let naturalAlignment):
            opcode.encode(into: &w)
            let memory = c.isIndex(c.peek) ? try resolve(memories) : 0
            try parseMemarg(memory: memory, naturalAlignment: naturalAlignment, into: &w)
        case .memargLane(let naturalAlignment):
            opcode.encode(into: &w)
            // `v128.load8_lane 1 2` names memory 1; a lone number is the lane.
            var memory: UInt32 = 0
            let next = c.peek(1)
            if c.peek.kind == .id
                || (c.isUnsigned(c.peek) && (c.isUnsigned(next) || isMemargKeyword(next)))
            {
                memory = try resolve(memories)
            }
            try parseMemarg(memory: memory, naturalAlignment: naturalAlignment, into: &w)
            w.byte(try laneIndex())
        case .i32:
            opcode.encode(into: &w)
            w.s32(Int32(bitPattern: UInt32(truncatingIfNeeded: try c.integer(bits: 32))))
        case .i64:
            opcode.encode(into: &w)
            w.s64(Int64(bitPattern: try c.integer(bits: 64)))
        case .f32:
            opcode.encode(into: &w)
            w.u32LE(UInt32(truncatingIfNeeded: try c.float(.f32)))
        case .f64:
            opcode.encode(into: &w)
            w.u64LE(try c.float(.f64))
        case .v128:
            opcode.encode(into: &w)
            w.append(try parseV128Literal(&c))
        case .lane:
            opcode.encode(into: &w)
            w.byte(try laneIndex())
        case .zeroByte:
            opcode.encode(into: &w)
            w.byte(0x00)
        case .shuffle:
            opcode.encode(into: &w)
            for _ in 0..<16 { w.byte(try laneIndex()) }
        case .select:
            var types: [ValType] = []
            var typed = false
            while c.takeParen("result") {
                typed = true
                while c.peek.kind != .rparen { types.append(try parseValType()) }
                try c.expectRParen()
            }
            if typed {
                InstructionTable.selectTyped.encode(into: &w)
                w.u32(UInt32(types.count))
                for t in types { t.encode(into: &w) }
            } else {
                opcode.encode(into: &w)
            }
        case .heapType:
            opcode.encode(into: &w)
            try parseHeapType().encode(into: &w)
        case .refType:
            let type = try parseRefType()
            Opcode(prefix: opcode.prefix, code: opcode.code + (type.nullable ? 1 : 0)).encode(into: &w)
            type.heap.encode(into: &w)
        case .brOnCast:
            opcode.encode(into: &w)
            let label = try resolveLabel()
            let from = try parseRefType()
            let to = try parseRefType()
            w.byte((from.nullable ? 1 : 0) | (to.nullable ? 2 : 0))
            w.u32(label)
            from.heap.encode(into: &w)
            to.heap.encode(into: &w)
        case .block, .ifBlock, .tryTable, .legacyTry:
            throw c.unexpected()
        }
    }

    private func isMemargKeyword(_ t: Token) -> Bool {
        guard t.kind == .atom, t.end - t.start > 6 else { return false }
        let text = c.text(t)
        return text.hasPrefix("offset=") || text.hasPrefix("align=")
    }

    private func laneIndex() throws -> UInt8 {
        let t = c.peek
        guard c.isUnsigned(t) else { throw c.error("unexpected token \(c.text(t)): expected a lane index", at: t) }
        guard case .success(let v) = parseUnsigned(c.bytes, t.start, t.end, bits: 8) else {
            throw c.error("malformed lane index", at: t)
        }
        c.pos += 1
        return UInt8(v)
    }

    /// `offset=N? align=N?` for the given memory; the memory index is encoded only when
    /// nonzero, flagged by bit 6 of the alignment field.
    private func parseMemarg(memory: UInt32, naturalAlignment: UInt8, into w: inout ByteWriter) throws {
        let is64 = (Int(memory) < memoryIs64.count && memoryIs64[Int(memory)]) || options.wideLimits
        var offset: UInt64 = 0
        var alignLog2 = UInt32(naturalAlignment)
        if let (start, end) = keywordValue("offset=") {
            switch parseUnsigned(c.bytes, start, end, bits: is64 ? 64 : 32) {
            case .success(let v): offset = v
            case .failure(.outOfRange): throw c.error("i\(is64 ? 64 : 32) constant out of range: offset")
            case .failure(.syntax): throw c.error("unknown operator \(c.text(c.peek))")
            }
            c.pos += 1
        }
        if let (start, end) = keywordValue("align=") {
            switch parseUnsigned(c.bytes, start, end, bits: options.wideLimits ? 64 : 32) {
            case .success(let v):
                guard v != 0, v & (v - 1) == 0 else { throw c.error("alignment must be a power of two") }
                alignLog2 = UInt32(v.trailingZeroBitCount)
            case .failure(.outOfRange): throw c.error("alignment out of range")
            case .failure(.syntax): throw c.error("unknown operator \(c.text(c.peek))")
            }
            c.pos += 1
        }
        if memory != 0 {
            w.u32(alignLog2 | 0x40)
            w.u32(memory)
        } else {
            w.u32(alignLog2)
        }
        w.u64(offset)
    }

    /// If the next token is `key=value`, the byte range of `value`.
    private func keywordValue(_ key: StaticString) -> (Int, Int)? {
        let t = c.peek
        let n = key.utf8CodeUnitCount
        guard t.kind == .atom, t.end - t.start >= n else { return nil }
        let p = key.utf8Start
        for k in 0..<n where c.bytes[t.start + k] != p[k] { return nil }
        return (t.start + n, t.end)
    }
}

/// `shape lane*` after `v128.const`, as 16 little-endian bytes.
func parseV128Literal(_ c: inout TokenCursor) throws -> [UInt8] {
    let shapeToken = c.peek
    guard shapeToken.kind == .atom else { throw c.unexpected() }
    var w = ByteWriter()
    let laneCount: Int
    let write: (inout TokenCursor, inout ByteWriter) throws -> Void
    switch c.text(shapeToken) {
    case "i8x16":
        laneCount = 16
        write = { c, w in w.byte(UInt8(truncatingIfNeeded: try c.integer(bits: 8))) }
    case "i16x8":
        laneCount = 8
        write = { c, w in
            let v = try c.integer(bits: 16)
            w.byte(UInt8(truncatingIfNeeded: v))
            w.byte(UInt8(truncatingIfNeeded: v >> 8))
        }
    case "i32x4":
        laneCount = 4
        write = { c, w in w.u32LE(UInt32(truncatingIfNeeded: try c.integer(bits: 32))) }
    case "i64x2":
        laneCount = 2
        write = { c, w in w.u64LE(try c.integer(bits: 64)) }
    case "f32x4":
        laneCount = 4
        write = { c, w in w.u32LE(UInt32(truncatingIfNeeded: try c.float(.f32))) }
    case "f64x2":
        laneCount = 2
        write = { c, w in w.u64LE(try c.float(.f64)) }
    default:
        throw c.error("unexpected token \(c.text(shapeToken)): expected a lane shape", at: shapeToken)
    }
    c.pos += 1
    for _ in 0..<laneCount {
        guard c.peek.kind == .atom else { throw c.error("wrong number of lane literals") }
        try write(&c, &w)
    }
    return w.bytes
}
