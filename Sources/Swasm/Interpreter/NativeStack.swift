#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

// The machine stack a store's guest may use on the thread that runs it.
//
// Interpreted Wasm → Wasm calls use no machine stack, but native frames do (16 bytes each, see
// docs/native-tier.md), and so does every host → Wasm entry: the host function, the call API,
// another interpreter loop, and with native code a snippet and the entry stub besides. How much
// depends on the build, the host function and the tiers involved, so instead of counting entries
// or charging them to a fixed budget, the guard knows where the running thread's stack ends and
// refuses a nested entry, a snippet or a native call that would come closer to that end than a
// reserve: the room host functions, the trap path and the runtime need below the last Wasm
// frame. Running out of it is "call stack exhausted", like running out of the depth limit.

struct NativeStackGuard {
    /// The lowest machine-stack position Wasm may reach on the thread of the outermost entry in
    /// progress, once something has asked for it.
    private var knownFloor: UInt?

    /// Forgets the floor: a store's next outermost entry may run on another thread.
    mutating func enterOutermost() {
        knownFloor = nil
    }

    /// Found on first use, so that a call that never needs it (no nested entry, no machine
    /// code) pays nothing: measuring the main thread's stack reads /proc/self/maps (about
    /// 200,000 instructions, 1 % of starting hello.wasm).
    var floor: UInt {
        mutating get {
            if let knownFloor { return knownFloor }
            let floor = MachineStack.floorOfCurrentThread()
            knownFloor = floor
            return floor
        }
    }

    /// Whether a nested entry or a snippet still fits above the floor.
    mutating func hasRoom() -> Bool {
        NativeStackGuard.currentPosition() > floor
    }

    @inline(never)
    static func currentPosition() -> UInt {
        var marker: UInt8 = 0
        return withUnsafeMutablePointer(to: &marker) { UInt(bitPattern: $0) }
    }
}

/// The bounds of the threads' stacks, measured once per thread.
enum MachineStack {
    /// What is kept free below the deepest Wasm frame: a quarter of the stack, at most 256 KiB
    /// (a host function, a trap's backtrace, the Swift runtime, signal frames).
    static func reserve(forStackOf size: UInt) -> UInt {
        Swift.min(size / 4, 256 * 1024)
    }

    /// Without the bounds of the thread's stack: the room nested entries had before the stack
    /// was measured, half of the 512 KiB of a small secondary thread.
    static let unmeasuredRoom: UInt = 256 * 1024

    /// The lowest position Wasm may reach on the calling thread.
    static func floorOfCurrentThread() -> UInt {
        if let cell = pthread_getspecific(floorKey) {
            return cell.load(as: UInt.self)
        }
        let floor: UInt
        if let (low, size) = currentThreadStack() {
            floor = low + reserve(forStackOf: size)
        } else {
            let here = NativeStackGuard.currentPosition()
            floor = here > unmeasuredRoom ? here - unmeasuredRoom : 0
        }
        let cell = UnsafeMutableRawPointer.allocate(byteCount: MemoryLayout<UInt>.size, alignment: MemoryLayout<UInt>.alignment)
        cell.storeBytes(of: floor, as: UInt.self)
        pthread_setspecific(floorKey, cell)
        return floor
    }

    /// Each thread's floor, freed with the thread.
    private static let floorKey: pthread_key_t = {
        var key = pthread_key_t()
        #if canImport(Darwin)
        pthread_key_create(&key) { $0.deallocate() }
        #else
        pthread_key_create(&key) { $0?.deallocate() }
        #endif
        return key
    }()

    /// The lowest address and the size of the calling thread's stack.
    static func currentThreadStack() -> (low: UInt, size: UInt)? {
        #if canImport(Darwin)
        let thread = pthread_self()
        let top = UInt(bitPattern: pthread_get_stackaddr_np(thread))
        let size = UInt(pthread_get_stacksize_np(thread))
        return top > size ? (top - size, size) : nil
        #else
        guard let getAttributes = pthreadGetattrNp else { return nil }
        var attributes = pthread_attr_t()
        guard getAttributes(pthread_self(), &attributes) == 0 else { return nil }
        defer { pthread_attr_destroy(&attributes) }
        var low: UnsafeMutableRawPointer? = nil
        var size = 0
        guard pthread_attr_getstack(&attributes, &low, &size) == 0, let low, size > 0 else { return nil }
        return (UInt(bitPattern: low), UInt(size))
        #endif
    }

    #if !canImport(Darwin)
    private typealias GetattrNp = @convention(c) (pthread_t, UnsafeMutablePointer<pthread_attr_t>) -> Int32
    /// The C library's `pthread_getattr_np`, looked up at run time (the Swift module does not
    /// declare it). For the main thread it derives the stack's size from RLIMIT_STACK.
    private static let pthreadGetattrNp: GetattrNp? = {
        guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "pthread_getattr_np") else { return nil }
        return unsafeBitCast(symbol, to: GetattrNp.self)
    }()
    #endif
}
