import XCTest
import SwasmText
@testable import Swasm

/// The translator's output is linear in the size of the code it translates: a branch that
/// carries many values costs a bounded number of IR words (and machine code bytes), however
/// many values it carries and however often it repeats. A guest could otherwise make a small
/// module expand into gigabytes (a `br_table` of thousands of entries each leaving a function
/// of a thousand results once made a 34 KB module take 1.9 GB).
final class TranslationBoundsTests: XCTestCase {
    /// IR bytes allowed per byte of function body in these tests: every construct of the
    /// hostile modules below costs well under it, while a copy per carried value costs
    /// hundreds of times more.
    static let irBytesPerBodyByte = 16
    static let irSlackBytes = 512
    /// The same for machine code, which takes several bytes per IR word (a branch that
    /// returns writes back the slots kept in registers).
    static let nativeBytesPerBodyByte = 64
    static let nativeSlackBytes = 4096

    /// `count` values, mostly constants (which the translator keeps lazily and which a naive
    /// branch re-materializes each time) with a few reads of parameter 0, whose slot the
    /// results overwrite first.
    static func values(_ count: Int) -> String {
        (0..<count).map { $0 % 97 == 5 ? "(local.get 0)" : "(i32.const \($0 * 3))" }.joined(separator: " ")
    }

    static func expected(_ count: Int, parameter: Int32) -> [Value] {
        (0..<count).map { index -> Value in
            let value: Int32 = index % 97 == 5 ? parameter : Int32(index * 3)
            return .i32(UInt32(bitPattern: value))
        }
    }

    static func results(_ count: Int) -> String {
        "(result" + String(repeating: " i32", count: count) + ")"
    }

    /// Many `br_if`s that leave a function of `resultCount` results.
    static func brIfReturns(resultCount: Int, branches: Int) -> String {
        """
        (module (func (export "f") (param i32) \(results(resultCount))
          \(values(resultCount))
          \(String(repeating: "(br_if 0 (local.get 0)) ", count: branches))))
        """
    }

    /// One `br_table` with `targets` entries that all leave the function.
    static func brTableReturns(resultCount: Int, targets: Int) -> String {
        """
        (module (func (export "f") (param i32) \(results(resultCount))
          \(values(resultCount))
          (br_table \(String(repeating: "0 ", count: targets)) (local.get 0))))
        """
    }

    /// Branches to block labels of many results whose values sit one slot above the label's
    /// slots (an extra value below them): each branch must move them.
    static func blockBranches(resultCount: Int, branches: Int, targets: Int) -> String {
        """
        (module (func (export "f") (param i32) \(results(resultCount))
          (block $outer \(results(resultCount))
            (block $inner \(results(resultCount))
              (i32.const 99)
              \(values(resultCount))
              \(String(repeating: "(br_if $inner (i32.eq (local.get 0) (i32.const 1))) ", count: branches))
              (br_table \((0..<targets).map { ["$inner", "$outer", "0", "2"][$0 % 4] }.joined(separator: " ")) $outer
                (i32.sub (local.get 0) (i32.const 2)))))))
        """
    }

    struct Measured {
        var bodyBytes: Int
        var irBytes: Int
    }

    /// Body and IR size of defined function 0 of `module`.
    func measure(_ module: Module) throws -> Measured {
        let function = try module.code.function(0)
        return Measured(bodyBytes: module.code.sections.code[0].code.count, irBytes: function.wordCount * 8)
    }

    func assertLinear(_ measured: Measured, _ what: String, file: StaticString = #filePath, line: UInt = #line) -> Bool {
        let bound = Self.irBytesPerBodyByte * measured.bodyBytes + Self.irSlackBytes
        XCTAssertLessThanOrEqual(measured.irBytes, bound,
                                 "\(what): \(measured.irBytes) IR bytes for a body of \(measured.bodyBytes) bytes",
                                 file: file, line: line)
        return measured.irBytes <= bound
    }

    /// Translates `wat`, checks the IR size, then runs `f` with each argument on the
    /// interpreter and with every function compiled to machine code on its first call.
    func check(_ wat: String, _ what: String, arguments: [Int32], expected: (Int32) -> [Value],
               file: StaticString = #filePath, line: UInt = #line) throws {
        let bytes = try WAT.encode(wat)
        var interpreted = EngineConfiguration()
        interpreted.nativeCode = false
        var native = EngineConfiguration()
        native.nativeCodeThreshold = 0
        for configuration in [interpreted, native] {
            let engine = Engine(configuration: configuration)
            let module = try Module(engine: engine, bytes: bytes)
            guard assertLinear(try measure(module), what, file: file, line: line) else { return }
            let instance = try Linker().instantiate(store: Store(engine: engine), module: module)
            let function = try XCTUnwrap(instance.function("f"), file: file, line: line)
            for argument in arguments {
                XCTAssertEqual(try function.call([.i32(UInt32(bitPattern: argument))]), expected(argument),
                               "\(what), f(\(argument)), native \(configuration.nativeCode)", file: file, line: line)
            }
            guard configuration.nativeCode, NativeTier.isAvailable else { continue }
            let measured = try measure(module)
            let nativeBytes = try module.code.function(0).nativeCodeBytes
            XCTAssertGreaterThan(nativeBytes, 0, "\(what): compiled to machine code", file: file, line: line)
            XCTAssertLessThanOrEqual(nativeBytes, Self.nativeBytesPerBodyByte * measured.bodyBytes + Self.nativeSlackBytes,
                                     "\(what): \(nativeBytes) bytes of machine code for a body of \(measured.bodyBytes) bytes",
                                     file: file, line: line)
            print("\(what): body \(measured.bodyBytes) bytes, IR \(measured.irBytes) bytes, machine code \(nativeBytes) bytes")
        }
    }

    func testBrIfLeavingAFunctionOfManyResultsIsLinear() throws {
        try check(Self.brIfReturns(resultCount: 1000, branches: 2000), "br_if to a 1000-result function",
                  arguments: [0, 1, 7]) { Self.expected(1000, parameter: $0) }
    }

    func testBrTableLeavingAFunctionOfManyResultsIsLinear() throws {
        try check(Self.brTableReturns(resultCount: 500, targets: 3000), "br_table of 3000 returns",
                  arguments: [0, 1, 2999, 3000, -1]) { Self.expected(500, parameter: $0) }
    }

    func testBranchesToMultiValueBlocksAreLinear() throws {
        // f(1) leaves through the br_ifs, f(2...) through each kind of br_table entry.
        try check(Self.blockBranches(resultCount: 300, branches: 1000, targets: 2000), "branches to 300-value blocks",
                  arguments: [0, 1, 2, 3, 4, 5, 6, 5000]) { Self.expected(300, parameter: $0) }
    }

    // MARK: The engine's compiled-code limit

    func assertLimit(_ expression: @autoclosure () throws -> Any, _ what: String,
                     file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertThrowsError(try expression(), what, file: file, line: line) { error in
            guard case SwasmError.limit(let message)? = error as? SwasmError else {
                return XCTFail("\(what): expected a limit error, got \(error)", file: file, line: line)
            }
            XCTAssertTrue(message.contains("maxCompiledCodeBytes"), message, file: file, line: line)
        }
    }

    func testCodeBeyondTheEnginesLimitIsALimitError() throws {
        let bytes = try WAT.encode(Self.brIfReturns(resultCount: 100, branches: 300))
        var configuration = EngineConfiguration()
        configuration.maxCompiledCodeBytes = 4096
        configuration.nativeCode = false
        // Lazily: the module loads, the first call fails, and fails again the same way.
        let lazy = Engine(configuration: configuration)
        let module = try Module(engine: lazy, bytes: bytes)
        let instance = try Linker().instantiate(store: Store(engine: lazy), module: module)
        let function = try XCTUnwrap(instance.function("f"))
        assertLimit(try function.call([.i32(0)]), "first call")
        assertLimit(try function.call([.i32(1)]), "second call")
        XCTAssertEqual(lazy.compiledCodeBytes, 0)
        // Eagerly: the module is refused.
        configuration.compilation = .eager
        assertLimit(try Module(engine: Engine(configuration: configuration), bytes: bytes), "eager compilation")
        // The same module fits a larger limit.
        configuration.maxCompiledCodeBytes = 1 << 20
        XCTAssertNoThrow(try Module(engine: Engine(configuration: configuration), bytes: bytes))
    }

    func testModulesShareTheLimitAndGiveBackTheirCode() throws {
        let bytes = try WAT.encode(Self.brIfReturns(resultCount: 100, branches: 300))
        var configuration = EngineConfiguration()
        configuration.compilation = .eager
        configuration.nativeCode = false
        let measuring = Engine(configuration: configuration)
        var first: Module? = try Module(engine: measuring, bytes: bytes)
        let oneModule = measuring.compiledCodeBytes
        XCTAssertGreaterThan(oneModule, 0)
        XCTAssertEqual(oneModule, try XCTUnwrap(first).code.function(0).memoryBytes)

        configuration.maxCompiledCodeBytes = oneModule + oneModule / 2
        let engine = Engine(configuration: configuration)
        first = try Module(engine: engine, bytes: bytes)
        assertLimit(try Module(engine: engine, bytes: bytes), "a second module past the limit")
        XCTAssertEqual(engine.compiledCodeBytes, oneModule, "the refused module holds nothing")
        first = nil
        XCTAssertEqual(engine.compiledCodeBytes, 0, "a freed module gives its code back")
        XCTAssertNoThrow(try Module(engine: engine, bytes: bytes))
        _ = first
    }

    func testMachineCodeBeyondTheLimitLeavesTheFunctionInterpreted() throws {
        guard NativeTier.isAvailable else { throw XCTSkip("no native tier on this platform") }
        let bytes = try WAT.encode(Self.brIfReturns(resultCount: 100, branches: 300))
        var configuration = EngineConfiguration()
        configuration.nativeCodeThreshold = 0
        let unlimited = Engine(configuration: configuration)
        let reference = try Module(engine: unlimited, bytes: bytes)
        let irBytes = try reference.code.function(0).memoryBytes

        configuration.maxCompiledCodeBytes = irBytes + 16
        let engine = Engine(configuration: configuration)
        let module = try Module(engine: engine, bytes: bytes)
        let instance = try Linker().instantiate(store: Store(engine: engine), module: module)
        let function = try XCTUnwrap(instance.function("f"))
        XCTAssertEqual(try function.call([.i32(3)]), Self.expected(100, parameter: 3))
        XCTAssertEqual(try module.code.function(0).nativeCodeBytes, 0)
        XCTAssertNil(try module.code.function(0).nativeCode)
        XCTAssertEqual(engine.compiledCodeBytes, irBytes)
    }

    func testAFunctionPastItsOwnBoundIsALimitError() throws {
        let module = try Module(engine: Engine(), bytes: try WAT.encode(Self.brIfReturns(resultCount: 10, branches: 10)))
        var translator = try Translator(sections: module.code.sections, context: module.code.context, definedIndex: 0)
        XCTAssertEqual(translator.codeWordLimit, Translator.maxCodeWords(bodyBytes: module.code.sections.code[0].code.count))
        translator.codeWordLimit = 20
        XCTAssertThrowsError(try translator.translate()) { error in
            guard case SwasmError.limit(let message)? = error as? SwasmError else {
                return XCTFail("expected a limit error, got \(error)")
            }
            XCTAssertTrue(message.contains("IR words per byte"), message)
        }
    }

    // MARK: Real code

    /// Every function of the spec suites' modules translates well within the per-function
    /// bound: the bound is a safety net, never a limit real code meets.
    func testSpecModulesStayFarBelowTheBound() throws {
        let seeds = RobustnessTests.specSuiteSeeds()
        XCTAssertGreaterThan(seeds.count, 500)
        let engine = Engine()
        var functions = 0
        var densest = (wordsPerByte: 0.0, bodyBytes: 0, words: 0)
        for bytes in seeds {
            guard let module = try? Module(engine: engine, bytes: bytes) else { continue }
            for index in 0..<module.code.count {
                let function: CompiledFunction
                do {
                    function = try module.code.function(index)
                } catch SwasmError.limit(let message) {
                    XCTFail("function \(index) of a spec module: \(message)")
                    continue
                } catch {
                    continue
                }
                functions += 1
                let bodyBytes = module.code.sections.code[index].code.count
                let words = function.wordCount - CompiledFunction.headerWords
                // Tiny bodies have a fixed cost (entry counter, return) that a ratio overstates.
                guard bodyBytes >= 32 else { continue }
                let wordsPerByte = Double(words) / Double(bodyBytes)
                if wordsPerByte > densest.wordsPerByte { densest = (wordsPerByte, bodyBytes, words) }
            }
        }
        print("translation: \(functions) spec functions; densest \(densest.words) IR words for \(densest.bodyBytes) body bytes")
        XCTAssertGreaterThan(functions, 5_000)
        XCTAssertLessThanOrEqual(densest.wordsPerByte, Double(Translator.maxCodeWordsPerBodyByte) / 4)
    }
}
