// Interruption without checkpoints. Code compiled without fuel has no `checkpoint`
// instructions (each would cost a dispatch); when the engine is interruptible, the loop
// instead tests the interrupt flag where a guest must pass to run for long: every backward
// branch (in structured Wasm only a loop's back-edge jumps backward, or to itself when the
// loop is empty) and every call. The loop is compiled twice, with and without the checks, so
// code that is not interruptible pays nothing, and interruptible code pays a compare of a
// global (`InterruptHandle.pending`) with zero on those paths.

/// Moves `pc` by `distance`; true when `checks` (a constant in each copy of the loop) is on,
/// the move is a back-edge and an interrupt is pending, so the loop must trap.
@inline(__always)
func jump(_ pc: inout UnsafePointer<UInt64>, _ distance: Int, _ checks: Bool, _ stacks: ExecutionState) -> Bool {
    pc += distance
    // The global count first: one compare with memory, independent of `distance`, and false
    // almost always, so the branch's own test stays off the common path.
    return checks && InterruptHandle.pending.load(ordering: .relaxed) != 0 && distance <= 0 && stacks.interruptRequested
}

/// `jump` for a fused compare-and-branch whose operand word `w` holds the taken distance.
@inline(__always)
func branch(_ pc: inout UnsafePointer<UInt64>, _ taken: Bool, _ w: UInt64, _ checks: Bool,
            _ stacks: ExecutionState) -> Bool {
    jump(&pc, branchDistance(taken, w), checks, stacks)
}
