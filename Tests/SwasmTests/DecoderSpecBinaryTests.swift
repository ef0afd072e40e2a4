import Foundation
import XCTest
@testable import Swasm

/// Runs every `(module binary ...)` of the Wasm 2.0 spec scripts through the decoder and
/// the module validator: top-level binary modules must decode and validate, the ones in
/// `assert_malformed` must fail as malformed, the ones in `assert_invalid` as invalid.
/// Function bodies are scanned with `InstructionReader` so malformed instructions count too;
/// rules only the body validator knows ("data count section required") are left to its tests.
/// Set SWASM_SHOW_MESSAGES=1 to list where a malformed message differs from the spec's text
/// (only the category must match).
final class DecoderSpecBinaryTests: XCTestCase {
    private static let skippedFiles: Set<String> = [
        // SIMD is not a target of this build.
        "simd_const.wast",
    ]

    /// Messages of errors that only full body validation detects.
    private static let bodyValidatorMessages: Set<String> = [
        "data count section required", "alignment must not be larger than natural",
    ]

    func testSpecBinaryModules() throws {
        guard let directory = SpecBinaryScripts.directory() else {
            throw XCTSkip("spec test suite not found")
        }
        let files = try FileManager.default.contentsOfDirectory(atPath: directory)
            .filter { $0.hasSuffix(".wast") && !Self.skippedFiles.contains($0) }
            .sorted()
        var checked = 0
        for file in files {
            let text = try String(contentsOfFile: directory + "/" + file, encoding: .utf8)
            guard text.contains("binary") else { continue }
            let commands = try SpecBinaryScripts.binaryModuleCommands(in: text)
            for (index, command) in commands.enumerated() {
                let place = "\(file) binary module #\(index)"
                checked += 1
                switch command.kind {
                case .valid:
                    XCTAssertNoThrow(try Self.decodeValidateAndScan(command.bytes), place)
                case .malformed:
                    do {
                        try Self.decodeValidateAndScan(command.bytes)
                        if !Self.bodyValidatorMessages.contains(command.message) {
                            XCTFail("\(place): expected malformed \"\(command.message)\", decoded fine")
                        }
                    } catch SwasmError.malformed(let message, _) {
                        if ProcessInfo.processInfo.environment["SWASM_SHOW_MESSAGES"] != nil, !message.hasPrefix(command.message) {
                            print("\(place): \"\(message)\" for expected \"\(command.message)\"")
                        }
                    } catch {
                        XCTFail("\(place): expected malformed \"\(command.message)\", got \(error)")
                    }
                case .invalid:
                    do {
                        let module = try ModuleDecoder.decode(command.bytes, memory64: false)
                        try ModuleValidator.validate(module)
                        if !Self.bodyValidatorMessages.contains(command.message) {
                            XCTFail("\(place): expected invalid \"\(command.message)\", validated fine")
                        }
                    } catch SwasmError.invalid(let message, _, _) {
                        XCTAssertTrue(message.hasPrefix(command.message),
                                      "\(place): \"\(message)\" vs \"\(command.message)\"")
                    } catch {
                        XCTFail("\(place): expected invalid \"\(command.message)\", got \(error)")
                    }
                }
            }
        }
        XCTAssertGreaterThan(checked, 700)
    }

    private static func decodeValidateAndScan(_ bytes: [UInt8]) throws {
        // The scripts are Wasm 2.0's, whose limits are 32-bit.
        let module = try ModuleDecoder.decode(bytes, memory64: false)
        try ModuleValidator.validate(module)
        for body in module.code {
            var reader = InstructionReader(bytes: module.bytes, range: body.code)
            // The nesting check stands in for the body validator's control stack: a body
            // that closes its last block before its last byte, or never, is malformed.
            var depth = 1
            while !reader.isAtEnd {
                guard depth > 0 else { throw SwasmError.malformed("operators after final end", offset: reader.offset) }
                switch try reader.read() {
                case .block, .loop, .if: depth += 1
                case .end: depth -= 1
                default: break
                }
            }
            guard depth == 0 else { throw SwasmError.malformed("unexpected end", offset: reader.offset) }
        }
    }
}

/// A minimal reader of WAST scripts, enough to pull out binary modules and the assertion
/// around them.
enum SpecBinaryScripts {
    enum Kind { case valid, malformed, invalid }
    struct Command {
        var kind: Kind
        var bytes: [UInt8]
        var message: String
    }

    static func directory() -> String? {
        let repo = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent()
        let candidates = [
            repo.deletingLastPathComponent().appendingPathComponent("shared/spec-testsuite-wasm2.0").path,
            "/work/shared/spec-testsuite-wasm2.0",
        ]
        return candidates.first { FileManager.default.fileExists(atPath: $0) }
    }

    indirect enum Node {
        case list([Node])
        case atom(String)
        case string([UInt8])
    }

    static func binaryModuleCommands(in text: String) throws -> [Command] {
        var commands: [Command] = []
        for node in try parse(Array(text.utf8)) {
            guard case .list(let items) = node, case .atom(let head)? = items.first else { continue }
            switch head {
            case "module":
                if let bytes = binaryBytes(node) { commands.append(Command(kind: .valid, bytes: bytes, message: "")) }
            case "assert_malformed", "assert_invalid":
                guard items.count >= 3, let bytes = binaryBytes(items[1]),
                      case .string(let message) = items[2] else { continue }
                commands.append(Command(kind: head == "assert_malformed" ? .malformed : .invalid,
                                        bytes: bytes, message: String(decoding: message, as: UTF8.self)))
            default:
                continue
            }
        }
        return commands
    }

    /// The concatenated strings of `(module $id? binary "..."*)`, or nil for other modules.
    static func binaryBytes(_ node: Node) -> [UInt8]? {
        guard case .list(let items) = node, case .atom("module")? = items.first else { return nil }
        var rest = items.dropFirst()
        if case .atom(let a)? = rest.first, a.hasPrefix("$") { rest = rest.dropFirst() }
        guard case .atom("binary")? = rest.first else { return nil }
        var bytes: [UInt8] = []
        for case .string(let s) in rest.dropFirst() { bytes += s }
        return bytes
    }

    struct ParseError: Error { var offset: Int }

    static func parse(_ s: [UInt8]) throws -> [Node] {
        var i = 0
        var stack: [[Node]] = [[]]
        while i < s.count {
            let c = s[i]
            if c == UInt8(ascii: ";"), i + 1 < s.count, s[i + 1] == UInt8(ascii: ";") {
                while i < s.count, s[i] != UInt8(ascii: "\n") { i += 1 }
            } else if c == UInt8(ascii: "("), i + 1 < s.count, s[i + 1] == UInt8(ascii: ";") {
                var depth = 0
                repeat {
                    if s[i] == UInt8(ascii: "("), i + 1 < s.count, s[i + 1] == UInt8(ascii: ";") { depth += 1; i += 2 }
                    else if s[i] == UInt8(ascii: ";"), i + 1 < s.count, s[i + 1] == UInt8(ascii: ")") { depth -= 1; i += 2 }
                    else { i += 1 }
                } while depth > 0 && i < s.count
            } else if c == UInt8(ascii: "(") {
                stack.append([]); i += 1
            } else if c == UInt8(ascii: ")") {
                guard stack.count > 1, let list = stack.popLast() else { throw ParseError(offset: i) }
                stack[stack.count - 1].append(.list(list)); i += 1
            } else if c == UInt8(ascii: "\"") {
                i += 1
                var bytes: [UInt8] = []
                while i < s.count, s[i] != UInt8(ascii: "\"") {
                    if s[i] == UInt8(ascii: "\\"), i + 1 < s.count {
                        let e = s[i + 1]
                        switch e {
                        case UInt8(ascii: "n"): bytes.append(0x0A); i += 2
                        case UInt8(ascii: "t"): bytes.append(0x09); i += 2
                        case UInt8(ascii: "r"): bytes.append(0x0D); i += 2
                        case UInt8(ascii: "u"):
                            // \u{hex}
                            guard let close = s[i...].firstIndex(of: UInt8(ascii: "}")) else { throw ParseError(offset: i) }
                            let hex = String(decoding: s[(i + 3)..<close], as: UTF8.self)
                            guard let v = UInt32(hex, radix: 16), let scalar = Unicode.Scalar(v) else { throw ParseError(offset: i) }
                            bytes += Array(String(Character(scalar)).utf8)
                            i = close + 1
                        default:
                            if let hi = hexValue(e), i + 2 < s.count, let lo = hexValue(s[i + 2]) {
                                bytes.append(hi << 4 | lo); i += 3
                            } else {
                                bytes.append(e); i += 2
                            }
                        }
                    } else {
                        bytes.append(s[i]); i += 1
                    }
                }
                i += 1
                stack[stack.count - 1].append(.string(bytes))
            } else if c == 0x20 || c == 0x0A || c == 0x09 || c == 0x0D {
                i += 1
            } else {
                let start = i
                while i < s.count, ![0x20, 0x0A, 0x09, 0x0D, UInt8(ascii: "("), UInt8(ascii: ")"), UInt8(ascii: "\"")].contains(s[i]) {
                    i += 1
                }
                stack[stack.count - 1].append(.atom(String(decoding: s[start..<i], as: UTF8.self)))
            }
        }
        return stack.first ?? []
    }

    private static func hexValue(_ c: UInt8) -> UInt8? {
        switch c {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return c - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return c - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return c - UInt8(ascii: "A") + 10
        default: return nil
        }
    }
}
