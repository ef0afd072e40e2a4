/// A function body translated to the register IR (see IROpcode.swift), owned by the module's
/// `CodeCache` and shared by every instance of the module: it holds no instance pointers.
///
/// The buffer starts with `headerWords` words the interpreter reads on a call, then the code:
///
///     word 0   frame slots (locals + operand stack) | parameter slots << 32
///     word 1   local slots (parameters included)    | result slots << 32
///     word 2   function index (in the module's function index space) | handler count << 32
///     word 3   the exception handler table (`ExceptionHandler`s), or 0
///     word 4   the native tier's count of entries and loop iterations (see `Interpreter.tierUp`)
///
/// The count is the only header word that changes, and it is kept out of the code: threads
/// sharing the module count concurrently, while the interpreter reads the code with plain loads.
final class CompiledFunction {
    static let headerWords = 5

    /// Header and code; the interpreter addresses the function by this pointer.
    let header: UnsafeMutablePointer<UInt64>
    let wordCount: Int

    let functionIndex: UInt32
    let frameSlots: Int
    let parameterSlots: Int
    let localSlots: Int
    let resultSlots: Int

    /// The exception handler table, owned here (nil without handlers).
    let handlers: UnsafeMutablePointer<ExceptionHandler>?

    /// The instructions whose result only one later instruction reads, with that reader
    /// (TranslatorSingleUse.swift): machine code keeps such a result in a register. The
    /// interpreter does not use them.
    let singleUseResults: [SingleUseResult]

    init(code: [UInt64], functionIndex: UInt32, frameSlots: Int, parameterSlots: Int,
         localSlots: Int, resultSlots: Int, handlers handlerList: [ExceptionHandler] = [],
         singleUseResults: [SingleUseResult] = []) {
        self.functionIndex = functionIndex
        self.singleUseResults = singleUseResults
        self.frameSlots = frameSlots
        self.parameterSlots = parameterSlots
        self.localSlots = localSlots
        self.resultSlots = resultSlots
        wordCount = CompiledFunction.headerWords + code.count
        header = .allocate(capacity: wordCount)
        header[0] = UInt64(UInt32(truncatingIfNeeded: frameSlots)) | UInt64(UInt32(truncatingIfNeeded: parameterSlots)) << 32
        header[1] = UInt64(UInt32(truncatingIfNeeded: localSlots)) | UInt64(UInt32(truncatingIfNeeded: resultSlots)) << 32
        header[2] = UInt64(functionIndex) | UInt64(UInt32(truncatingIfNeeded: handlerList.count)) << 32
        if handlerList.isEmpty {
            handlers = nil
        } else {
            let table = UnsafeMutablePointer<ExceptionHandler>.allocate(capacity: handlerList.count)
            table.initialize(from: handlerList, count: handlerList.count)
            handlers = table
        }
        header[3] = UInt64(UInt(bitPattern: handlers))
        header[4] = 0
        code.withUnsafeBufferPointer { buffer in
            if let base = buffer.baseAddress {
                (header + CompiledFunction.headerWords).initialize(from: base, count: code.count)
            }
        }
    }

    /// Bytes this function's IR takes (header and exception handlers included), as the
    /// engine's compiled-code budget counts them.
    var memoryBytes: Int {
        wordCount * 8 + handlerCount * MemoryLayout<ExceptionHandler>.stride + singleUseResults.count * MemoryLayout<SingleUseResult>.stride
    }
    private var handlerCount: Int { Int(truncatingIfNeeded: header[2] >> 32) }

    /// Bytes of the function's machine code and snippets, once it has them.
    var nativeCodeBytes = 0

    /// The snippets of native code (see `NativeCompiler`), freed with the function.
    var nativeSnippets: UnsafeMutablePointer<UInt64>?
    /// The native entry point, once the function has machine code (another thread may be
    /// publishing it).
    var nativeCode: UnsafeRawPointer? {
        UnsafeRawPointer(bitPattern: UInt(hasTierChecks ? SharedCodeWord.acquire(entry + 1) : 0))
    }
    /// Whether the code starts with the native tier's `native` instruction.
    var hasTierChecks: Bool {
        wordCount > CompiledFunction.headerWords + 1 && UInt16(truncatingIfNeeded: entry[0]) == IROpcode.native.rawValue
    }

    deinit {
        header.deallocate()
        handlers?.deallocate()
        nativeSnippets?.deallocate()
    }

    var entry: UnsafePointer<UInt64> { UnsafePointer(header + CompiledFunction.headerWords) }

    /// The code words (without the header).
    var code: UnsafeBufferPointer<UInt64> {
        UnsafeBufferPointer(start: entry, count: wordCount - CompiledFunction.headerWords)
    }
}

// MARK: - Header access for the interpreter

extension UnsafePointer where Pointee == UInt64 {
    @inline(__always) var frameSlots: Int { Int(truncatingIfNeeded: UInt32(truncatingIfNeeded: self[0])) }
    @inline(__always) var parameterSlots: Int { Int(truncatingIfNeeded: self[0] &>> 32) }
    @inline(__always) var localSlots: Int { Int(truncatingIfNeeded: UInt32(truncatingIfNeeded: self[1])) }
    @inline(__always) var resultSlots: Int { Int(truncatingIfNeeded: self[1] &>> 32) }
    @inline(__always) var functionIndex: UInt32 { UInt32(truncatingIfNeeded: self[2]) }
    @inline(__always) var codeStart: UnsafePointer<UInt64> { self + CompiledFunction.headerWords }
    /// The tier-up count (`SharedCodeWord.loadCount` and `storeCount` only).
    @inline(__always) var tierUpCount: UnsafeMutablePointer<UInt64> { UnsafeMutablePointer(mutating: self + 4) }
}

// MARK: - Disassembly

extension CompiledFunction {
    /// A readable listing of the IR, one instruction per line, for golden tests and debugging:
    /// `   4: i32.add s3, s0, s1`. Slots print as `sN`, immediates as `#N`, branch targets
    /// as `@N` (word index of the target).
    func disassemble() -> String {
        var lines = ["frame \(frameSlots) slots, params \(parameterSlots), locals \(localSlots), results \(resultSlots)"]
        let words = code
        var pc = 0
        while pc < words.count {
            let (text, length) = CompiledFunction.describeInstruction(words, at: pc)
            let padded = String(repeating: " ", count: Swift.max(0, 4 - String(pc).count)) + "\(pc)"
            lines.append("\(padded): \(text)")
            pc += Swift.max(length, 1)
        }
        return lines.joined(separator: "\n")
    }

    /// Consistency check for tests: every instruction decodes and every branch (including
    /// br_table entries) lands on an instruction start. Returns the problems found.
    func verifyStructure() -> [String] {
        let words = code
        var starts = Set<Int>()
        var branches: [(from: Int, to: Int)] = []
        var pc = 0
        while pc < words.count {
            starts.insert(pc)
            let w0 = words[pc]
            guard let op = IROpcode(rawValue: UInt16(truncatingIfNeeded: w0)) else {
                return ["bad opcode \(w0 & 0xFFFF) at \(pc)"]
            }
            let (_, length) = CompiledFunction.describeInstruction(words, at: pc)
            func offset(_ field: UInt64) -> Int { pc + Int(Int32(truncatingIfNeeded: field)) }
            let raw = op.rawValue
            switch op {
            case .br: branches.append((pc, offset(w0 >> 32)))
            case .brIfNez, .brIfEqz, .brIfI64Nez, .brIfI64Eqz: branches.append((pc, offset(words[pc + 1])))
            case .brTable:
                let count = Int(UInt32(truncatingIfNeeded: words[pc + 1]))
                for i in 0...count { branches.append((pc, offset(words[pc + 2 + i]))) }
            default:
                if raw >= IROpcode.brIfI32Eq.rawValue && raw < IROpcode.unreachable.rawValue {
                    branches.append((pc, offset(words[pc + 1] >> 32)))
                }
            }
            pc += Swift.max(length, 1)
        }
        var problems: [String] = []
        if pc != words.count { problems.append("last instruction overruns the code") }
        for branch in branches where !starts.contains(branch.to) {
            problems.append("branch at \(branch.from) to \(branch.to), not an instruction start")
        }
        return problems
    }

    static func describeInstruction(_ words: UnsafeBufferPointer<UInt64>, at pc: Int) -> (String, Int) {
        let w0 = words[pc]
        guard let op = IROpcode(rawValue: UInt16(truncatingIfNeeded: w0)) else {
            return ("<bad opcode \(w0 & 0xFFFF)>", 1)
        }
        let a = UInt32(truncatingIfNeeded: w0 &>> 32)
        func word(_ i: Int) -> UInt64 { pc + i < words.count ? words[pc + i] : 0 }
        func lo(_ w: UInt64) -> UInt32 { UInt32(truncatingIfNeeded: w) }
        func hi(_ w: UInt64) -> UInt32 { UInt32(truncatingIfNeeded: w &>> 32) }
        func target(_ offset: UInt32) -> String { "@\(pc + Int(Int32(bitPattern: offset)))" }
        func s(_ x: UInt32) -> String { "s\(x)" }
        func imm(_ x: UInt32) -> String { "#\(Int32(bitPattern: x))" }
        let name = op.name
        let raw = op.rawValue
        switch op {
        case .unreachable, .return:
            return (name, 1)
        case .checkpoint:
            return ("\(name) \(a)", 1)
        case .br:
            return ("\(name) \(target(a))", 1)
        case .returnValue, .throwRef:
            return ("\(name) \(s(a))", 1)
        case .dataDrop, .elemDrop:
            return ("\(name) \(a)", 1)
        case .brIfNez, .brIfEqz, .brIfI64Nez, .brIfI64Eqz:
            return ("\(name) \(s(a)) \(target(lo(word(1))))", 2)
        case .brTable:
            let count = Int(lo(word(1)))
            var targets: [String] = []
            for i in 0...count { targets.append(target(lo(word(2 + i)))) }
            return ("\(name) \(s(a)) [\(targets.joined(separator: " "))]", 2 + count + 1)
        case .native:
            return ("native code \(word(1) == 0 ? "none" : "yes")", 2)
        case .loopEntry:
            return ("loopEntry code \(word(1) == 0 ? "none" : "yes")", 2)
        case .const:
            return ("\(name) \(s(a)), #\(word(1)) (0x\(String(word(1), radix: 16)))", 2)
        case .returnCall where GCIROp(header: w0) != nil:
            return describeGC(w0, word(1), word(2))
        case .returnCall where FunctionReferenceOp(header: w0) != nil:
            return describeFunctionReference(w0, word(1))
        case .call, .callImport, .returnCall, .returnCallImport, .throw:
            return ("\(name) \(lo(word(1))) base \(s(a))", 2)
        case .callIndirect, .returnCallIndirect:
            return ("\(name) type \(lo(word(1))) table \(hi(word(1))) index \(s(lo(word(2)))) base \(s(a))", 3)
        case .copy:
            return ("\(name) \(s(a)), \(s(lo(word(1))))", 2)

        case .select, .select64:
            return ("\(name) \(s(a)), \(s(lo(word(1)))), \(s(hi(word(1)))), \(s(lo(word(2))))", 3)
        case .globalGet, .tableSize, .memorySize, .refFunc:
            return ("\(name) \(s(a)), \(lo(word(1)))", 2)
        case .globalSet:
            return ("\(name) \(lo(word(1))), \(s(a))", 2)
        case .simd:
            return describeSIMD(w0, word(1), word(2), word(3))
        default:
            break
        }
        if raw < IROpcode.i32EqImm.rawValue {
            if let numeric = NumericOp(rawValue: UInt8(raw) &+ NumericOp.indexRange.lowerBound),
               numeric.signature.operandCount == 1 {
                return ("\(name) \(s(a)), \(s(lo(word(1))))", 2)
            }
            return ("\(name) \(s(a)), \(s(lo(word(1)))), \(s(hi(word(1))))", 2)
        }
        if raw < IROpcode.brIfI32Eq.rawValue {
            return ("\(name) \(s(a)), \(s(lo(word(1)))), \(imm(hi(word(1))))", 2)
        }
        if raw < IROpcode.brIfI32EqImm.rawValue {
            return ("\(name) \(s(a)), \(s(lo(word(1)))) \(target(hi(word(1))))", 2)
        }
        if raw < IROpcode.unreachable.rawValue {
            return ("\(name) \(s(a)), \(imm(lo(word(1)))) \(target(hi(word(1))))", 2)
        }
        switch op {
        case .i32Load, .i64Load, .f32Load, .f64Load, .i32Load8S, .i32Load8U, .i32Load16S, .i32Load16U,
             .i64Load8S, .i64Load8U, .i64Load16S, .i64Load16U, .i64Load32S, .i64Load32U:
            return ("\(name) \(s(a)), [\(s(lo(word(1)))) + \(hi(word(1)))]", 2)
        case .i32Store, .i64Store, .f32Store, .f64Store, .i32Store8, .i32Store16, .i64Store8,
             .i64Store16, .i64Store32:
            return ("\(name) [\(s(a)) + \(hi(word(1)))], \(s(lo(word(1))))", 2)
        case .memoryGrow:
            return ("\(name) \(s(a)), \(s(lo(word(1))))", 2)
        case .store8Imm, .store16Imm, .store32Imm, .store64Imm:
            return ("\(name) [\(s(a)) + \(hi(word(1)))], \(imm(lo(word(1))))", 2)
        case .f32AddImm, .f32SubImm, .f32MulImm, .f32DivImm:
            return ("\(name) \(s(a)), \(s(lo(word(1)))), #\(Float(bitPattern: hi(word(1))))", 2)
        case .f64AddImm, .f64SubImm, .f64MulImm, .f64DivImm:
            return ("\(name) \(s(a)), \(s(lo(word(1)))), #\(Double(bitPattern: word(2)))", 3)
        case .f64AddLoad, .f64SubLoad, .f64MulLoad, .f64DivLoad:
            return ("\(name) \(s(a)), \(s(lo(word(1)))), [\(s(hi(word(1)))) + \(lo(word(2)))]", 3)
        case .f64AddStore, .f64SubStore, .f64MulStore, .f64DivStore:
            return ("\(name) [\(s(a)) + \(lo(word(2)))], \(s(lo(word(1)))), \(s(hi(word(1))))", 3)
        case .f64AddLoadStore, .f64SubLoadStore, .f64MulLoadStore, .f64DivLoadStore:
            return ("\(name) [\(s(a)) + \(hi(word(2)))], \(s(lo(word(1)))), [\(s(hi(word(1)))) + \(lo(word(2)))]", 3)
        case .f64MulMul:
            return ("\(name) \(s(a)), \(s(lo(word(1)))), \(s(hi(word(1)))), \(s(lo(word(2))))", 3)
        case .selectI32LtU, .selectI32LtS, .selectI32Eq:
            return ("\(name) \(s(a)), \(s(lo(word(1)))), \(s(hi(word(1)))), \(s(lo(word(2)))) ? \(s(hi(word(2))))", 3)
        case .addI32LtU, .addI32LeU:
            return ("\(name) \(s(a)), \(s(lo(word(1)))), \(s(lo(word(2)))) ? \(s(hi(word(2))))", 3)
        case .tableGet:
            return ("\(name) \(s(a)), table \(hi(word(1)))[\(s(lo(word(1))))]", 2)
        case .tableSet:
            return ("\(name) table \(hi(word(1)))[\(s(a))], \(s(lo(word(1))))", 2)
        case .memoryFill, .memoryCopy, .memoryInit, .tableGrow, .tableFill, .tableCopy, .tableInit:
            return ("\(name) \(s(a)), \(s(lo(word(1)))), \(s(hi(word(1)))) (\(lo(word(2))), \(hi(word(2))))", 3)
        default:
            func scaled(_ index: UInt32) -> String {
                hi(word(2)) == 0 ? s(index) : "\(s(index))<<\(hi(word(2)))"
            }
            if raw >= IROpcode.i32LoadIndexed.rawValue && raw <= IROpcode.i64Load32UIndexed.rawValue {
                return ("\(name) \(s(a)), [\(s(lo(word(1)))) + \(scaled(hi(word(1)))) + \(lo(word(2)))]", 3)
            }
            if raw >= IROpcode.i32StoreIndexed.rawValue && raw <= IROpcode.i64Store32Indexed.rawValue {
                return ("\(name) [\(s(a)) + \(scaled(lo(word(1)))) + \(lo(word(2)))], \(s(hi(word(1))))", 3)
            }
            if raw >= IROpcode.store8ImmIndexed.rawValue && raw <= IROpcode.store64ImmIndexed.rawValue {
                return ("\(name) [\(s(a)) + \(scaled(lo(word(1)))) + \(lo(word(2)))], \(imm(hi(word(1))))", 3)
            }
            let length = op.fixedWordCount
            return ("\(name) \(a)", length)
        }
    }

    /// A `.simd` instruction (header `w0`, then up to three operand words) and its length.
    static func describeSIMD(_ w0: UInt64, _ w1: UInt64, _ w2: UInt64, _ w3: UInt64) -> (String, Int) {
        guard let ir = SIMDIROpcode(header: w0) else { return ("<bad simd opcode \((w0 >> 16) & 0xFFFF)>", 1) }
        let d = UInt32(truncatingIfNeeded: w0 >> 32)
        func s(_ x: UInt64) -> String { "s\(UInt32(truncatingIfNeeded: x))" }
        let length = ir.wordCount
        switch ir {
        case .copy128: return ("copy128 s\(d), \(s(w1))", length)
        case .copySlots: return ("copySlots s\(d), \(s(w1)) x\(w1 >> 32)", length)
        case .v128Const: return ("v128Const s\(d), \(V128(low: w1, high: w2))", length)
        case .select128: return ("select128 s\(d), \(s(w1)), \(s(w1 >> 32)), \(s(w2))", length)
        case .globalGet128: return ("globalGet128 s\(d), \(UInt32(truncatingIfNeeded: w1))", length)
        case .globalSet128: return ("globalSet128 \(UInt32(truncatingIfNeeded: w1)), s\(d)", length)
        case .v128Load: return ("v128.load s\(d), [\(s(w1)) + \(w1 >> 32)]", length)
        case .v128Store: return ("v128.store [s\(d) + \(w1 >> 32)], \(s(w1))", length)
        case .i8x16Shuffle: return ("i8x16.shuffle s\(d), \(s(w1)), \(s(w1 >> 32)), \(V128(low: w2, high: w3))", length)
        case .lanes, .memory: return (describeLanes(d, w1, w2), length)
        case .atomic:
            let name = AtomicOp(rawValue: UInt8(truncatingIfNeeded: w2 >> 32))?.name ?? "<bad atomic op>"
            let memory = w2 >> 40 == 0 ? "" : " memory \(w2 >> 40)"
            return ("\(name) s\(d), [\(s(w1)) + \(w3)]\(memory), \(s(w1 >> 32)), \(s(w2))", length)
        default: return ("\(ir.name) s\(d), \(s(w1)), \(s(w1 >> 32))", length)
        }
    }

    /// `.lanes` [simd op|d][a|b][c|op16 lane8] and `.memory` [simd op|d][addr|v][offset32|op16
    /// lane8], with the operands the op's shape uses.
    static func describeLanes(_ d: UInt32, _ w1: UInt64, _ w2: UInt64) -> String {
        let selector = Int(w2 >> 32)
        guard selector & 0xFFFF < SIMDOp.count else { return "<bad simd op \(selector & 0xFFFF)>" }
        let op = SIMDOp.byIndex(selector & 0xFFFF)
        let lane = selector >> 16
        let x = "s\(UInt32(truncatingIfNeeded: w1))", y = "s\(UInt32(truncatingIfNeeded: w1 >> 32))"
        let z = "s\(UInt32(truncatingIfNeeded: w2))"
        let offset = UInt32(truncatingIfNeeded: w2)
        switch op.info.shape {
        case .load: return "\(op.name) s\(d), [\(x) + \(offset)]"
        case .loadLane: return "\(op.name) s\(d), [\(x) + \(offset)], \(y), lane \(lane)"
        case .storeLane: return "\(op.name) [\(x) + \(offset)], \(y), lane \(lane)"
        case .unary, .splat, .test: return "\(op.name) s\(d), \(x)"
        case .binary, .shift: return "\(op.name) s\(d), \(x), \(y)"
        case .ternary: return "\(op.name) s\(d), \(x), \(y), \(z)"
        case .extractLane: return "\(op.name) s\(d), \(x), lane \(lane)"
        case .replaceLane: return "\(op.name) s\(d), \(x), lane \(lane), \(y)"
        case .store, .constant, .shuffle: return "<\(op.name) in lanes>"
        }
    }
}
