#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Compiles functions to machine code on worker threads while the guest goes on in the
/// interpreter (`EngineConfiguration.compilesInBackground`).
///
/// One compiler serves the process. Its workers start when the first function is queued, one
/// more each time a function is queued while none is idle, up to one fewer than the machine's
/// cores (so that a guest thread keeps a core), and then wait for work for the rest of the
/// process. On a single core there are no workers: functions compile on the thread that runs
/// them, as without background compilation.
///
/// A queued function holds its module's `CodeCache` weakly: a module freed while its functions
/// wait is skipped. A worker compiling a function holds the cache strongly until the code is
/// published, so the cache (and the arena its code goes into) cannot be freed under it; if the
/// worker held the last reference, the cache is freed on the worker, after the compilation.
/// Jobs run in the order they were queued.
final class BackgroundCompiler: @unchecked Sendable {
    static let shared = BackgroundCompiler()

    /// The most worker threads this process starts (0: compile synchronously).
    let maxWorkers: Int

    private struct Job {
        weak var cache: CodeCache?
        let definedIndex: Int
    }

    // The queue and the worker counts, under `mutex`; idle workers wait on `wake`.
    private let mutex: UnsafeMutablePointer<pthread_mutex_t>
    private let wake: UnsafeMutablePointer<pthread_cond_t>
    private var jobs: [Job] = []
    private var next = 0
    private var workers = 0
    private var idleWorkers = 0
    /// Functions queued, and jobs workers finished (compiled, found compiled, or skipped).
    private var queuedCount = 0
    private var finishedCount = 0

    init(maxWorkers: Int = BackgroundCompiler.defaultWorkerLimit) {
        self.maxWorkers = Swift.max(0, maxWorkers)
        mutex = .allocate(capacity: 1)
        mutex.initialize(to: pthread_mutex_t())
        pthread_mutex_init(mutex, nil)
        wake = .allocate(capacity: 1)
        wake.initialize(to: pthread_cond_t())
        pthread_cond_init(wake, nil)
    }

    /// One worker per core beyond the first, at most 16.
    static var defaultWorkerLimit: Int {
        let cores = Int(sysconf(Int32(_SC_NPROCESSORS_ONLN)))
        return Swift.min(Swift.max(cores - 1, 0), 16)
    }

    /// Whether functions can be compiled here at all (more than one core).
    var isAvailable: Bool { maxWorkers > 0 }

    /// Queues defined function `definedIndex` of `cache` for compilation, starting a worker if
    /// none is idle and the limit allows. False when there is no worker to run it (none could
    /// be started): the caller compiles it itself.
    func enqueue(_ cache: CodeCache, _ definedIndex: Int) -> Bool {
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        if idleWorkers == 0 && workers < maxWorkers && startWorker() {
            workers += 1
        }
        guard workers > 0 else { return false }
        jobs.append(Job(cache: cache, definedIndex: definedIndex))
        queuedCount += 1
        if idleWorkers > 0 { pthread_cond_signal(wake) }
        return true
    }

    /// Functions queued and jobs finished since the process started (for tests).
    var counts: (queued: Int, done: Int) {
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        return (queuedCount, finishedCount)
    }

    private func work() {
        pthread_mutex_lock(mutex)
        while true {
            while next == jobs.count {
                idleWorkers += 1
                pthread_cond_wait(wake, mutex)
                idleWorkers -= 1
            }
            let job = jobs[next]
            next += 1
            if next == jobs.count {
                jobs.removeAll(keepingCapacity: true)
                next = 0
            } else if next >= 1024 && next * 2 >= jobs.count {
                // A queue that never drains drops its taken half now and then.
                jobs.removeFirst(next)
                next = 0
            }
            pthread_mutex_unlock(mutex)
            // The strong reference lives until `compileNative` has published the code.
            if let cache = job.cache {
                cache.compileNative(job.definedIndex, waits: false)
            }
            pthread_mutex_lock(mutex)
            finishedCount += 1
        }
    }

    /// Starts a detached worker thread (under `mutex`).
    private func startWorker() -> Bool {
        final class Box {
            let compiler: BackgroundCompiler
            init(_ compiler: BackgroundCompiler) { self.compiler = compiler }
        }
        let context = Unmanaged.passRetained(Box(self)).toOpaque()
        var attributes = pthread_attr_t()
        pthread_attr_init(&attributes)
        defer { pthread_attr_destroy(&attributes) }
        pthread_attr_setdetachstate(&attributes, Int32(PTHREAD_CREATE_DETACHED))
        // A main thread's usual size; the native compiler does not recurse deeply.
        pthread_attr_setstacksize(&attributes, 8 << 20)
        #if canImport(Darwin)
        var thread: pthread_t? = nil
        #else
        var thread = pthread_t()
        #endif
        let status = pthread_create(&thread, &attributes, { context in
            guard let context else { return nil }
            let compiler = Unmanaged<Box>.fromOpaque(context).takeRetainedValue().compiler
            compiler.work()
            return nil
        }, context)
        if status != 0 {
            Unmanaged<Box>.fromOpaque(context).release()
            return false
        }
        return true
    }
}
