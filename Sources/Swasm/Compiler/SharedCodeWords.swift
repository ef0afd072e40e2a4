import Synchronization

// A module's compiled code is shared by every thread that runs one of its instances, and a few
// of its words change while those threads read them without the code cache's lock: a
// function's tier-up count, its native entry points, and the tables of translated functions
// and native entries. Plain accesses to them would be data races (ThreadSanitizer reports
// them, and the optimiser may assume they do not happen). The atomic accesses below are
// ordered only as much as their readers need, and on x86-64 each is the same single `mov` the
// plain access was, so the interpreter's paths cost what they did.
//
// The words are ordinary memory, not `Atomic` storage; they are reached through `Atomic`'s
// layout as linear memory's atomics are (see `AtomicCell`).

enum SharedCodeWord {
    /// A word another thread may `publish`: seeing its value also sees everything the
    /// publisher wrote before publishing it (the translated function or machine code it
    /// points to).
    @inline(__always)
    static func acquire(_ word: UnsafePointer<UInt64>) -> UInt64 {
        UnsafeMutableRawPointer(mutating: word).assumingMemoryBound(to: Atomic<UInt64>.self).pointee
            .load(ordering: .acquiring)
    }

    /// Stores `value` for `acquire` on other threads, after what it points to is complete.
    @inline(__always)
    static func publish(_ word: UnsafeMutablePointer<UInt64>, _ value: UInt64) {
        UnsafeMutableRawPointer(word).assumingMemoryBound(to: Atomic<UInt64>.self).pointee
            .store(value, ordering: .releasing)
    }

    /// A counter that threads update without ordering: an increment may be lost to another
    /// thread's, which only delays what the count decides, but a value is never torn.
    @inline(__always)
    static func loadCount(_ word: UnsafePointer<UInt64>) -> UInt64 {
        UnsafeMutableRawPointer(mutating: word).assumingMemoryBound(to: Atomic<UInt64>.self).pointee
            .load(ordering: .relaxed)
    }

    @inline(__always)
    static func storeCount(_ word: UnsafeMutablePointer<UInt64>, _ value: UInt64) {
        UnsafeMutableRawPointer(word).assumingMemoryBound(to: Atomic<UInt64>.self).pointee
            .store(value, ordering: .relaxed)
    }
}

extension UnsafeMutablePointer where Pointee == UnsafePointer<UInt64>? {
    /// Entry `index` of the table of translated functions (`CodeCache.entries`), which another
    /// thread may fill in with `publish(_:at:)` at any time.
    @inline(__always)
    func acquire(_ index: Int) -> UnsafePointer<UInt64>? {
        UnsafePointer(bitPattern: UnsafeMutableRawPointer(self + index).assumingMemoryBound(to: Atomic<UInt>.self)
            .pointee.load(ordering: .acquiring))
    }

    @inline(__always)
    func publish(_ function: UnsafePointer<UInt64>, at index: Int) {
        UnsafeMutableRawPointer(self + index).assumingMemoryBound(to: Atomic<UInt>.self).pointee
            .store(UInt(bitPattern: function), ordering: .releasing)
    }
}

extension UnsafeMutablePointer where Pointee == UnsafeRawPointer? {
    /// Fills in entry `index` of the native entry table (`CodeCache.nativeEntries`), which
    /// other threads' machine code reads with plain loads (acquiring on x86-64).
    @inline(__always)
    func publish(_ code: UnsafeRawPointer, at index: Int) {
        UnsafeMutableRawPointer(self + index).assumingMemoryBound(to: Atomic<UInt>.self).pointee
            .store(UInt(bitPattern: code), ordering: .releasing)
    }
}
