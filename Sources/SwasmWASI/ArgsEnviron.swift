// args_get, args_sizes_get, environ_get, environ_sizes_get.

extension WASI {
    /// Writes the strings' addresses to `pointers` and the strings themselves, each
    /// NUL-terminated and one after another, to `buffer` (the layout of C's `argv`).
    func writeStrings(_ strings: [[UInt8]], pointers: UInt32, buffer: UInt32, _ memory: GuestMemory) throws {
        var offset = UInt64(buffer)
        for (index, string) in strings.enumerated() {
            guard offset <= UInt64(UInt32.max) else { throw WASIErrno.fault }
            try memory.storeU32(UInt32(offset), pointers, offset: index * 4)
            try memory.store(string, UInt32(offset))
            offset += UInt64(string.count)
        }
    }

    /// Writes the number of strings and their total size (terminators included).
    func writeSizes(_ strings: [[UInt8]], count: UInt32, size: UInt32, _ memory: GuestMemory) throws {
        let total = strings.reduce(0) { $0 + $1.count }
        guard total <= Int(UInt32.max) else { throw WASIErrno.overflow }
        try memory.storeU32(UInt32(strings.count), count)
        try memory.storeU32(UInt32(total), size)
    }

    func argsGet(argv: UInt32, buffer: UInt32, _ memory: GuestMemory) throws {
        try writeStrings(arguments, pointers: argv, buffer: buffer, memory)
    }

    func argsSizesGet(count: UInt32, size: UInt32, _ memory: GuestMemory) throws {
        try writeSizes(arguments, count: count, size: size, memory)
    }

    func environGet(environ: UInt32, buffer: UInt32, _ memory: GuestMemory) throws {
        try writeStrings(environment, pointers: environ, buffer: buffer, memory)
    }

    func environSizesGet(count: UInt32, size: UInt32, _ memory: GuestMemory) throws {
        try writeSizes(environment, count: count, size: size, memory)
    }
}
