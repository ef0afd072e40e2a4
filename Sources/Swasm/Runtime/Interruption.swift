// Fuel and interruption: the embedder-facing half. The values live here; the interpreter
// enforces them: fuel at its checkpoints (function entries and loop headers, emitted when the
// engine consumes fuel), interruption at those checkpoints or, without fuel, at every loop
// back-edge and call (see Interpreter/InterruptChecks.swift).

import Synchronization

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

    init() {}

    deinit { withdraw() }

    /// Asks the store's running (or next) guest code to trap with "interrupted".
    public func interrupt() {
        if !requested.exchange(true, ordering: .acquiringAndReleasing) {
            InterruptHandle.pending.add(1, ordering: .releasing)
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
        }
    }

    /// Whether a request is pending.
    public var isInterruptRequested: Bool {
        requested.load(ordering: .acquiring)
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
