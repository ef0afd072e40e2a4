;; A small but complete module for the instantiation benchmark: a memory with data, a table
;; with elements, globals and a few functions.
(module
  (memory (export "memory") 1)
  (data (i32.const 16) "hello, instantiation")
  (table (export "table") 4 funcref)
  (elem (i32.const 0) $a $b $c)
  (global $counter (export "counter") (mut i32) (i32.const 0))
  (global $base i32 (i32.const 1024))
  (func $a (result i32) (global.get $counter))
  (func $b (param i32) (result i32) (i32.add (local.get 0) (global.get $base)))
  (func $c (export "run") (param i32) (result i32)
    (i32.load (i32.add (local.get 0) (i32.const 16)))))
