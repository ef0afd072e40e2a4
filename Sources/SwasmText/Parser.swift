/// Token-level helpers shared by the module, instruction and script parsers.
struct TokenCursor {
    let bytes: [UInt8]
    let tokens: [Token]
    var pos = 0

    init(bytes: [UInt8], tokens: [Token]) {
        self.bytes = bytes
        self.tokens = tokens
    }

    var peek: Token { tokens[pos] }

    func peek(_ offset: Int) -> Token {
        let i = pos + offset
        return i < tokens.count ? tokens[i] : tokens[tokens.count - 1]
    }

    mutating func advance() -> Token {
        let t = tokens[pos]
        if pos < tokens.count - 1 { pos += 1 }
        return t
    }

    func error(_ message: String, at token: Token? = nil) -> TextError {
        let offset = (token ?? peek).start
        let position = sourcePosition(of: offset, in: bytes)
        return TextError(line: position.line, column: position.column, message: message)
    }

    func text(_ t: Token) -> String {
        String(decoding: bytes[t.start..<t.end], as: UTF8.self)
    }

    func isKeyword(_ t: Token, _ word: StaticString) -> Bool {
        guard t.kind == .atom, t.end - t.start == word.utf8CodeUnitCount else { return false }
        let p = word.utf8Start
        var k = 0
        while k < t.end - t.start {
            if bytes[t.start + k] != p[k] { return false }
            k += 1
        }
        return true
    }

    /// Whether the next tokens are `(` followed by `word`.
    func atParen(_ word: StaticString) -> Bool {
        peek.kind == .lparen && isKeyword(peek(1), word)
    }

    /// Consumes `(` `word` if present.
    mutating func takeParen(_ word: StaticString) -> Bool {
        guard atParen(word) else { return false }
        pos += 2
        return true
    }

    mutating func expectParen(_ word: StaticString) throws {
        guard takeParen(word) else { throw unexpected() }
    }

    mutating func takeKeyword(_ word: StaticString) -> Bool {
        guard isKeyword(peek, word) else { return false }
        pos += 1
        return true
    }

    mutating func expectKeyword(_ word: StaticString) throws {
        guard takeKeyword(word) else { throw unexpected() }
    }

    mutating func expectLParen() throws {
        guard peek.kind == .lparen else { throw unexpected() }
        pos += 1
    }

    mutating func expectRParen() throws {
        guard peek.kind == .rparen else { throw unexpected() }
        pos += 1
    }

    func unexpected() -> TextError {
        let t = peek
        switch t.kind {
        case .eof: return error("unexpected end of input", at: t)
        case .reserved: return error("unknown operator or unexpected token \(text(t))", at: t)
        default: return error("unexpected token \(text(t))", at: t)
        }
    }

    /// The name of an identifier token, without `$` (and decoded for `$"..."`).
    func idName(_ t: Token) throws -> String {
        if bytes[t.start + 1] == UInt8(ascii: "\"") {
            let decoded = try decodeString(Token(kind: .string, start: t.start + 1, end: t.end))
            guard isValidUTF8(decoded), !decoded.isEmpty else {
                throw error("malformed UTF-8 encoding", at: t)
            }
            return String(decoding: decoded, as: UTF8.self)
        }
        return String(decoding: bytes[(t.start + 1)..<t.end], as: UTF8.self)
    }

    mutating func takeId() throws -> String? {
        guard peek.kind == .id else { return nil }
        return try idName(advance())
    }

    func decodeString(_ t: Token) throws -> [UInt8] {
        switch decodeStringLiteral(bytes, t.start, t.end) {
        case .success(let b): return b
        case .failure(let e): throw error(e.message, at: t)
        }
    }

    mutating func string() throws -> [UInt8] {
        guard peek.kind == .string else { throw unexpected() }
        return try decodeString(advance())
    }

    /// A string that must be valid UTF-8 (import, export and module names).
    mutating func name() throws -> [UInt8] {
        let t = peek
        let b = try string()
        guard isValidUTF8(b) else { throw error("malformed UTF-8 encoding", at: t) }
        return b
    }

    /// Whether the token looks like a number rather than a keyword.
    func isNumber(_ t: Token) -> Bool {
        guard t.kind == .atom else { return false }
        let c = bytes[t.start]
        return (c >= UInt8(ascii: "0") && c <= UInt8(ascii: "9")) || c == UInt8(ascii: "+")
            || c == UInt8(ascii: "-")
    }

    func isUnsigned(_ t: Token) -> Bool {
        guard t.kind == .atom else { return false }
        let c = bytes[t.start]
        return c >= UInt8(ascii: "0") && c <= UInt8(ascii: "9")
    }

    /// An index token: a `$id` or an unsigned number.
    func isIndex(_ t: Token) -> Bool { t.kind == .id || isUnsigned(t) }

    mutating func u32() throws -> UInt32 {
        UInt32(try unsigned(bits: 32))
    }

    mutating func unsigned(bits: Int) throws -> UInt64 {
        let t = peek
        guard t.kind == .atom else { throw unexpected() }
        switch parseUnsigned(bytes, t.start, t.end, bits: bits) {
        case .success(let v):
            pos += 1
            return v
        case .failure(.outOfRange):
            throw error("i\(bits) constant out of range", at: t)
        case .failure(.syntax):
            throw unexpected()
        }
    }

    /// An `iN` literal as two's-complement bits.
    mutating func integer(bits: Int) throws -> UInt64 {
        let t = peek
        guard t.kind == .atom else { throw unexpected() }
        switch parseSignedOrUnsigned(bytes, t.start, t.end, bits: bits) {
        case .success(let v):
            pos += 1
            return v
        case .failure(.outOfRange):
            throw error("i\(bits) constant out of range", at: t)
        case .failure(.syntax):
            throw error("unexpected token \(text(t)): expected i\(bits) literal", at: t)
        }
    }

    mutating func float(_ format: FloatFormat) throws -> UInt64 {
        let t = peek
        guard t.kind == .atom else { throw unexpected() }
        switch parseFloatLiteral(bytes, t.start, t.end, format: format) {
        case .success(let v):
            pos += 1
            return v
        case .failure(.outOfRange):
            throw error("constant out of range", at: t)
        case .failure(.syntax):
            throw error("unexpected token \(text(t)): expected float literal", at: t)
        }
    }

    /// Skips a balanced s-expression starting at `(`.
    mutating func skipSExpression() throws {
        try expectLParen()
        var depth = 1
        while depth > 0 {
            switch advance().kind {
            case .lparen: depth += 1
            case .rparen: depth -= 1
            case .eof: throw error("unexpected end of input")
            default: break
            }
        }
    }
}

/// One of a module's index spaces, mapping `$id`s to indices.
struct IndexSpace {
    let kind: String
    var count: UInt32 = 0
    var names: [String: UInt32] = [:]
    /// Names in index order, for the name section.
    var named: [(UInt32, String)] = []

    init(_ kind: String) { self.kind = kind }

    /// Allocates the next index, binding `name` to it.
    mutating func add(_ name: String?, cursor: TokenCursor, at token: Token) throws -> UInt32 {
        let index = count
        if let name {
            if names[name] != nil { throw cursor.error("duplicate \(kind) $\(name)", at: token) }
            names[name] = index
            named.append((index, name))
        }
        count += 1
        return index
    }
}
