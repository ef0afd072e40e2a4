import Foundation
import XCTest

/// Every public symbol of the Swasm module has a `///` doc comment: public declarations,
/// cases of public enums and requirements of public protocols. A line-based scan of the
/// sources (no compiler needed); `swift-symbolgraph-extract` on the built module gives the
/// same list, as the report in the message shows.
final class APIDocumentationTests: XCTestCase {
    /// Files whose owners have not documented them yet; remove a file once it is done.
    static let pending: Set<String> = []

    static let sources = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Sources/Swasm")

    func testEveryPublicSymbolIsDocumented() throws {
        var undocumented: [String] = []
        var scanned = 0
        let enumerator = FileManager.default.enumerator(atPath: Self.sources.path)
        while let relative = enumerator?.nextObject() as? String {
            guard relative.hasSuffix(".swift"), !Self.pending.contains(relative) else { continue }
            let text = try String(contentsOf: Self.sources.appendingPathComponent(relative), encoding: .utf8)
            scanned += 1
            undocumented += DocumentationScanner.undocumentedDeclarations(in: text).map { "\(relative):\($0.line): \($0.text)" }
        }
        XCTAssertGreaterThan(scanned, 20)
        XCTAssertTrue(undocumented.isEmpty, "public symbols without a doc comment:\n" + undocumented.joined(separator: "\n"))
    }

    func testPendingFilesExist() {
        for file in Self.pending {
            XCTAssertTrue(FileManager.default.fileExists(atPath: Self.sources.appendingPathComponent(file).path),
                          "\(file) is gone; remove it from the pending list")
        }
    }

    func testTheScannerFindsWhatItShould() {
        let source = """
            /// Documented.
            public struct A {
                public var undocumentedProperty: Int
                /// Documented.
                @inlinable public init() {}
                var internalOne: Int
                public func f() {
                    switch 1 { case 1: break; default: break }
                }
            }
            public enum E {
                /// Documented.
                case documented
                case undocumented
                var x: Int { switch self { case .documented: return 1; case .undocumented: return 2 } }
            }
            enum Internal { case notPublic }
            public protocol P {
                /// Documented.
                var a: Int { get }
                func undocumentedRequirement()
            }
            extension A {
                /// Documented.
                @discardableResult
                public func g() -> Int { 1 }
                public static let s = "{ not a brace }" // }
            }
            """
        let found = DocumentationScanner.undocumentedDeclarations(in: source).map(\.text)
        XCTAssertEqual(found, [
            "public var undocumentedProperty: Int",
            "public func f() {",
            "public enum E {",
            "case undocumented",
            "public protocol P {",
            "func undocumentedRequirement()",
            "public static let s = \"{ not a brace }\" // }",
        ])
    }
}

/// Finds public declarations without a doc comment in Swift source, line by line. It tracks
/// braces to know when a line is directly inside a public enum (its cases) or public protocol
/// (its requirements); braces in strings and comments are ignored.
enum DocumentationScanner {
    struct Finding {
        var line: Int
        var text: String
    }

    private struct Container {
        enum Kind { case publicEnum, publicProtocol, other }
        var kind: Kind
        /// Brace depth inside the container's body.
        var depth: Int
    }

    static func undocumentedDeclarations(in source: String) -> [Finding] {
        var findings: [Finding] = []
        var depth = 0
        var containers: [Container] = []
        var previous: [String] = []  // earlier non-empty lines, trimmed
        for (index, rawLine) in source.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = rawLine.trimmingCharacters(in: .whitespaces)
            guard !line.isEmpty else { continue }
            if line.hasPrefix("//") {
                previous.append(line)
                continue
            }
            let code = stripStringsAndComments(line)
            let inner = containers.last.flatMap { $0.depth == depth ? $0.kind : nil }
            let isPublicDeclaration = declarationKeywords(of: code).contains("public") || declarationKeywords(of: code).contains("open")
            let needsDocs: Bool
            switch inner {
            case .publicEnum?: needsDocs = isPublicDeclaration || code.hasPrefix("case ") || code.hasPrefix("indirect case ")
            case .publicProtocol?: needsDocs = !code.hasPrefix("}")
            default: needsDocs = isPublicDeclaration
            }
            if needsDocs && !isDocumented(previous) {
                findings.append(Finding(line: index + 1, text: line))
            }

            let opens = code.filter { $0 == "{" }.count
            let closes = code.filter { $0 == "}" }.count
            if opens > closes {
                let keywords = declarationKeywords(of: code)
                let kind: Container.Kind
                if keywords.contains("public") && keywords.contains("enum") {
                    kind = .publicEnum
                } else if keywords.contains("public") && keywords.contains("protocol") {
                    kind = .publicProtocol
                } else {
                    kind = .other
                }
                depth += opens - closes
                containers.append(Container(kind: kind, depth: depth))
            } else {
                depth -= closes - opens
                while let last = containers.last, last.depth > depth { containers.removeLast() }
            }
            previous.append(line)
        }
        return findings
    }

    /// The words before the declaration's name: attributes, modifiers and the introducer.
    private static func declarationKeywords(of code: String) -> [Substring] {
        var words: [Substring] = []
        for word in code.split(separator: " ") {
            if word.hasPrefix("@") { continue }
            words.append(word)
            let introducers: Set<Substring> = ["func", "var", "let", "init", "init?", "case", "enum", "struct", "class",
                                               "protocol", "extension", "typealias", "associatedtype", "subscript"]
            if introducers.contains(word) || word.hasPrefix("init(") || word.hasPrefix("subscript(") { break }
        }
        return words
    }

    private static func isDocumented(_ previous: [String]) -> Bool {
        for line in previous.reversed() {
            if line.hasPrefix("@") { continue }  // attributes between the comment and the declaration
            return line.hasPrefix("///") || line.hasSuffix("*/")
        }
        return false
    }

    /// `line` without string literals and comments, so only code braces are counted.
    private static func stripStringsAndComments(_ line: String) -> String {
        var result = ""
        var inString = false
        var escaped = false
        var iterator = Array(line).makeIterator()
        var previous: Character?
        while let character = iterator.next() {
            defer { previous = character }
            if inString {
                if escaped { escaped = false } else if character == "\\" { escaped = true } else if character == "\"" { inString = false }
                continue
            }
            if character == "\"" { inString = true; continue }
            if character == "/" && previous == "/" {
                result.removeLast()
                break
            }
            result.append(character)
        }
        return result.trimmingCharacters(in: .whitespaces)
    }
}
