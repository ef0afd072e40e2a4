;; A misbehaving plugin: answers its first request, then loops forever. Only fuel or a
;; deadline stops it.
(module
  (import "host" "reply" (func $reply (param i32 i32)))
  (memory (export "memory") 1)
  (global $calls (mut i32) (i32.const 0))
  (data (i32.const 0) "ready")

  (func $alloc (export "alloc") (param $length i32) (result i32)
    (if (result i32) (i32.le_u (local.get $length) (i32.const 1024))
      (then (i32.const 1024))
      (else (i32.const 0))))

  (func $handle (export "handle") (param $request i32) (param $length i32) (result i32)
    (global.set $calls (i32.add (global.get $calls) (i32.const 1)))
    (if (i32.eq (global.get $calls) (i32.const 1))
      (then
        (call $reply (i32.const 0) (i32.const 5))
        (return (i32.const 0))))
    (loop $forever (br $forever))
    (i32.const 0)))
