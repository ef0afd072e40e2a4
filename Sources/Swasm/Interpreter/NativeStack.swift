// Native stack budget for nested host → Wasm entries.
//
// Wasm → Wasm calls never grow the native stack, but every host → Wasm entry runs a new
// interpreter loop below the host function that called it. How much native stack one such
// round trip takes depends on the build (about 13 KiB unoptimized, much less optimized) and on
// the host function, so instead of counting entries the guard measures the native stack used
// since the outermost entry. The budget is half of the smallest thread stack the engine must
// support (512 KiB on a secondary thread), leaving the rest to whatever ran before.

struct NativeStackGuard {
    static let budget: UInt = 256 * 1024

    /// Native stack position at the outermost entry (no entry in progress when 0 entries).
    private var outermost: UInt = 0

    /// Records the position of an outermost entry.
    mutating func enterOutermost() {
        outermost = NativeStackGuard.currentPosition()
    }

    /// Whether a nested entry still fits in the budget.
    func hasRoom() -> Bool {
        room(below: NativeStackGuard.currentPosition()) > 0
    }

    /// How much of the budget is left below `position`.
    func room(below position: UInt) -> UInt {
        // Stacks grow down; a position above the outermost one (another thread) is not nested.
        if position >= outermost { return NativeStackGuard.budget }
        let used = outermost - position
        return used < NativeStackGuard.budget ? NativeStackGuard.budget - used : 0
    }

    @inline(never)
    static func currentPosition() -> UInt {
        var marker: UInt8 = 0
        return withUnsafeMutablePointer(to: &marker) { UInt(bitPattern: $0) }
    }
}
