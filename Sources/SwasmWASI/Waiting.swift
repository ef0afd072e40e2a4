#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import Swasm

// Blocking host calls that a deadline can cut short. A guest can block in the host in
// `poll_oneoff`, in reads from pipes, terminals and sockets, and in `sock_accept`. While the
// store's engine is interruptible, each of these waits in `poll` with the store's
// `InterruptHandle.wakeDescriptor` beside its own descriptors, so `interrupt()` (the CLI's
// `--timeout` watchdog, or an embedder's) ends the wait at once and the guest traps with
// "interrupted", as it would at its next loop iteration.

extension WASI {
    /// Why a wait ended.
    enum WaitOutcome {
        /// At least one of the descriptors is ready (`revents` tell which).
        case ready
        /// The timeout passed first.
        case timedOut
    }

    /// Polls `descriptors` until one is ready or `timeout` nanoseconds pass (nil: no limit),
    /// waking for an interrupt of the calling store. Throws the "interrupted" trap when one
    /// arrives, and the host's errno when `poll` fails.
    func wait(for descriptors: inout [pollfd], timeout: UInt64?) throws -> WaitOutcome {
        let wake = interruptHandle.map { $0.wakeDescriptor } ?? -1
        if wake >= 0 { descriptors.append(pollfd(fd: wake, events: Int16(POLLIN), revents: 0)) }
        defer { if wake >= 0 { descriptors.removeLast() } }
        try interruptHandle?.throwIfInterrupted()

        let deadline = timeout.map { Self.monotonicNow().addingSaturating($0) }
        while true {
            let found = try Self.pollReady(&descriptors, until: deadline)
            if wake >= 0, descriptors[descriptors.count - 1].revents != 0 {
                try interruptHandle?.throwIfInterrupted()
                // A request withdrawn before it could be acted on: keep waiting.
                if found == 1 { continue }
            }
            return found > 0 ? .ready : .timedOut
        }
    }

    /// One `poll` of `descriptors` until one is ready or the monotonic clock reaches
    /// `deadline` (nil: no limit), retried when a signal interrupts it or when `poll`'s
    /// millisecond timeout ends before the deadline. Returns how many are ready (0: the
    /// deadline passed).
    static func pollReady(_ descriptors: inout [pollfd], until deadline: UInt64?) throws -> Int32 {
        while true {
            var milliseconds: Int32 = -1
            if let deadline {
                let remaining = deadline.subtractingSaturating(monotonicNow())
                // Rounded up, so the wait never ends before the deadline.
                milliseconds = Int32(min(remaining / 1_000_000 + (remaining % 1_000_000 == 0 ? 0 : 1), UInt64(Int32.max)))
            }
            for index in descriptors.indices { descriptors[index].revents = 0 }
            let found = poll(&descriptors, nfds_t(descriptors.count), milliseconds)
            if found < 0 {
                if errno == EINTR { continue }
                throw WASIErrno.current
            }
            if found > 0 { return found }
            if let deadline, monotonicNow() >= deadline { return 0 }
        }
    }

    /// Waits until `host` is ready for `events` (`POLLIN`, `POLLOUT`), without a timeout,
    /// when the descriptor may block: a read from a pipe, terminal or socket. Regular files
    /// and directories never wait. Without an interruptible engine the host call blocks as
    /// it would anyway, so nothing is polled.
    func waitUntilReady(_ descriptor: Descriptor, events: Int32) throws {
        guard interruptHandle != nil, descriptor.mayBlock else { return }
        var descriptors = [pollfd(fd: descriptor.host, events: Int16(events), revents: 0)]
        _ = try wait(for: &descriptors, timeout: nil)
    }

    /// For a descriptor the guest made non-blocking that shares the host's open file
    /// description (stdio, sockets the embedder handed over), whose host flags the guest
    /// may not change: `again` unless it is ready for `events` now.
    func requireReadyIfNonblocking(_ descriptor: Descriptor, events: Int32) throws {
        guard descriptor.emulatesNonblocking else { return }
        var probe = pollfd(fd: descriptor.host, events: Int16(events), revents: 0)
        var found: Int32
        repeat { found = poll(&probe, 1, 0) } while found < 0 && errno == EINTR
        if found == 0 { throw WASIErrno.again }
    }

    static func monotonicNow() -> UInt64 {
        var time = timespec()
        clock_gettime(CLOCK_MONOTONIC, &time)
        return UInt64(max(0, time.tv_sec)) &* 1_000_000_000 &+ UInt64(max(0, time.tv_nsec))
    }
}

extension UInt64 {
    /// `self + other`, or `UInt64.max` when that overflows: times and sizes a guest chooses
    /// (a timeout of 2^64 - 1 ns) saturate instead of trapping the host.
    func addingSaturating(_ other: UInt64) -> UInt64 {
        let (sum, overflow) = addingReportingOverflow(other)
        return overflow ? .max : sum
    }

    /// `self - other`, or 0 when `other` is larger.
    func subtractingSaturating(_ other: UInt64) -> UInt64 {
        self > other ? self - other : 0
    }
}
