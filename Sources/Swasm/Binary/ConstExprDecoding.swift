/// Decoding of constant expressions (global initialisers, segment offsets, element items).
/// See https://webassembly.github.io/spec/core/valid/instructions.html#constant-expressions
///
/// Only constant instructions are representable in `ConstExpr`, so the decoder classifies
/// every other opcode itself: a defined but non-constant instruction is a validation error
/// ("constant expression required"), an undefined opcode a decoding error ("illegal opcode"),
/// matching how the spec tests categorise them. Extended-const arithmetic (`i32.add` and
/// friends) is accepted; it is trivial to evaluate.
extension ByteReader {
    mutating func readConstExpr() throws -> ConstExpr {
        let start = offset
        var instructions: [ConstInstruction] = []
        while true {
            let opcodeOffset = offset
            let opcode = try readU8()
            switch opcode {
            case 0x0B:
                return ConstExpr(instructions: instructions, offset: start)
            case 0x41: instructions.append(.i32Const(try readS32()))
            case 0x42: instructions.append(.i64Const(try readS64()))
            case 0x43: instructions.append(.f32Const(try readF32Bits()))
            case 0x44: instructions.append(.f64Const(try readF64Bits()))
            case 0xD0: instructions.append(.refNull(try readHeapType()))
            case 0xD2: instructions.append(.refFunc(try readU32()))
            case 0x23: instructions.append(.globalGet(try readU32()))
            case 0x6A: instructions.append(.i32Add)
            case 0x6B: instructions.append(.i32Sub)
            case 0x6C: instructions.append(.i32Mul)
            case 0x7C: instructions.append(.i64Add)
            case 0x7D: instructions.append(.i64Sub)
            case 0x7E: instructions.append(.i64Mul)
            case 0xFD:
                let sub = try readU32()
                guard sub == 12 else { throw nonConstant(at: opcodeOffset) }
                let (lo, hi) = try readV128()
                instructions.append(.v128Const(lo, hi))
            case 0xFB:
                instructions.append(.gc(try readConstGC(at: opcodeOffset)))
            case 0xFC:
                let sub = try readU32()
                guard sub <= 17 else { throw malformed("illegal opcode", at: opcodeOffset) }
                throw nonConstant(at: opcodeOffset)
            default:
                guard ByteReader.isDefinedSingleByteOpcode(opcode) else {
                    throw malformed("illegal opcode", at: opcodeOffset)
                }
                throw nonConstant(at: opcodeOffset)
            }
        }
    }

    /// The GC instructions a constant expression may hold: allocations, `ref.i31` and the
    /// extern conversions.
    private mutating func readConstGC(at opcodeOffset: Int) throws -> GCInstruction {
        let sub = try readU32()
        switch sub {
        case 0: return .structNew(try readU32())
        case 1: return .structNewDefault(try readU32())
        case 6: return .arrayNew(try readU32())
        case 7: return .arrayNewDefault(try readU32())
        case 8:
            let type = try readU32()
            return .arrayNewFixed(type, count: try readU32())
        case 26: return .anyConvertExtern
        case 27: return .externConvertAny
        case 28: return .refI31
        case 0...30: throw nonConstant(at: opcodeOffset)
        default: throw malformed("illegal opcode", at: opcodeOffset)
        }
    }

    private func nonConstant(at position: Int) -> SwasmError {
        .invalid("constant expression required", function: nil, offset: position)
    }

    /// Whether `opcode` is a one-byte instruction (or prefix) defined by Wasm 2.0, or `ref.eq`.
    static func isDefinedSingleByteOpcode(_ opcode: UInt8) -> Bool {
        switch opcode {
        case 0x00...0x05, 0x0B...0x11, 0x1A...0x1C, 0x20...0x26, 0x28...0xC4, 0xD0...0xD3,
             0xFC, 0xFD:
            return true
        default:
            return false
        }
    }
}
