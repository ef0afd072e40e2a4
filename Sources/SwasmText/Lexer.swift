/// The kinds of token of the text format
/// (https://webassembly.github.io/spec/core/text/lexical.html#tokens).
///
/// Keywords and numbers are both `atom`s: which one a token is depends on what the parser
/// expects at that point, so the lexer does not decide it.
enum TokenKind: UInt8 {
    case lparen
    case rparen
    /// A run of `idchar`s not starting with `$`: a keyword, a number, or `offset=`-style text.
    case atom
    /// `$name` or `$"name"`.
    case id
    /// A quoted string; its bytes are decoded on demand.
    case string
    /// Anything else that is a single run of token characters, e.g. `"a"b` or `1,2`; it is
    /// never valid, but only an error where the parser meets it.
    case reserved
    case eof
}

struct Token {
    var kind: TokenKind
    /// Byte range in the source; for `id` it includes the `$`.
    var start: Int
    var end: Int
}

/// Lexes UTF-8 bytes into tokens in one linear pass. Comments, whitespace and annotations
/// (`(@name ...)`) are dropped.
struct Lexer {
    let bytes: [UInt8]
    private(set) var tokens: [Token] = []

    init(_ bytes: [UInt8]) {
        self.bytes = bytes
    }

    static func tokenize(_ bytes: [UInt8]) throws -> [Token] {
        var lexer = Lexer(bytes)
        try lexer.run()
        return lexer.tokens
    }

    func error(_ message: String, at offset: Int) -> TextError {
        let position = sourcePosition(of: offset, in: bytes)
        return TextError(line: position.line, column: position.column, message: message)
    }

    private mutating func run() throws {
        let n = bytes.count
        tokens.reserveCapacity(n / 4)
        var i = 0
        // Annotations nest like s-expressions; their contents are lexed (so strings and
        // comments inside them are respected) but not kept.
        var annotationDepth = 0
        while i < n {
            let c = bytes[i]
            switch c {
            case 0x20, 0x09, 0x0A, 0x0D:
                i += 1
            case UInt8(ascii: ";"):
                if i + 1 < n && bytes[i + 1] == UInt8(ascii: ";") {
                    i += 2
                    // A line comment ends at a line feed or a lone carriage return.
                    while i < n && bytes[i] != 0x0A && bytes[i] != 0x0D { i += 1 }
                } else {
                    let end = try scanTokenRun(from: i)
                    if annotationDepth == 0 {
                        tokens.append(Token(kind: .reserved, start: i, end: end))
                    }
                    i = end
                }
            case UInt8(ascii: "("):
                if i + 1 < n && bytes[i + 1] == UInt8(ascii: ";") {
                    i = try skipBlockComment(from: i)
                } else if i + 1 < n && bytes[i + 1] == UInt8(ascii: "@") && annotationDepth == 0 {
                    let end = try scanAnnotationId(from: i + 2)
                    annotationDepth += 1
                    i = end
                } else {
                    if annotationDepth > 0 {
                        annotationDepth += 1
                    } else {
                        tokens.append(Token(kind: .lparen, start: i, end: i + 1))
                    }
                    i += 1
                }
            case UInt8(ascii: ")"):
                if annotationDepth > 0 {
                    annotationDepth -= 1
                } else {
                    tokens.append(Token(kind: .rparen, start: i, end: i + 1))
                }
                i += 1
            default:
                let end = try scanTokenRun(from: i)
                if end == i {
                    throw error("illegal character", at: i)
                }
                if annotationDepth == 0 {
                    tokens.append(Token(kind: classify(i, end), start: i, end: end))
                }
                i = end
            }
        }
        if annotationDepth > 0 {
            throw error("unclosed annotation", at: n)
        }
        tokens.append(Token(kind: .eof, start: n, end: n))
    }

    /// The id after `(@`: idchars or a non-empty UTF-8 string.
    private func scanAnnotationId(from start: Int) throws -> Int {
        if start < bytes.count && bytes[start] == UInt8(ascii: "\"") {
            let end = try skipString(from: start)
            guard case .success(let name) = decodeStringLiteral(bytes, start, end) else {
                throw error("malformed string escape", at: start)
            }
            if name.isEmpty { throw error("empty annotation id", at: start) }
            if !isValidUTF8(name) { throw error("malformed UTF-8 encoding", at: start) }
            return end
        }
        var i = start
        while i < bytes.count && isIdChar(bytes[i]) { i += 1 }
        if i == start { throw error("empty annotation id", at: start) }
        return i
    }

    private func skipBlockComment(from start: Int) throws -> Int {
        let n = bytes.count
        var depth = 1
        var i = start + 2
        while i < n {
            let c = bytes[i]
            if c == UInt8(ascii: "(") && i + 1 < n && bytes[i + 1] == UInt8(ascii: ";") {
                depth += 1
                i += 2
            } else if c == UInt8(ascii: ";") && i + 1 < n && bytes[i + 1] == UInt8(ascii: ")") {
                depth -= 1
                i += 2
                if depth == 0 { return i }
            } else {
                i += 1
            }
        }
        throw error("unclosed comment", at: start)
    }

    /// The end of a maximal run of token characters (idchars, strings and the reserved
    /// punctuation) starting at `start`.
    private func scanTokenRun(from start: Int) throws -> Int {
        let n = bytes.count
        var i = start
        while i < n {
            let c = bytes[i]
            if c == UInt8(ascii: "\"") {
                i = try skipString(from: i)
            } else if isIdChar(c) || c == UInt8(ascii: ",") || c == UInt8(ascii: "[")
                || c == UInt8(ascii: "]") || c == UInt8(ascii: "{") || c == UInt8(ascii: "}")
                || (c == UInt8(ascii: ";") && !(i + 1 < n && bytes[i + 1] == UInt8(ascii: ";")))
            {
                i += 1
            } else {
                break
            }
        }
        return i
    }

    /// Skips a string literal, checking the characters allowed in it; escapes are checked when
    /// the string is decoded.
    private func skipString(from start: Int) throws -> Int {
        let n = bytes.count
        var i = start + 1
        while i < n {
            let c = bytes[i]
            if c == UInt8(ascii: "\"") { return i + 1 }
            if c == UInt8(ascii: "\\") {
                i += 2
                continue
            }
            if c < 0x20 || c == 0x7F {
                throw error("illegal character", at: i)
            }
            i += 1
        }
        throw error("unclosed string", at: start)
    }

    private func classify(_ start: Int, _ end: Int) -> TokenKind {
        let first = bytes[start]
        var hasString = false
        var hasPunctuation = false
        var i = start
        while i < end {
            let c = bytes[i]
            if c == UInt8(ascii: "\"") {
                hasString = true
                // Skip to the closing quote; escapes were validated structurally by skipString.
                i += 1
                while i < end && bytes[i] != UInt8(ascii: "\"") {
                    i += bytes[i] == UInt8(ascii: "\\") ? 2 : 1
                }
                i += 1
                if i < end && first == UInt8(ascii: "\"") { return .reserved }
                continue
            }
            if !isIdChar(c) { hasPunctuation = true }
            i += 1
        }
        if hasPunctuation { return .reserved }
        if first == UInt8(ascii: "\"") { return .string }
        if first == UInt8(ascii: "$") {
            if end - start == 1 { return .reserved }
            if hasString {
                // `$"name"` is an identifier only when the string is the whole rest.
                return bytes[start + 1] == UInt8(ascii: "\"") && skipEndsAt(start + 1) == end
                    ? .id : .reserved
            }
            return .id
        }
        return hasString ? .reserved : .atom
    }

    private func skipEndsAt(_ start: Int) -> Int {
        (try? skipString(from: start)) ?? -1
    }
}

@inline(__always)
func isIdChar(_ c: UInt8) -> Bool {
    switch c {
    case UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
        UInt8(ascii: "a")...UInt8(ascii: "z"):
        return true
    case UInt8(ascii: "!"), UInt8(ascii: "#"), UInt8(ascii: "$"), UInt8(ascii: "%"),
        UInt8(ascii: "&"), UInt8(ascii: "'"), UInt8(ascii: "*"), UInt8(ascii: "+"),
        UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "/"), UInt8(ascii: ":"),
        UInt8(ascii: "<"), UInt8(ascii: "="), UInt8(ascii: ">"), UInt8(ascii: "?"),
        UInt8(ascii: "@"), UInt8(ascii: "\\"), UInt8(ascii: "^"), UInt8(ascii: "_"),
        UInt8(ascii: "`"), UInt8(ascii: "|"), UInt8(ascii: "~"):
        return true
    default:
        return false
    }
}

/// Decodes the contents of a string token (including its quotes) into bytes, resolving
/// escapes (https://webassembly.github.io/spec/core/text/values.html#strings).
/// Returns an error message instead of throwing so callers can attach a position.
func decodeStringLiteral(_ bytes: [UInt8], _ start: Int, _ end: Int) -> Result<[UInt8], MalformedString> {
    var out: [UInt8] = []
    out.reserveCapacity(end - start)
    var i = start + 1
    let stop = end - 1
    while i < stop {
        let c = bytes[i]
        if c != UInt8(ascii: "\\") {
            out.append(c)
            i += 1
            continue
        }
        i += 1
        guard i < stop else { return .failure(MalformedString()) }
        let e = bytes[i]
        switch e {
        case UInt8(ascii: "t"): out.append(0x09); i += 1
        case UInt8(ascii: "n"): out.append(0x0A); i += 1
        case UInt8(ascii: "r"): out.append(0x0D); i += 1
        case UInt8(ascii: "\""): out.append(0x22); i += 1
        case UInt8(ascii: "'"): out.append(0x27); i += 1
        case UInt8(ascii: "\\"): out.append(0x5C); i += 1
        case UInt8(ascii: "u"):
            i += 1
            guard i < stop, bytes[i] == UInt8(ascii: "{") else { return .failure(MalformedString()) }
            i += 1
            var value: UInt32 = 0
            var digits = 0
            var lastWasDigit = false
            while i < stop, bytes[i] != UInt8(ascii: "}") {
                if bytes[i] == UInt8(ascii: "_") {
                    guard lastWasDigit else { return .failure(MalformedString()) }
                    lastWasDigit = false
                    i += 1
                    continue
                }
                guard let d = hexDigitValue(bytes[i]) else { return .failure(MalformedString()) }
                value = value &* 16 &+ UInt32(d)
                if value > 0x10FFFF { return .failure(MalformedString()) }
                digits += 1
                lastWasDigit = true
                i += 1
            }
            guard i < stop, digits > 0, lastWasDigit else { return .failure(MalformedString()) }
            i += 1
            guard value < 0xD800 || (value >= 0xE000 && value <= 0x10FFFF) else {
                return .failure(MalformedString())
            }
            appendUTF8(value, to: &out)
        default:
            guard i + 1 < stop, let h = hexDigitValue(e), let l = hexDigitValue(bytes[i + 1]) else {
                return .failure(MalformedString())
            }
            out.append(h << 4 | l)
            i += 2
        }
    }
    return .success(out)
}

struct MalformedString: Error {
    var message = "malformed string escape"
}

@inline(__always)
func hexDigitValue(_ c: UInt8) -> UInt8? {
    switch c {
    case UInt8(ascii: "0")...UInt8(ascii: "9"): return c - UInt8(ascii: "0")
    case UInt8(ascii: "a")...UInt8(ascii: "f"): return c - UInt8(ascii: "a") + 10
    case UInt8(ascii: "A")...UInt8(ascii: "F"): return c - UInt8(ascii: "A") + 10
    default: return nil
    }
}

func appendUTF8(_ scalar: UInt32, to out: inout [UInt8]) {
    switch scalar {
    case 0..<0x80:
        out.append(UInt8(scalar))
    case 0x80..<0x800:
        out.append(UInt8(0xC0 | (scalar >> 6)))
        out.append(UInt8(0x80 | (scalar & 0x3F)))
    case 0x800..<0x10000:
        out.append(UInt8(0xE0 | (scalar >> 12)))
        out.append(UInt8(0x80 | ((scalar >> 6) & 0x3F)))
        out.append(UInt8(0x80 | (scalar & 0x3F)))
    default:
        out.append(UInt8(0xF0 | (scalar >> 18)))
        out.append(UInt8(0x80 | ((scalar >> 12) & 0x3F)))
        out.append(UInt8(0x80 | ((scalar >> 6) & 0x3F)))
        out.append(UInt8(0x80 | (scalar & 0x3F)))
    }
}

/// Whether `bytes` is well-formed UTF-8 (no overlongs, surrogates, or values past U+10FFFF);
/// names must be.
func isValidUTF8(_ bytes: [UInt8]) -> Bool {
    var i = 0
    let n = bytes.count
    while i < n {
        let b = bytes[i]
        if b < 0x80 {
            i += 1
            continue
        }
        var need = 0
        var lower: UInt8 = 0x80
        var upper: UInt8 = 0xBF
        switch b {
        case 0xC2...0xDF: need = 1
        case 0xE0: need = 2; lower = 0xA0
        case 0xE1...0xEC, 0xEE...0xEF: need = 2
        case 0xED: need = 2; upper = 0x9F
        case 0xF0: need = 3; lower = 0x90
        case 0xF1...0xF3: need = 3
        case 0xF4: need = 3; upper = 0x8F
        default: return false
        }
        if i + need >= n { return false }
        let second = bytes[i + 1]
        if second < lower || second > upper { return false }
        var k = 2
        while k <= need {
            let cont = bytes[i + k]
            if cont < 0x80 || cont > 0xBF { return false }
            k += 1
        }
        i += need + 1
    }
    return true
}
