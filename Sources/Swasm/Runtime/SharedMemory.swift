// What a shared memory (threads proposal) adds to a linear memory: a lock that serialises
// growth, and the queues of `memory.atomic.wait32/64`, which `memory.atomic.notify` wakes.
//
// What the engine guarantees for a shared memory used by several threads (each thread runs
// its own Store; a shared memory may be imported by a Store other than its creator's):
// - Its bytes never move: the whole maximum (capped by `EngineConfiguration.maxMemoryPages`)
//   is reserved when it is created, and growth only makes more of the reservation accessible.
//   A memory that cannot reserve that much is not created (`SwasmError.limit`).
// - Atomic instructions are sequentially consistent read-modify-writes, loads and stores of
//   their exact width, so they are atomic with respect to other threads' atomics.
// - `memory.grow` is serialised between threads; another thread sees the new size when its
//   interpreter next reloads the memory's size (after a call or its own `memory.grow`), and
//   until then traps on accesses past the size it last saw.
// - wait/notify follow the futex protocol: the waiter compares the value and enqueues under
//   the same lock that notify takes, so a notify after a store cannot miss the waiter.
// What it does not guarantee: plain (non-atomic) loads and stores racing with other threads'
// writes see some value of the bytes involved, possibly torn, as the spec's memory model
// allows for data races. A thread blocked in `wait` notices its store's `InterruptHandle` (and
// so a deadline) within 20 ms when the engine is interruptible, and traps with "interrupted".

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

final class SharedMemoryState: @unchecked Sendable {
    private let mutex: UnsafeMutablePointer<pthread_mutex_t>
    private let condition: UnsafeMutablePointer<pthread_cond_t>
    /// Waiters by effective address, oldest first (notify wakes in FIFO order).
    private var waiters: [Int: [Waiter]] = [:]

    private final class Waiter {
        var woken = false
    }

    #if canImport(Darwin)
    private static let clock = CLOCK_REALTIME
    #else
    private static let clock = CLOCK_MONOTONIC
    #endif

    init() {
        mutex = .allocate(capacity: 1)
        mutex.initialize(to: pthread_mutex_t())
        pthread_mutex_init(mutex, nil)
        condition = .allocate(capacity: 1)
        condition.initialize(to: pthread_cond_t())
        var attributes = pthread_condattr_t()
        pthread_condattr_init(&attributes)
        #if !canImport(Darwin)
        // Timeouts are durations: a change of the wall clock must not stretch or cut them.
        pthread_condattr_setclock(&attributes, SharedMemoryState.clock)
        #endif
        pthread_cond_init(condition, &attributes)
        pthread_condattr_destroy(&attributes)
    }

    deinit {
        pthread_cond_destroy(condition)
        condition.deallocate()
        pthread_mutex_destroy(mutex)
        mutex.deallocate()
    }

    /// Held while the memory grows, so that concurrent growths add up.
    func lockGrowth() { pthread_mutex_lock(mutex) }
    func unlockGrowth() { pthread_mutex_unlock(mutex) }

    /// `memory.atomic.wait*`: 1 ("not-equal") when `valueMatches` is false, else blocks until a
    /// notify of `address` (0, "ok") or until `timeout` nanoseconds pass (2, "timed-out"); a
    /// negative timeout waits for ever. With `shouldStop`, polled every 20 ms, returns nil as
    /// soon as it is true.
    func wait(at address: Int, timeout: Int64, valueMatches: () -> Bool,
              shouldStop: (() -> Bool)? = nil) -> UInt32? {
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        guard valueMatches() else { return 1 }
        let waiter = Waiter()
        waiters[address, default: []].append(waiter)
        let deadline = timeout < 0 ? nil : SharedMemoryState.deadline(after: timeout)
        var timedOut = false
        while !waiter.woken {
            if let shouldStop, shouldStop() {
                remove(waiter, at: address)
                return nil
            }
            var until = deadline
            if shouldStop != nil {
                let poll = SharedMemoryState.deadline(after: 20_000_000)
                if until.map({ SharedMemoryState.isBefore(poll, $0) }) ?? true { until = poll }
            }
            guard var until else {
                pthread_cond_wait(condition, mutex)
                continue
            }
            if pthread_cond_timedwait(condition, mutex, &until) == ETIMEDOUT, let deadline,
               !SharedMemoryState.isBefore(SharedMemoryState.deadline(after: 0), deadline) {
                timedOut = true
                break
            }
        }
        if waiter.woken { return 0 }
        remove(waiter, at: address)
        return timedOut ? 2 : 0
    }

    private func remove(_ waiter: Waiter, at address: Int) {
        guard var queue = waiters[address] else { return }
        queue.removeAll { $0 === waiter }
        waiters[address] = queue.isEmpty ? nil : queue
    }

    private static func isBefore(_ a: timespec, _ b: timespec) -> Bool {
        a.tv_sec != b.tv_sec ? a.tv_sec < b.tv_sec : a.tv_nsec < b.tv_nsec
    }

    /// `memory.atomic.notify`: wakes up to `count` waiters of `address`, oldest first, and
    /// returns how many it woke.
    func notify(at address: Int, count: UInt32) -> UInt32 {
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        guard var queue = waiters[address] else { return 0 }
        let woken = Swift.min(Int(count), queue.count)
        guard woken > 0 else { return 0 }
        for waiter in queue.prefix(woken) { waiter.woken = true }
        queue.removeFirst(woken)
        waiters[address] = queue.isEmpty ? nil : queue
        // One condition for all addresses: the others re-check their flag and sleep again.
        pthread_cond_broadcast(condition)
        return UInt32(woken)
    }

    /// Now plus `nanoseconds` on the condition's clock, saturating far in the future.
    private static func deadline(after nanoseconds: Int64) -> timespec {
        var now = timespec()
        clock_gettime(clock, &now)
        let seconds = nanoseconds / 1_000_000_000
        var tv_sec = Int64(now.tv_sec).addingReportingOverflow(seconds)
        var tv_nsec = Int64(now.tv_nsec) + nanoseconds % 1_000_000_000
        if tv_nsec >= 1_000_000_000 {
            tv_nsec -= 1_000_000_000
            tv_sec = tv_sec.partialValue.addingReportingOverflow(1)
        }
        // A year from now is as good as never for a timeout, and fits every time_t.
        let cap = Int64(now.tv_sec) + 365 * 24 * 3600
        let secondsValue = tv_sec.overflow ? cap : Swift.min(tv_sec.partialValue, cap)
        return timespec(tv_sec: time_t(secondsValue), tv_nsec: Int(tv_nsec))
    }
}
