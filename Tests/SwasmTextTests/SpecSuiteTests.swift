import Foundation
import XCTest

import SwasmText

/// Parses every script of the Wasm 2.0 spec suite and encodes every text module in it: all must
/// encode except the `assert_malformed` ones, which must all be rejected.
final class SpecSuiteTests: XCTestCase {
    /// `shared/` is the sibling of the repository root.
    static let sharedDirectory = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("shared")

    static func scripts(in suite: String) throws -> [URL] {
        let directory = sharedDirectory.appendingPathComponent(suite)
        return try FileManager.default.contentsOfDirectory(at: directory, includingPropertiesForKeys: nil)
            .filter { $0.pathExtension == "wast" }
            .sorted { $0.lastPathComponent < $1.lastPathComponent }
    }

    struct Outcome {
        var encoded = 0
        var rejected = 0
        var failures: [String] = []
    }

    /// Encodes each module of a script; with `SWASM_TEXT_DUMP` set, also writes them there
    /// (numbered in script order) for comparison with another toolchain.
    static func check(_ url: URL, options: WATOptions, dumpTo dump: URL?) throws -> Outcome {
        let source = try String(decoding: Data(contentsOf: url), as: UTF8.self)
        let name = url.deletingPathExtension().lastPathComponent
        var outcome = Outcome()
        let directives: [WastDirective]
        do {
            directives = try WAST.parse(source)
        } catch {
            outcome.failures.append("\(name).wast: script does not parse: \(error)")
            return outcome
        }
        var moduleNumber = 0
        for directive in directives {
            var module: WastModule?
            var mustFail = false
            switch directive.kind {
            case .module(let m), .moduleDefinition(let m), .assertInvalid(let m, _),
                .assertUnlinkable(let m, _), .assertUninstantiable(let m, _), .assertTrap(.module(let m), _):
                module = m
            case .assertMalformed(let m, _):
                module = m
                mustFail = true
            default:
                break
            }
            guard let module else { continue }
            moduleNumber += 1
            if case .binary = module.source { continue }
            do {
                let bytes = try module.encode(options: options)
                if mustFail {
                    outcome.failures.append("\(name).wast:\(directive.line): malformed module was accepted")
                } else {
                    outcome.encoded += 1
                    if let dump {
                        try Data(bytes).write(to: dump.appendingPathComponent("\(name).\(moduleNumber).wasm"))
                    }
                }
            } catch {
                if mustFail {
                    outcome.rejected += 1
                } else {
                    outcome.failures.append("\(name).wast:\(directive.line): \(error)")
                }
            }
        }
        return outcome
    }

    static func checkSuite(_ suite: String, options: WATOptions) throws -> Outcome {
        let dump = ProcessInfo.processInfo.environment["SWASM_TEXT_DUMP"].map { URL(fileURLWithPath: $0) }
        var total = Outcome()
        for url in try Self.scripts(in: suite) {
            let outcome = try Self.check(url, options: options, dumpTo: dump)
            total.encoded += outcome.encoded
            total.rejected += outcome.rejected
            total.failures += outcome.failures
        }
        return total
    }

    func testWasm3SpecSuiteEncodes() throws {
        let total = try Self.checkSuite("spec-testsuite", options: .wasm3)
        for failure in total.failures.prefix(300) { XCTFail(failure) }
        print("wasm 3.0 spec suite: \(total.encoded) modules encoded, \(total.rejected) malformed rejected, \(total.failures.count) failures")
    }

    func testWasm2SpecSuiteEncodes() throws {
        let dump = ProcessInfo.processInfo.environment["SWASM_TEXT_DUMP"].map { URL(fileURLWithPath: $0) }
        var total = Outcome()
        for url in try Self.scripts(in: "spec-testsuite-wasm2.0") {
            let outcome = try Self.check(url, options: .wasm2, dumpTo: dump)
            total.encoded += outcome.encoded
            total.rejected += outcome.rejected
            total.failures += outcome.failures
        }
        for failure in total.failures.prefix(200) { XCTFail(failure) }
        XCTAssertGreaterThan(total.encoded, 3500)
        XCTAssertGreaterThan(total.rejected, 500)
        print("wasm 2.0 spec suite: \(total.encoded) modules encoded, \(total.rejected) malformed rejected, \(total.failures.count) failures")
    }
}
