;; A well-behaved plugin in the text format: answers "echo: " and the request in capitals.
(module
  (import "host" "reply" (func $reply (param i32 i32)))
  (memory (export "memory") 1)
  (data (i32.const 0) "echo: ")

  ;; Requests are written at 1024 (up to 2 KiB), answers built at 4096.
  (func $alloc (export "alloc") (param $length i32) (result i32)
    (if (result i32) (i32.le_u (local.get $length) (i32.const 2048))
      (then (i32.const 1024))
      (else (i32.const 0))))

  (func $handle (export "handle") (param $request i32) (param $length i32) (result i32)
    (local $i i32) (local $c i32)
    (memory.copy (i32.const 4096) (i32.const 0) (i32.const 6))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $i) (local.get $length)))
        (local.set $c (i32.load8_u (i32.add (local.get $request) (local.get $i))))
        (if (i32.and (i32.ge_u (local.get $c) (i32.const 97)) (i32.le_u (local.get $c) (i32.const 122)))
          (then (local.set $c (i32.sub (local.get $c) (i32.const 32)))))
        (i32.store8 (i32.add (i32.const 4102) (local.get $i)) (local.get $c))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $next)))
    (call $reply (i32.const 4096) (i32.add (local.get $length) (i32.const 6)))
    (i32.const 0)))
