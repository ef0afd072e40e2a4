import Foundation
import XCTest
import SwasmText

/// Developer reports, off unless asked for by environment variable:
/// - `SWASM_TEXT_MALFORMED_REPORT=<suite folder under shared/>` prints each `assert_malformed`
///   module's expected message next to the encoder's error, to review that rejections have the
///   right cause;
/// - `SWASM_TEXT_CHECK_DIR=<absolute folder>` runs the spec-suite check on any folder of
///   scripts (e.g. the proposals) and prints the failures.
final class MalformedReportTests: XCTestCase {
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
