import Synchronization

/// An engine's allowance for compiled code (``EngineConfiguration/maxCompiledCodeBytes``): the
/// bytes of IR and machine code that all its modules hold. A module's code cache reserves a
/// function's bytes before publishing it and gives everything back when it is freed.
final class CompiledCodeBudget: Sendable {
    let limit: Int
    private let used = Atomic<Int>(0)

    init(limit: Int) { self.limit = Swift.max(0, limit) }

    var usedBytes: Int { used.load(ordering: .relaxed) }
    var remainingBytes: Int { Swift.max(0, limit - usedBytes) }

    /// Takes `bytes`, or nothing when they do not fit in what is left.
    func reserve(_ bytes: Int) -> Bool {
        var current = used.load(ordering: .relaxed)
        while true {
            guard bytes >= 0, bytes <= limit - current else { return false }
            let (exchanged, original) = used.compareExchange(expected: current, desired: current + bytes,
                                                             ordering: .relaxed)
            if exchanged { return true }
            current = original
        }
    }

    func release(_ bytes: Int) {
        used.wrappingSubtract(bytes, ordering: .relaxed)
    }

    /// The error for code that does not fit.
    func exceeded(needing bytes: Int, for what: String) -> SwasmError {
        .limit("\(what) needs \(bytes) bytes of compiled code, and only \(remainingBytes) of the engine's "
               + "\(limit) are left (EngineConfiguration.maxCompiledCodeBytes)")
    }
}
