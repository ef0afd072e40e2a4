import Foundation
import XCTest

/// Runs a C++ program that throws and catches exceptions, compiled to WASI with exceptions by
/// a real toolchain (zig's clang and LLVM's libc++abi, see Examples/cpp-exceptions/build.sh):
/// once with exnref (`try_table`, `throw`, `throw_ref`) and once in the legacy form
/// (`try`/`catch`/`rethrow`), and checks its output, exit status and the features it uses.
final class CLICppExceptionTests: XCTestCase {
    static let expectedOutput = """
    "1234" -> 1234
    "12x4" -> parse error at 2: not a digit: x
    "" -> error: empty input
    "99999" -> 99999
    "7a" -> parse error at 1: not a digit: a
    caught something
    total 101233, parse errors 2, other errors 1, rethrown 2, live guards 0

    """

    static func example(_ name: String) -> String {
        URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Examples/cpp-exceptions/\(name)").path
    }

    func check(_ name: String, legacy: Bool) throws {
        let swasm = try SwasmProcess.locate()
        let outcome = try swasm.run(["run", Self.example(name)])
        XCTAssertEqual(outcome.status, 0, outcome.stderr)
        XCTAssertEqual(outcome.stdout, Self.expectedOutput)
        let inspect = try swasm.run(["inspect", Self.example(name)])
        XCTAssertEqual(inspect.status, 0, inspect.stderr)
        let line = inspect.stdout.split(separator: "\n").first { $0.hasPrefix("features: ") } ?? ""
        let features = line.dropFirst("features: ".count).components(separatedBy: ", ")
        XCTAssertTrue(features.contains("exceptions"), inspect.stdout)
        XCTAssertEqual(features.contains("legacy-exceptions"), legacy, inspect.stdout)
        // With exceptions switched off, the program is refused before it runs.
        let refused = try swasm.run(["run", "-W", "exceptions=n", Self.example(name)])
        XCTAssertEqual(refused.status, 1)
        XCTAssertTrue(refused.stderr.contains("exceptions"), refused.stderr)
        XCTAssertEqual(refused.stdout, "")
    }

    func testExnrefBuildThrowsAndCatches() throws {
        try check("exceptions.wasm", legacy: false)
    }

    func testLegacyBuildThrowsAndCatches() throws {
        try check("exceptions-legacy.wasm", legacy: true)
    }
}
