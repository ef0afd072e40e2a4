;; A misbehaving plugin: answers two requests, then recurses without end on the third.
(module
  (import "host" "reply" (func $reply (param i32 i32)))
  (import "host" "log" (func $log (param i32 i32)))
  (memory (export "memory") 1)
  (global $calls (mut i32) (i32.const 0))
  (data (i32.const 0) "fine")
  (data (i32.const 16) "walking the tree of the request")

  (func $alloc (export "alloc") (param $length i32) (result i32)
    (if (result i32) (i32.le_u (local.get $length) (i32.const 1024))
      (then (i32.const 1024))
      (else (i32.const 0))))

  (func $descend (param $depth i32) (result i32)
    (i32.add (call $descend (i32.add (local.get $depth) (i32.const 1))) (i32.const 1)))

  (func $handle (export "handle") (param $request i32) (param $length i32) (result i32)
    (global.set $calls (i32.add (global.get $calls) (i32.const 1)))
    (if (i32.lt_u (global.get $calls) (i32.const 3))
      (then
        (call $reply (i32.const 0) (i32.const 4))
        (return (i32.const 0))))
    (call $log (i32.const 16) (i32.const 31))
    (call $descend (i32.const 0))))
