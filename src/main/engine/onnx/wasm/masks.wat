;; The keep masks of one row of a dropout request's grid (onnx/random.ts's spec), four columns at
;; a time (WebAssembly SIMD), for onnx/hostMasks.ts. For columns j of the row with hash halves
;; (high + 1, low) and the key's column halves at byte cols (high + 1, 4096 int32) and
;; cols + 16384 (low):
;;
;;   v = mix((high + 1)·colLow[j] + (colHigh[j] + 1)·low)
;;   mix(x) = rot((A·x + floor(x / 2^16)·(x mod 2^16)) mod M)
;;   rot(y) = (y mod 2^16)·2^15 + floor(y / 2^16)
;;
;; and its three draws floor(v / 2^21), floor(v / 2^11) mod 2^10, floor(v / 2) mod 2^10 stored as keep bytes (1 when the
;; draw is ≥ t) at out + j, out + plane + j and out + 2·plane + j. A·x + the halves' product is
;; formed in 64-bit lanes (< 2⁴⁸), and 2³¹ ≡ 1 (mod M) folds it to below 2³² before one
;; conditional subtraction of M: the same integers as the graph's Schrage chains.
;; The row is written in whole groups of four: up to three bytes past each plane's `columns`,
;; which the caller lets the next plane or request overwrite (or leaves as padding).
;;
;; Assembled to masks.wasm.ts by `npm run build:wasm`; a test checks the two agree.
(module
  (import "env" "memory" (memory 1))
  (func (export "keepRow")
    (param $out i32) (param $plane i32) (param $columns i32)
    (param $high i32) (param $low i32) (param $t i32) (param $cols i32)
    (local $j i32) (local $end i32)
    (local $H v128) (local $L v128) (local $T v128) (local $A v128)
    (local $x v128) (local $p v128) (local $zl v128) (local $zh v128) (local $y v128)
    (local.set $H (i32x4.splat (local.get $high)))
    (local.set $L (i32x4.splat (local.get $low)))
    (local.set $T (i32x4.splat (i32.sub (local.get $t) (i32.const 1))))
    (local.set $A (i32x4.splat (i32.const 48271)))
    (local.set $end (i32.shl (local.get $columns) (i32.const 2)))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $j) (local.get $end)))
        ;; x = (high + 1)·colLow[j] + (colHigh[j] + 1)·low  (< 2³¹)
        (local.set $x
          (i32x4.add
            (i32x4.mul (local.get $H) (v128.load offset=16384 (i32.add (local.get $cols) (local.get $j))))
            (i32x4.mul (v128.load (i32.add (local.get $cols) (local.get $j))) (local.get $L))))
        ;; z = A·x + floor(x / 2^16)·(x mod 2^16) in two i64x2 halves
        (local.set $p
          (i32x4.mul
            (i32x4.shr_u (local.get $x) (i32.const 16))
            (v128.and (local.get $x) (i32x4.splat (i32.const 0xffff)))))
        (local.set $zl
          (i64x2.add
            (i64x2.extmul_low_i32x4_u (local.get $x) (local.get $A))
            (i64x2.extend_low_i32x4_u (local.get $p))))
        (local.set $zh
          (i64x2.add
            (i64x2.extmul_high_i32x4_u (local.get $x) (local.get $A))
            (i64x2.extend_high_i32x4_u (local.get $p))))
        ;; z mod 2^31 + floor(z / 2^31) (≡ z mod M, < 2^31 + 2^17), back to 32-bit lanes
        (local.set $zl
          (i64x2.add
            (v128.and (local.get $zl) (i64x2.splat (i64.const 0x7fffffff)))
            (i64x2.shr_u (local.get $zl) (i32.const 31))))
        (local.set $zh
          (i64x2.add
            (v128.and (local.get $zh) (i64x2.splat (i64.const 0x7fffffff)))
            (i64x2.shr_u (local.get $zh) (i32.const 31))))
        (local.set $y
          (i8x16.shuffle 0 1 2 3 8 9 10 11 16 17 18 19 24 25 26 27 (local.get $zl) (local.get $zh)))
        ;; y − M where y ≥ M
        (local.set $y
          (i32x4.sub (local.get $y)
            (v128.and
              (i32x4.gt_u (local.get $y) (i32x4.splat (i32.const 0x7ffffffe)))
              (i32x4.splat (i32.const 0x7fffffff)))))
        ;; v = rot(y)
        (local.set $y
          (v128.or
            (i32x4.shl (v128.and (local.get $y) (i32x4.splat (i32.const 0xffff))) (i32.const 15))
            (i32x4.shr_u (local.get $y) (i32.const 16))))
        ;; keep bytes of the three draws (the comparisons give −1 or 0; narrowed, then & 1)
        (v128.store32_lane 0
          (i32.add (local.get $out) (i32.shr_u (local.get $j) (i32.const 2)))
          (v128.and (i8x16.splat (i32.const 1))
            (i8x16.narrow_i16x8_s
              (i16x8.narrow_i32x4_s
                (i32x4.gt_s (i32x4.shr_u (local.get $y) (i32.const 21)) (local.get $T))
                (local.get $T))
              (local.get $T))))
        (v128.store32_lane 0
          (i32.add (i32.add (local.get $out) (local.get $plane)) (i32.shr_u (local.get $j) (i32.const 2)))
          (v128.and (i8x16.splat (i32.const 1))
            (i8x16.narrow_i16x8_s
              (i16x8.narrow_i32x4_s
                (i32x4.gt_s
                  (v128.and (i32x4.shr_u (local.get $y) (i32.const 11)) (i32x4.splat (i32.const 1023)))
                  (local.get $T))
                (local.get $T))
              (local.get $T))))
        (v128.store32_lane 0
          (i32.add
            (i32.add (local.get $out) (i32.shl (local.get $plane) (i32.const 1)))
            (i32.shr_u (local.get $j) (i32.const 2)))
          (v128.and (i8x16.splat (i32.const 1))
            (i8x16.narrow_i16x8_s
              (i16x8.narrow_i32x4_s
                (i32x4.gt_s
                  (v128.and (i32x4.shr_u (local.get $y) (i32.const 1)) (i32x4.splat (i32.const 1023)))
                  (local.get $T))
                (local.get $T))
              (local.get $T))))
        (local.set $j (i32.add (local.get $j) (i32.const 16)))
        (br $next)))))
