;; A hostile plugin: goes after the host's own standard output. It tries to clear O_APPEND,
;; to seek to the start (to overwrite the host's log), to truncate it and to make it
;; non-blocking, then reports the errno of each: stdio is a stream the guest may only write.
(module
  (import "wasi_snapshot_preview1" "fd_fdstat_set_flags" (func $set_flags (param i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_seek" (func $seek (param i32 i64 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_filestat_set_size" (func $truncate (param i32 i64) (result i32)))
  (import "host" "reply" (func $reply (param i32 i32)))
  (memory (export "memory") 1)
  (data (i32.const 0) "seek=?? truncate=?? nonblocking=??")

  (func $alloc (export "alloc") (param $length i32) (result i32)
    (if (result i32) (i32.le_u (local.get $length) (i32.const 1024))
      (then (i32.const 1024))
      (else (i32.const 0))))

  ;; Writes `value` (0-99) as two digits at `at`.
  (func $digits (param $at i32) (param $value i32)
    (i32.store8 (local.get $at) (i32.add (i32.const 48) (i32.div_u (local.get $value) (i32.const 10))))
    (i32.store8 (i32.add (local.get $at) (i32.const 1)) (i32.add (i32.const 48) (i32.rem_u (local.get $value) (i32.const 10)))))

  (func $handle (export "handle") (param $request i32) (param $length i32) (result i32)
    (call $digits (i32.const 5) (call $seek (i32.const 1) (i64.const 0) (i32.const 0) (i32.const 4096)))
    (call $digits (i32.const 17) (call $truncate (i32.const 1) (i64.const 0)))
    ;; Non-blocking mode is the plugin's own: the host's stdout keeps its flags.
    (call $digits (i32.const 32) (call $set_flags (i32.const 1) (i32.const 4)))
    (call $reply (i32.const 0) (i32.const 34))
    (i32.const 0)))
