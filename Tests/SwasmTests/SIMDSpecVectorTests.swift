import Foundation
import XCTest
@testable import Swasm

/// Runs the `assert_return`s of the spec's SIMD scripts directly against `SIMDOps`, without the
/// decoder or interpreter in between, so a lane bug shows up with its exact operands. A script's
/// modules are read to find the exports whose body is one SIMD instruction applied to the
/// parameters in order (with its lane or shuffle immediates); every assertion invoking such an
/// export is checked. The scripts live outside the repository (`../shared/spec-testsuite-wasm2.0`
/// and, for relaxed SIMD, `../shared/spec-testsuite`, or `$SWASM_SPEC_TESTSUITE`); without them
/// the test skips.
final class SIMDSpecVectorTests: XCTestCase {

    // MARK: Values

    enum Value: Equatable, CustomStringConvertible {
        case i32(UInt32), i64(UInt64), f32(UInt32), f64(UInt64), v128(V128)

        var u32: UInt32 {
            switch self {
            case .i32(let v), .f32(let v): return v
            case .i64(let v), .f64(let v): return UInt32(truncatingIfNeeded: v)
            case .v128(let v): return UInt32(truncatingIfNeeded: v.low)
            }
        }
        var u64: UInt64 {
            switch self {
            case .i32(let v), .f32(let v): return UInt64(v)
            case .i64(let v), .f64(let v): return v
            case .v128(let v): return v.low
            }
        }
        var v128: V128 {
            if case .v128(let v) = self { return v }
            return V128(low: u64, high: 0)
        }
        var description: String {
            switch self {
            case .i32(let v): return "i32 0x" + String(v, radix: 16)
            case .i64(let v): return "i64 0x" + String(v, radix: 16)
            case .f32(let v): return "f32 0x" + String(v, radix: 16)
            case .f64(let v): return "f64 0x" + String(v, radix: 16)
            case .v128(let v): return "v128 \(v)"
            }
        }
    }

    /// One lane of an expected vector: exact bits or a NaN class.
    enum LanePattern: Equatable {
        case bits(UInt64), canonicalNaN, arithmeticNaN
    }

    /// An expected result: a scalar (possibly a NaN class) or a vector by lanes of a shape.
    enum Expected {
        case scalar(Value)
        case scalarNaN(bits: Int, canonical: Bool)
        case vector(laneBits: Int, lanes: [LanePattern], isFloat: Bool)
        case either([Expected])
    }

    typealias Operation = (_ arguments: [Value], _ immediates: [Int]) -> Value

    // MARK: The operations, by op

    static let operations: [SIMDOp: Operation] = {
        typealias S = SIMDOps
        var ops: [SIMDOp: Operation] = [:]
        func unary(_ op: SIMDOp, _ f: @escaping (V128) -> V128) { ops[op] = { a, _ in .v128(f(a[0].v128)) } }
        func binary(_ op: SIMDOp, _ f: @escaping (V128, V128) -> V128) {
            ops[op] = { a, _ in .v128(f(a[0].v128, a[1].v128)) }
        }
        func ternary(_ op: SIMDOp, _ f: @escaping (V128, V128, V128) -> V128) {
            ops[op] = { a, _ in .v128(f(a[0].v128, a[1].v128, a[2].v128)) }
        }
        func test(_ op: SIMDOp, _ f: @escaping (V128) -> Bool) { ops[op] = { a, _ in .i32(f(a[0].v128) ? 1 : 0) } }
        func bitmask(_ op: SIMDOp, _ f: @escaping (V128) -> UInt32) { ops[op] = { a, _ in .i32(f(a[0].v128)) } }
        func shift(_ op: SIMDOp, _ f: @escaping (V128, UInt32) -> V128) { ops[op] = { a, _ in .v128(f(a[0].v128, a[1].u32)) } }

        ops[.i8x16Splat] = { a, _ in .v128(S.i8x16Splat(a[0].u32)) }
        ops[.i16x8Splat] = { a, _ in .v128(S.i16x8Splat(a[0].u32)) }
        ops[.i32x4Splat] = { a, _ in .v128(S.i32x4Splat(a[0].u32)) }
        ops[.i64x2Splat] = { a, _ in .v128(S.i64x2Splat(a[0].u64)) }
        ops[.f32x4Splat] = { a, _ in .v128(S.f32x4Splat(a[0].u32)) }
        ops[.f64x2Splat] = { a, _ in .v128(S.f64x2Splat(a[0].u64)) }
        ops[.i8x16ExtractLaneS] = { a, l in .i32(S.i8x16ExtractLaneS(a[0].v128, l[0])) }
        ops[.i8x16ExtractLaneU] = { a, l in .i32(S.i8x16ExtractLaneU(a[0].v128, l[0])) }
        ops[.i16x8ExtractLaneS] = { a, l in .i32(S.i16x8ExtractLaneS(a[0].v128, l[0])) }
        ops[.i16x8ExtractLaneU] = { a, l in .i32(S.i16x8ExtractLaneU(a[0].v128, l[0])) }
        ops[.i32x4ExtractLane] = { a, l in .i32(S.i32x4ExtractLane(a[0].v128, l[0])) }
        ops[.i64x2ExtractLane] = { a, l in .i64(S.i64x2ExtractLane(a[0].v128, l[0])) }
        ops[.f32x4ExtractLane] = { a, l in .f32(S.f32x4ExtractLane(a[0].v128, l[0])) }
        ops[.f64x2ExtractLane] = { a, l in .f64(S.f64x2ExtractLane(a[0].v128, l[0])) }
        ops[.i8x16ReplaceLane] = { a, l in .v128(S.i8x16ReplaceLane(a[0].v128, l[0], a[1].u32)) }
        ops[.i16x8ReplaceLane] = { a, l in .v128(S.i16x8ReplaceLane(a[0].v128, l[0], a[1].u32)) }
        ops[.i32x4ReplaceLane] = { a, l in .v128(S.i32x4ReplaceLane(a[0].v128, l[0], a[1].u32)) }
        ops[.i64x2ReplaceLane] = { a, l in .v128(S.i64x2ReplaceLane(a[0].v128, l[0], a[1].u64)) }
        ops[.f32x4ReplaceLane] = { a, l in .v128(S.f32x4ReplaceLane(a[0].v128, l[0], a[1].u32)) }
        ops[.f64x2ReplaceLane] = { a, l in .v128(S.f64x2ReplaceLane(a[0].v128, l[0], a[1].u64)) }
        ops[.i8x16Shuffle] = { a, l in
            .v128(S.i8x16Shuffle(a[0].v128, a[1].v128, lanes: V128(bytes: l.map { UInt8(truncatingIfNeeded: $0) })))
        }
        binary(.i8x16Swizzle, S.i8x16Swizzle)

        binary(.i8x16Eq, S.i8x16Eq); binary(.i8x16Ne, S.i8x16Ne)
        binary(.i8x16LtS, S.i8x16LtS); binary(.i8x16LtU, S.i8x16LtU)
        binary(.i8x16GtS, S.i8x16GtS); binary(.i8x16GtU, S.i8x16GtU)
        binary(.i8x16LeS, S.i8x16LeS); binary(.i8x16LeU, S.i8x16LeU)
        binary(.i8x16GeS, S.i8x16GeS); binary(.i8x16GeU, S.i8x16GeU)
        binary(.i16x8Eq, S.i16x8Eq); binary(.i16x8Ne, S.i16x8Ne)
        binary(.i16x8LtS, S.i16x8LtS); binary(.i16x8LtU, S.i16x8LtU)
        binary(.i16x8GtS, S.i16x8GtS); binary(.i16x8GtU, S.i16x8GtU)
        binary(.i16x8LeS, S.i16x8LeS); binary(.i16x8LeU, S.i16x8LeU)
        binary(.i16x8GeS, S.i16x8GeS); binary(.i16x8GeU, S.i16x8GeU)
        binary(.i32x4Eq, S.i32x4Eq); binary(.i32x4Ne, S.i32x4Ne)
        binary(.i32x4LtS, S.i32x4LtS); binary(.i32x4LtU, S.i32x4LtU)
        binary(.i32x4GtS, S.i32x4GtS); binary(.i32x4GtU, S.i32x4GtU)
        binary(.i32x4LeS, S.i32x4LeS); binary(.i32x4LeU, S.i32x4LeU)
        binary(.i32x4GeS, S.i32x4GeS); binary(.i32x4GeU, S.i32x4GeU)
        binary(.i64x2Eq, S.i64x2Eq); binary(.i64x2Ne, S.i64x2Ne)
        binary(.i64x2LtS, S.i64x2LtS); binary(.i64x2GtS, S.i64x2GtS)
        binary(.i64x2LeS, S.i64x2LeS); binary(.i64x2GeS, S.i64x2GeS)
        binary(.f32x4Eq, S.f32x4Eq); binary(.f32x4Ne, S.f32x4Ne); binary(.f32x4Lt, S.f32x4Lt)
        binary(.f32x4Gt, S.f32x4Gt); binary(.f32x4Le, S.f32x4Le); binary(.f32x4Ge, S.f32x4Ge)
        binary(.f64x2Eq, S.f64x2Eq); binary(.f64x2Ne, S.f64x2Ne); binary(.f64x2Lt, S.f64x2Lt)
        binary(.f64x2Gt, S.f64x2Gt); binary(.f64x2Le, S.f64x2Le); binary(.f64x2Ge, S.f64x2Ge)

        unary(.v128Not, S.v128Not); binary(.v128And, S.v128And); binary(.v128AndNot, S.v128AndNot)
        binary(.v128Or, S.v128Or); binary(.v128Xor, S.v128Xor); ternary(.v128Bitselect, S.v128Bitselect)
        test(.v128AnyTrue, S.v128AnyTrue)

        unary(.f32x4DemoteF64x2Zero, S.f32x4DemoteF64x2Zero); unary(.f64x2PromoteLowF32x4, S.f64x2PromoteLowF32x4)
        unary(.i8x16Abs, S.i8x16Abs); unary(.i8x16Neg, S.i8x16Neg); unary(.i8x16Popcnt, S.i8x16Popcnt)
        test(.i8x16AllTrue, S.i8x16AllTrue); bitmask(.i8x16Bitmask, S.i8x16Bitmask)
        binary(.i8x16NarrowI16x8S, S.i8x16NarrowI16x8S); binary(.i8x16NarrowI16x8U, S.i8x16NarrowI16x8U)
        unary(.f32x4Ceil, S.f32x4Ceil); unary(.f32x4Floor, S.f32x4Floor)
        unary(.f32x4Trunc, S.f32x4Trunc); unary(.f32x4Nearest, S.f32x4Nearest)
        shift(.i8x16Shl, S.i8x16Shl); shift(.i8x16ShrS, S.i8x16ShrS); shift(.i8x16ShrU, S.i8x16ShrU)
        binary(.i8x16Add, S.i8x16Add); binary(.i8x16AddSatS, S.i8x16AddSatS); binary(.i8x16AddSatU, S.i8x16AddSatU)
        binary(.i8x16Sub, S.i8x16Sub); binary(.i8x16SubSatS, S.i8x16SubSatS); binary(.i8x16SubSatU, S.i8x16SubSatU)
        unary(.f64x2Ceil, S.f64x2Ceil); unary(.f64x2Floor, S.f64x2Floor)
        binary(.i8x16MinS, S.i8x16MinS); binary(.i8x16MinU, S.i8x16MinU)
        binary(.i8x16MaxS, S.i8x16MaxS); binary(.i8x16MaxU, S.i8x16MaxU)
        unary(.f64x2Trunc, S.f64x2Trunc); binary(.i8x16AvgrU, S.i8x16AvgrU)
        unary(.i16x8ExtaddPairwiseI8x16S, S.i16x8ExtaddPairwiseI8x16S)
        unary(.i16x8ExtaddPairwiseI8x16U, S.i16x8ExtaddPairwiseI8x16U)
        unary(.i32x4ExtaddPairwiseI16x8S, S.i32x4ExtaddPairwiseI16x8S)
        unary(.i32x4ExtaddPairwiseI16x8U, S.i32x4ExtaddPairwiseI16x8U)

        unary(.i16x8Abs, S.i16x8Abs); unary(.i16x8Neg, S.i16x8Neg); binary(.i16x8Q15mulrSatS, S.i16x8Q15mulrSatS)
        test(.i16x8AllTrue, S.i16x8AllTrue); bitmask(.i16x8Bitmask, S.i16x8Bitmask)
        binary(.i16x8NarrowI32x4S, S.i16x8NarrowI32x4S); binary(.i16x8NarrowI32x4U, S.i16x8NarrowI32x4U)
        unary(.i16x8ExtendLowI8x16S, S.i16x8ExtendLowI8x16S); unary(.i16x8ExtendHighI8x16S, S.i16x8ExtendHighI8x16S)
        unary(.i16x8ExtendLowI8x16U, S.i16x8ExtendLowI8x16U); unary(.i16x8ExtendHighI8x16U, S.i16x8ExtendHighI8x16U)
        shift(.i16x8Shl, S.i16x8Shl); shift(.i16x8ShrS, S.i16x8ShrS); shift(.i16x8ShrU, S.i16x8ShrU)
        binary(.i16x8Add, S.i16x8Add); binary(.i16x8AddSatS, S.i16x8AddSatS); binary(.i16x8AddSatU, S.i16x8AddSatU)
        binary(.i16x8Sub, S.i16x8Sub); binary(.i16x8SubSatS, S.i16x8SubSatS); binary(.i16x8SubSatU, S.i16x8SubSatU)
        unary(.f64x2Nearest, S.f64x2Nearest); binary(.i16x8Mul, S.i16x8Mul)
        binary(.i16x8MinS, S.i16x8MinS); binary(.i16x8MinU, S.i16x8MinU)
        binary(.i16x8MaxS, S.i16x8MaxS); binary(.i16x8MaxU, S.i16x8MaxU); binary(.i16x8AvgrU, S.i16x8AvgrU)
        binary(.i16x8ExtmulLowI8x16S, S.i16x8ExtmulLowI8x16S); binary(.i16x8ExtmulHighI8x16S, S.i16x8ExtmulHighI8x16S)
        binary(.i16x8ExtmulLowI8x16U, S.i16x8ExtmulLowI8x16U); binary(.i16x8ExtmulHighI8x16U, S.i16x8ExtmulHighI8x16U)

        unary(.i32x4Abs, S.i32x4Abs); unary(.i32x4Neg, S.i32x4Neg)
        test(.i32x4AllTrue, S.i32x4AllTrue); bitmask(.i32x4Bitmask, S.i32x4Bitmask)
        unary(.i32x4ExtendLowI16x8S, S.i32x4ExtendLowI16x8S); unary(.i32x4ExtendHighI16x8S, S.i32x4ExtendHighI16x8S)
        unary(.i32x4ExtendLowI16x8U, S.i32x4ExtendLowI16x8U); unary(.i32x4ExtendHighI16x8U, S.i32x4ExtendHighI16x8U)
        shift(.i32x4Shl, S.i32x4Shl); shift(.i32x4ShrS, S.i32x4ShrS); shift(.i32x4ShrU, S.i32x4ShrU)
        binary(.i32x4Add, S.i32x4Add); binary(.i32x4Sub, S.i32x4Sub); binary(.i32x4Mul, S.i32x4Mul)
        binary(.i32x4MinS, S.i32x4MinS); binary(.i32x4MinU, S.i32x4MinU)
        binary(.i32x4MaxS, S.i32x4MaxS); binary(.i32x4MaxU, S.i32x4MaxU); binary(.i32x4DotI16x8S, S.i32x4DotI16x8S)
        binary(.i32x4ExtmulLowI16x8S, S.i32x4ExtmulLowI16x8S); binary(.i32x4ExtmulHighI16x8S, S.i32x4ExtmulHighI16x8S)
        binary(.i32x4ExtmulLowI16x8U, S.i32x4ExtmulLowI16x8U); binary(.i32x4ExtmulHighI16x8U, S.i32x4ExtmulHighI16x8U)

        unary(.i64x2Abs, S.i64x2Abs); unary(.i64x2Neg, S.i64x2Neg)
        test(.i64x2AllTrue, S.i64x2AllTrue); bitmask(.i64x2Bitmask, S.i64x2Bitmask)
        unary(.i64x2ExtendLowI32x4S, S.i64x2ExtendLowI32x4S); unary(.i64x2ExtendHighI32x4S, S.i64x2ExtendHighI32x4S)
        unary(.i64x2ExtendLowI32x4U, S.i64x2ExtendLowI32x4U); unary(.i64x2ExtendHighI32x4U, S.i64x2ExtendHighI32x4U)
        shift(.i64x2Shl, S.i64x2Shl); shift(.i64x2ShrS, S.i64x2ShrS); shift(.i64x2ShrU, S.i64x2ShrU)
        binary(.i64x2Add, S.i64x2Add); binary(.i64x2Sub, S.i64x2Sub); binary(.i64x2Mul, S.i64x2Mul)
        binary(.i64x2ExtmulLowI32x4S, S.i64x2ExtmulLowI32x4S); binary(.i64x2ExtmulHighI32x4S, S.i64x2ExtmulHighI32x4S)
        binary(.i64x2ExtmulLowI32x4U, S.i64x2ExtmulLowI32x4U); binary(.i64x2ExtmulHighI32x4U, S.i64x2ExtmulHighI32x4U)

        unary(.f32x4Abs, S.f32x4Abs); unary(.f32x4Neg, S.f32x4Neg); unary(.f32x4Sqrt, S.f32x4Sqrt)
        binary(.f32x4Add, S.f32x4Add); binary(.f32x4Sub, S.f32x4Sub); binary(.f32x4Mul, S.f32x4Mul)
        binary(.f32x4Div, S.f32x4Div); binary(.f32x4Min, S.f32x4Min); binary(.f32x4Max, S.f32x4Max)
        binary(.f32x4Pmin, S.f32x4Pmin); binary(.f32x4Pmax, S.f32x4Pmax)
        unary(.f64x2Abs, S.f64x2Abs); unary(.f64x2Neg, S.f64x2Neg); unary(.f64x2Sqrt, S.f64x2Sqrt)
        binary(.f64x2Add, S.f64x2Add); binary(.f64x2Sub, S.f64x2Sub); binary(.f64x2Mul, S.f64x2Mul)
        binary(.f64x2Div, S.f64x2Div); binary(.f64x2Min, S.f64x2Min); binary(.f64x2Max, S.f64x2Max)
        binary(.f64x2Pmin, S.f64x2Pmin); binary(.f64x2Pmax, S.f64x2Pmax)

        unary(.i32x4TruncSatF32x4S, S.i32x4TruncSatF32x4S); unary(.i32x4TruncSatF32x4U, S.i32x4TruncSatF32x4U)
        unary(.f32x4ConvertI32x4S, S.f32x4ConvertI32x4S); unary(.f32x4ConvertI32x4U, S.f32x4ConvertI32x4U)
        unary(.i32x4TruncSatF64x2SZero, S.i32x4TruncSatF64x2SZero)
        unary(.i32x4TruncSatF64x2UZero, S.i32x4TruncSatF64x2UZero)
        unary(.f64x2ConvertLowI32x4S, S.f64x2ConvertLowI32x4S); unary(.f64x2ConvertLowI32x4U, S.f64x2ConvertLowI32x4U)

        binary(.i8x16RelaxedSwizzle, S.i8x16RelaxedSwizzle)
        unary(.i32x4RelaxedTruncF32x4S, S.i32x4RelaxedTruncF32x4S)
        unary(.i32x4RelaxedTruncF32x4U, S.i32x4RelaxedTruncF32x4U)
        unary(.i32x4RelaxedTruncF64x2SZero, S.i32x4RelaxedTruncF64x2SZero)
        unary(.i32x4RelaxedTruncF64x2UZero, S.i32x4RelaxedTruncF64x2UZero)
        ternary(.f32x4RelaxedMadd, S.f32x4RelaxedMadd); ternary(.f32x4RelaxedNmadd, S.f32x4RelaxedNmadd)
        ternary(.f64x2RelaxedMadd, S.f64x2RelaxedMadd); ternary(.f64x2RelaxedNmadd, S.f64x2RelaxedNmadd)
        ternary(.i8x16RelaxedLaneselect, S.i8x16RelaxedLaneselect)
        ternary(.i16x8RelaxedLaneselect, S.i16x8RelaxedLaneselect)
        ternary(.i32x4RelaxedLaneselect, S.i32x4RelaxedLaneselect)
        ternary(.i64x2RelaxedLaneselect, S.i64x2RelaxedLaneselect)
        binary(.f32x4RelaxedMin, S.f32x4RelaxedMin); binary(.f32x4RelaxedMax, S.f32x4RelaxedMax)
        binary(.f64x2RelaxedMin, S.f64x2RelaxedMin); binary(.f64x2RelaxedMax, S.f64x2RelaxedMax)
        binary(.i16x8RelaxedQ15mulrS, S.i16x8RelaxedQ15mulrS)
        binary(.i16x8RelaxedDotI8x16I7x16S, S.i16x8RelaxedDotI8x16I7x16S)
        ternary(.i32x4RelaxedDotI8x16I7x16AddS, S.i32x4RelaxedDotI8x16I7x16AddS)
        return ops
    }()

    static let opsByName: [String: SIMDOp] = Dictionary(uniqueKeysWithValues: SIMDOp.allCases.map { ($0.name, $0) })

    func testEveryLaneOperationHasAnEntry() {
        for op in SIMDOp.allCases where !op.info.hasMemArg && op != .v128Const {
            XCTAssertNotNil(Self.operations[op], "no test entry for \(op.name)")
        }
    }

    // MARK: The scripts

    /// Script, directory ("2.0" or "3.0") and how many assertions it must yield (a floor, so
    /// that a parser regression cannot silently skip most of a file).
    static let scripts: [(file: String, suite: String, minimum: Int)] = [
        ("simd_bit_shift", "2.0", 175), ("simd_bitwise", "2.0", 126), ("simd_boolean", "2.0", 40),
        ("simd_conversions", "2.0", 200), ("simd_f32x4", "2.0", 700), ("simd_f32x4_arith", "2.0", 1784),
        ("simd_f32x4_cmp", "2.0", 2000), ("simd_f32x4_pmin_pmax", "2.0", 3000),
        ("simd_f32x4_rounding", "2.0", 170), ("simd_f64x2", "2.0", 700), ("simd_f64x2_arith", "2.0", 1784),
        ("simd_f64x2_cmp", "2.0", 2000), ("simd_f64x2_pmin_pmax", "2.0", 3000),
        ("simd_f64x2_rounding", "2.0", 170), ("simd_i16x8_arith", "2.0", 150), ("simd_i16x8_arith2", "2.0", 94),
        ("simd_i16x8_cmp", "2.0", 350), ("simd_i16x8_extadd_pairwise_i8x16", "2.0", 15),
        ("simd_i16x8_extmul_i8x16", "2.0", 100), ("simd_i16x8_q15mulr_sat_s", "2.0", 25),
        ("simd_i16x8_sat_arith", "2.0", 180), ("simd_i32x4_arith", "2.0", 170), ("simd_i32x4_arith2", "2.0", 79),
        ("simd_i32x4_cmp", "2.0", 400), ("simd_i32x4_dot_i16x8", "2.0", 25),
        ("simd_i32x4_extadd_pairwise_i16x8", "2.0", 15), ("simd_i32x4_extmul_i16x8", "2.0", 100),
        ("simd_i32x4_trunc_sat_f32x4", "2.0", 100), ("simd_i32x4_trunc_sat_f64x2", "2.0", 100),
        ("simd_i64x2_arith", "2.0", 170), ("simd_i64x2_arith2", "2.0", 19), ("simd_i64x2_cmp", "2.0", 90),
        ("simd_i64x2_extmul_i32x4", "2.0", 100), ("simd_i8x16_arith", "2.0", 100), ("simd_i8x16_arith2", "2.0", 113),
        ("simd_i8x16_cmp", "2.0", 350), ("simd_i8x16_sat_arith", "2.0", 170), ("simd_int_to_int_extend", "2.0", 200),
        ("simd_lane", "2.0", 150), ("simd_splat", "2.0", 100),
        ("i16x8_relaxed_q15mulr_s", "3.0", 1),
        ("i8x16_relaxed_swizzle", "3.0", 3), ("relaxed_dot_product", "3.0", 6),
        ("relaxed_laneselect", "3.0", 5), ("relaxed_madd_nmadd", "3.0", 8), ("relaxed_min_max", "3.0", 12),
    ]

    static func directory(_ suite: String) -> URL? {
        let name = suite == "2.0" ? "spec-testsuite-wasm2.0" : "spec-testsuite"
        if let env = ProcessInfo.processInfo.environment["SWASM_SPEC_TESTSUITE"] {
            let url = URL(fileURLWithPath: env)
            return suite == "2.0" ? url : url.deletingLastPathComponent().appendingPathComponent(name)
        }
        let repo = URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let dir = repo.deletingLastPathComponent().appendingPathComponent("shared/" + name)
        return FileManager.default.fileExists(atPath: dir.path) ? dir : nil
    }

    func testSpecScripts() throws {
        guard Self.directory("2.0") != nil else {
            throw XCTSkip("spec test suite not found (set SWASM_SPEC_TESTSUITE)")
        }
        var total = 0
        for script in Self.scripts {
            guard let dir = Self.directory(script.suite) else { continue }
            let url = dir.appendingPathComponent(script.file + ".wast")
            guard let text = try? String(contentsOf: url, encoding: .utf8) else {
                XCTFail("\(script.file).wast not readable"); continue
            }
            let checked = run(script: text, name: script.file)
            total += checked
            XCTAssertGreaterThanOrEqual(checked, script.minimum, "\(script.file).wast: too few vectors")
        }
        print("SIMDSpecVectorTests: \(total) assertions checked against SIMDOps")
    }

    /// Checks every assertion of `text` that invokes a single-instruction export; returns how many.
    private func run(script text: String, name: String) -> Int {
        var parser = SExprParser(text)
        var exports: [String: (SIMDOp, [Int])] = [:]
        var checked = 0
        while let form = parser.next() {
            guard case .list(let items) = form, case .atom(let head)? = items.first else { continue }
            switch head {
            case "module":
                exports = Self.singleInstructionExports(items)
            case "assert_return":
                guard items.count >= 2, case .list(let invoke) = items[1], invoke.count >= 2,
                      case .atom("invoke") = invoke[0], case .string(let export) = invoke[1],
                      let (op, immediates) = exports[export] else { continue }
                let place = "\(name).wast: \(export) \(form)"
                guard let operation = Self.operations[op] else { XCTFail("\(place): no operation"); continue }
                let arguments = invoke.dropFirst(2).map(Self.parseValue)
                guard arguments.allSatisfy({ $0 != nil }), items.count == 3,
                      let expected = Self.parseExpected(items[2]) else {
                    XCTFail("\(place): cannot parse"); continue
                }
                let result = operation(arguments.compactMap { $0 }, immediates)
                if !Self.matches(result, expected) { XCTFail("\(place): got \(result)") }
                checked += 1
            default:
                continue
            }
        }
        return checked
    }

    /// Exports whose body is `(op immediate* (local.get p)*)` over all parameters in order.
    static func singleInstructionExports(_ module: [SExpr]) -> [String: (SIMDOp, [Int])] {
        var result: [String: (SIMDOp, [Int])] = [:]
        for field in module {
            guard case .list(let items) = field, case .atom("func")? = items.first else { continue }
            var export: String?
            var parameterNames: [String?] = []
            var body: [SExpr] = []
            for item in items.dropFirst() {
                guard case .list(let parts) = item, case .atom(let kind)? = parts.first else {
                    if case .atom(let a) = item, a.hasPrefix("$") { continue }
                    body.append(item); continue
                }
                switch kind {
                case "export":
                    if parts.count == 2, case .string(let name) = parts[1] { export = name }
                case "param":
                    let rest = parts.dropFirst()
                    if case .atom(let first)? = rest.first, first.hasPrefix("$") {
                        parameterNames.append(first)
                    } else {
                        parameterNames += rest.map { _ in nil }
                    }
                case "result", "type", "local":
                    continue
                default:
                    body.append(item)
                }
            }
            guard let name = export, body.count == 1, case .list(let instruction) = body[0],
                  case .atom(let opName)? = instruction.first, let op = opsByName[opName] else { continue }
            var immediates: [Int] = []
            var operands: [Int] = []
            for part in instruction.dropFirst() {
                switch part {
                case .atom(let literal):
                    guard operands.isEmpty, let n = Int(literal) else { immediates = [-1]; break }
                    immediates.append(n)
                case .list(let get):
                    guard get.count == 2, case .atom("local.get") = get[0], case .atom(let ref) = get[1] else {
                        operands.append(-1); break
                    }
                    operands.append(Int(ref) ?? parameterNames.firstIndex(of: ref) ?? -1)
                case .string:
                    operands.append(-1)
                }
            }
            guard operands == Array(0..<parameterNames.count), !immediates.contains(-1) else { continue }
            result[name] = (op, immediates)
        }
        return result
    }

    // MARK: Matching

    static func matches(_ value: Value, _ expected: Expected) -> Bool {
        switch expected {
        case .either(let options):
            return options.contains { matches(value, $0) }
        case .scalar(let e):
            return value == e
        case .scalarNaN(let bits, let canonical):
            return lane(value.u64, bits: bits, matches: canonical ? .canonicalNaN : .arithmeticNaN)
        case .vector(let laneBits, let lanes, _):
            guard case .v128(let v) = value else { return false }
            for (i, pattern) in lanes.enumerated() {
                let word = i * laneBits < 64 ? v.low : v.high
                let shift = UInt64((i * laneBits) % 64)
                let mask: UInt64 = laneBits == 64 ? ~0 : (1 << UInt64(laneBits)) - 1
                if !lane((word >> shift) & mask, bits: laneBits, matches: pattern) { return false }
            }
            return true
        }
    }

    static func lane(_ bits: UInt64, bits width: Int, matches pattern: LanePattern) -> Bool {
        switch pattern {
        case .bits(let b):
            let mask: UInt64 = width == 64 ? ~0 : (1 << UInt64(width)) - 1
            return bits & mask == b & mask
        case .canonicalNaN:
            return width == 32 ? bits & 0x7FFF_FFFF == 0x7FC0_0000
                : bits & 0x7FFF_FFFF_FFFF_FFFF == 0x7FF8_0000_0000_0000
        case .arithmeticNaN:
            return width == 32 ? bits & 0x7FC0_0000 == 0x7FC0_0000
                : bits & 0x7FF8_0000_0000_0000 == 0x7FF8_0000_0000_0000
        }
    }

    // MARK: Script values

    static func parseValue(_ e: SExpr) -> Value? {
        guard case .list(let parts) = e, case .atom(let op)? = parts.first else { return nil }
        let literals = parts.dropFirst().compactMap { part -> String? in
            if case .atom(let a) = part { return a }
            return nil
        }
        switch op {
        case "i32.const":
            return literals.first.flatMap { NumericsSpecVectorTests.parseInteger($0, bits: 32) }
                .map { .i32(UInt32(truncatingIfNeeded: $0)) }
        case "i64.const":
            return literals.first.flatMap { NumericsSpecVectorTests.parseInteger($0, bits: 64) }.map { .i64($0) }
        case "f32.const":
            return literals.first.flatMap(NumericsSpecVectorTests.parseFloat32).map { .f32($0) }
        case "f64.const":
            return literals.first.flatMap(NumericsSpecVectorTests.parseFloat64).map { .f64($0) }
        case "v128.const":
            guard case .vector(let laneBits, let lanes, _)? = parseVector(literals) else { return nil }
            var low: UInt64 = 0, high: UInt64 = 0
            for (i, pattern) in lanes.enumerated() {
                guard case .bits(let b) = pattern else { return nil }
                let mask: UInt64 = laneBits == 64 ? ~0 : (1 << UInt64(laneBits)) - 1
                let position = i * laneBits
                if position < 64 { low |= (b & mask) << UInt64(position) } else { high |= (b & mask) << UInt64(position - 64) }
            }
            return .v128(V128(low: low, high: high))
        default:
            return nil
        }
    }

    static func parseExpected(_ e: SExpr) -> Expected? {
        guard case .list(let parts) = e, case .atom(let op)? = parts.first else { return nil }
        if op == "either" {
            let options = parts.dropFirst().map(parseExpected)
            guard options.allSatisfy({ $0 != nil }) else { return nil }
            return .either(options.compactMap { $0 })
        }
        if op == "v128.const" {
            return parseVector(parts.dropFirst().compactMap { if case .atom(let a) = $0 { return a }; return nil })
        }
        if op == "f32.const" || op == "f64.const", parts.count == 2, case .atom(let literal) = parts[1],
           literal == "nan:canonical" || literal == "nan:arithmetic" {
            return .scalarNaN(bits: op == "f32.const" ? 32 : 64, canonical: literal == "nan:canonical")
        }
        return parseValue(e).map { .scalar($0) }
    }

    /// `shape lane*` of a `v128.const`, lanes as patterns (NaN classes allowed).
    static func parseVector(_ literals: [String]) -> Expected? {
        guard let shape = literals.first else { return nil }
        let lanes = Array(literals.dropFirst())
        let (laneBits, count, isFloat): (Int, Int, Bool)
        switch shape {
        case "i8x16": (laneBits, count, isFloat) = (8, 16, false)
        case "i16x8": (laneBits, count, isFloat) = (16, 8, false)
        case "i32x4": (laneBits, count, isFloat) = (32, 4, false)
        case "i64x2": (laneBits, count, isFloat) = (64, 2, false)
        case "f32x4": (laneBits, count, isFloat) = (32, 4, true)
        case "f64x2": (laneBits, count, isFloat) = (64, 2, true)
        default: return nil
        }
        guard lanes.count == count else { return nil }
        var patterns: [LanePattern] = []
        for literal in lanes {
            if literal == "nan:canonical" { patterns.append(.canonicalNaN); continue }
            if literal == "nan:arithmetic" { patterns.append(.arithmeticNaN); continue }
            let bits: UInt64?
            if isFloat {
                bits = laneBits == 32 ? NumericsSpecVectorTests.parseFloat32(literal).map(UInt64.init)
                    : NumericsSpecVectorTests.parseFloat64(literal)
            } else {
                bits = NumericsSpecVectorTests.parseInteger(literal, bits: 64)
            }
            guard let b = bits else { return nil }
            patterns.append(.bits(b))
        }
        return .vector(laneBits: laneBits, lanes: patterns, isFloat: isFloat)
    }
}

// MARK: - A small reader for the script format (s-expressions with comments)

indirect enum SExpr: CustomStringConvertible {
    case atom(String), string(String), list([SExpr])

    var description: String {
        switch self {
        case .atom(let a): return a
        case .string(let s): return "\"\(s)\""
        case .list(let items): return "(" + items.map(\.description).joined(separator: " ") + ")"
        }
    }
}

/// Reads top-level s-expressions one at a time; `;;` line comments and `(; ;)` block
/// comments are skipped, strings keep their escapes as written.
struct SExprParser {
    private let chars: [UInt8]
    private var i = 0

    init(_ text: String) { chars = Array(text.utf8) }

    mutating func next() -> SExpr? {
        skipSpace()
        guard i < chars.count else { return nil }
        return parse()
    }

    private mutating func skipSpace() {
        while i < chars.count {
            let c = chars[i]
            if c == 0x20 || c == 0x0A || c == 0x09 || c == 0x0D {
                i += 1
            } else if c == UInt8(ascii: ";"), i + 1 < chars.count, chars[i + 1] == UInt8(ascii: ";") {
                while i < chars.count, chars[i] != 0x0A { i += 1 }
            } else if c == UInt8(ascii: "("), i + 1 < chars.count, chars[i + 1] == UInt8(ascii: ";") {
                var depth = 0
                while i + 1 < chars.count {
                    if chars[i] == UInt8(ascii: "("), chars[i + 1] == UInt8(ascii: ";") { depth += 1; i += 2; continue }
                    if chars[i] == UInt8(ascii: ";"), chars[i + 1] == UInt8(ascii: ")") {
                        depth -= 1; i += 2
                        if depth == 0 { break }
                        continue
                    }
                    i += 1
                }
            } else {
                return
            }
        }
    }

    private mutating func parse() -> SExpr? {
        skipSpace()
        guard i < chars.count else { return nil }
        let c = chars[i]
        if c == UInt8(ascii: "(") {
            i += 1
            var items: [SExpr] = []
            while true {
                skipSpace()
                guard i < chars.count else { return nil }
                if chars[i] == UInt8(ascii: ")") { i += 1; return .list(items) }
                guard let item = parse() else { return nil }
                items.append(item)
            }
        }
        if c == UInt8(ascii: "\"") {
            i += 1
            let start = i
            while i < chars.count, chars[i] != UInt8(ascii: "\"") {
                if chars[i] == UInt8(ascii: "\\") { i += 1 }
                i += 1
            }
            let s = String(decoding: chars[start..<min(i, chars.count)], as: UTF8.self)
            i += 1
            return .string(s)
        }
        let start = i
        while i < chars.count {
            let d = chars[i]
            if d == 0x20 || d == 0x0A || d == 0x09 || d == 0x0D || d == UInt8(ascii: "(") || d == UInt8(ascii: ")") { break }
            i += 1
        }
        if i == start { i += 1; return nil }
        return .atom(String(decoding: chars[start..<i], as: UTF8.self))
    }
}
