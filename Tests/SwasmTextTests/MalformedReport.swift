import Foundation
import XCTest
import SwasmText

/// With `SWASM_TEXT_MALFORMED_REPORT` set, prints each `assert_malformed` module's expected
/// message next to the error the encoder gave, for reviewing that rejections have the right cause.
final class MalformedReportTests: XCTestCase {
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
