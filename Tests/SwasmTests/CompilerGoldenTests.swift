import Foundation
import XCTest
@testable import Swasm

/// Golden tests for the translator: each module's IR listing must match the expectation in
/// CompilerGoldenExpectations.swift, so every change to translation or fusion shows in review.
/// To re-bless after an intended change, run with `SWASM_BLESS=1`; the expectations file is
/// rewritten from the current output (review the diff before committing).
final class CompilerGoldenTests: XCTestCase {
    /*
    (module
      (func (param i32 i32) (result i32)
        (i32.add (local.get 0) (local.get 1)))
      (func (param i32 i32) (result i32) (local i32)
        (local.set 2 (i32.mul (local.get 0) (local.get 1)))
        local.get 2
        (local.set 2 (i32.const 7))
        local.get 2
        i32.sub)
      (func (param i32) (result i32)
        (i32.add (local.tee 0 (i32.add (local.get 0) (i32.const 1))) (local.get 0))))
    */
    static let locals: [UInt8] = [
        0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, 0x01, 0x0c, 0x02, 0x60, 0x02, 0x7f, 0x7f, 0x01,
        0x7f, 0x60, 0x01, 0x7f, 0x01, 0x7f, 0x03, 0x04, 0x03, 0x00, 0x00, 0x01, 0x0a, 0x2b, 0x03, 0x07,
        0x00, 0x20, 0x00, 0x20, 0x01, 0x6a, 0x0b, 0x14, 0x01, 0x01, 0x7f, 0x20, 0x00, 0x20, 0x01, 0x6c,
        0x21, 0x02, 0x20, 0x02, 0x41, 0x07, 0x21, 0x02, 0x20, 0x02, 0x6b, 0x0b, 0x0c, 0x00, 0x20, 0x00,
        0x41, 0x01, 0x6a, 0x22, 0x00, 0x20, 0x00, 0x6a, 0x0b, 0x00, 0x0e, 0x04, 0x6e, 0x61, 0x6d, 0x65,
        0x02, 0x07, 0x03, 0x00, 0x00, 0x01, 0x00, 0x02, 0x00,
    ]

    /*
    (module
      (func (param i32 i64) (result i32)
        (i32.sub (i32.const 10) (local.get 0))
        (i32.lt_s (i32.const 5) (local.get 0))
        i32.add
        (i64.add (local.get 1) (i64.const 0x1_0000_0000))
        (i64.mul (local.get 1) (i64.const -3))
        i64.eq
        i32.add))
    */
    static let constants: [UInt8] = [
        0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, 0x01, 0x07, 0x01, 0x60, 0x02, 0x7f, 0x7e, 0x01,
        0x7f, 0x03, 0x02, 0x01, 0x00, 0x0a, 0x1f, 0x01, 0x1d, 0x00, 0x41, 0x0a, 0x20, 0x00, 0x6b, 0x41,
        0x05, 0x20, 0x00, 0x48, 0x6a, 0x20, 0x01, 0x42, 0x80, 0x80, 0x80, 0x80, 0x10, 0x7c, 0x20, 0x01,
        0x42, 0x7d, 0x7e, 0x51, 0x6a, 0x0b, 0x00, 0x0a, 0x04, 0x6e, 0x61, 0x6d, 0x65, 0x02, 0x03, 0x01,
        0x00, 0x00,
    ]

    /*
    (module
      (func (param i32) (result i32) (local i32)
        (loop
          (local.set 1 (i32.add (local.get 1) (local.get 0)))
          (br_if 0 (i32.gt_s (local.tee 0 (i32.sub (local.get 0) (i32.const 1))) (i32.const 0))))
        local.get 1)
      (func (param i32) (result i32)
        (if (result i32) (i32.eqz (local.get 0))
          (then (i32.const 1))
          (else (i32.const 2))))
      (func (param i32) (result i32)
        (block (result i32)
          (block (result i32)
            i32.const 100
            local.get 0
            br_table 0 1 2)
          i32.const 1
          i32.add)))
    */
    static let control: [UInt8] = [
        0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, 0x01, 0x06, 0x01, 0x60, 0x01, 0x7f, 0x01, 0x7f,
        0x03, 0x04, 0x03, 0x00, 0x00, 0x00, 0x0a, 0x42, 0x03, 0x1c, 0x01, 0x01, 0x7f, 0x03, 0x40, 0x20,
        0x01, 0x20, 0x00, 0x6a, 0x21, 0x01, 0x20, 0x00, 0x41, 0x01, 0x6b, 0x22, 0x00, 0x41, 0x00, 0x4a,
        0x0d, 0x00, 0x0b, 0x20, 0x01, 0x0b, 0x0d, 0x00, 0x20, 0x00, 0x45, 0x04, 0x7f, 0x41, 0x01, 0x05,
        0x41, 0x02, 0x0b, 0x0b, 0x15, 0x00, 0x02, 0x7f, 0x02, 0x7f, 0x41, 0xe4, 0x00, 0x20, 0x00, 0x0e,
        0x02, 0x00, 0x01, 0x02, 0x0b, 0x41, 0x01, 0x6a, 0x0b, 0x0b, 0x00, 0x0e, 0x04, 0x6e, 0x61, 0x6d,
        0x65, 0x02, 0x07, 0x03, 0x00, 0x00, 0x01, 0x00, 0x02, 0x00,
    ]

    /*
    (module
      (type $t (func (param i32 i32) (result i32 i32)))
      (table 1 funcref)
      (func $swap (type $t) local.get 1 local.get 0)
      (func (param i32) (result i32)
        (call $swap (local.get 0) (i32.const 3))
        i32.sub
        (call_indirect (type $t) (i32.const 1) (i32.const 2) (local.get 0))
        i32.add
        i32.add))
    */
    static let calls: [UInt8] = [
        0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, 0x01, 0x0d, 0x02, 0x60, 0x02, 0x7f, 0x7f, 0x02,
        0x7f, 0x7f, 0x60, 0x01, 0x7f, 0x01, 0x7f, 0x03, 0x03, 0x02, 0x00, 0x01, 0x04, 0x04, 0x01, 0x70,
        0x00, 0x01, 0x0a, 0x1d, 0x02, 0x06, 0x00, 0x20, 0x01, 0x20, 0x00, 0x0b, 0x14, 0x00, 0x20, 0x00,
        0x41, 0x03, 0x10, 0x00, 0x6b, 0x41, 0x01, 0x41, 0x02, 0x20, 0x00, 0x11, 0x00, 0x00, 0x6a, 0x6a,
        0x0b, 0x00, 0x1b, 0x04, 0x6e, 0x61, 0x6d, 0x65, 0x01, 0x07, 0x01, 0x00, 0x04, 0x73, 0x77, 0x61,
        0x70, 0x02, 0x05, 0x02, 0x00, 0x00, 0x01, 0x00, 0x04, 0x04, 0x01, 0x00, 0x01, 0x74,
    ]

    /*
    (module
      (memory 1)
      (func (param i32 i32)
        (i32.store offset=8 (local.get 0) (i32.load8_u offset=3 (local.get 1)))
        (f64.store (i32.const 64) (f64.add (f64.load (local.get 0)) (f64.const 1.5)))
        (drop (memory.grow (i32.const 1)))
        (memory.fill (local.get 0) (i32.const 0) (memory.size))))
    */
    static let memory: [UInt8] = [
        0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, 0x01, 0x06, 0x01, 0x60, 0x02, 0x7f, 0x7f, 0x00,
        0x03, 0x02, 0x01, 0x00, 0x05, 0x03, 0x01, 0x00, 0x01, 0x0a, 0x31, 0x01, 0x2f, 0x00, 0x20, 0x00,
        0x20, 0x01, 0x2d, 0x00, 0x03, 0x36, 0x02, 0x08, 0x41, 0xc0, 0x00, 0x20, 0x00, 0x2b, 0x03, 0x00,
        0x44, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0xf8, 0x3f, 0xa0, 0x39, 0x03, 0x00, 0x41, 0x01, 0x40,
        0x00, 0x1a, 0x20, 0x00, 0x41, 0x00, 0x3f, 0x00, 0xfc, 0x0b, 0x00, 0x0b, 0x00, 0x0a, 0x04, 0x6e,
        0x61, 0x6d, 0x65, 0x02, 0x03, 0x01, 0x00, 0x00,
    ]

    /*
    (module
      (memory 1)
      ;; a[i] = a[i] + a[j]; b[i] = 0 — scaled indexed loads/stores and a stored constant.
      (func (param $a i32) (param $i i32) (param $j i32) (param $b i32)
        (i32.store (i32.add (local.get $a) (i32.shl (local.get $i) (i32.const 2)))
          (i32.add
            (i32.load (i32.add (local.get $a) (i32.shl (local.get $i) (i32.const 2))))
            (i32.load offset=4 (i32.add (local.get $a) (i32.shl (local.get $j) (i32.const 2))))))
        (i32.store8 (i32.add (local.get $b) (local.get $i)) (i32.const 0)))
      ;; Selects on eqz conditions, i32 and i64; float immediates.
      (func (param i32 i32 i64 f64) (result i32)
        (select (local.get 0) (local.get 1) (i32.eqz (local.get 0)))
        (select (local.get 0) (local.get 1) (i64.eqz (local.get 2)))
        i32.add
        (i32.trunc_f64_s (f64.mul (local.get 3) (f64.const 0.5)))
        i32.add))
    */
    static let fusions: [UInt8] = [
        0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, 0x01, 0x10, 0x02, 0x60, 0x04, 0x7f, 0x7f, 0x7f,
        0x7f, 0x00, 0x60, 0x04, 0x7f, 0x7f, 0x7e, 0x7c, 0x01, 0x7f, 0x03, 0x03, 0x02, 0x00, 0x01, 0x05,
        0x03, 0x01, 0x00, 0x01, 0x0a, 0x52, 0x02, 0x2e, 0x00, 0x20, 0x00, 0x20, 0x01, 0x41, 0x02, 0x74,
        0x6a, 0x20, 0x00, 0x20, 0x01, 0x41, 0x02, 0x74, 0x6a, 0x28, 0x02, 0x00, 0x20, 0x00, 0x20, 0x02,
        0x41, 0x02, 0x74, 0x6a, 0x28, 0x02, 0x04, 0x6a, 0x36, 0x02, 0x00, 0x20, 0x03, 0x20, 0x01, 0x6a,
        0x41, 0x00, 0x3a, 0x00, 0x00, 0x0b, 0x21, 0x00, 0x20, 0x00, 0x20, 0x01, 0x20, 0x00, 0x45, 0x1b,
        0x20, 0x00, 0x20, 0x01, 0x20, 0x02, 0x50, 0x1b, 0x6a, 0x20, 0x03, 0x44, 0x00, 0x00, 0x00, 0x00,
        0x00, 0x00, 0xe0, 0x3f, 0xa2, 0xaa, 0x6a, 0x0b, 0x00, 0x18, 0x04, 0x6e, 0x61, 0x6d, 0x65, 0x02,
        0x11, 0x02, 0x00, 0x04, 0x00, 0x01, 0x61, 0x01, 0x01, 0x69, 0x02, 0x01, 0x6a, 0x03, 0x01, 0x62,
        0x01, 0x00,
    ]

    static let cases: [(name: String, bytes: [UInt8])] = [
        ("locals", locals), ("constants", constants), ("control", control), ("calls", calls), ("memory", memory),
        ("fusions", fusions),
    ]

    /// The translator's IR alone: an engine that does not go on to native code.
    static var interpreterEngine: Engine {
        var configuration = EngineConfiguration()
        configuration.nativeCode = false
        return Engine(configuration: configuration)
    }

    static func listing(_ bytes: [UInt8]) throws -> String {
        let module = try Module(engine: interpreterEngine, bytes: bytes)
        var parts: [String] = []
        for index in 0..<module.code.count {
            let function = try module.code.function(index)
            parts.append("function \(function.functionIndex): " + function.disassemble())
        }
        return parts.joined(separator: "\n")
    }

    func testListingsMatchGoldens() throws {
        var actual: [String: String] = [:]
        for (name, bytes) in Self.cases {
            actual[name] = try Self.listing(bytes)
        }
        if ProcessInfo.processInfo.environment["SWASM_BLESS"] != nil {
            try Self.bless(actual)
            return
        }
        for (name, _) in Self.cases {
            XCTAssertEqual(actual[name], compilerGoldenExpectations[name],
                           "IR of '\(name)' changed; re-bless with SWASM_BLESS=1 if intended")
        }
    }

    static func bless(_ listings: [String: String]) throws {
        var text = """
        // Generated by CompilerGoldenTests with SWASM_BLESS=1: the expected IR listings of the
        // golden modules in CompilerGoldenTests.swift. Review changes like code.

        let compilerGoldenExpectations: [String: String] = [

        """
        for (name, _) in cases {
            text += "    \"\(name)\": \"\"\"\n"
            for line in (listings[name] ?? "").split(separator: "\n", omittingEmptySubsequences: false) {
                text += "        \(line)\n"
            }
            text += "        \"\"\",\n"
        }
        text += "]\n"
        let path = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("CompilerGoldenExpectations.swift")
        try text.write(to: path, atomically: true, encoding: .utf8)
    }
}

/// Structural checks of the translated code of larger modules: every instruction decodes and
/// every branch lands on an instruction start.
final class CompilerStructureTests: XCTestCase {
    func testGoldenAndHazardModulesAreWellFormed() throws {
        for bytes in CompilerGoldenTests.cases.map(\.bytes) + [CompilerTranslationTests.hazards, InterpreterTests.exec] {
            let module = try Module(engine: Engine(), bytes: bytes)
            for index in 0..<module.code.count {
                let function = try module.code.function(index)
                XCTAssertEqual(function.verifyStructure(), [], "function \(function.functionIndex)")
            }
        }
    }

    func testBenchmarkModulesAreWellFormed() throws {
        let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("../../../shared/bench-c/wasm").standardized
        let names = ["fib", "sieve", "hashsort", "nbody"]
        for name in names {
            let path = directory.appendingPathComponent("\(name).bare.wasm").path
            guard let data = FileManager.default.contents(atPath: path) else {
                throw XCTSkip("bench-c modules not found at \(directory.path)")
            }
            let module = try Module(engine: Engine(), bytes: [UInt8](data))
            for index in 0..<module.code.count {
                let function = try module.code.function(index)
                XCTAssertEqual(function.verifyStructure(), [], "\(name) function \(function.functionIndex)")
            }
        }
    }
}

final class IROpcodeTests: XCTestCase {
    func testNumericOpsMapToTheirRegisterForms() {
        for op in NumericOp.allCases {
            XCTAssertEqual(IROpcode.register(op).name, op.name)
        }
        XCTAssertEqual(IROpcode.immediate(.i32Add), .i32AddImm)
        XCTAssertEqual(IROpcode.immediate(.i64GeU), .i64GeUImm)
        XCTAssertEqual(IROpcode.branch(on: .i32LtS, immediate: false), .brIfI32LtS)
        XCTAssertEqual(IROpcode.branch(on: .i64Ne, immediate: true), .brIfI64NeImm)
        for op in LoadOp.allCases {
            XCTAssertEqual(IROpcode.load(op, indexed: false).name.lowercased().replacingOccurrences(of: "load", with: ""),
                           op.name.replacingOccurrences(of: ".load", with: "").replacingOccurrences(of: "_", with: ""))
        }
        XCTAssertEqual(IROpcode.store(.i64Store32, indexed: true), .i64Store32Indexed)
        XCTAssertEqual(IROpcode.storeImmediateIndexed(.i64Store16), .store16ImmIndexed)
        XCTAssertLessThan(IROpcode.allCases.count, 1 << 16)
    }
}
