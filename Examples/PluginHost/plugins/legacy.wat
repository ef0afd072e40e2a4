;; A plugin written for an older host: it imports a function this host does not offer, so it
;; cannot be instantiated (an unlinkable module).
(module
  (import "host" "open_file" (func $open_file (param i32 i32) (result i32)))
  (memory (export "memory") 1)
  (func $alloc (export "alloc") (param i32) (result i32) (i32.const 1024))
  (func $handle (export "handle") (param i32 i32) (result i32)
    (call $open_file (local.get 0) (local.get 1))))
