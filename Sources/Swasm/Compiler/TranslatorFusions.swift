/// Fusions of an i32 comparison with the instruction that consumes its result (IROpcode.swift,
/// "Consumers of an i32 comparison"), chosen from the opcode-pair profiles of the bench-c
/// programs: branch-free merge and median code selects on a comparison and adds one.
extension Translator {
    /// An i32 register comparison as `a < b` (or `a == b`) with its operands possibly swapped,
    /// and whether its result is the negation of that.
    struct NormalizedComparison {
        enum Kind { case lessUnsigned, lessSigned, equal, lessOrEqualUnsigned }
        var kind: Kind
        var a: Int
        var b: Int
        var negated: Bool
    }

    /// The comparison the last instruction computed into the operand at `depth`, when nothing
    /// else reads it, removed from the code so that its consumer can evaluate it.
    mutating func takeComparison(depth: Int, allowingLessOrEqual: Bool) -> NormalizedComparison? {
        guard let last = producer, last.depth == depth, !last.rhsIsImmediate, let op = last.numeric else {
            return nil
        }
        let x = last.lhs, y = Int(truncatingIfNeeded: last.rhs)
        let result: NormalizedComparison
        switch op {
        case .i32LtU: result = .init(kind: .lessUnsigned, a: x, b: y, negated: false)
        case .i32GtU: result = .init(kind: .lessUnsigned, a: y, b: x, negated: false)
        case .i32LtS: result = .init(kind: .lessSigned, a: x, b: y, negated: false)
        case .i32GtS: result = .init(kind: .lessSigned, a: y, b: x, negated: false)
        case .i32Eq: result = .init(kind: .equal, a: x, b: y, negated: false)
        case .i32Ne: result = .init(kind: .equal, a: x, b: y, negated: true)
        case .i32GeU:
            result = allowingLessOrEqual ? .init(kind: .lessOrEqualUnsigned, a: y, b: x, negated: false)
                : .init(kind: .lessUnsigned, a: x, b: y, negated: true)
        case .i32LeU:
            result = allowingLessOrEqual ? .init(kind: .lessOrEqualUnsigned, a: x, b: y, negated: false)
                : .init(kind: .lessUnsigned, a: y, b: x, negated: true)
        case .i32GeS: result = .init(kind: .lessSigned, a: x, b: y, negated: true)
        case .i32LeS: result = .init(kind: .lessSigned, a: y, b: x, negated: true)
        default: return nil
        }
        if allowingLessOrEqual && (result.negated || result.kind == .lessSigned || result.kind == .equal) {
            return nil
        }
        code.removeSubrange(last.start...)
        producer = nil
        return result
    }

    /// `select(first, second, a cmp b)` with the comparison just emitted: one instruction.
    /// Returns false (emitting nothing) when the condition is not such a comparison.
    mutating func translateComparisonSelect(first: Operand, second: Operand, condition: Operand, depth: Int) -> Bool {
        guard condition.kind == .stack, first.width == 1,
              let comparison = takeComparison(depth: depth + 2, allowingLessOrEqual: false) else { return false }
        // Constants go to the two home slots below the comparison's, which it did not read.
        var x = slot(of: first, depth: depth)
        var y = slot(of: second, depth: depth + 1)
        if comparison.negated { swap(&x, &y) }
        let op: IROpcode
        switch comparison.kind {
        case .lessUnsigned: op = .selectI32LtU
        case .lessSigned: op = .selectI32LtS
        case .equal: op = .selectI32Eq
        case .lessOrEqualUnsigned: return false  // not produced without allowingLessOrEqual
        }
        let start = emit(op, pushResult())
        emitPair(x, y)
        emitPair(comparison.a, comparison.b)
        producer = Producer(start: start, depth: depth)
        return true
    }

    /// `x + (a cmp b)` (either operand order) with the unsigned comparison just emitted: one
    /// instruction. Returns false (emitting nothing) otherwise.
    mutating func translateComparisonAdd(lhs: Operand, rhs: Operand, depth: Int) -> Bool {
        let other: Operand
        let otherDepth: Int
        if rhs.kind == .stack, producer?.depth == depth + 1 {
            other = lhs
            otherDepth = depth
        } else if lhs.kind == .stack, producer?.depth == depth, rhs.kind == .local {
            other = rhs
            otherDepth = depth + 1
        } else {
            return false
        }
        guard let comparison = takeComparison(depth: producer?.depth ?? -1, allowingLessOrEqual: true) else {
            return false
        }
        // The other operand is a local or a stack value below the comparison's (a constant took
        // the immediate form before this).
        let x = slot(of: other, depth: otherDepth)
        let start = emit(comparison.kind == .lessUnsigned ? .addI32LtU : .addI32LeU, pushResult())
        emitPair(x, 0)
        emitPair(comparison.a, comparison.b)
        producer = Producer(start: start, depth: depth)
        return true
    }
}

extension Translator {
    /// `(a * b) * c` or `c * (a * b)` with the inner `f64.mul` just emitted: one instruction
    /// that multiplies in the inner product's order first (multiplication commutes, so the
    /// outer operand order does not change the result). Returns false (emitting nothing)
    /// otherwise.
    mutating func translateProductOfThree(lhs: Operand, rhs: Operand, depth: Int) -> Bool {
        guard let last = producer, last.start < code.count,
              UInt16(truncatingIfNeeded: code[last.start]) == IROpcode.f64Mul.rawValue else { return false }
        let other: Operand
        let otherDepth: Int
        if rhs.kind == .stack, last.depth == depth + 1 {
            other = lhs
            otherDepth = depth
        } else if lhs.kind == .stack, last.depth == depth, rhs.kind == .local {
            other = rhs
            otherDepth = depth + 1
        } else {
            return false
        }
        code.removeSubrange(last.start...)
        producer = nil
        // The inner product read locals or home slots above `depth`; the other factor is a
        // local or sits at `depth` (a constant is materialized there).
        let c = slot(of: other, depth: otherDepth)
        let start = emit(.f64MulMul, pushResult())
        emitPair(last.lhs, Int(truncatingIfNeeded: last.rhs))
        emitPair(c, 0)
        producer = Producer(start: start, depth: depth)
        return true
    }
}
