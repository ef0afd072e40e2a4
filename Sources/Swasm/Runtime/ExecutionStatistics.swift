/// What a store's machine code ran, counted when the engine is configured with
/// ``EngineConfiguration/collectsExecutionStatistics`` (all zero otherwise, and where there is
/// no native tier). Code that runs in the interpreter is not counted.
public struct ExecutionStatistics: Sendable, Equatable {
    /// IR instructions run as machine code, counting those it sent out of line.
    public var nativeInstructions: UInt64 = 0
    /// Of those, instructions run by a call into the interpreter on the machine code's frame
    /// (a "snippet": calls whose callee has no machine code yet, calls through other tables
    /// and imports).
    public var snippets: UInt64 = 0
    /// Of those, instructions run by a direct call of a runtime helper (memory.grow, bulk
    /// memory, table and segment instructions, and the like).
    public var helperCalls: UInt64 = 0
    /// Of those, instructions run by the interpreter's out-of-line executor (SIMD, GC, atomics,
    /// 64-bit and multiple memories).
    public var vectorPath: UInt64 = 0

    /// Instructions sent out of line, of all three kinds.
    public var outOfLine: UInt64 { snippets &+ helperCalls &+ vectorPath }

    /// All counts zero.
    public init() {}
}

extension Store {
    /// What this store's machine code has run so far (see ``ExecutionStatistics``).
    public var executionStatistics: ExecutionStatistics {
        var result = ExecutionStatistics()
        guard NativeTier.isAvailable else { return result }
        let counts = execution.nativeContext.pointee.statistics
        result.nativeInstructions = counts.instructions
        result.snippets = counts.snippets
        result.helperCalls = counts.helperCalls
        result.vectorPath = counts.vectorPath
        return result
    }
}
