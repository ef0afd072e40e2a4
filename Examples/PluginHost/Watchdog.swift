// Deadlines for guest calls: one background thread watches the call in progress and
// interrupts its store when the deadline passes. The engine then traps the guest at its
// next loop header or call, and the host carries on.

import Foundation
import Swasm

final class Watchdog: @unchecked Sendable {
    private let lock = NSCondition()
    private var watched: (handle: InterruptHandle, deadline: ContinuousClock.Instant)?
    private var thread: Thread?

    /// Starts the watching thread.
    func start() {
        let thread = Thread { [unowned self] in self.watch() }
        thread.name = "plugin watchdog"
        self.thread = thread
        thread.start()
    }

    /// Runs `body` (a call into a guest of the store that owns `handle`), interrupting it
    /// when it takes longer than `timeout`.
    func guarding<T>(_ handle: InterruptHandle, for timeout: Duration, _ body: () throws -> T) throws -> T {
        lock.withLock {
            watched = (handle, ContinuousClock.now + timeout)
            lock.signal()
        }
        defer {
            // Under the lock, so the watcher cannot interrupt a call that already returned;
            // `cancel` drops a request that came too late for this call.
            lock.withLock { watched = nil }
            handle.cancel()
        }
        return try body()
    }

    private func watch() {
        lock.lock()
        while true {
            guard let (handle, deadline) = watched else {
                lock.wait()
                continue
            }
            if ContinuousClock.now >= deadline {
                handle.interrupt()
                watched = nil
            } else {
                // Checks every few milliseconds; a guest notices the request at its next
                // loop header or call.
                _ = lock.wait(until: Date(timeIntervalSinceNow: 0.005))
            }
        }
    }
}
