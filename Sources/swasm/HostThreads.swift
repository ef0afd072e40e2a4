#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

// The CLI talks to the C library directly instead of through Foundation: loading Foundation
// (and ICU with it) costs a few milliseconds at every start, more than running a small program.

/// Starts `body` on a new detached thread with `stackSize` bytes of stack (nil: the default).
/// Returns false when the thread could not be created.
@discardableResult
func startThread(stackSize: Int? = nil, _ body: @escaping () -> Void) -> Bool {
    final class Box {
        let body: () -> Void
        init(_ body: @escaping () -> Void) { self.body = body }
    }
    var attributes = pthread_attr_t()
    pthread_attr_init(&attributes)
    defer { pthread_attr_destroy(&attributes) }
    pthread_attr_setdetachstate(&attributes, Int32(PTHREAD_CREATE_DETACHED))
    if let stackSize { pthread_attr_setstacksize(&attributes, stackSize) }
    let context = Unmanaged.passRetained(Box(body)).toOpaque()
    #if canImport(Darwin)
    var thread: pthread_t? = nil
    #else
    var thread = pthread_t()
    #endif
    let status = pthread_create(&thread, &attributes, { context in
        guard let context else { return nil }
        Unmanaged<Box>.fromOpaque(context).takeRetainedValue().body()
        return nil
    }, context)
    if status != 0 {
        Unmanaged<Box>.fromOpaque(context).release()
        return false
    }
    return true
}

/// Runs `body` on a new thread with `stackSize` bytes of stack and waits for it; its error is
/// rethrown here. Throws `ThreadStartFailure` when no such thread could be started.
func runOnThread(stackSize: Int, _ body: @escaping () throws -> Void) throws {
    final class Outcome: @unchecked Sendable {
        var error: Error?
        let done = HostCondition()
        var finished = false
    }
    let outcome = Outcome()
    let started = startThread(stackSize: stackSize) {
        do { try body() } catch { outcome.error = error }
        outcome.done.lock()
        outcome.finished = true
        outcome.done.broadcast()
        outcome.done.unlock()
    }
    guard started else { throw ThreadStartFailure() }
    outcome.done.lock()
    while !outcome.finished { outcome.done.wait() }
    outcome.done.unlock()
    if let error = outcome.error { throw error }
}

struct ThreadStartFailure: Error {}

/// The stack the main thread may grow to (RLIMIT_STACK); nil when unlimited.
func mainThreadStackLimit() -> Int? {
    var limit = rlimit()
    #if canImport(Glibc)
    let resource = __rlimit_resource_t(RLIMIT_STACK.rawValue)
    #else
    let resource = RLIMIT_STACK
    #endif
    guard getrlimit(resource, &limit) == 0, limit.rlim_cur < rlim_t(Int.max) else { return nil }
    return Int(limit.rlim_cur)
}

/// A mutex and a condition variable (on the monotonic clock where the platform allows), for
/// the few threads the CLI starts.
final class HostCondition: @unchecked Sendable {
    private let mutex = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
    private let condition = UnsafeMutablePointer<pthread_cond_t>.allocate(capacity: 1)

    init() {
        mutex.initialize(to: pthread_mutex_t())
        condition.initialize(to: pthread_cond_t())
        pthread_mutex_init(mutex, nil)
        var attributes = pthread_condattr_t()
        pthread_condattr_init(&attributes)
        #if !canImport(Darwin)
        pthread_condattr_setclock(&attributes, CLOCK_MONOTONIC)
        #endif
        pthread_cond_init(condition, &attributes)
        pthread_condattr_destroy(&attributes)
    }

    deinit {
        pthread_cond_destroy(condition)
        pthread_mutex_destroy(mutex)
        condition.deallocate()
        mutex.deallocate()
    }

    func lock() { pthread_mutex_lock(mutex) }
    func unlock() { pthread_mutex_unlock(mutex) }
    func broadcast() { pthread_cond_broadcast(condition) }
    /// Waits for a broadcast; the caller holds the lock.
    func wait() { pthread_cond_wait(condition, mutex) }

    /// Waits for a broadcast until `deadline` (from `conditionClockNow()`); the caller holds
    /// the lock. Returns false when the deadline passed.
    func wait(until deadline: timespec) -> Bool {
        var deadline = deadline
        return pthread_cond_timedwait(condition, mutex, &deadline) != ETIMEDOUT
    }
}

/// Now, on the clock condition-variable deadlines are measured on: monotonic where the
/// platform lets a condition variable use it, so a change of the wall clock moves no deadline.
func conditionClockNow() -> timespec {
    var now = timespec()
    #if canImport(Darwin)
    clock_gettime(CLOCK_REALTIME, &now)
    #else
    clock_gettime(CLOCK_MONOTONIC, &now)
    #endif
    return now
}

/// The processors this process may run on.
func onlineProcessorCount() -> Int {
    max(1, sysconf(Int32(_SC_NPROCESSORS_ONLN)))
}
