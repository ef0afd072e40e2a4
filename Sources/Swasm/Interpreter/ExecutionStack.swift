/// What a `return` restores: the caller's registers. The record on top of the frame stack
/// belongs to the running function and describes its caller; a record whose `returnPC` is nil
/// marks an entry from the host, where the interpreter loop returns.
///
/// Pointers are unretained: the store keeps every function, instance and module alive while
/// code runs, and the loop must not pay reference counting per call.
struct CallFrame {
    var returnPC: UnsafePointer<UInt64>?
    /// The caller's frame base.
    var sp: UnsafeMutablePointer<UInt64>
    /// The caller's compiled function (its header word, see `CompiledFunction`).
    var function: UnsafePointer<UInt64>
    /// The caller's `InstanceState`.
    var instance: Unmanaged<InstanceState>
}

/// Per-store execution resources: the value stack (frames of 64-bit slots) and the call-frame
/// stack, both preallocated, shared by nested host → Wasm entries so that the depth limit
/// covers all of them.
final class ExecutionState {
    let slots: UnsafeMutablePointer<UInt64>
    let slotsEnd: UnsafeMutablePointer<UInt64>
    /// First slot free for a new entry from the host.
    var slotTop: UnsafeMutablePointer<UInt64>

    let frames: UnsafeMutablePointer<CallFrame>
    /// One past the last usable record: pushing here is "call stack exhausted".
    let framesEnd: UnsafeMutablePointer<CallFrame>
    /// Next record free for a new entry from the host.
    var frameTop: UnsafeMutablePointer<CallFrame>

    /// Host → Wasm entries in progress. A nested one recurses on the native stack (host
    /// closure, `Execution.invoke`, the interpreter loop), so it also needs native stack room.
    var nativeEntries = 0
    var nativeStack = NativeStackGuard()

    init(configuration: EngineConfiguration) {
        let slotCount = Swift.max(configuration.valueStackSlots, 1024)
        slots = .allocate(capacity: slotCount)
        slotsEnd = slots + slotCount
        slotTop = slots
        let frameCount = Swift.max(configuration.maxCallDepth, 1) + 1
        frames = .allocate(capacity: frameCount)
        framesEnd = frames + frameCount
        frameTop = frames
    }

    deinit {
        slots.deallocate()
        frames.deallocate()
    }
}
