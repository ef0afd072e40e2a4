// Fuel and interruption: the embedder-facing half. The values live here; both tiers enforce
// them: fuel at checkpoints (function entries and loop headers, emitted when the engine
// consumes fuel), interruption at those checkpoints or, without fuel, at every loop back-edge
// and call in the interpreter (see Interpreter/InterruptChecks.swift) and every loop header
// and call in machine code (see Native/NativeCompiler.swift).

import Synchronization
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Stops guest code of one store from another thread: ``interrupt()`` makes the running
/// guest (or the next one to start) trap with ``TrapReason/interrupted`` at its next loop
/// back-edge or call, "within milliseconds". Requires
/// ``EngineConfiguration/interruptible``. Get it from ``Store/interruptHandle``; it is
/// `Sendable`, so a watchdog thread or a timer may hold it.
///
/// ```swift
/// let handle = store.interruptHandle
/// // on a watchdog thread, when the deadline passes:
/// handle.interrupt()
/// ```
///
/// The request stays pending until a trap consumes it, so an interrupt that arrives just
/// after a call returned stops the next call at once; call ``cancel()`` after a guarded call
/// to drop such a late request.
public final class InterruptHandle: Sendable {
    /// Set by `interrupt()`, cleared by the interpreter when it raises the trap (or `cancel()`).
    let requested = Atomic<Bool>(false)

    /// How many handles of the process have a request pending. The interpreter's checks read
    /// this first: a global in static memory costs one compare with no register to hold a
    /// pointer, and only while it is non-zero do they look at their own store's handle.
    static let pending = Atomic<Int>(0)

    /// Memory for the store's `NativeContext` (see `ExecutionState`), followed by this handle's
    /// own count of pending requests, which machine code reaches from the context's register
    /// with one compare. Owned by the handle, which may outlive its store: `interrupt()` from
    /// another thread never writes to freed memory.
    nonisolated(unsafe) let nativeContextMemory: UnsafeMutableRawPointer
    /// Where the count lies past the context.
    static let machineFlagOffset = (MemoryLayout<NativeContext>.stride + 7) & ~7
    /// Follows `requested` as `pending` does: raised when a request starts, lowered when one is
    /// withdrawn (transiently negative when the two race), so zero means no request.
    private var machineFlag: UnsafeMutablePointer<Atomic<Int>> {
        (nativeContextMemory + InterruptHandle.machineFlagOffset).assumingMemoryBound(to: Atomic<Int>.self)
    }

    /// A pipe (read end, write end) holding one byte while a request is pending, made on the
    /// first ask for ``wakeDescriptor``. The lock orders its creation, `interrupt()`'s write
    /// and `withdraw()`'s drain, so the pipe is readable exactly while a request is pending.
    private let wakePipe = Locked<(read: Int32, write: Int32)?>(nil)

    init() {
        let size = InterruptHandle.machineFlagOffset + MemoryLayout<Atomic<Int>>.stride
        nativeContextMemory = .allocate(byteCount: size, alignment: Swift.max(MemoryLayout<NativeContext>.alignment, 16))
        nativeContextMemory.initializeMemory(as: UInt8.self, repeating: 0, count: InterruptHandle.machineFlagOffset)
        (nativeContextMemory + InterruptHandle.machineFlagOffset).bindMemory(to: Atomic<Int>.self, capacity: 1)
            .initialize(to: Atomic<Int>(0))
    }

    deinit {
        withdraw()
        machineFlag.deinitialize(count: 1)
        nativeContextMemory.deallocate()
        wakePipe.withLock { pipe in
            if let pipe {
                close(pipe.read)
                close(pipe.write)
            }
        }
    }

    /// Asks the store's running (or next) guest code to trap with "interrupted".
    public func interrupt() {
        if !requested.exchange(true, ordering: .acquiringAndReleasing) {
            InterruptHandle.pending.add(1, ordering: .releasing)
            machineFlag.pointee.add(1, ordering: .releasing)
            wakePipe.withLock { pipe in
                if let pipe { Self.signal(pipe) }
            }
        }
    }

    /// Withdraws a request that no guest has acted on yet.
    public func cancel() {
        withdraw()
    }

    /// Clears the request, if any (an "interrupted" trap consumes it this way).
    func withdraw() {
        if requested.exchange(false, ordering: .acquiringAndReleasing) {
            InterruptHandle.pending.subtract(1, ordering: .releasing)
            machineFlag.pointee.subtract(1, ordering: .releasing)
        }
        wakePipe.withLock { pipe in
            guard let pipe else { return }
            Self.drain(pipe)
            // A request that arrived between the exchange and the lock keeps its byte.
            if requested.load(ordering: .acquiring) { Self.signal(pipe) }
        }
    }

    /// Whether a request is pending.
    public var isInterruptRequested: Bool {
        requested.load(ordering: .acquiring)
    }

    /// A descriptor that polls readable (`POLLIN`) while a request is pending, for host
    /// functions that block: a host function waiting in `poll` on its own descriptors adds
    /// this one, and when it becomes readable stops waiting and calls
    /// ``throwIfInterrupted()``. WASI's `poll_oneoff`, reads from pipes and sockets and
    /// `sock_accept` wait this way, so a deadline stops a guest blocked in the host too.
    /// The handle owns the descriptor (never close it); -1 when the host is out of
    /// descriptors, in which case a blocking call cannot be woken early.
    public var wakeDescriptor: Int32 {
        wakePipe.withLock { existing in
            if let existing { return existing.read }
            var ends: [Int32] = [0, 0]
            guard pipe(&ends) == 0 else { return -1 }
            for end in ends {
                _ = fcntl(end, F_SETFD, FD_CLOEXEC)
                _ = fcntl(end, F_SETFL, fcntl(end, F_GETFL) | O_NONBLOCK)
            }
            let created = (read: ends[0], write: ends[1])
            existing = created
            if requested.load(ordering: .acquiring) { Self.signal(created) }
            return created.read
        }
    }

    /// Throws the "interrupted" trap, consuming the request, when one is pending: what a
    /// host function that blocked calls once it stops waiting, so the guest stops as it
    /// would at its next loop iteration.
    public func throwIfInterrupted() throws {
        guard requested.load(ordering: .acquiring) else { return }
        withdraw()
        throw SwasmError.trap(Trap(.interrupted))
    }

    private static func signal(_ pipe: (read: Int32, write: Int32)) {
        var byte: UInt8 = 1
        // Full means a byte is already there; either way the read end is readable.
        _ = write(pipe.write, &byte, 1)
    }

    private static func drain(_ pipe: (read: Int32, write: Int32)) {
        var buffer = [UInt8](repeating: 0, count: 64)
        while read(pipe.read, &buffer, buffer.count) > 0 {}
    }
}

extension Store {
    /// Fuel left for guest code in this store: a deterministic budget of executed work that
    /// the interpreter draws on (when ``EngineConfiguration/consumeFuel`` is on); a guest that
    /// needs more than is left traps with ``TrapReason/fuelExhausted`` ("fuel exhausted").
    /// A new store has none: give it some with ``setFuel(_:)`` before calling into Wasm.
    public var fuel: UInt64 { remainingFuel }

    /// Sets the fuel left to `fuel`. Throws `APIError` when the engine does not consume fuel,
    /// so a budget is never silently ignored.
    public func setFuel(_ fuel: UInt64) throws {
        guard engine.configuration.consumeFuel else {
            throw APIError("fuel needs an engine configured with consumeFuel = true")
        }
        remainingFuel = fuel
    }

    /// Adds `fuel` to what is left (saturating at `UInt64.max`), e.g. from a host function to
    /// let a guest continue. Throws `APIError` when the engine does not consume fuel.
    public func addFuel(_ fuel: UInt64) throws {
        guard engine.configuration.consumeFuel else {
            throw APIError("fuel needs an engine configured with consumeFuel = true")
        }
        let (sum, overflow) = remainingFuel.addingReportingOverflow(fuel)
        remainingFuel = overflow ? UInt64.max : sum
    }
}
