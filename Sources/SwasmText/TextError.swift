/// An error in WebAssembly text (`.wat`) or script (`.wast`) source.
///
/// Every error thrown while lexing, parsing or encoding text is a `TextError`; a WAST runner
/// treats it as a *malformed* module. `line` and `column` are 1-based and count UTF-8 bytes
/// within the source that was handed to the parser.
public struct TextError: Error, CustomStringConvertible, Equatable, Sendable {
    /// 1-based line of the offending token.
    public var line: Int
    /// 1-based column, in UTF-8 bytes.
    public var column: Int
    /// What is wrong, in the spec interpreter's words where it has them ("unknown operator",
    /// "constant out of range", "mismatching label", ...).
    public var message: String

    public init(line: Int, column: Int, message: String) {
        self.line = line
        self.column = column
        self.message = message
    }

    public var description: String { "\(line):\(column): \(message)" }
}

/// Where a byte offset lies in the source, computed only when an error is reported so that the
/// lexer need not track lines.
func sourcePosition(of offset: Int, in bytes: [UInt8]) -> (line: Int, column: Int) {
    var line = 1
    var lineStart = 0
    let end = min(max(offset, 0), bytes.count)
    var i = 0
    while i < end {
        if bytes[i] == 0x0A {
            line += 1
            lineStart = i + 1
        }
        i += 1
    }
    return (line, end - lineStart + 1)
}

/// Line numbers for offsets that only move forward, counted incrementally.
struct LineCounter {
    private var offset = 0
    private var line = 1

    mutating func line(of target: Int, in bytes: [UInt8]) -> Int {
        if target < offset {
            offset = 0
            line = 1
        }
        let end = min(target, bytes.count)
        while offset < end {
            if bytes[offset] == 0x0A { line += 1 }
            offset += 1
        }
        return line
    }
}
