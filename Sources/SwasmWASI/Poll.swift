#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

// poll_oneoff: waits for clock deadlines and for descriptors to become readable or writable.

extension WASI {
    private struct Event {
        var userdata: UInt64
        var error: WASIErrno = .success
        var type: UInt8
        var bytes: UInt64 = 0
        var hangup = false
    }

    /// Subscriptions on regular files are ready at once (as the ABI says); the others wait in
    /// one host `poll` bounded by the earliest clock deadline. Waiting on clocks alone goes
    /// through `WASISystem.sleep`, so a deterministic system makes it instant. Errors about
    /// one subscription (a closed descriptor, an unknown clock) are reported in its event.
    /// Every time is the guest's choice, up to 2^64 - 1 ns: deadlines saturate rather than
    /// overflow, and an interrupt of the store ends any wait (see Waiting.swift).
    func pollOneoff(input: UInt32, output: UInt32, count: UInt32, result: UInt32, _ memory: GuestMemory) throws {
        guard count > 0 else { throw WASIErrno.inval }
        let subscriptions = try memory.region(UInt64(input), UInt64(count) * UInt64(Layout.subscriptionSize))
        let events = try memory.region(UInt64(output), UInt64(count) * UInt64(Layout.eventSize))
        _ = try memory.region(result, 4)

        var ready: [Event] = []
        var clocks: [(userdata: UInt64, wait: UInt64)] = []
        var waits: [pollfd] = []
        var waiting: [Event] = []
        for index in 0..<Int(count) {
            let record = index * Layout.subscriptionSize
            func load<T: FixedWidthInteger>(_ offset: Int, _: T.Type) -> T {
                T(littleEndian: subscriptions.loadUnaligned(fromByteOffset: record + offset, as: T.self))
            }
            let userdata = load(0, UInt64.self)
            let type = load(8, UInt8.self)
            switch type {
            case EventType.clock:
                let timeout = load(24, UInt64.self)
                let absolute = load(40, UInt16.self) & 1 != 0
                guard let clock = WASIClockID(rawValue: load(16, UInt32.self)), let now = system.now(clock) else {
                    ready.append(Event(userdata: userdata, error: .inval, type: type))
                    continue
                }
                let wait = absolute ? (timeout > now ? timeout - now : 0) : timeout
                clocks.append((userdata, wait))
            case EventType.fdRead, EventType.fdWrite:
                let reading = type == EventType.fdRead
                guard let descriptor = try? descriptors.get(load(16, UInt32.self)) else {
                    ready.append(Event(userdata: userdata, error: .badf, type: type))
                    continue
                }
                guard descriptor.rights.contains(.pollFdReadwrite),
                      descriptor.rights.contains(reading ? .fdRead : .fdWrite) else {
                    ready.append(Event(userdata: userdata, error: .notcapable, type: type))
                    continue
                }
                if descriptor.type == .regularFile {
                    var bytes: UInt64 = 0
                    var info = stat()
                    if reading, fstat(descriptor.host, &info) == 0 {
                        let position = lseek(descriptor.host, 0, SEEK_CUR)
                        if position >= 0 && Int64(info.st_size) > Int64(position) { bytes = UInt64(Int64(info.st_size) - Int64(position)) }
                    }
                    ready.append(Event(userdata: userdata, type: type, bytes: bytes))
                    continue
                }
                waits.append(pollfd(fd: descriptor.host, events: Int16(reading ? POLLIN : POLLOUT), revents: 0))
                waiting.append(Event(userdata: userdata, type: type))
            default:
                ready.append(Event(userdata: userdata, error: .inval, type: type))
            }
        }

        let earliest = clocks.map(\.wait).min()
        var timedOut = false
        if !waits.isEmpty {
            // With events already in hand, only look at the descriptors, do not wait.
            let outcome = try wait(for: &waits, timeout: ready.isEmpty ? earliest : 0)
            if outcome == .timedOut && ready.isEmpty { timedOut = earliest != nil }
            for (index, wait) in waits.enumerated() where wait.revents != 0 {
                var event = waiting[index]
                if wait.revents & Int16(POLLNVAL) != 0 {
                    event.error = .badf
                } else {
                    event.hangup = wait.revents & Int16(POLLHUP) != 0
                    if event.type == EventType.fdRead {
                        var available: Int32 = 0
                        if ioctl(wait.fd, UInt(FIONREAD), &available) == 0 && available > 0 { event.bytes = UInt64(available) }
                    }
                }
                ready.append(event)
            }
        } else if ready.isEmpty, let earliest {
            if earliest > 0 {
                if let wake = interruptHandle?.wakeDescriptor, wake >= 0 {
                    system.sleep(nanoseconds: earliest, wakingFor: wake)
                    try interruptHandle?.throwIfInterrupted()
                } else {
                    system.sleep(nanoseconds: earliest)
                }
            }
            timedOut = true
        }
        if timedOut, let earliest {
            for clock in clocks where clock.wait <= earliest {
                ready.append(Event(userdata: clock.userdata, type: EventType.clock))
            }
        }

        for (index, event) in ready.prefix(Int(count)).enumerated() {
            let record = index * Layout.eventSize
            for i in 0..<Layout.eventSize { events[record + i] = 0 }
            events.storeBytes(of: event.userdata.littleEndian, toByteOffset: record, as: UInt64.self)
            events.storeBytes(of: event.error.rawValue.littleEndian, toByteOffset: record + 8, as: UInt16.self)
            events.storeBytes(of: event.type, toByteOffset: record + 10, as: UInt8.self)
            events.storeBytes(of: event.bytes.littleEndian, toByteOffset: record + 16, as: UInt64.self)
            events.storeBytes(of: UInt16(event.hangup ? 1 : 0).littleEndian, toByteOffset: record + 24, as: UInt16.self)
        }
        try memory.storeU32(UInt32(min(ready.count, Int(count))), result)
    }
}
