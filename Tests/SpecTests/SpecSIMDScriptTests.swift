import Foundation
import WastRunner
import XCTest

/// One test per SIMD script: the Wasm 2.0 suite's `simd_*` (counted in SpecSuiteTotals with
/// the other 2.0 scripts) and the Wasm 3.0 suite's `simd_*` and relaxed SIMD scripts, run in
/// the 3.0 dialect. The 3.0 suite's simd_memory-multi.wast (SIMD accesses to several
/// memories) is tested in Spec3Memory64Tests.
final class SpecSIMDScriptTests: XCTestCase {
    /// The Wasm 2.0 scripts with a method here (SpecSuiteTotals checks none is missing).
    static let scriptNames: Set<String> = [
        "simd_address",
        "simd_align",
        "simd_bit_shift",
        "simd_bitwise",
        "simd_boolean",
        "simd_const",
        "simd_conversions",
        "simd_f32x4",
        "simd_f32x4_arith",
        "simd_f32x4_cmp",
        "simd_f32x4_pmin_pmax",
        "simd_f32x4_rounding",
        "simd_f64x2",
        "simd_f64x2_arith",
        "simd_f64x2_cmp",
        "simd_f64x2_pmin_pmax",
        "simd_f64x2_rounding",
        "simd_i16x8_arith",
        "simd_i16x8_arith2",
        "simd_i16x8_cmp",
        "simd_i16x8_extadd_pairwise_i8x16",
        "simd_i16x8_extmul_i8x16",
        "simd_i16x8_q15mulr_sat_s",
        "simd_i16x8_sat_arith",
        "simd_i32x4_arith",
        "simd_i32x4_arith2",
        "simd_i32x4_cmp",
        "simd_i32x4_dot_i16x8",
        "simd_i32x4_extadd_pairwise_i16x8",
        "simd_i32x4_extmul_i16x8",
        "simd_i32x4_trunc_sat_f32x4",
        "simd_i32x4_trunc_sat_f64x2",
        "simd_i64x2_arith",
        "simd_i64x2_arith2",
        "simd_i64x2_cmp",
        "simd_i64x2_extmul_i32x4",
        "simd_i8x16_arith",
        "simd_i8x16_arith2",
        "simd_i8x16_cmp",
        "simd_i8x16_sat_arith",
        "simd_int_to_int_extend",
        "simd_lane",
        "simd_linking",
        "simd_load",
        "simd_load16_lane",
        "simd_load32_lane",
        "simd_load64_lane",
        "simd_load8_lane",
        "simd_load_extend",
        "simd_load_splat",
        "simd_load_zero",
        "simd_select",
        "simd_splat",
        "simd_store",
        "simd_store16_lane",
        "simd_store32_lane",
        "simd_store64_lane",
        "simd_store8_lane",
    ]

    static let directory3: URL = SpecSuite.directory.deletingLastPathComponent()
        .appendingPathComponent("spec-testsuite")

    /// Runs a script of the Wasm 3.0 suite and fails with each failing assertion's line (a
    /// module that fails to load counts as a failure, so scripts without assertions still test).
    private func runSpec3Script(_ name: String, file: StaticString = #filePath, line: UInt = #line) throws {
        let path = Self.directory3.appendingPathComponent(name + ".wast").path
        guard FileManager.default.fileExists(atPath: path) else {
            throw XCTSkip("Wasm 3.0 spec suite not found at \(Self.directory3.path)")
        }
        let result = SpecTier.runFile(atPath: path, dialect: .wasm3).combined
        if result.failed > 0 {
            let shown = result.failures.prefix(50).joined(separator: "\n")
            XCTFail("\(name).wast: \(result.passed) passed, \(result.failed) failed\n\(shown)", file: file, line: line)
        }
    }

    // MARK: Wasm 2.0

    func test_simd_address() throws { try runSpecScript("simd_address") }

    func test_simd_align() throws { try runSpecScript("simd_align") }

    func test_simd_bit_shift() throws { try runSpecScript("simd_bit_shift") }

    func test_simd_bitwise() throws { try runSpecScript("simd_bitwise") }

    func test_simd_boolean() throws { try runSpecScript("simd_boolean") }

    func test_simd_const() throws { try runSpecScript("simd_const") }

    func test_simd_conversions() throws { try runSpecScript("simd_conversions") }

    func test_simd_f32x4() throws { try runSpecScript("simd_f32x4") }

    func test_simd_f32x4_arith() throws { try runSpecScript("simd_f32x4_arith") }

    func test_simd_f32x4_cmp() throws { try runSpecScript("simd_f32x4_cmp") }

    func test_simd_f32x4_pmin_pmax() throws { try runSpecScript("simd_f32x4_pmin_pmax") }

    func test_simd_f32x4_rounding() throws { try runSpecScript("simd_f32x4_rounding") }

    func test_simd_f64x2() throws { try runSpecScript("simd_f64x2") }

    func test_simd_f64x2_arith() throws { try runSpecScript("simd_f64x2_arith") }

    func test_simd_f64x2_cmp() throws { try runSpecScript("simd_f64x2_cmp") }

    func test_simd_f64x2_pmin_pmax() throws { try runSpecScript("simd_f64x2_pmin_pmax") }

    func test_simd_f64x2_rounding() throws { try runSpecScript("simd_f64x2_rounding") }

    func test_simd_i16x8_arith() throws { try runSpecScript("simd_i16x8_arith") }

    func test_simd_i16x8_arith2() throws { try runSpecScript("simd_i16x8_arith2") }

    func test_simd_i16x8_cmp() throws { try runSpecScript("simd_i16x8_cmp") }

    func test_simd_i16x8_extadd_pairwise_i8x16() throws { try runSpecScript("simd_i16x8_extadd_pairwise_i8x16") }

    func test_simd_i16x8_extmul_i8x16() throws { try runSpecScript("simd_i16x8_extmul_i8x16") }

    func test_simd_i16x8_q15mulr_sat_s() throws { try runSpecScript("simd_i16x8_q15mulr_sat_s") }

    func test_simd_i16x8_sat_arith() throws { try runSpecScript("simd_i16x8_sat_arith") }

    func test_simd_i32x4_arith() throws { try runSpecScript("simd_i32x4_arith") }

    func test_simd_i32x4_arith2() throws { try runSpecScript("simd_i32x4_arith2") }

    func test_simd_i32x4_cmp() throws { try runSpecScript("simd_i32x4_cmp") }

    func test_simd_i32x4_dot_i16x8() throws { try runSpecScript("simd_i32x4_dot_i16x8") }

    func test_simd_i32x4_extadd_pairwise_i16x8() throws { try runSpecScript("simd_i32x4_extadd_pairwise_i16x8") }

    func test_simd_i32x4_extmul_i16x8() throws { try runSpecScript("simd_i32x4_extmul_i16x8") }

    func test_simd_i32x4_trunc_sat_f32x4() throws { try runSpecScript("simd_i32x4_trunc_sat_f32x4") }

    func test_simd_i32x4_trunc_sat_f64x2() throws { try runSpecScript("simd_i32x4_trunc_sat_f64x2") }

    func test_simd_i64x2_arith() throws { try runSpecScript("simd_i64x2_arith") }

    func test_simd_i64x2_arith2() throws { try runSpecScript("simd_i64x2_arith2") }

    func test_simd_i64x2_cmp() throws { try runSpecScript("simd_i64x2_cmp") }

    func test_simd_i64x2_extmul_i32x4() throws { try runSpecScript("simd_i64x2_extmul_i32x4") }

    func test_simd_i8x16_arith() throws { try runSpecScript("simd_i8x16_arith") }

    func test_simd_i8x16_arith2() throws { try runSpecScript("simd_i8x16_arith2") }

    func test_simd_i8x16_cmp() throws { try runSpecScript("simd_i8x16_cmp") }

    func test_simd_i8x16_sat_arith() throws { try runSpecScript("simd_i8x16_sat_arith") }

    func test_simd_int_to_int_extend() throws { try runSpecScript("simd_int_to_int_extend") }

    func test_simd_lane() throws { try runSpecScript("simd_lane") }

    func test_simd_linking() throws { try runSpecScript("simd_linking") }

    func test_simd_load() throws { try runSpecScript("simd_load") }

    func test_simd_load16_lane() throws { try runSpecScript("simd_load16_lane") }

    func test_simd_load32_lane() throws { try runSpecScript("simd_load32_lane") }

    func test_simd_load64_lane() throws { try runSpecScript("simd_load64_lane") }

    func test_simd_load8_lane() throws { try runSpecScript("simd_load8_lane") }

    func test_simd_load_extend() throws { try runSpecScript("simd_load_extend") }

    func test_simd_load_splat() throws { try runSpecScript("simd_load_splat") }

    func test_simd_load_zero() throws { try runSpecScript("simd_load_zero") }

    func test_simd_select() throws { try runSpecScript("simd_select") }

    func test_simd_splat() throws { try runSpecScript("simd_splat") }

    func test_simd_store() throws { try runSpecScript("simd_store") }

    func test_simd_store16_lane() throws { try runSpecScript("simd_store16_lane") }

    func test_simd_store32_lane() throws { try runSpecScript("simd_store32_lane") }

    func test_simd_store64_lane() throws { try runSpecScript("simd_store64_lane") }

    func test_simd_store8_lane() throws { try runSpecScript("simd_store8_lane") }

    // MARK: Wasm 3.0

    func test3_i16x8_relaxed_q15mulr_s() throws { try runSpec3Script("i16x8_relaxed_q15mulr_s") }

    func test3_i32x4_relaxed_trunc() throws { try runSpec3Script("i32x4_relaxed_trunc") }

    func test3_i8x16_relaxed_swizzle() throws { try runSpec3Script("i8x16_relaxed_swizzle") }

    func test3_relaxed_dot_product() throws { try runSpec3Script("relaxed_dot_product") }

    func test3_relaxed_laneselect() throws { try runSpec3Script("relaxed_laneselect") }

    func test3_relaxed_madd_nmadd() throws { try runSpec3Script("relaxed_madd_nmadd") }

    func test3_relaxed_min_max() throws { try runSpec3Script("relaxed_min_max") }

    func test3_simd_address() throws { try runSpec3Script("simd_address") }

    func test3_simd_align() throws { try runSpec3Script("simd_align") }

    func test3_simd_bit_shift() throws { try runSpec3Script("simd_bit_shift") }

    func test3_simd_bitwise() throws { try runSpec3Script("simd_bitwise") }

    func test3_simd_boolean() throws { try runSpec3Script("simd_boolean") }

    func test3_simd_const() throws { try runSpec3Script("simd_const") }

    func test3_simd_conversions() throws { try runSpec3Script("simd_conversions") }

    func test3_simd_f32x4() throws { try runSpec3Script("simd_f32x4") }

    func test3_simd_f32x4_arith() throws { try runSpec3Script("simd_f32x4_arith") }

    func test3_simd_f32x4_cmp() throws { try runSpec3Script("simd_f32x4_cmp") }

    func test3_simd_f32x4_pmin_pmax() throws { try runSpec3Script("simd_f32x4_pmin_pmax") }

    func test3_simd_f32x4_rounding() throws { try runSpec3Script("simd_f32x4_rounding") }

    func test3_simd_f64x2() throws { try runSpec3Script("simd_f64x2") }

    func test3_simd_f64x2_arith() throws { try runSpec3Script("simd_f64x2_arith") }

    func test3_simd_f64x2_cmp() throws { try runSpec3Script("simd_f64x2_cmp") }

    func test3_simd_f64x2_pmin_pmax() throws { try runSpec3Script("simd_f64x2_pmin_pmax") }

    func test3_simd_f64x2_rounding() throws { try runSpec3Script("simd_f64x2_rounding") }

    func test3_simd_i16x8_arith() throws { try runSpec3Script("simd_i16x8_arith") }

    func test3_simd_i16x8_arith2() throws { try runSpec3Script("simd_i16x8_arith2") }

    func test3_simd_i16x8_cmp() throws { try runSpec3Script("simd_i16x8_cmp") }

    func test3_simd_i16x8_extadd_pairwise_i8x16() throws { try runSpec3Script("simd_i16x8_extadd_pairwise_i8x16") }

    func test3_simd_i16x8_extmul_i8x16() throws { try runSpec3Script("simd_i16x8_extmul_i8x16") }

    func test3_simd_i16x8_q15mulr_sat_s() throws { try runSpec3Script("simd_i16x8_q15mulr_sat_s") }

    func test3_simd_i16x8_sat_arith() throws { try runSpec3Script("simd_i16x8_sat_arith") }

    func test3_simd_i32x4_arith() throws { try runSpec3Script("simd_i32x4_arith") }

    func test3_simd_i32x4_arith2() throws { try runSpec3Script("simd_i32x4_arith2") }

    func test3_simd_i32x4_cmp() throws { try runSpec3Script("simd_i32x4_cmp") }

    func test3_simd_i32x4_dot_i16x8() throws { try runSpec3Script("simd_i32x4_dot_i16x8") }

    func test3_simd_i32x4_extadd_pairwise_i16x8() throws { try runSpec3Script("simd_i32x4_extadd_pairwise_i16x8") }

    func test3_simd_i32x4_extmul_i16x8() throws { try runSpec3Script("simd_i32x4_extmul_i16x8") }

    func test3_simd_i32x4_trunc_sat_f32x4() throws { try runSpec3Script("simd_i32x4_trunc_sat_f32x4") }

    func test3_simd_i32x4_trunc_sat_f64x2() throws { try runSpec3Script("simd_i32x4_trunc_sat_f64x2") }

    func test3_simd_i64x2_arith() throws { try runSpec3Script("simd_i64x2_arith") }

    func test3_simd_i64x2_arith2() throws { try runSpec3Script("simd_i64x2_arith2") }

    func test3_simd_i64x2_cmp() throws { try runSpec3Script("simd_i64x2_cmp") }

    func test3_simd_i64x2_extmul_i32x4() throws { try runSpec3Script("simd_i64x2_extmul_i32x4") }

    func test3_simd_i8x16_arith() throws { try runSpec3Script("simd_i8x16_arith") }

    func test3_simd_i8x16_arith2() throws { try runSpec3Script("simd_i8x16_arith2") }

    func test3_simd_i8x16_cmp() throws { try runSpec3Script("simd_i8x16_cmp") }

    func test3_simd_i8x16_sat_arith() throws { try runSpec3Script("simd_i8x16_sat_arith") }

    func test3_simd_int_to_int_extend() throws { try runSpec3Script("simd_int_to_int_extend") }

    func test3_simd_lane() throws { try runSpec3Script("simd_lane") }

    func test3_simd_linking() throws { try runSpec3Script("simd_linking") }

    func test3_simd_load() throws { try runSpec3Script("simd_load") }

    func test3_simd_load16_lane() throws { try runSpec3Script("simd_load16_lane") }

    func test3_simd_load32_lane() throws { try runSpec3Script("simd_load32_lane") }

    func test3_simd_load64_lane() throws { try runSpec3Script("simd_load64_lane") }

    func test3_simd_load8_lane() throws { try runSpec3Script("simd_load8_lane") }

    func test3_simd_load_extend() throws { try runSpec3Script("simd_load_extend") }

    func test3_simd_load_splat() throws { try runSpec3Script("simd_load_splat") }

    func test3_simd_load_zero() throws { try runSpec3Script("simd_load_zero") }

    func test3_simd_select() throws { try runSpec3Script("simd_select") }

    func test3_simd_splat() throws { try runSpec3Script("simd_splat") }

    func test3_simd_store() throws { try runSpec3Script("simd_store") }

    func test3_simd_store16_lane() throws { try runSpec3Script("simd_store16_lane") }

    func test3_simd_store32_lane() throws { try runSpec3Script("simd_store32_lane") }

    func test3_simd_store64_lane() throws { try runSpec3Script("simd_store64_lane") }

    func test3_simd_store8_lane() throws { try runSpec3Script("simd_store8_lane") }
}
