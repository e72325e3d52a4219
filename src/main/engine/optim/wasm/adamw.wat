;; AdamW's update over contiguous float32 arrays in one pass, four lanes at a time (WebAssembly
;; SIMD). The same operations in the same order as the graph's update (optim/adamw.ts,
;; adamwApply), each rounded to float32, so the results are those of the graph's nodes:
;;
;;   m ← m·β₁ + g·c₁          v ← v·β₂ + (g·g)·c₂
;;   p ← p·keep − (m / (√v + ε′))·stepSize
;;
;; with the step's scalars c₁, c₂, ε′, keep and stepSize from the graph (adamwScalars).
;; ONNX Runtime runs the training graph with denormals flushed to zero; WebAssembly keeps
;; them, so every stored result below FLT_MIN in magnitude is stored as a zero of its sign
;; (NaN and ±∞ are kept), as a flushing CPU stores it: moments that decay towards zero would
;; otherwise stay denormal, and arithmetic on denormals is many times slower. NOTE: intermediate
;; results are not flushed; a result can differ from the graph's only when one of them underflows.
;; The flush is written out three times: V8 (Node 20) does not inline a call to a function
;; here, and the call made the loop 2× slower (320 against 160 ms over 60.5M elements).
;;
;; Assembled to adamw.wasm.ts by `npm run build:wasm`; a test checks the two agree.
(module
  (import "env" "memory" (memory 1))
  ;; Updates n elements (a multiple of 4) of the arrays at byte offsets p, g, m and v.
  (func (export "adamw")
    (param $p i32) (param $g i32) (param $m i32) (param $v i32) (param $n i32)
    (param $beta1 f32) (param $c1 f32) (param $beta2 f32) (param $c2 f32)
    (param $eps f32) (param $keep f32) (param $stepSize f32)
    (local $at i32) (local $end i32)
    (local $gs v128) (local $ms v128) (local $vs v128) (local $x v128)
    (local $B1 v128) (local $C1 v128) (local $B2 v128) (local $C2 v128)
    (local $E v128) (local $K v128) (local $S v128) (local $tiny v128) (local $magnitude v128)
    (local.set $B1 (f32x4.splat (local.get $beta1)))
    (local.set $C1 (f32x4.splat (local.get $c1)))
    (local.set $B2 (f32x4.splat (local.get $beta2)))
    (local.set $C2 (f32x4.splat (local.get $c2)))
    (local.set $E (f32x4.splat (local.get $eps)))
    (local.set $K (f32x4.splat (local.get $keep)))
    (local.set $S (f32x4.splat (local.get $stepSize)))
    ;; FLT_MIN, the smallest normal float32, and the bits of a float but its sign
    (local.set $tiny (f32x4.splat (f32.const 0x1p-126)))
    (local.set $magnitude (i32x4.splat (i32.const 0x7fffffff)))
    (local.set $end (i32.shl (local.get $n) (i32.const 2)))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $at) (local.get $end)))
        (local.set $gs (v128.load (i32.add (local.get $g) (local.get $at))))
        ;; m·β₁ + g·c₁, flushed: x & ~(|x| < FLT_MIN ? magnitude bits : 0)
        (local.set $x
          (f32x4.add
            (f32x4.mul (v128.load (i32.add (local.get $m) (local.get $at))) (local.get $B1))
            (f32x4.mul (local.get $gs) (local.get $C1))))
        (local.set $ms (v128.andnot (local.get $x)
          (v128.and (f32x4.lt (f32x4.abs (local.get $x)) (local.get $tiny)) (local.get $magnitude))))
        ;; v·β₂ + (g·g)·c₂, flushed
        (local.set $x
          (f32x4.add
            (f32x4.mul (v128.load (i32.add (local.get $v) (local.get $at))) (local.get $B2))
            (f32x4.mul (f32x4.mul (local.get $gs) (local.get $gs)) (local.get $C2))))
        (local.set $vs (v128.andnot (local.get $x)
          (v128.and (f32x4.lt (f32x4.abs (local.get $x)) (local.get $tiny)) (local.get $magnitude))))
        (v128.store (i32.add (local.get $m) (local.get $at)) (local.get $ms))
        (v128.store (i32.add (local.get $v) (local.get $at)) (local.get $vs))
        ;; p·keep − (m / (√v + ε′))·stepSize, flushed
        (local.set $x
          (f32x4.sub
            (f32x4.mul (v128.load (i32.add (local.get $p) (local.get $at))) (local.get $K))
            (f32x4.mul
              (f32x4.div (local.get $ms) (f32x4.add (f32x4.sqrt (local.get $vs)) (local.get $E)))
              (local.get $S))))
        (v128.store (i32.add (local.get $p) (local.get $at)) (v128.andnot (local.get $x)
          (v128.and (f32x4.lt (f32x4.abs (local.get $x)) (local.get $tiny)) (local.get $magnitude))))
        (local.set $at (i32.add (local.get $at) (i32.const 16)))
        (br $next))))
)
