/// Instruction sequences with their nesting: plain (`block ... end`) and folded
/// (`(block ...)`, `(i32.add (...) (...))`) forms.
///
/// Nesting is tracked on an explicit stack of frames instead of by recursion, so arbitrarily
/// deep input cannot exhaust the thread's stack.
/// https://webassembly.github.io/spec/core/text/instructions.html#folded-instructions
extension ModuleEncoder {
    /// What is open at one nesting level, and what closes it.
    private enum Frame {
        /// `(op ...)`: the operands come first, then the operator's bytes at `)`.
        case foldedOperator([UInt8])
        /// `(block ...)`, `(loop ...)`, `(try_table ...)`: closed by `)`.
        case foldedBlock
        /// `(if ...)` before `(then`: folded conditions, then the `if` header bytes.
        case foldedIfCondition(header: [UInt8], label: String?)
        case foldedThen
        case foldedElse
        /// Legacy `(try (do ...) (catch $t ...)* (catch_all ...)?)`, in the given arm.
        case foldedTry(FoldedTryArm)
        /// `block`/`loop`/`try_table` ... `end`.
        case plainBlock(label: String?)
        case plainIf(label: String?, inElse: Bool)
        case plainTry(label: String?, sawCatchAll: Bool)
    }

    private enum FoldedTryArm {
        case body, catchClause, catchAll
    }

    /// Reads instructions until a `)` (or `end`-like keyword) that closes something opened
    /// outside them.
    func parseInstructions(into w: inout ByteWriter) throws {
        try parseNested(into: &w, single: false)
    }

    /// Reads exactly one folded instruction, `( ... )`.
    func parseFoldedInstruction(into w: inout ByteWriter) throws {
        guard c.peek.kind == .lparen else { throw c.unexpected() }
        try parseNested(into: &w, single: true)
    }

    private func parseNested(into w: inout ByteWriter, single: Bool) throws {
        var frames: [Frame] = []
        while true {
            let t = c.peek
            switch t.kind {
            case .rparen, .eof:
                guard let frame = frames.popLast() else { return }
                guard t.kind == .rparen else { throw c.unexpected() }
                try close(frame, into: &w, frames: &frames)
            case .lparen:
                if case .foldedIfCondition(let header, let label)? = frames.last, c.atParen("then") {
                    c.pos += 2
                    w.append(header)
                    fn.labels.append(label)
                    frames[frames.count - 1] = .foldedThen
                    continue
                }
                c.pos += 1
                try openFolded(into: &w, frames: &frames)
            case .atom:
                if case .foldedIfCondition? = frames.last {
                    throw c.error("unexpected token \(c.text(t)): expected a folded condition or (then ...)", at: t)
                }
                if isBlockTerminator(t) {
                    guard !frames.isEmpty else { return }
                    try handleTerminator(t, into: &w, frames: &frames)
                } else {
                    try plainInstruction(into: &w, frames: &frames)
                }
            default:
                throw c.unexpected()
            }
            if single && frames.isEmpty { return }
        }
    }

    private func isBlockTerminator(_ t: Token) -> Bool {
        c.isKeyword(t, "end") || c.isKeyword(t, "else") || c.isKeyword(t, "catch")
            || c.isKeyword(t, "catch_all") || c.isKeyword(t, "delegate")
    }

    private func lookup(_ t: Token) throws -> InstructionInfo {
        guard t.kind == .atom else { throw c.unexpected() }
        guard let info = InstructionTable.byName[c.text(t)] else {
            throw c.error("unknown operator \(c.text(t))", at: t)
        }
        return info
    }

    /// After `(`: the keyword and immediates of a folded instruction.
    private func openFolded(into w: inout ByteWriter, frames: inout [Frame]) throws {
        let info = try lookup(c.peek)
        c.pos += 1
        switch info.immediate {
        case .block:
            let label = try c.takeId()
            info.opcode.encode(into: &w)
            try parseBlockType(into: &w)
            fn.labels.append(label)
            frames.append(.foldedBlock)
        case .ifBlock:
            // The conditions run before the `if`, outside the scope of its label.
            let label = try c.takeId()
            var header = ByteWriter()
            info.opcode.encode(into: &header)
            try parseBlockType(into: &header)
            frames.append(.foldedIfCondition(header: header.bytes, label: label))
        case .tryTable:
            let label = try c.takeId()
            info.opcode.encode(into: &w)
            try parseBlockType(into: &w)
            try parseCatchClauses(into: &w)
            fn.labels.append(label)
            frames.append(.foldedBlock)
        case .legacyTry:
            let label = try c.takeId()
            info.opcode.encode(into: &w)
            try parseBlockType(into: &w)
            fn.labels.append(label)
            try c.expectParen("do")
            frames.append(.foldedTry(.body))
        default:
            var op = ByteWriter()
            try encodeInstruction(info, into: &op)
            frames.append(.foldedOperator(op.bytes))
        }
    }

    /// At the `)` that closes `frame`.
    private func close(_ frame: Frame, into w: inout ByteWriter, frames: inout [Frame]) throws {
        switch frame {
        case .foldedOperator(let bytes):
            c.pos += 1
            w.append(bytes)
        case .foldedBlock:
            c.pos += 1
            fn.labels.removeLast()
            w.byte(0x0B)
        case .foldedIfCondition:
            throw c.error("unexpected token ): expected (then ...)")
        case .foldedThen:
            c.pos += 1
            if c.takeParen("else") {
                w.byte(0x05)
                frames.append(.foldedElse)
                return
            }
            try c.expectRParen()
            fn.labels.removeLast()
            w.byte(0x0B)
        case .foldedElse:
            c.pos += 1
            try c.expectRParen()
            fn.labels.removeLast()
            w.byte(0x0B)
        case .foldedTry(let arm):
            c.pos += 1
            if arm != .catchAll {
                if c.takeParen("catch") {
                    w.byte(0x07)
                    w.u32(try resolve(tags))
                    frames.append(.foldedTry(.catchClause))
                    return
                }
                if c.takeParen("catch_all") {
                    w.byte(0x19)
                    frames.append(.foldedTry(.catchAll))
                    return
                }
            }
            if arm == .body && c.takeParen("delegate") {
                fn.labels.removeLast()
                w.byte(0x18)
                w.u32(try resolveLabel())
                try c.expectRParen()
                try c.expectRParen()
                return
            }
            try c.expectRParen()
            fn.labels.removeLast()
            w.byte(0x0B)
        case .plainBlock, .plainIf, .plainTry:
            // A plain block must be closed by `end` before the enclosing `)`.
            throw c.error("unexpected token ): expected end")
        }
    }

    /// `end`, `else`, `catch`, `catch_all` or `delegate` inside an open plain block.
    private func handleTerminator(_ t: Token, into w: inout ByteWriter, frames: inout [Frame]) throws {
        let last = frames.count - 1
        switch frames[last] {
        case .plainBlock(let label):
            guard c.isKeyword(t, "end") else { throw c.unexpected() }
            try finishPlain(label, into: &w, frames: &frames)
        case .plainIf(let label, let inElse):
            if c.isKeyword(t, "else") && !inElse {
                c.pos += 1
                try checkLabel(label)
                w.byte(0x05)
                frames[last] = .plainIf(label: label, inElse: true)
            } else if c.isKeyword(t, "end") {
                try finishPlain(label, into: &w, frames: &frames)
            } else {
                throw c.unexpected()
            }
        case .plainTry(let label, let sawCatchAll):
            if c.isKeyword(t, "catch") && !sawCatchAll {
                c.pos += 1
                w.byte(0x07)
                w.u32(try resolve(tags))
            } else if c.isKeyword(t, "catch_all") && !sawCatchAll {
                c.pos += 1
                w.byte(0x19)
                frames[last] = .plainTry(label: label, sawCatchAll: true)
            } else if c.isKeyword(t, "delegate") {
                c.pos += 1
                frames.removeLast()
                fn.labels.removeLast()
                w.byte(0x18)
                w.u32(try resolveLabel())
            } else if c.isKeyword(t, "end") {
                try finishPlain(label, into: &w, frames: &frames)
            } else {
                throw c.unexpected()
            }
        default:
            throw c.unexpected()
        }
    }

    private func finishPlain(_ label: String?, into w: inout ByteWriter, frames: inout [Frame]) throws {
        c.pos += 1
        try checkLabel(label)
        frames.removeLast()
        fn.labels.removeLast()
        w.byte(0x0B)
    }

    /// An optional `$id` after `end`/`else` must repeat the block's label.
    private func checkLabel(_ label: String?) throws {
        let t = c.peek
        guard let name = try c.takeId() else { return }
        if name != label { throw c.error("mismatching label $\(name)", at: t) }
    }

    private func plainInstruction(into w: inout ByteWriter, frames: inout [Frame]) throws {
        let info = try lookup(c.peek)
        c.pos += 1
        switch info.immediate {
        case .block, .ifBlock:
            let label = try c.takeId()
            info.opcode.encode(into: &w)
            try parseBlockType(into: &w)
            fn.labels.append(label)
            frames.append(info.immediate == .block ? .plainBlock(label: label) : .plainIf(label: label, inElse: false))
        case .tryTable:
            let label = try c.takeId()
            info.opcode.encode(into: &w)
            try parseBlockType(into: &w)
            try parseCatchClauses(into: &w)
            fn.labels.append(label)
            frames.append(.plainBlock(label: label))
        case .legacyTry:
            let label = try c.takeId()
            info.opcode.encode(into: &w)
            try parseBlockType(into: &w)
            fn.labels.append(label)
            frames.append(.plainTry(label: label, sawCatchAll: false))
        default:
            try encodeInstruction(info, into: &w)
        }
    }
}
