import Foundation
import XCTest
import SwasmText

/// Developer reports, off unless asked for by environment variable:
/// - `SWASM_TEXT_MALFORMED_REPORT=<suite folder under shared/>` prints each `assert_malformed`
///   module's expected message next to the encoder's error, to review that rejections have the
///   right cause;
/// - `SWASM_TEXT_CHECK_DIR=<absolute folder>` runs the spec-suite check on any folder of
///   scripts (e.g. the proposals) and prints the failures;
/// - `SWASM_TEXT_FUZZ=<iterations>` mutates the spec suite's text modules (deleting, repeating
///   and swapping byte ranges) and encodes them: any crash is a bug, errors are expected.
final class DeveloperReportTests: XCTestCase {
    func testFuzzMutatedModules() throws {
        guard let count = ProcessInfo.processInfo.environment["SWASM_TEXT_FUZZ"].flatMap(Int.init) else { return }
        var sources: [[UInt8]] = []
        for url in try SpecSuiteTests.scripts(in: "spec-testsuite") {
            let text = try String(decoding: Data(contentsOf: url), as: UTF8.self)
            for d in (try? WAST.parse(text)) ?? [] {
                switch d.kind {
                case .module(let m), .assertInvalid(let m, _), .assertMalformed(let m, _):
                    if case .text(let t) = m.source { sources.append(Array(t.utf8)) }
                    if case .quote(let t) = m.source { sources.append(Array(t.utf8)) }
                default: break
                }
            }
        }
        var rng = SystemRandomNumberGenerator()
        var accepted = 0
        for _ in 0..<count {
            var s = sources[Int.random(in: 0..<sources.count, using: &rng)]
            for _ in 0..<Int.random(in: 1...3, using: &rng) where s.count > 2 {
                let a = Int.random(in: 0..<s.count, using: &rng)
                let b = min(s.count, a + Int.random(in: 1...12, using: &rng))
                switch Int.random(in: 0..<3, using: &rng) {
                case 0: s.removeSubrange(a..<b)
                case 1: s.insert(contentsOf: s[a..<b], at: Int.random(in: 0...s.count, using: &rng))
                default: s[a] = [UInt8(ascii: "("), UInt8(ascii: ")"), UInt8(ascii: "$"), UInt8(ascii: "0"),
                                 UInt8(ascii: "\""), UInt8(ascii: " "), UInt8(ascii: "-"), UInt8(ascii: "x")].randomElement(using: &rng)!
                }
            }
            if (try? WAT.encode(bytes: s)) != nil { accepted += 1 }
            _ = try? WAST.parse(bytes: s)
        }
        print("fuzz: \(count) mutants, \(accepted) encoded")
    }

    func testCheckDirectory() throws {
        guard let path = ProcessInfo.processInfo.environment["SWASM_TEXT_CHECK_DIR"] else { return }
        let urls = try FileManager.default.contentsOfDirectory(
            at: URL(fileURLWithPath: path), includingPropertiesForKeys: nil
        ).filter { $0.pathExtension == "wast" }.sorted { $0.path < $1.path }
        for url in urls {
            let outcome = try SpecSuiteTests.check(url, options: .wasm3, dumpTo: nil)
            print("\(url.lastPathComponent): \(outcome.encoded) encoded, \(outcome.rejected) rejected")
            for failure in outcome.failures { print("FAILURE \(failure)") }
        }
    }

    func testReport() throws {
        guard let suite = ProcessInfo.processInfo.environment["SWASM_TEXT_MALFORMED_REPORT"] else { return }
        for url in try SpecSuiteTests.scripts(in: suite) {
            let source = try String(decoding: Data(contentsOf: url), as: UTF8.self)
            guard let directives = try? WAST.parse(source) else { continue }
            for d in directives {
                guard case .assertMalformed(let m, let message) = d.kind else { continue }
                if case .binary = m.source { continue }
                do {
                    _ = try m.encode()
                    print("ACCEPTED \(url.lastPathComponent):\(d.line) [\(message)]")
                } catch {
                    print("REJECTED \(url.lastPathComponent):\(d.line) [\(message)] \(error)")
                }
            }
        }
    }
}
