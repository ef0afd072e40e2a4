// Types and constants of the wasi_snapshot_preview1 ABI, as they appear in guest memory.
// Reference: https://github.com/WebAssembly/WASI/blob/main/legacy/preview1/witx/typenames.witx

/// Rights attached to a descriptor: what may be done with it (`base`) and what descriptors
/// opened through it may be given (`inheriting`). A descriptor never gains rights.
public struct WASIRights: OptionSet, Hashable, Sendable {
    public let rawValue: UInt64
    public init(rawValue: UInt64) { self.rawValue = rawValue }

    public static let fdDatasync = WASIRights(rawValue: 1 << 0)
    public static let fdRead = WASIRights(rawValue: 1 << 1)
    public static let fdSeek = WASIRights(rawValue: 1 << 2)
    public static let fdFdstatSetFlags = WASIRights(rawValue: 1 << 3)
    public static let fdSync = WASIRights(rawValue: 1 << 4)
    public static let fdTell = WASIRights(rawValue: 1 << 5)
    public static let fdWrite = WASIRights(rawValue: 1 << 6)
    public static let fdAdvise = WASIRights(rawValue: 1 << 7)
    public static let fdAllocate = WASIRights(rawValue: 1 << 8)
    public static let pathCreateDirectory = WASIRights(rawValue: 1 << 9)
    public static let pathCreateFile = WASIRights(rawValue: 1 << 10)
    public static let pathLinkSource = WASIRights(rawValue: 1 << 11)
    public static let pathLinkTarget = WASIRights(rawValue: 1 << 12)
    public static let pathOpen = WASIRights(rawValue: 1 << 13)
    public static let fdReaddir = WASIRights(rawValue: 1 << 14)
    public static let pathReadlink = WASIRights(rawValue: 1 << 15)
    public static let pathRenameSource = WASIRights(rawValue: 1 << 16)
    public static let pathRenameTarget = WASIRights(rawValue: 1 << 17)
    public static let pathFilestatGet = WASIRights(rawValue: 1 << 18)
    public static let pathFilestatSetSize = WASIRights(rawValue: 1 << 19)
    public static let pathFilestatSetTimes = WASIRights(rawValue: 1 << 20)
    public static let fdFilestatGet = WASIRights(rawValue: 1 << 21)
    public static let fdFilestatSetSize = WASIRights(rawValue: 1 << 22)
    public static let fdFilestatSetTimes = WASIRights(rawValue: 1 << 23)
    public static let pathSymlink = WASIRights(rawValue: 1 << 24)
    public static let pathRemoveDirectory = WASIRights(rawValue: 1 << 25)
    public static let pathUnlinkFile = WASIRights(rawValue: 1 << 26)
    public static let pollFdReadwrite = WASIRights(rawValue: 1 << 27)
    public static let sockShutdown = WASIRights(rawValue: 1 << 28)
    public static let sockAccept = WASIRights(rawValue: 1 << 29)

    /// Every right the ABI defines.
    public static let all = WASIRights(rawValue: (1 << 30) - 1)

    /// Rights that make sense on a regular file (or a stream).
    public static let regularFile: WASIRights = [
        .fdDatasync, .fdRead, .fdSeek, .fdFdstatSetFlags, .fdSync, .fdTell, .fdWrite, .fdAdvise,
        .fdAllocate, .fdFilestatGet, .fdFilestatSetSize, .fdFilestatSetTimes, .pollFdReadwrite,
    ]

    /// Rights that make sense on a directory.
    public static let directory: WASIRights = [
        .fdFdstatSetFlags, .fdSync, .fdDatasync, .fdAdvise, .pathCreateDirectory, .pathCreateFile,
        .pathLinkSource, .pathLinkTarget, .pathOpen, .fdReaddir, .pathReadlink, .pathRenameSource,
        .pathRenameTarget, .pathFilestatGet, .pathFilestatSetSize, .pathFilestatSetTimes,
        .fdFilestatGet, .fdFilestatSetTimes, .pathSymlink, .pathRemoveDirectory, .pathUnlinkFile,
        .pollFdReadwrite,
    ]

    /// Rights of a stream that cannot seek (a terminal, a pipe, a socket).
    public static let stream: WASIRights = WASIRights.regularFile.subtracting([.fdSeek, .fdTell])

    /// Rights of a socket.
    public static let socket: WASIRights = WASIRights.stream.union([.sockShutdown, .sockAccept])

    /// Directory rights that change the tree below a directory: a read-only preopen lacks them.
    public static let directoryMutation: WASIRights = [
        .pathCreateDirectory, .pathCreateFile, .pathLinkSource, .pathLinkTarget, .pathRenameSource,
        .pathRenameTarget, .pathFilestatSetSize, .pathFilestatSetTimes, .fdFilestatSetTimes,
        .pathSymlink, .pathRemoveDirectory, .pathUnlinkFile,
    ]

    /// File rights that change a file's contents or metadata.
    public static let fileMutation: WASIRights = [
        .fdWrite, .fdAllocate, .fdFilestatSetSize, .fdFilestatSetTimes, .fdDatasync,
    ]
}

/// The type of a file (`filetype`).
public enum WASIFileType: UInt8, Sendable {
    case unknown = 0
    case blockDevice = 1
    case characterDevice = 2
    case directory = 3
    case regularFile = 4
    case socketDgram = 5
    case socketStream = 6
    case symbolicLink = 7
}

/// `fdflags` bits.
enum FDFlags {
    static let append: UInt16 = 1 << 0
    static let dsync: UInt16 = 1 << 1
    static let nonblock: UInt16 = 1 << 2
    static let rsync: UInt16 = 1 << 3
    static let sync: UInt16 = 1 << 4
    static let all: UInt16 = (1 << 5) - 1
}

/// `oflags` bits of `path_open`.
enum OpenFlags {
    static let creat: UInt16 = 1 << 0
    static let directory: UInt16 = 1 << 1
    static let excl: UInt16 = 1 << 2
    static let trunc: UInt16 = 1 << 3
    static let all: UInt16 = (1 << 4) - 1
}

/// `lookupflags` bits.
enum LookupFlags {
    static let symlinkFollow: UInt32 = 1 << 0
}

/// `fstflags` bits.
enum FSTFlags {
    static let atim: UInt16 = 1 << 0
    static let atimNow: UInt16 = 1 << 1
    static let mtim: UInt16 = 1 << 2
    static let mtimNow: UInt16 = 1 << 3
    static let all: UInt16 = (1 << 4) - 1
}

/// `clockid` values.
public enum WASIClockID: UInt32, Sendable {
    case realtime = 0
    case monotonic = 1
    case processCPUTime = 2
    case threadCPUTime = 3
}

/// `eventtype` values of `poll_oneoff`.
enum EventType {
    static let clock: UInt8 = 0
    static let fdRead: UInt8 = 1
    static let fdWrite: UInt8 = 2
}

/// Sizes and field offsets of the records WASI functions read and write.
enum Layout {
    static let iovecSize = 8
    static let fdstatSize = 24
    static let filestatSize = 64
    static let direntSize = 24
    static let subscriptionSize = 48
    static let eventSize = 32
    static let prestatSize = 8
}
