import XCTest
@testable import Swasm

/// Builds binary modules by hand for decoder and validator tests.
enum DecoderFixture {
    static let header: [UInt8] = [0x00, 0x61, 0x73, 0x6D, 0x01, 0x00, 0x00, 0x00]

    static func u32(_ value: UInt32) -> [UInt8] {
        var v = value
        var out: [UInt8] = []
        repeat {
            var byte = UInt8(v & 0x7F)
            v >>= 7
            if v != 0 { byte |= 0x80 }
            out.append(byte)
        } while v != 0
        return out
    }

    static func name(_ s: String) -> [UInt8] { u32(UInt32(s.utf8.count)) + Array(s.utf8) }

    static func vec(_ items: [[UInt8]]) -> [UInt8] { u32(UInt32(items.count)) + items.flatMap { $0 } }

    static func section(_ id: UInt8, _ content: [UInt8]) -> [UInt8] {
        [id] + u32(UInt32(content.count)) + content
    }

    static func module(_ sections: [UInt8]...) -> [UInt8] { header + sections.flatMap { $0 } }

    // Common sections.
    static func types(_ types: [[UInt8]]) -> [UInt8] { section(1, vec(types)) }
    static func funcType(_ params: [UInt8], _ results: [UInt8]) -> [UInt8] {
        [0x60] + vec(params.map { [$0] }) + vec(results.map { [$0] })
    }
    static func functions(_ typeIndices: [UInt32]) -> [UInt8] { section(3, vec(typeIndices.map(u32))) }
    /// Bodies without locals: each is the instruction bytes, `end` included.
    static func code(_ bodies: [[UInt8]]) -> [UInt8] {
        section(10, vec(bodies.map { body in u32(UInt32(body.count + 1)) + [0x00] + body }))
    }
    static let emptyBody: [UInt8] = [0x0B]
}

/// Assertions shared by the decoder and module validator tests.
enum DecoderCheck {
    static func malformed(_ bytes: [UInt8], _ message: String? = nil,
                         file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertThrowsError(try ModuleDecoder.decode(bytes), file: file, line: line) { error in
            guard case SwasmError.malformed(let m, _) = error else {
                return XCTFail("expected malformed, got \(error)", file: file, line: line)
            }
            if let message { XCTAssertEqual(m, message, file: file, line: line) }
        }
    }

    static func unsupported(_ bytes: [UInt8], file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertThrowsError(try ModuleValidator.validate(try ModuleDecoder.decode(bytes)),
                             file: file, line: line) { error in
            guard case SwasmError.unsupported = error else {
                return XCTFail("expected unsupported, got \(error)", file: file, line: line)
            }
        }
    }

    /// Decodes (must succeed) and validates; the validation must fail with a message
    /// starting with `prefix`.
    static func invalid(_ bytes: [UInt8], _ prefix: String, functionReferences: Bool = true,
                       file: StaticString = #filePath, line: UInt = #line) {
        let module: ModuleSections
        do {
            module = try ModuleDecoder.decode(bytes)
        } catch {
            return XCTFail("decoding failed: \(error)", file: file, line: line)
        }
        XCTAssertThrowsError(try ModuleValidator.validate(module, functionReferences: functionReferences),
                             file: file, line: line) { error in
            guard case SwasmError.invalid(let m, _, _) = error else {
                return XCTFail("expected invalid, got \(error)", file: file, line: line)
            }
            XCTAssertTrue(m.hasPrefix(prefix), "\"\(m)\" does not start with \"\(prefix)\"",
                          file: file, line: line)
        }
    }

    static func decodeAndValidate(_ bytes: [UInt8], file: StaticString = #filePath, line: UInt = #line) throws
        -> ModuleSections
    {
        let module = try ModuleDecoder.decode(bytes)
        try ModuleValidator.validate(module)
        return module
    }
}
