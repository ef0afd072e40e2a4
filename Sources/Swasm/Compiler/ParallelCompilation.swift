#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import Synchronization

/// Eager compilation on several threads. Functions are independent, so workers take the
/// next index from a shared counter, each with its own translator, and publish through the
/// cache's lock like a lazy translation does.
extension CodeCache {
    func compileAllInParallel(threads: Int) throws {
        let queue = CompilationQueue(cache: self)
        var started: [HostThreadHandle] = []
        for _ in 1..<threads {
            guard let thread = HostThreadHandle.start({ queue.work() }) else { break }
            started.append(thread)
        }
        // The calling thread works too, so a failed thread start only costs parallelism.
        queue.work()
        for thread in started { thread.join() }
        if let failure = queue.firstFailure.withLock({ $0 }) { throw failure.error.error }
    }
}

/// The shared state of one parallel compilation.
private final class CompilationQueue: Sendable {
    let cache: CodeCache
    let next = Atomic<Int>(0)
    /// The failure with the lowest function index: the one a sequential run would report.
    let firstFailure = Locked<(index: Int, error: FailureBox)?>(nil)

    init(cache: CodeCache) { self.cache = cache }

    func work() {
        var scratch: Translator?
        while true {
            let index = next.wrappingAdd(1, ordering: .relaxed).oldValue
            guard index < cache.count else { return }
            // Indices are handed out in order: past a failure nothing can change the result.
            if let failed = firstFailure.withLock({ $0?.index }), failed < index { return }
            do {
                _ = try cache.function(index, scratch: &scratch)
            } catch {
                firstFailure.withLock { failure in
                    if failure == nil || index < failure?.index ?? Int.max {
                        failure = (index, FailureBox(error))
                    }
                }
            }
        }
    }
}

/// An error handed from a worker thread to the caller.
private struct FailureBox: @unchecked Sendable {
    let error: any Error
    init(_ error: any Error) { self.error = error }
}

/// A joinable thread running one closure.
private struct HostThreadHandle {
    let thread: pthread_t

    static func start(_ body: @escaping @Sendable () -> Void) -> HostThreadHandle? {
        final class Box {
            let body: @Sendable () -> Void
            init(_ body: @escaping @Sendable () -> Void) { self.body = body }
        }
        let context = Unmanaged.passRetained(Box(body)).toOpaque()
        #if canImport(Darwin)
        var thread: pthread_t? = nil
        #else
        var thread = pthread_t()
        #endif
        let status = pthread_create(&thread, nil, { context in
            guard let context else { return nil }
            Unmanaged<Box>.fromOpaque(context).takeRetainedValue().body()
            return nil
        }, context)
        #if canImport(Darwin)
        guard status == 0, let created = thread else {
            Unmanaged<Box>.fromOpaque(context).release()
            return nil
        }
        return HostThreadHandle(thread: created)
        #else
        guard status == 0 else {
            Unmanaged<Box>.fromOpaque(context).release()
            return nil
        }
        return HostThreadHandle(thread: thread)
        #endif
    }

    func join() {
        pthread_join(thread, nil)
    }
}
