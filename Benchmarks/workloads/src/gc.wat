;; gc: objects as GC languages (Kotlin, Dart, OCaml) compile them to Wasm GC.
;; Binary trees: allocate and walk short-lived trees of depths 4...16 next to a long-lived
;; one (allocation, struct.get, collection); then a vector of points (array of structs with
;; f64 fields, updated in place: struct.get/set, array.get) and boxed integers (i31).
;; run() returns a checksum of everything it computed.
(module
  (type $tree (struct (field $left (ref null $tree)) (field $right (ref null $tree))))
  (type $point (struct (field $x (mut f64)) (field $y (mut f64)) (field $vx f64) (field $vy f64)))
  (type $points (array (mut (ref null $point))))
  (type $boxes (array (mut i31ref)))

  (func $make (param $depth i32) (result (ref $tree))
    (if (result (ref $tree)) (i32.eqz (local.get $depth))
      (then (struct.new $tree (ref.null $tree) (ref.null $tree)))
      (else
        (local.set $depth (i32.sub (local.get $depth) (i32.const 1)))
        (struct.new $tree (call $make (local.get $depth)) (call $make (local.get $depth))))))

  (func $check (param $t (ref $tree)) (result i32)
    (local $left (ref null $tree))
    (local.set $left (struct.get $tree $left (local.get $t)))
    (if (result i32) (ref.is_null (local.get $left))
      (then (i32.const 1))
      (else
        (i32.add (i32.const 1)
          (i32.add (call $check (ref.as_non_null (local.get $left)))
                   (call $check (ref.as_non_null (struct.get $tree $right (local.get $t)))))))))

  (func $trees (param $max i32) (result i64)
    (local $long (ref null $tree)) (local $depth i32) (local $i i32) (local $n i32) (local $sum i64)
    (local.set $long (call $make (local.get $max)))
    (local.set $depth (i32.const 4))
    (loop $depths
      (local.set $n (i32.shl (i32.const 1) (i32.add (i32.sub (local.get $max) (local.get $depth)) (i32.const 4))))
      (local.set $i (i32.const 0))
      (loop $iterations
        (local.set $sum (i64.add (local.get $sum)
          (i64.extend_i32_u (call $check (call $make (local.get $depth))))))
        (br_if $iterations (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 1))) (local.get $n))))
      (br_if $depths (i32.le_u (local.tee $depth (i32.add (local.get $depth) (i32.const 2))) (local.get $max))))
    (i64.add (local.get $sum) (i64.extend_i32_u (call $check (ref.as_non_null (local.get $long))))))

  (func $particles (param $count i32) (param $steps i32) (result i64)
    (local $all (ref null $points)) (local $p (ref null $point)) (local $i i32) (local $step i32)
    (local $sum f64)
    (local.set $all (array.new_default $points (local.get $count)))
    (loop $fill
      (array.set $points (local.get $all) (local.get $i)
        (struct.new $point (f64.convert_i32_u (local.get $i)) (f64.const 0)
                           (f64.const 0.5) (f64.div (f64.convert_i32_u (local.get $i)) (f64.const 1000))))
      (br_if $fill (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 1))) (local.get $count))))
    (loop $steps
      (local.set $i (i32.const 0))
      (loop $move
        (local.set $p (array.get $points (local.get $all) (local.get $i)))
        (struct.set $point $x (local.get $p)
          (f64.add (struct.get $point $x (local.get $p)) (struct.get $point $vx (local.get $p))))
        (struct.set $point $y (local.get $p)
          (f64.add (struct.get $point $y (local.get $p)) (struct.get $point $vy (local.get $p))))
        (br_if $move (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 1))) (local.get $count))))
      (br_if $steps (i32.lt_u (local.tee $step (i32.add (local.get $step) (i32.const 1))) (local.get $steps))))
    (local.set $i (i32.const 0))
    (loop $total
      (local.set $p (array.get $points (local.get $all) (local.get $i)))
      (local.set $sum (f64.add (local.get $sum)
        (f64.add (struct.get $point $x (local.get $p)) (struct.get $point $y (local.get $p)))))
      (br_if $total (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 1))) (local.get $count))))
    (i64.trunc_f64_s (local.get $sum)))

  (func $boxed (param $count i32) (param $rounds i32) (result i64)
    (local $boxes (ref null $boxes)) (local $i i32) (local $round i32) (local $sum i64)
    (local.set $boxes (array.new $boxes (ref.i31 (i32.const 0)) (local.get $count)))
    (loop $rounds
      (local.set $i (i32.const 1))
      (loop $each
        (array.set $boxes (local.get $boxes) (local.get $i)
          (ref.i31 (i32.add
            (i31.get_s (array.get $boxes (local.get $boxes) (i32.sub (local.get $i) (i32.const 1))))
            (i32.xor (local.get $i) (local.get $round)))))
        (br_if $each (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 1))) (local.get $count))))
      (local.set $sum (i64.add (local.get $sum)
        (i64.extend_i32_s (i31.get_s (array.get $boxes (local.get $boxes) (i32.sub (local.get $count) (i32.const 1)))))))
      (br_if $rounds (i32.lt_u (local.tee $round (i32.add (local.get $round) (i32.const 1))) (local.get $rounds))))
    (local.get $sum))

  (func (export "run") (result i64)
    (i64.add (i64.mul (call $trees (i32.const 16)) (i64.const 1000003))
      (i64.add (i64.mul (call $particles (i32.const 10000) (i32.const 300)) (i64.const 7919))
        (call $boxed (i32.const 10000) (i32.const 300))))))
