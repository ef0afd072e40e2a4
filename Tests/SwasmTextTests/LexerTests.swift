import XCTest

@testable import SwasmText

/// Tokens, strings and comments (https://webassembly.github.io/spec/core/text/lexical.html).
final class LexerTests: XCTestCase {
    private func kinds(_ source: String) throws -> [TokenKind] {
        try Lexer.tokenize(Array(source.utf8)).map(\.kind)
    }

    private func texts(_ source: String) throws -> [String] {
        let bytes = Array(source.utf8)
        return try Lexer.tokenize(bytes).dropLast().map { String(decoding: bytes[$0.start..<$0.end], as: UTF8.self) }
    }

    private func decoded(_ literal: String) -> [UInt8]? {
        let bytes = Array(literal.utf8)
        return try? decodeStringLiteral(bytes, 0, bytes.count).get()
    }

    func testTokenKinds() throws {
        XCTAssertEqual(try kinds(#"(module $m "s" 0x1.8p3 offset=4)"#),
                       [.lparen, .atom, .id, .string, .atom, .atom, .rparen, .eof])
        XCTAssertEqual(try kinds(#"$"quoted id""#), [.id, .eof])
        XCTAssertEqual(try kinds(#""a""b" $x"y" 1,2 a[b] ;x"#), [.reserved, .reserved, .reserved, .reserved, .reserved, .eof])
        XCTAssertEqual(try kinds("$"), [.reserved, .eof])
    }

    func testCommentsAndWhitespace() throws {
        XCTAssertEqual(try texts("a;;line comment\nb"), ["a", "b"])
        XCTAssertEqual(try texts("a;;ends at a lone carriage return\rb"), ["a", "b"])
        XCTAssertEqual(try texts("a(;block;)b"), ["a", "b"])
        XCTAssertEqual(try texts("a (; outer (; nested ;) still ;) b"), ["a", "b"])
        XCTAssertEqual(try texts("(;;) (;;;) (;)))));) x"), ["x"])
        XCTAssertEqual(try texts("\t\r\nx\n"), ["x"])
        XCTAssertThrowsError(try Lexer.tokenize(Array("(; (; ;)".utf8)))
    }

    func testAnnotationsAreSkipped() throws {
        XCTAssertEqual(try texts(#"(module (@name "x" (nested ( ) ;) "s") $m)"#), ["(", "module", "$m", ")"])
        XCTAssertEqual(try texts(#"(@"string id") x"#), ["x"])
        XCTAssertThrowsError(try Lexer.tokenize(Array("(@ x)".utf8)))
        XCTAssertThrowsError(try Lexer.tokenize(Array("(@x (".utf8)))
    }

    func testIllegalCharacters() {
        XCTAssertThrowsError(try Lexer.tokenize(Array("a \u{1} b".utf8)))
        XCTAssertThrowsError(try Lexer.tokenize(Array("héllo".utf8)))
        XCTAssertThrowsError(try Lexer.tokenize(Array("\"tab\tinside\"".utf8)))
        XCTAssertNoThrow(try Lexer.tokenize(Array(";; héllo\n(; \u{1} ;)\"héllo\"".utf8)))
    }

    func testStringEscapes() {
        XCTAssertEqual(decoded(#""plain""#), Array("plain".utf8))
        XCTAssertEqual(decoded(#""\t\n\r\"\'\\""#), [0x09, 0x0A, 0x0D, 0x22, 0x27, 0x5C])
        XCTAssertEqual(decoded(#""\00\ff\7F""#), [0x00, 0xFF, 0x7F])
        XCTAssertEqual(decoded(#""\u{41}\u{e9}\u{20AC}\u{1F600}""#), [0x41, 0xC3, 0xA9, 0xE2, 0x82, 0xAC, 0xF0, 0x9F, 0x98, 0x80])
        XCTAssertEqual(decoded(#""\u{1_0000}""#), [0xF0, 0x90, 0x80, 0x80])
        XCTAssertEqual(decoded("\"héllo\""), Array("héllo".utf8))
        for bad in [#""\x""#, #""\0""#, #""\u{}""#, #""\u{D800}""#, #""\u{110000}""#, #""\u41""#, #""\u{_1}""#] {
            XCTAssertNil(decoded(bad), bad)
        }
    }

    func testUTF8Validation() {
        XCTAssertTrue(isValidUTF8(Array("ascii é € 😀".utf8)))
        for bad: [UInt8] in [[0x80], [0xC0, 0x80], [0xC1, 0xBF], [0xE0, 0x80, 0x80], [0xED, 0xA0, 0x80],
                             [0xF4, 0x90, 0x80, 0x80], [0xF5, 0x80, 0x80, 0x80], [0xE2, 0x82], [0xFF]] {
            XCTAssertFalse(isValidUTF8(bad), "\(bad)")
        }
    }
}
