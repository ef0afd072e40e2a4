#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A WASI preview 1 error number (`errno`), as the guest sees it. The values are fixed by the
/// ABI: https://github.com/WebAssembly/WASI/blob/main/legacy/preview1/docs.md#errno
public enum WASIErrno: UInt16, Error, Sendable, CaseIterable {
    case success = 0
    case tooBig = 1
    case acces = 2
    case addrinuse = 3
    case addrnotavail = 4
    case afnosupport = 5
    case again = 6
    case already = 7
    case badf = 8
    case badmsg = 9
    case busy = 10
    case canceled = 11
    case child = 12
    case connaborted = 13
    case connrefused = 14
    case connreset = 15
    case deadlk = 16
    case destaddrreq = 17
    case dom = 18
    case dquot = 19
    case exist = 20
    case fault = 21
    case fbig = 22
    case hostunreach = 23
    case idrm = 24
    case ilseq = 25
    case inprogress = 26
    case intr = 27
    case inval = 28
    case io = 29
    case isconn = 30
    case isdir = 31
    case loop = 32
    case mfile = 33
    case mlink = 34
    case msgsize = 35
    case multihop = 36
    case nametoolong = 37
    case netdown = 38
    case netreset = 39
    case netunreach = 40
    case nfile = 41
    case nobufs = 42
    case nodev = 43
    case noent = 44
    case noexec = 45
    case nolck = 46
    case nolink = 47
    case nomem = 48
    case nomsg = 49
    case noprotoopt = 50
    case nospc = 51
    case nosys = 52
    case notconn = 53
    case notdir = 54
    case notempty = 55
    case notrecoverable = 56
    case notsock = 57
    case notsup = 58
    case notty = 59
    case nxio = 60
    case overflow = 61
    case ownerdead = 62
    case perm = 63
    case pipe = 64
    case proto = 65
    case protonosupport = 66
    case prototype = 67
    case range = 68
    case rofs = 69
    case spipe = 70
    case srch = 71
    case stale = 72
    case timedout = 73
    case txtbsy = 74
    case xdev = 75
    case notcapable = 76

    /// The WASI errno for a host `errno` value. Unknown host errors become `.io`, so a guest
    /// never sees a host-specific number.
    public init(hostErrno code: Int32) {
        switch code {
        case E2BIG: self = .tooBig
        case EACCES: self = .acces
        case EADDRINUSE: self = .addrinuse
        case EADDRNOTAVAIL: self = .addrnotavail
        case EAFNOSUPPORT: self = .afnosupport
        case EAGAIN: self = .again
        case EALREADY: self = .already
        case EBADF: self = .badf
        case EBADMSG: self = .badmsg
        case EBUSY: self = .busy
        case ECANCELED: self = .canceled
        case ECHILD: self = .child
        case ECONNABORTED: self = .connaborted
        case ECONNREFUSED: self = .connrefused
        case ECONNRESET: self = .connreset
        case EDEADLK: self = .deadlk
        case EDESTADDRREQ: self = .destaddrreq
        case EDOM: self = .dom
        case EDQUOT: self = .dquot
        case EEXIST: self = .exist
        case EFAULT: self = .fault
        case EFBIG: self = .fbig
        case EHOSTUNREACH: self = .hostunreach
        case EIDRM: self = .idrm
        case EILSEQ: self = .ilseq
        case EINPROGRESS: self = .inprogress
        case EINTR: self = .intr
        case EINVAL: self = .inval
        case EIO: self = .io
        case EISCONN: self = .isconn
        case EISDIR: self = .isdir
        case ELOOP: self = .loop
        case EMFILE: self = .mfile
        case EMLINK: self = .mlink
        case EMSGSIZE: self = .msgsize
        case EMULTIHOP: self = .multihop
        case ENAMETOOLONG: self = .nametoolong
        case ENETDOWN: self = .netdown
        case ENETRESET: self = .netreset
        case ENETUNREACH: self = .netunreach
        case ENFILE: self = .nfile
        case ENOBUFS: self = .nobufs
        case ENODEV: self = .nodev
        case ENOENT: self = .noent
        case ENOEXEC: self = .noexec
        case ENOLCK: self = .nolck
        case ENOLINK: self = .nolink
        case ENOMEM: self = .nomem
        case ENOMSG: self = .nomsg
        case ENOPROTOOPT: self = .noprotoopt
        case ENOSPC: self = .nospc
        case ENOSYS: self = .nosys
        case ENOTCONN: self = .notconn
        case ENOTDIR: self = .notdir
        case ENOTEMPTY: self = .notempty
        case ENOTRECOVERABLE: self = .notrecoverable
        case ENOTSOCK: self = .notsock
        case ENOTSUP: self = .notsup
        case ENOTTY: self = .notty
        case ENXIO: self = .nxio
        case EOVERFLOW: self = .overflow
        case EOWNERDEAD: self = .ownerdead
        case EPERM: self = .perm
        case EPIPE: self = .pipe
        case EPROTO: self = .proto
        case EPROTONOSUPPORT: self = .protonosupport
        case EPROTOTYPE: self = .prototype
        case ERANGE: self = .range
        case EROFS: self = .rofs
        case ESPIPE: self = .spipe
        case ESRCH: self = .srch
        case ESTALE: self = .stale
        case ETIMEDOUT: self = .timedout
        case ETXTBSY: self = .txtbsy
        case EXDEV: self = .xdev
        default: self = .io
        }
    }

    /// The WASI errno for the calling thread's current host `errno`.
    static var current: WASIErrno { WASIErrno(hostErrno: errno) }
}
