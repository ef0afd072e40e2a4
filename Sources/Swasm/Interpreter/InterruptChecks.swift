// Interruption without checkpoints. Code compiled without fuel has no `checkpoint`
// instructions (each would cost a dispatch); when the engine is interruptible, the loop
// instead tests the interrupt flag where a guest must pass to run for long: every backward
// branch (in structured Wasm only a loop's back-edge jumps backward, or to itself when the
// loop is empty) and every call. The
// loop is compiled twice, with and without the checks, so code that is not interruptible pays
// nothing, and interruptible code pays a load and a predictable compare on those paths.

/// Moves `pc` by `distance`; true when `checks` (a constant in each copy of the loop) is on,
/// the move is a back-edge and an interrupt is pending, so the loop must trap.
@inline(__always)
func jump(_ pc: inout UnsafePointer<UInt64>, _ distance: Int, _ checks: Bool, _ interrupt: Unmanaged<InterruptHandle>) -> Bool {
    pc += distance
    return checks && distance <= 0 && interrupt.isRequested
}

/// `jump` for a fused compare-and-branch whose operand word `w` holds the taken distance.
@inline(__always)
func branch(_ pc: inout UnsafePointer<UInt64>, _ taken: Bool, _ w: UInt64, _ checks: Bool,
            _ interrupt: Unmanaged<InterruptHandle>) -> Bool {
    jump(&pc, branchDistance(taken, w), checks, interrupt)
}

extension Unmanaged where Instance == InterruptHandle {
    /// The handle's flag, read with a relaxed load: a plain byte load on x86-64 and arm64.
    @inline(__always)
    var isRequested: Bool { _withUnsafeGuaranteedRef { $0.requested.load(ordering: .relaxed) } }
}

extension InterruptHandle {
    /// Stands in for the store's handle where no check reads it, so the loop's handle need
    /// not be optional (one test fewer per check).
    static let unused = InterruptHandle()
}
