;; A hostile plugin: on its second request it asks WASI's poll_oneoff for a sleep of 2^63 ns
;; (292 years). The host call blocks, so no loop header or call of its own ever checks the
;; deadline; the engine wakes the wait itself when the watchdog interrupts the store.
(module
  (import "wasi_snapshot_preview1" "poll_oneoff" (func $poll (param i32 i32 i32 i32) (result i32)))
  (import "host" "reply" (func $reply (param i32 i32)))
  (memory (export "memory") 1)
  (global $calls (mut i32) (i32.const 0))
  (data (i32.const 0) "awake")

  (func $alloc (export "alloc") (param $length i32) (result i32)
    (if (result i32) (i32.le_u (local.get $length) (i32.const 1024))
      (then (i32.const 1024))
      (else (i32.const 0))))

  (func $handle (export "handle") (param $request i32) (param $length i32) (result i32)
    (global.set $calls (i32.add (global.get $calls) (i32.const 1)))
    (if (i32.ge_u (global.get $calls) (i32.const 2))
      (then
        ;; One clock subscription (monotonic, relative) at 4096; its event goes to 4160.
        (i32.store (i32.const 4112) (i32.const 1))
        (i64.store (i32.const 4120) (i64.const 0x7fffffffffffffff))
        (drop (call $poll (i32.const 4096) (i32.const 4160) (i32.const 1) (i32.const 4200)))))
    (call $reply (i32.const 0) (i32.const 5))
    (i32.const 0)))
