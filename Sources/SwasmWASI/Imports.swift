import Swasm

// The wasi_snapshot_preview1 functions with their core-Wasm signatures: every handle, size,
// pointer and flag set is an i32; 64-bit quantities (file sizes, offsets, timestamps,
// rights, cookies) are i64. Each returns an errno (i32), except proc_exit.

extension WASI {
    static let functions: [HostFunction] = {
        let i = ValueType.i32
        let l = ValueType.i64
        func memoryFunction(_ name: String, _ params: [ValueType], _ body: @escaping (WASI, Arguments, GuestMemory) throws -> Void) -> HostFunction {
            HostFunction(name: name, params: params, needsMemory: true, body: body)
        }
        func plainFunction(_ name: String, _ params: [ValueType], _ body: @escaping (WASI, Arguments) throws -> Void) -> HostFunction {
            HostFunction(name: name, params: params, needsMemory: false) { wasi, a, _ in try body(wasi, a) }
        }
        return [
            memoryFunction("args_get", [i, i]) { w, a, m in try w.argsGet(argv: a.u32(0), buffer: a.u32(1), m) },
            memoryFunction("args_sizes_get", [i, i]) { w, a, m in try w.argsSizesGet(count: a.u32(0), size: a.u32(1), m) },
            memoryFunction("environ_get", [i, i]) { w, a, m in try w.environGet(environ: a.u32(0), buffer: a.u32(1), m) },
            memoryFunction("environ_sizes_get", [i, i]) { w, a, m in try w.environSizesGet(count: a.u32(0), size: a.u32(1), m) },
            memoryFunction("clock_res_get", [i, i]) { w, a, m in try w.clockResGet(id: a.u32(0), result: a.u32(1), m) },
            memoryFunction("clock_time_get", [i, l, i]) { w, a, m in
                try w.clockTimeGet(id: a.u32(0), precision: a.u64(1), result: a.u32(2), m)
            },
            plainFunction("fd_advise", [i, l, l, i]) { w, a in
                try w.fdAdvise(fd: a.u32(0), offset: a.u64(1), length: a.u64(2), advice: a.u32(3))
            },
            plainFunction("fd_allocate", [i, l, l]) { w, a in try w.fdAllocate(fd: a.u32(0), offset: a.u64(1), length: a.u64(2)) },
            plainFunction("fd_close", [i]) { w, a in try w.fdClose(fd: a.u32(0)) },
            plainFunction("fd_datasync", [i]) { w, a in try w.fdDatasync(fd: a.u32(0)) },
            memoryFunction("fd_fdstat_get", [i, i]) { w, a, m in try w.fdFdstatGet(fd: a.u32(0), result: a.u32(1), m) },
            plainFunction("fd_fdstat_set_flags", [i, i]) { w, a in try w.fdFdstatSetFlags(fd: a.u32(0), flags: a.u32(1)) },
            plainFunction("fd_fdstat_set_rights", [i, l, l]) { w, a in
                try w.fdFdstatSetRights(fd: a.u32(0), rights: a.u64(1), inheriting: a.u64(2))
            },
            memoryFunction("fd_filestat_get", [i, i]) { w, a, m in try w.fdFilestatGet(fd: a.u32(0), result: a.u32(1), m) },
            plainFunction("fd_filestat_set_size", [i, l]) { w, a in try w.fdFilestatSetSize(fd: a.u32(0), size: a.u64(1)) },
            plainFunction("fd_filestat_set_times", [i, l, l, i]) { w, a in
                try w.fdFilestatSetTimes(fd: a.u32(0), accessTime: a.u64(1), modificationTime: a.u64(2), flags: a.u32(3))
            },
            memoryFunction("fd_pread", [i, i, i, l, i]) { w, a, m in
                try w.fdPread(fd: a.u32(0), vectors: a.u32(1), count: a.u32(2), offset: a.u64(3), result: a.u32(4), m)
            },
            memoryFunction("fd_prestat_get", [i, i]) { w, a, m in try w.fdPrestatGet(fd: a.u32(0), result: a.u32(1), m) },
            memoryFunction("fd_prestat_dir_name", [i, i, i]) { w, a, m in
                try w.fdPrestatDirName(fd: a.u32(0), buffer: a.u32(1), length: a.u32(2), m)
            },
            memoryFunction("fd_pwrite", [i, i, i, l, i]) { w, a, m in
                try w.fdPwrite(fd: a.u32(0), vectors: a.u32(1), count: a.u32(2), offset: a.u64(3), result: a.u32(4), m)
            },
            memoryFunction("fd_read", [i, i, i, i]) { w, a, m in
                try w.fdRead(fd: a.u32(0), vectors: a.u32(1), count: a.u32(2), result: a.u32(3), m)
            },
            memoryFunction("fd_readdir", [i, i, i, l, i]) { w, a, m in
                try w.fdReaddir(fd: a.u32(0), buffer: a.u32(1), length: a.u32(2), cookie: a.u64(3), result: a.u32(4), m)
            },
            plainFunction("fd_renumber", [i, i]) { w, a in try w.fdRenumber(from: a.u32(0), to: a.u32(1)) },
            memoryFunction("fd_seek", [i, l, i, i]) { w, a, m in
                try w.fdSeek(fd: a.u32(0), offset: a.u64(1), whence: a.u32(2), result: a.u32(3), m)
            },
            plainFunction("fd_sync", [i]) { w, a in try w.fdSync(fd: a.u32(0)) },
            memoryFunction("fd_tell", [i, i]) { w, a, m in try w.fdTell(fd: a.u32(0), result: a.u32(1), m) },
            memoryFunction("fd_write", [i, i, i, i]) { w, a, m in
                try w.fdWrite(fd: a.u32(0), vectors: a.u32(1), count: a.u32(2), result: a.u32(3), m)
            },
            memoryFunction("path_create_directory", [i, i, i]) { w, a, m in
                try w.pathCreateDirectory(fd: a.u32(0), path: a.u32(1), length: a.u32(2), m)
            },
            memoryFunction("path_filestat_get", [i, i, i, i, i]) { w, a, m in
                try w.pathFilestatGet(fd: a.u32(0), lookupFlags: a.u32(1), path: a.u32(2), length: a.u32(3), result: a.u32(4), m)
            },
            memoryFunction("path_filestat_set_times", [i, i, i, i, l, l, i]) { w, a, m in
                try w.pathFilestatSetTimes(
                    fd: a.u32(0), lookupFlags: a.u32(1), path: a.u32(2), length: a.u32(3),
                    accessTime: a.u64(4), modificationTime: a.u64(5), flags: a.u32(6), m)
            },
            memoryFunction("path_link", [i, i, i, i, i, i, i]) { w, a, m in
                try w.pathLink(
                    oldFD: a.u32(0), oldFlags: a.u32(1), oldPath: a.u32(2), oldLength: a.u32(3),
                    newFD: a.u32(4), newPath: a.u32(5), newLength: a.u32(6), m)
            },
            memoryFunction("path_open", [i, i, i, i, i, l, l, i, i]) { w, a, m in
                try w.pathOpen(
                    fd: a.u32(0), lookupFlags: a.u32(1), path: a.u32(2), pathLength: a.u32(3), openFlags: a.u32(4),
                    rights: a.u64(5), inheriting: a.u64(6), fdFlags: a.u32(7), result: a.u32(8), m)
            },
            memoryFunction("path_readlink", [i, i, i, i, i, i]) { w, a, m in
                try w.pathReadlink(
                    fd: a.u32(0), path: a.u32(1), length: a.u32(2), buffer: a.u32(3), bufferLength: a.u32(4), result: a.u32(5), m)
            },
            memoryFunction("path_remove_directory", [i, i, i]) { w, a, m in
                try w.pathRemoveDirectory(fd: a.u32(0), path: a.u32(1), length: a.u32(2), m)
            },
            memoryFunction("path_rename", [i, i, i, i, i, i]) { w, a, m in
                try w.pathRename(
                    fd: a.u32(0), oldPath: a.u32(1), oldLength: a.u32(2), newFD: a.u32(3), newPath: a.u32(4), newLength: a.u32(5), m)
            },
            memoryFunction("path_symlink", [i, i, i, i, i]) { w, a, m in
                try w.pathSymlink(oldPath: a.u32(0), oldLength: a.u32(1), fd: a.u32(2), newPath: a.u32(3), newLength: a.u32(4), m)
            },
            memoryFunction("path_unlink_file", [i, i, i]) { w, a, m in
                try w.pathUnlinkFile(fd: a.u32(0), path: a.u32(1), length: a.u32(2), m)
            },
            memoryFunction("poll_oneoff", [i, i, i, i]) { w, a, m in
                try w.pollOneoff(input: a.u32(0), output: a.u32(1), count: a.u32(2), result: a.u32(3), m)
            },
            plainFunction("proc_exit", [i]) { w, a in try w.procExit(code: a.u32(0)) },
            plainFunction("proc_raise", [i]) { w, a in try w.procRaise(signal: a.u32(0)) },
            plainFunction("sched_yield", []) { w, _ in try w.schedYield() },
            memoryFunction("random_get", [i, i]) { w, a, m in try w.randomGet(buffer: a.u32(0), length: a.u32(1), m) },
            memoryFunction("sock_accept", [i, i, i]) { w, a, m in try w.sockAccept(fd: a.u32(0), flags: a.u32(1), result: a.u32(2), m) },
            memoryFunction("sock_recv", [i, i, i, i, i, i]) { w, a, m in
                try w.sockRecv(
                    fd: a.u32(0), vectors: a.u32(1), count: a.u32(2), flags: a.u32(3), result: a.u32(4), resultFlags: a.u32(5), m)
            },
            memoryFunction("sock_send", [i, i, i, i, i]) { w, a, m in
                try w.sockSend(fd: a.u32(0), vectors: a.u32(1), count: a.u32(2), flags: a.u32(3), result: a.u32(4), m)
            },
            plainFunction("sock_shutdown", [i, i]) { w, a in try w.sockShutdown(fd: a.u32(0), how: a.u32(1)) },
        ]
    }()
}
