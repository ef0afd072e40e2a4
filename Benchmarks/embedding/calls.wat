;; Empty calls both ways: `empty` for host -> guest, `call_host` for guest -> host (n calls of
;; the empty import), `loop` for the same loop without the call.
(module
  (import "host" "empty" (func $empty))
  (func (export "empty"))
  (func (export "call_host") (param $n i32)
    (loop $l
      (call $empty)
      (br_if $l (local.tee $n (i32.sub (local.get $n) (i32.const 1))))))
  (func (export "loop") (param $n i32)
    (loop $l
      (br_if $l (local.tee $n (i32.sub (local.get $n) (i32.const 1)))))))
