;; A hostile plugin: asks poll_oneoff to wait 2^64 - 1 ns beside its stdin. Rounding that to
;; milliseconds once overflowed inside the host, and the whole host process died; now the
;; deadline saturates and stdin (/dev/null, ready at once) answers.
(module
  (import "wasi_snapshot_preview1" "poll_oneoff" (func $poll (param i32 i32 i32 i32) (result i32)))
  (import "host" "reply" (func $reply (param i32 i32)))
  (memory (export "memory") 1)
  (data (i32.const 0) "still here: events=?")

  (func $alloc (export "alloc") (param $length i32) (result i32)
    (if (result i32) (i32.le_u (local.get $length) (i32.const 1024))
      (then (i32.const 1024))
      (else (i32.const 0))))

  (func $handle (export "handle") (param $request i32) (param $length i32) (result i32)
    ;; A clock subscription (monotonic, 2^64 - 1 ns) at 4096, fd_read on descriptor 0 at 4144.
    (i32.store (i32.const 4112) (i32.const 1))
    (i64.store (i32.const 4120) (i64.const -1))
    (i32.store8 (i32.const 4152) (i32.const 1))
    (i32.store (i32.const 4160) (i32.const 0))
    (drop (call $poll (i32.const 4096) (i32.const 4224) (i32.const 2) (i32.const 4300)))
    (i32.store8 (i32.const 19) (i32.add (i32.const 48) (i32.load (i32.const 4300))))
    (call $reply (i32.const 0) (i32.const 20))
    (i32.const 0)))
