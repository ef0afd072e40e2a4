import Swasm
import SwasmText
import XCTest

/// `Module.featuresUsed` and `EngineConfiguration.features`: what a module uses, and an
/// engine that refuses what it was told not to accept.
final class FeatureTests: XCTestCase {
    func module(_ text: String, features: WasmFeatures = .all) throws -> Module {
        var configuration = EngineConfiguration()
        configuration.features = features
        return try Module(engine: Engine(configuration: configuration), bytes: WAT.encode(text))
    }

    func testAPlainModuleUsesNothingBeyondWasm1() throws {
        let m = try module("(module (func (export \"f\") (param i32) (result i32) (i32.add (local.get 0) (i32.const 1))))")
        XCTAssertEqual(m.featuresUsed, [])
    }

    func testEachFeatureIsFoundWhereItIsUsed() throws {
        let cases: [(String, WasmFeatures)] = [
            ("(module (func (param i32) (result i32) (i32.extend8_s (local.get 0))))", .signExtension),
            ("(module (func (param f32) (result i32) (i32.trunc_sat_f32_s (local.get 0))))", .nontrappingFloatToInt),
            ("(module (func (result i32 i32) (i32.const 1) (i32.const 2)))", .multiValue),
            ("(module (memory 1) (func (memory.fill (i32.const 0) (i32.const 0) (i32.const 0))))", .bulkMemory),
            ("(module (table 1 externref))", .referenceTypes),
            ("(module (func (result v128) (v128.const i64x2 0 0)))", .simd),
            ("(module (func (param v128 v128 v128) (result v128) (f32x4.relaxed_madd (local.get 0) (local.get 1) (local.get 2))))", [.simd, .relaxedSIMD]),
            ("(module (func $f (return_call $f)))", .tailCall),
            ("(module (tag $e) (func (throw $e)))", .exceptions),
            ("(module (memory 1) (memory 1))", .multiMemory),
            ("(module (memory i64 1))", .memory64),
            ("(module (memory 1 1 shared))", .threads),
            ("(module (memory 1) (func (param i32) (result i32) (i32.atomic.load (local.get 0))))", .threads),
            ("(module (type $t (func)) (func (param (ref null $t)) (call_ref $t (local.get 0))))", .functionReferences),
            ("(module (type $t (func)) (func (param (ref null $t)) (return_call_ref $t (local.get 0))))", [.tailCall, .functionReferences]),
            ("(module (global (mut i32) (i32.const 0)) (export \"g\" (global 0)))", .mutableGlobals),
            ("(module (global i32 (i32.add (i32.const 1) (i32.const 2))))", .extendedConst),
        ]
        for (text, expected) in cases {
            XCTAssertEqual(try module(text).featuresUsed, expected, text)
        }
    }

    func testAnEngineRefusesAModuleUsingADisabledFeature() throws {
        let simd = "(module (func (export \"f\") (result v128) (v128.const i64x2 1 2)))"
        XCTAssertNoThrow(try module(simd))
        XCTAssertThrowsError(try module(simd, features: WasmFeatures.all.subtracting(.simd))) { error in
            guard case SwasmError.invalid(let message, _, _) = error else {
                return XCTFail("expected invalid, got \(error)")
            }
            XCTAssertTrue(message.contains("simd"), message)
        }
        // Only Wasm 2.0: a tail call is refused, SIMD is not.
        XCTAssertNoThrow(try module(simd, features: .wasm2))
        XCTAssertThrowsError(try module("(module (func $f (return_call $f)))", features: .wasm2))
    }

    func testNamesRoundTrip() {
        for (feature, name) in WasmFeatures.named {
            XCTAssertEqual(WasmFeatures(name: name), feature)
        }
        XCTAssertEqual(WasmFeatures(name: "exception-handling"), .exceptions)
        XCTAssertNil(WasmFeatures(name: "warp-drive"))
        XCTAssertEqual(WasmFeatures.all.names.count, WasmFeatures.named.count)
    }
}
