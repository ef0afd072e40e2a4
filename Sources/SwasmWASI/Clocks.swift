// clock_res_get, clock_time_get: both read the configured `WASISystem`.

extension WASI {
    func clockID(_ raw: UInt32) throws -> WASIClockID {
        guard let clock = WASIClockID(rawValue: raw) else { throw WASIErrno.inval }
        return clock
    }

    func clockResGet(id: UInt32, result: UInt32, _ memory: GuestMemory) throws {
        guard let resolution = system.resolution(try clockID(id)) else { throw WASIErrno.inval }
        try memory.storeU64(resolution, result)
    }

    /// `precision` is a hint the host clocks do not need.
    func clockTimeGet(id: UInt32, precision: UInt64, result: UInt32, _ memory: GuestMemory) throws {
        guard let time = system.now(try clockID(id)) else { throw WASIErrno.inval }
        try memory.storeU64(time, result)
    }
}
