#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Where a WASI guest's time and randomness come from: the one place a deterministic mode
/// replaces (see DESIGN.md, "Sandboxing (WASI)"). Every clock read, sleep and random byte of
/// `clock_*`, `poll_oneoff` (clock subscriptions) and `random_get` goes through it.
public protocol WASISystem: AnyObject {
    /// The current value of `clock` in nanoseconds, or nil when the clock is not supported.
    func now(_ clock: WASIClockID) -> UInt64?
    /// The resolution of `clock` in nanoseconds (non-zero), or nil when not supported.
    func resolution(_ clock: WASIClockID) -> UInt64?
    /// Fills `buffer` with random bytes. Throws a `WASIErrno` when the source fails.
    func fillRandom(_ buffer: UnsafeMutableRawBufferPointer) throws
    /// Blocks the guest for `nanoseconds` (a `poll_oneoff` that waits only on clocks).
    func sleep(nanoseconds: UInt64)
    /// The same, returning early once `descriptor` is readable: the store's interrupt
    /// handle's wake descriptor, so a deadline ends a guest's long sleep. The default sleeps
    /// the whole time; a system whose clocks are not the host's needs nothing else.
    func sleep(nanoseconds: UInt64, wakingFor descriptor: Int32)
}

extension WASISystem {
    public func sleep(nanoseconds: UInt64, wakingFor descriptor: Int32) {
        sleep(nanoseconds: nanoseconds)
    }
}

/// The host's real clocks (`clock_gettime`), its entropy source (`getentropy`) and
/// `nanosleep`.
public final class HostSystem: WASISystem {
    public init() {}

    private static func hostClock(_ clock: WASIClockID) -> clockid_t {
        switch clock {
        case .realtime: return CLOCK_REALTIME
        case .monotonic: return CLOCK_MONOTONIC
        case .processCPUTime: return CLOCK_PROCESS_CPUTIME_ID
        case .threadCPUTime: return CLOCK_THREAD_CPUTIME_ID
        }
    }

    public func now(_ clock: WASIClockID) -> UInt64? {
        var time = timespec()
        guard clock_gettime(Self.hostClock(clock), &time) == 0 else { return nil }
        return UInt64(time.tv_sec) &* 1_000_000_000 &+ UInt64(time.tv_nsec)
    }

    public func resolution(_ clock: WASIClockID) -> UInt64? {
        var time = timespec()
        guard clock_getres(Self.hostClock(clock), &time) == 0 else { return nil }
        return max(1, UInt64(time.tv_sec) &* 1_000_000_000 &+ UInt64(time.tv_nsec))
    }

    public func fillRandom(_ buffer: UnsafeMutableRawBufferPointer) throws {
        guard let base = buffer.baseAddress else { return }
        var done = 0
        // getentropy serves at most 256 bytes per call.
        while done < buffer.count {
            let chunk = min(256, buffer.count - done)
            guard getentropy(base + done, chunk) == 0 else { throw WASIErrno.current }
            done += chunk
        }
    }

    public func sleep(nanoseconds: UInt64, wakingFor descriptor: Int32) {
        var wake = [pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)]
        _ = try? WASI.pollReady(&wake, until: WASI.monotonicNow().addingSaturating(nanoseconds))
    }

    public func sleep(nanoseconds: UInt64) {
        var request = timespec(
            tv_sec: Int(min(nanoseconds / 1_000_000_000, UInt64(Int32.max))),
            tv_nsec: Int(nanoseconds % 1_000_000_000))
        var remaining = timespec()
        while nanosleep(&request, &remaining) != 0 && errno == EINTR {
            request = remaining
        }
    }
}

/// Reproducible time and randomness: clocks start at fixed values and advance only by
/// `tick` per reading and by each requested sleep (sleeping returns at once), and random
/// bytes come from a seeded generator (SplitMix64). Two runs of the same guest with the same
/// inputs see the same values.
public final class DeterministicSystem: WASISystem {
    private var elapsed: UInt64 = 0
    private let realtimeStart: UInt64
    private let tick: UInt64
    private var state: UInt64

    /// - Parameters:
    ///   - realtimeStart: the realtime clock's first value, in nanoseconds since 1970.
    ///   - tick: how far every clock moves on each reading, in nanoseconds.
    ///   - seed: the random generator's seed.
    public init(realtimeStart: UInt64 = 1_600_000_000_000_000_000, tick: UInt64 = 1_000, seed: UInt64 = 0) {
        self.realtimeStart = realtimeStart
        self.tick = tick
        self.state = seed
    }

    public func now(_ clock: WASIClockID) -> UInt64? {
        elapsed &+= tick
        return clock == .realtime ? realtimeStart &+ elapsed : elapsed
    }

    public func resolution(_ clock: WASIClockID) -> UInt64? { max(1, tick) }

    public func fillRandom(_ buffer: UnsafeMutableRawBufferPointer) throws {
        var i = 0
        while i < buffer.count {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            z ^= z >> 31
            for byte in 0..<8 where i < buffer.count {
                buffer[i] = UInt8(truncatingIfNeeded: z >> (8 * UInt64(byte)))
                i += 1
            }
        }
    }

    public func sleep(nanoseconds: UInt64) { elapsed &+= nanoseconds }
}
