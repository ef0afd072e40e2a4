#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

// sock_accept, sock_recv, sock_send, sock_shutdown: only on sockets the embedder handed
// over (`WASIConfiguration.sockets`) and the connections accepted from them. A guest cannot
// create a socket or name an address.

extension WASI {
    /// The socket numbered `fd`: `badf` when not open, `notsock` for anything but a socket.
    private func socket(_ fd: UInt32, requiring rights: WASIRights) throws -> Descriptor {
        let descriptor = try descriptors.get(fd)
        guard descriptor.isSocket else { throw WASIErrno.notsock }
        try descriptor.require(rights)
        return descriptor
    }

    func sockAccept(fd: UInt32, flags: UInt32, result: UInt32, _ memory: GuestMemory) throws {
        let listener = try socket(fd, requiring: .sockAccept)
        guard flags & ~UInt32(FDFlags.nonblock) == 0 else { throw WASIErrno.inval }
        _ = try memory.region(result, 4)
        try requireReadyIfNonblocking(listener, events: POLLIN)
        try waitUntilReady(listener, events: POLLIN)
        var host: Int32
        repeat {
            host = accept(listener.host, nil, nil)
        } while host < 0 && errno == EINTR
        guard host >= 0 else { throw WASIErrno.current }
        _ = fcntl(host, F_SETFD, FD_CLOEXEC)
        var status = fcntl(host, F_GETFL) & ~O_NONBLOCK
        if flags & UInt32(FDFlags.nonblock) != 0 { status |= O_NONBLOCK }
        _ = fcntl(host, F_SETFL, status)
        let connection = WASI.describe(host: host, sharesHostDescription: false)
        connection.rights = WASIRights.socket.subtracting(.sockAccept)
        try memory.storeU32(try descriptors.insert(connection), result)
    }

    func sockRecv(
        fd: UInt32, vectors: UInt32, count: UInt32, flags: UInt32, result: UInt32, resultFlags: UInt32, _ memory: GuestMemory
    ) throws {
        let descriptor = try socket(fd, requiring: .fdRead)
        guard flags & ~3 == 0 else { throw WASIErrno.inval }
        _ = try memory.region(result, 4)
        _ = try memory.region(resultFlags, 2)
        var buffers = try memory.ioVectors(vectors, count, limit: Self.maxIOVectors)
        var hostFlags: Int32 = 0
        if flags & 1 != 0 { hostFlags |= Int32(MSG_PEEK) }
        if flags & 2 != 0 { hostFlags |= Int32(MSG_WAITALL) }
        if descriptor.emulatesNonblocking { hostFlags |= Int32(MSG_DONTWAIT) }
        try waitUntilReady(descriptor, events: POLLIN)
        var received = 0
        var truncated = false
        try buffers.withUnsafeMutableBufferPointer { list in
            var message = msghdr()
            message.msg_iov = list.baseAddress
            message.msg_iovlen = list.count
            repeat {
                received = recvmsg(descriptor.host, &message, hostFlags)
            } while received < 0 && errno == EINTR
            guard received >= 0 else { throw WASIErrno.current }
            truncated = message.msg_flags & Int32(MSG_TRUNC) != 0
        }
        try memory.storeU32(UInt32(clamping: received), result)
        try memory.storeU16(truncated ? 1 : 0, resultFlags)
    }

    func sockSend(fd: UInt32, vectors: UInt32, count: UInt32, flags: UInt32, result: UInt32, _ memory: GuestMemory) throws {
        let descriptor = try socket(fd, requiring: .fdWrite)
        guard flags == 0 else { throw WASIErrno.inval }
        _ = try memory.region(result, 4)
        var buffers = try memory.ioVectors(vectors, count, limit: Self.maxIOVectors)
        var sent = 0
        try buffers.withUnsafeMutableBufferPointer { list in
            var message = msghdr()
            message.msg_iov = list.baseAddress
            message.msg_iovlen = list.count
            repeat {
                sent = sendmsg(descriptor.host, &message, Int32(MSG_NOSIGNAL) | (descriptor.emulatesNonblocking ? Int32(MSG_DONTWAIT) : 0))
            } while sent < 0 && errno == EINTR
            guard sent >= 0 else { throw WASIErrno.current }
        }
        try memory.storeU32(UInt32(clamping: sent), result)
    }

    func sockShutdown(fd: UInt32, how: UInt32) throws {
        let descriptor = try socket(fd, requiring: .sockShutdown)
        let hostHow: Int32
        switch how {
        case 1: hostHow = Int32(SHUT_RD)
        case 2: hostHow = Int32(SHUT_WR)
        case 3: hostHow = Int32(SHUT_RDWR)
        default: throw WASIErrno.inval
        }
        guard shutdown(descriptor.host, hostHow) == 0 else { throw WASIErrno.current }
    }
}
