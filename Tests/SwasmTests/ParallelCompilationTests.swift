import XCTest
import Swasm
import SwasmText

/// Eager compilation on several threads: every function compiled, and the error reported is
/// the one a single thread reports (the first invalid function in index order).
final class ParallelCompilationTests: XCTestCase {
    /// `count` functions; those in `invalid` add an i32 to an i64.
    private func module(count: Int, invalid: Set<Int>) throws -> [UInt8] {
        var text = "(module\n"
        for i in 0..<count {
            let body = invalid.contains(i)
                ? "(i32.add (i32.const \(i)) (i64.const 1))"
                : "(i32.add (i32.const \(i)) (local.get 0))"
            text += "  (func (export \"f\(i)\") (param i32) (result i32) \(body))\n"
        }
        return try WAT.encode(text + ")")
    }

    private func engine(threads: Int) -> Engine {
        var configuration = EngineConfiguration()
        configuration.compilation = .eager
        configuration.compilationThreads = threads
        return Engine(configuration: configuration)
    }

    private func failingFunction(_ bytes: [UInt8], threads: Int) -> UInt32? {
        do {
            _ = try Module(engine: engine(threads: threads), bytes: bytes)
            return nil
        } catch SwasmError.invalid(_, let function, _) {
            return function
        } catch {
            XCTFail("unexpected \(error)")
            return nil
        }
    }

    func testEveryFunctionCompilesAndRuns() throws {
        let module = try Module(engine: engine(threads: 3), bytes: module(count: 200, invalid: []))
        let instance = try Linker().instantiate(store: Store(engine: module.engine), module: module)
        for i in [0, 1, 99, 199] {
            XCTAssertEqual(try instance.function("f\(i)")?.call([.i32(5)]), [.i32(UInt32(i + 5))])
        }
    }

    func testFirstInvalidFunctionIsReportedWhateverTheThreads() throws {
        let bytes = try module(count: 300, invalid: [117, 118, 250])
        XCTAssertEqual(failingFunction(bytes, threads: 1), 117)
        for threads in [2, 4, 8] {
            XCTAssertEqual(failingFunction(bytes, threads: threads), 117, "\(threads) threads")
        }
    }
}
