/// Validation of one function body: the operand-stack / control-stack algorithm of the spec's
/// appendix (https://webassembly.github.io/spec/core/appendix/algorithm.html) over the
/// instructions of `InstructionReader`, for every Wasm 2.0 instruction (plus tail calls when
/// the context enables them), SIMD and relaxed SIMD included (`Instruction.simd`, typed in
/// FunctionValidatorSIMD.swift).
///
/// ## For the translator
/// The compiler drives the validator one instruction at a time and reads its state to emit
/// IR. Between two `validate` calls the state describes the code *before* the next
/// instruction; right after a call it describes the code *after* the one just validated:
/// ```
/// var validator = try FunctionValidator(module: module, context: context, definedIndex: i)
/// var reader = InstructionReader(bytes: module.bytes, range: module.code[i].code,
///                                features: context.features)
/// while !reader.isAtEnd {
///     let instruction = try reader.read()
///     // before: validator.operandCount, operandType(fromTop:), isUnreachable, frames
///     try validator.validate(instruction, offset: reader.instructionOffset,
///                            brTableTargets: reader.brTableTargets)
///     // after: closedFrame (for `end`/`else`), lastOperandType (for `drop`/`select`), ...
/// }
/// try validator.finish(offset: reader.offset)
/// ```
/// - `operandCount` / `operandSlotCount`: operand stack height in values and in 64-bit slots
///   (`v128` takes two). In unreachable code the height is that of the polymorphic stack,
///   which the translator should not rely on (it emits no code there).
/// - `frames`: the control stack, outermost (the function) first. `frame(atDepth:)` resolves
///   a label index; `labelTypes(of:)` gives a label's types (a loop's parameters, otherwise
///   the frame's results); `context.parameters(of:)`/`results(of:)` resolve block types.
/// - `isUnreachable`: the rest of the current frame is dead code (after `br`, `br_table`,
///   `return`, `unreachable`).
/// - `closedFrame`: after `end` or `else`, the frame just closed (an `else` opens a new
///   `.else` frame with the same block type and height). After the function's final `end`,
///   `isFinished` is true and the operands are the function's results.
/// - `lastOperandType`: after `drop`, the dropped value's type; after `select`, the type of
///   the selected value (nil when unknown because the code is unreachable).
///
/// Errors are `SwasmError.invalid(message, function: functionIndex, offset:)` with the spec
/// reference interpreter's messages ("type mismatch", "unknown local 3", "unknown label",
/// "alignment must not be larger than natural", ...). A few binary-format rules only checkable
/// here are `.malformed`: "data count section required", `else` without `if`, instructions
/// after the final `end`, and a body without it.
///
/// Performance: no allocation per instruction; the stacks are arrays reserved up front and
/// reused by `restart`.
public struct FunctionValidator {
    /// The kind of a control frame.
    public enum FrameKind: UInt8, Hashable, Sendable {
        /// The function body, a `block`, a `loop`, an `if` before its `else`, an `else` arm.
        case function, block, loop, `if`, `else`
        /// A `try_table`; a legacy `try` body, `catch` arm and `catch_all` arm.
        case tryTable, `try`, `catch`, catchAll
    }

    /// An entry of the control stack.
    public struct ControlFrame: Hashable, Sendable {
        /// What opened the frame.
        public var kind: FrameKind
        /// The frame's type; the function's frame has `.typeIndex` of the function's type.
        public var blockType: BlockType
        /// Operand stack height (values) at entry, below the frame's parameters.
        public var height: Int
        /// Operand stack height in 64-bit slots at entry, below the parameters.
        public var slotHeight: Int
        /// Whether the code after the last instruction is unreachable within this frame.
        public var unreachable: Bool
        /// Module offset of the instruction that opened the frame.
        public var offset: Int
        /// How many non-defaultable locals were set before the frame began (they stay set
        /// after its end; those set inside are unset again).
        public var initHeight: Int = 0
    }

    /// The module-wide facts the body is checked against.
    public let context: FunctionValidationContext
    /// Index in the function index space (imports first).
    public private(set) var functionIndex: UInt32 = 0
    /// The function's type.
    public private(set) var functionType = FuncType(params: [], results: [])
    /// Parameters, then declared locals.
    public private(set) var localTypes: [ValueType] = []

    /// `localTypes` in the stack's compact form.
    var localOperandTypes: [OperandType] = []
    /// The operand stack: `operands[0..<operandCount]`; the array only grows, so pushes
    /// mostly overwrite and pops only move `operandCount`.
    var operands: [OperandType] = []
    /// Number of values on the operand stack.
    public internal(set) var operandCount = 0
    /// The control stack, the function's frame first.
    public internal(set) var frames: [ControlFrame] = []
    /// Operand stack height in 64-bit slots (a `v128` counts two).
    public internal(set) var operandSlotCount = 0
    /// The frame closed by the last `end` or `else`.
    public internal(set) var closedFrame: ControlFrame?
    /// The type dropped by the last `drop` or selected by the last `select` (nil when
    /// unknown in unreachable code).
    public var lastOperandType: ValueType? { lastOperand.valueType }
    var lastOperand = OperandType.unknown

    /// Mirrors of the innermost frame's height and reachability (the hot checks of `pop`).
    var frameHeight = 0
    var frameUnreachable = false
    /// Offset of the instruction being validated, for error messages.
    var offset = 0

    /// Whether the function has non-defaultable locals, whose reads need a prior write.
    var tracksLocalInit = false
    /// Per local, whether it holds a value (only kept when `tracksLocalInit`).
    var localInitialized: [Bool] = []
    /// The non-defaultable locals set so far, in order; frames record how many came before.
    var initializedLocals: [Int] = []

    /// Above this many locals (parameters included) a function is rejected as unsupported;
    /// the decoder's own cap is lower, this guards hand-built `ModuleSections`.
    public static let maxLocals = 1 << 20

    /// Prepares to validate the body of defined function `definedIndex` (an index into
    /// `module.functions` and `module.code`, imports excluded).
    public init(module: borrowing ModuleSections, context: FunctionValidationContext, definedIndex: Int) throws {
        self.context = context
        try restart(module: module, definedIndex: definedIndex)
    }

    /// Starts over with another function of the same module, reusing the stacks' storage.
    public mutating func restart(module: ModuleSections, definedIndex: Int) throws {
        let index = UInt32(truncatingIfNeeded: context.importedFunctionCount + definedIndex)
        functionIndex = index
        offset = definedIndex >= 0 && definedIndex < module.code.count
            ? module.code[definedIndex].code.lowerBound : 0
        guard definedIndex >= 0, definedIndex < module.functions.count, definedIndex < module.code.count else {
            throw invalid("unknown function \(index)")
        }
        let typeIndex = module.functions[definedIndex]
        guard let type = context.type(at: typeIndex) else { throw invalid("unknown type \(typeIndex)") }
        functionType = type
        let body = module.code[definedIndex]
        let declared = body.localRuns.reduce(0) { $0 + Int($1.count) }
        guard type.params.count + declared <= FunctionValidator.maxLocals else {
            throw SwasmError.unsupported(
                "function \(index) declares \(declared) locals; at most \(FunctionValidator.maxLocals) are supported")
        }
        localTypes.removeAll(keepingCapacity: true)
        localTypes.reserveCapacity(type.params.count + declared)
        localTypes.append(contentsOf: type.params)
        for run in body.localRuns {
            localTypes.append(contentsOf: repeatElement(run.type, count: Int(run.count)))
        }
        localOperandTypes.removeAll(keepingCapacity: true)
        localOperandTypes.reserveCapacity(localTypes.count)
        for t in localTypes { localOperandTypes.append(OperandType(t)) }
        startLocalInitTracking(parameterCount: type.params.count)
        if operands.isEmpty { operands = Array(repeating: .unknown, count: 64) }
        operandCount = 0
        frames.removeAll(keepingCapacity: true)
        frames.reserveCapacity(16)
        operandSlotCount = 0
        closedFrame = nil
        lastOperand = .unknown
        frames.append(ControlFrame(kind: .function, blockType: .typeIndex(typeIndex), height: 0,
                                   slotHeight: 0, unreachable: false, offset: offset))
        frameHeight = 0
        frameUnreachable = false
    }

    // MARK: State for the translator

    /// The type of the operand `depth` values below the top (0 = top), or nil when it is
    /// unknown (polymorphic stack in unreachable code) or below the current frame.
    public func operandType(fromTop depth: Int) -> ValueType? {
        let i = operandCount - 1 - depth
        guard depth >= 0, i >= frameHeight else { return nil }
        return operands[i].valueType
    }

    /// Whether the code at this point is unreachable.
    public var isUnreachable: Bool { frameUnreachable }

    /// Whether the function's final `end` has been validated.
    public var isFinished: Bool { frames.isEmpty }

    /// The frame a label index refers to (0 = innermost), or nil for an unknown label.
    @inline(__always)
    public func frame(atDepth depth: UInt32) -> ControlFrame? {
        Int(depth) < frames.count ? frames[frames.count - 1 - Int(depth)] : nil
    }

    /// The types a branch to `frame` carries: a loop's parameters, otherwise its results.
    @inline(__always)
    public func labelTypes(of frame: ControlFrame) -> ValueTypeList {
        frame.kind == .loop ? context.parameters(of: frame.blockType) : context.results(of: frame.blockType)
    }

    /// Checks that the body ended with the function's `end` (call at the end of the code).
    public func finish(offset endOffset: Int) throws {
        guard frames.isEmpty else {
            throw SwasmError.malformed("unexpected end of section or function", offset: endOffset)
        }
    }

    // MARK: Errors

    // The error builders read two fields and call out of line: a method taking the whole
    // validator would make the optimizer copy `self` at every `throw` site.
    @inline(__always)
    func invalid(_ message: String) -> SwasmError {
        FunctionValidator.invalid(message, function: functionIndex, offset: offset)
    }

    @inline(__always)
    func typeMismatch() -> SwasmError {
        FunctionValidator.invalid("type mismatch", function: functionIndex, offset: offset)
    }

    @inline(never)
    static func invalid(_ message: String, function: UInt32, offset: Int) -> SwasmError {
        .invalid(message, function: function, offset: offset)
    }

    // MARK: Operand stack

    @inline(__always)
    mutating func push(_ type: OperandType) {
        if operandCount < operands.count {
            operands[operandCount] = type
        } else {
            operands.append(type)
        }
        operandCount &+= 1
        operandSlotCount &+= type.slotCount
    }

    /// Pops any operand (`.unknown` below the frame of unreachable code).
    @inline(__always)
    mutating func pop() throws -> OperandType {
        if operandCount == frameHeight {
            if frameUnreachable { return .unknown }
            throw typeMismatch()
        }
        operandCount &-= 1
        let type = operands[operandCount]
        operandSlotCount &-= type.slotCount
        return type
    }

    /// Pops an operand of type `expected` (or unknown).
    @inline(__always)
    mutating func pop(_ expected: OperandType) throws {
        let actual = try pop()
        if actual != expected && !actual.isUnknown { try checkSubtype(actual, expected) }
    }

    mutating func pop(_ types: ValueTypeList) throws {
        var i = types.count
        while i > 0 {
            i -= 1
            try pop(OperandType(types[i]))
        }
    }

    mutating func push(_ types: ValueTypeList) {
        for t in types { push(OperandType(t)) }
    }

    mutating func pop(_ types: [ValueType]) throws {
        var i = types.count
        while i > 0 {
            i -= 1
            try pop(OperandType(types[i]))
        }
    }

    mutating func push(_ types: [ValueType]) {
        for t in types { push(OperandType(t)) }
    }

    /// Checks that the top of the stack matches `types` without popping (br_table targets);
    /// missing operands in unreachable code are unknown and match.
    func checkTop(_ types: ValueTypeList) throws {
        let count = types.count
        for k in 0..<count {
            let i = operandCount - 1 - k
            if i < frameHeight {
                if frameUnreachable { return }
                throw typeMismatch()
            }
            let actual = operands[i]
            let expected = OperandType(types[count - 1 - k])
            if !actual.isUnknown, actual != expected { try checkSubtype(actual, expected) }
        }
    }

    // MARK: Control stack

    mutating func pushFrame(_ kind: FrameKind, _ blockType: BlockType, parameters: ValueTypeList) {
        frames.append(ControlFrame(kind: kind, blockType: blockType, height: operandCount,
                                   slotHeight: operandSlotCount, unreachable: false, offset: offset,
                                   initHeight: initializedLocals.count))
        frameHeight = operandCount
        frameUnreachable = false
        push(parameters)
    }

    /// Pops the innermost frame after checking its results are exactly what remains.
    mutating func popFrame() throws -> ControlFrame {
        guard let frame = frames.last else {
            throw SwasmError.malformed("section size mismatch: instructions after the function's end",
                                       offset: offset)
        }
        try pop(context.results(of: frame.blockType))
        guard operandCount == frame.height else { throw typeMismatch() }
        frames.removeLast()
        if tracksLocalInit { unsetLocals(above: frame.initHeight) }
        if let outer = frames.last {
            frameHeight = outer.height
            frameUnreachable = outer.unreachable
        } else {
            frameHeight = 0
            frameUnreachable = false
        }
        return frame
    }

    /// Marks the rest of the current frame unreachable: its operands become polymorphic.
    mutating func setUnreachable() {
        operandCount = frameHeight
        if let last = frames.indices.last {
            operandSlotCount = frames[last].slotHeight
            frames[last].unreachable = true
        }
        frameUnreachable = true
    }

    /// The label at `depth`, or "unknown label".
    @inline(__always)
    func label(_ depth: UInt32) throws -> ControlFrame {
        guard let frame = frame(atDepth: depth) else { throw invalid("unknown label") }
        return frame
    }

    // MARK: Whole functions

    /// Reads and validates the body of defined function `definedIndex` (imports excluded).
    public static func validateFunction(module: ModuleSections, context: FunctionValidationContext,
                                        definedIndex: Int) throws {
        var validator = try FunctionValidator(module: module, context: context, definedIndex: definedIndex)
        var reader = InstructionReader(bytes: module.bytes, range: module.code[definedIndex].code,
                                       features: context.features)
        while !reader.isAtEnd {
            let instruction = try reader.read()
            try validator.validate(instruction, offset: reader.instructionOffset,
                                   brTableTargets: reader.brTableTargets)
        }
        try validator.finish(offset: reader.offset)
    }

    /// Validates every function body of `module`.
    public static func validateAllFunctions(module: ModuleSections,
                                            features: InstructionReader.Features = []) throws {
        let context = FunctionValidationContext(module: module, features: features)
        for i in module.code.indices where i < module.functions.count {
            try validateFunction(module: module, context: context, definedIndex: i)
        }
    }
}
