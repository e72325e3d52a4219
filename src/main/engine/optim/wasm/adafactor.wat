;; Adafactor's update of one factored R×C float32 matrix (row-major) in two passes over its
;; memory, four lanes at a time (WebAssembly SIMD) with a scalar tail when C is not a multiple
;; of 4. The math is optim/adafactor.ts's (HF transformers' conventions); adafactorKernel.ts
;; drives the two passes and does the O(R + C) work between them:
;;
;;   stats:  per row r, G = (g·s)² + ε₁,  R_r ← β̂·R_r + (1 − β̂)·mean_c G  (the row state, in
;;           place), then per column  colSum_c += G  and  w_c += (g·s)² / R_r;  returns Σθ²
;;   apply:  U = ((rf_r·cf_c)·(g·s))·k;  with β₁: m ← m·β₁ + U·(1 − β₁), U = m;  θ ← θ·keep − U
;;
;; w gives the update's RMS before clipping without a third pass: with rf_r² = mean(R)/R_r and
;; cf_c² = 1/C_c, ΣU² = mean(R)·Σ_c w_c / C_c. Row sums are float32 lanes per row, carried into
;; float64 between rows; column sums are float32 over the rows (test/.../adafactorKernel.test.ts
;; holds the results to a float64 reference within 2e-5). Results stored by apply below FLT_MIN
;; are stored as zeros of their sign, as adamw.wat does and for the same reason (ONNX Runtime
;; flushes denormals; arithmetic on them is slow). Written out inline: V8 (Node 20) does not inline calls here (adamw.wat).
;;
;; Assembled to adafactor.wasm.ts by `npm run build:wasm`; a test checks the two agree.
(module
  (import "env" "memory" (memory 1))

  ;; θ at $p, g at $g (R·C each), the row state at $row (R), colSum and w at $colSum and $w
  ;; (C each; zeroed here first). $beta and $oneMinus: β̂ and 1 − β̂ of the step.
  (func (export "stats")
    (param $p i32) (param $g i32) (param $R i32) (param $C i32) (param $s f32) (param $eps1 f32)
    (param $beta f32) (param $oneMinus f32) (param $row i32) (param $colSum i32) (param $w i32)
    (result f64)
    (local $r i32) (local $c i32) (local $C4 i32) (local $at i32) (local $base i32)
    (local $S v128) (local $E v128) (local $x v128) (local $G v128) (local $inv v128)
    (local $rowAcc v128) (local $pAcc v128)
    (local $xs f32) (local $gs f32) (local $rowTail f32) (local $pTail f32) (local $newRow f32)
    (local $pSum f64)
    (local.set $S (f32x4.splat (local.get $s)))
    (local.set $E (f32x4.splat (local.get $eps1)))
    (local.set $C4 (i32.and (local.get $C) (i32.const -4)))
    ;; colSum and w start at zero
    (block $zeroed
      (loop $zero
        (br_if $zeroed (i32.ge_u (local.get $c) (local.get $C)))
        (f32.store (i32.add (local.get $colSum) (i32.shl (local.get $c) (i32.const 2))) (f32.const 0))
        (f32.store (i32.add (local.get $w) (i32.shl (local.get $c) (i32.const 2))) (f32.const 0))
        (local.set $c (i32.add (local.get $c) (i32.const 1)))
        (br $zero)))
    (block $rows_done
      (loop $rows
        (br_if $rows_done (i32.ge_u (local.get $r) (local.get $R)))
        (local.set $base (i32.shl (i32.mul (local.get $r) (local.get $C)) (i32.const 2)))
        ;; pass A over the row: Σ_c G and Σ_c θ²
        (local.set $rowAcc (v128.const i32x4 0 0 0 0))
        (local.set $pAcc (v128.const i32x4 0 0 0 0))
        (local.set $rowTail (f32.const 0))
        (local.set $pTail (f32.const 0))
        (local.set $c (i32.const 0))
        (block $a_done
          (loop $a
            (br_if $a_done (i32.ge_u (local.get $c) (local.get $C4)))
            (local.set $at (i32.add (local.get $base) (i32.shl (local.get $c) (i32.const 2))))
            (local.set $x (f32x4.mul (v128.load (i32.add (local.get $g) (local.get $at))) (local.get $S)))
            (local.set $rowAcc (f32x4.add (local.get $rowAcc)
              (f32x4.add (f32x4.mul (local.get $x) (local.get $x)) (local.get $E))))
            (local.set $x (v128.load (i32.add (local.get $p) (local.get $at))))
            (local.set $pAcc (f32x4.add (local.get $pAcc) (f32x4.mul (local.get $x) (local.get $x))))
            (local.set $c (i32.add (local.get $c) (i32.const 4)))
            (br $a)))
        (block $at_done
          (loop $atl
            (br_if $at_done (i32.ge_u (local.get $c) (local.get $C)))
            (local.set $at (i32.add (local.get $base) (i32.shl (local.get $c) (i32.const 2))))
            (local.set $xs (f32.mul (f32.load (i32.add (local.get $g) (local.get $at))) (local.get $s)))
            (local.set $rowTail (f32.add (local.get $rowTail)
              (f32.add (f32.mul (local.get $xs) (local.get $xs)) (local.get $eps1))))
            (local.set $xs (f32.load (i32.add (local.get $p) (local.get $at))))
            (local.set $pTail (f32.add (local.get $pTail) (f32.mul (local.get $xs) (local.get $xs))))
            (local.set $c (i32.add (local.get $c) (i32.const 1)))
            (br $atl)))
        (local.set $pSum (f64.add (local.get $pSum) (f64.add
          (f64.add
            (f64.add (f64.promote_f32 (f32x4.extract_lane 0 (local.get $pAcc)))
                     (f64.promote_f32 (f32x4.extract_lane 1 (local.get $pAcc))))
            (f64.add (f64.promote_f32 (f32x4.extract_lane 2 (local.get $pAcc)))
                     (f64.promote_f32 (f32x4.extract_lane 3 (local.get $pAcc)))))
          (f64.promote_f32 (local.get $pTail)))))
        ;; the row state: R_r·β̂ + mean·(1 − β̂), the mean from the lanes' float64 sum
        (local.set $at (i32.add (local.get $row) (i32.shl (local.get $r) (i32.const 2))))
        (local.set $newRow (f32.add
          (f32.mul (f32.load (local.get $at)) (local.get $beta))
          (f32.mul
            (f32.demote_f64 (f64.div
              (f64.add
                (f64.add
                  (f64.add (f64.promote_f32 (f32x4.extract_lane 0 (local.get $rowAcc)))
                           (f64.promote_f32 (f32x4.extract_lane 1 (local.get $rowAcc))))
                  (f64.add (f64.promote_f32 (f32x4.extract_lane 2 (local.get $rowAcc)))
                           (f64.promote_f32 (f32x4.extract_lane 3 (local.get $rowAcc)))))
                (f64.promote_f32 (local.get $rowTail)))
              (f64.convert_i32_u (local.get $C))))
            (local.get $oneMinus))))
        (f32.store (local.get $at) (local.get $newRow))
        (local.set $inv (f32x4.splat (f32.div (f32.const 1) (local.get $newRow))))
        ;; pass B over the row (now in cache): colSum_c += G, w_c += (g·s)²/R_r
        (local.set $c (i32.const 0))
        (block $b_done
          (loop $b
            (br_if $b_done (i32.ge_u (local.get $c) (local.get $C4)))
            (local.set $at (i32.add (local.get $base) (i32.shl (local.get $c) (i32.const 2))))
            (local.set $x (f32x4.mul (v128.load (i32.add (local.get $g) (local.get $at))) (local.get $S)))
            (local.set $x (f32x4.mul (local.get $x) (local.get $x)))
            (local.set $at (i32.add (local.get $colSum) (i32.shl (local.get $c) (i32.const 2))))
            (v128.store (local.get $at)
              (f32x4.add (v128.load (local.get $at)) (f32x4.add (local.get $x) (local.get $E))))
            (local.set $at (i32.add (local.get $w) (i32.shl (local.get $c) (i32.const 2))))
            (v128.store (local.get $at)
              (f32x4.add (v128.load (local.get $at)) (f32x4.mul (local.get $x) (local.get $inv))))
            (local.set $c (i32.add (local.get $c) (i32.const 4)))
            (br $b)))
        (block $bt_done
          (loop $btl
            (br_if $bt_done (i32.ge_u (local.get $c) (local.get $C)))
            (local.set $at (i32.add (local.get $base) (i32.shl (local.get $c) (i32.const 2))))
            (local.set $gs (f32.mul (f32.load (i32.add (local.get $g) (local.get $at))) (local.get $s)))
            (local.set $gs (f32.mul (local.get $gs) (local.get $gs)))
            (local.set $at (i32.add (local.get $colSum) (i32.shl (local.get $c) (i32.const 2))))
            (f32.store (local.get $at)
              (f32.add (f32.load (local.get $at)) (f32.add (local.get $gs) (local.get $eps1))))
            (local.set $at (i32.add (local.get $w) (i32.shl (local.get $c) (i32.const 2))))
            (f32.store (local.get $at)
              (f32.add (f32.load (local.get $at))
                (f32.mul (local.get $gs) (f32x4.extract_lane 0 (local.get $inv)))))
            (local.set $c (i32.add (local.get $c) (i32.const 1)))
            (br $btl)))
        (local.set $r (i32.add (local.get $r) (i32.const 1)))
        (br $rows)))
    (local.get $pSum))

  ;; θ at $p, g at $g, m at $m (R·C each; $m unused unless $hasM), rf at $rf (R), cf at $cf
  ;; (C). $k: the step α over the clipping divisor; $keep: 1 − αλ (1 without decay);
  ;; $c1: 1 − β₁.
  (func (export "apply")
    (param $p i32) (param $g i32) (param $m i32) (param $R i32) (param $C i32) (param $rf i32)
    (param $cf i32) (param $s f32) (param $k f32) (param $keep f32) (param $beta1 f32) (param $c1 f32)
    (param $hasM i32)
    (local $r i32) (local $c i32) (local $C4 i32) (local $at i32) (local $base i32)
    (local $S v128) (local $K v128) (local $KEEP v128) (local $B1 v128) (local $C1 v128)
    (local $RF v128) (local $x v128) (local $u v128) (local $tiny v128) (local $magnitude v128)
    (local $rfs f32) (local $us f32) (local $xs f32)
    (local.set $S (f32x4.splat (local.get $s)))
    (local.set $K (f32x4.splat (local.get $k)))
    (local.set $KEEP (f32x4.splat (local.get $keep)))
    (local.set $B1 (f32x4.splat (local.get $beta1)))
    (local.set $C1 (f32x4.splat (local.get $c1)))
    ;; FLT_MIN, the smallest normal float32, and the bits of a float but its sign
    (local.set $tiny (f32x4.splat (f32.const 0x1p-126)))
    (local.set $magnitude (i32x4.splat (i32.const 0x7fffffff)))
    (local.set $C4 (i32.and (local.get $C) (i32.const -4)))
    (block $rows_done
      (loop $rows
        (br_if $rows_done (i32.ge_u (local.get $r) (local.get $R)))
        (local.set $base (i32.shl (i32.mul (local.get $r) (local.get $C)) (i32.const 2)))
        (local.set $rfs (f32.load (i32.add (local.get $rf) (i32.shl (local.get $r) (i32.const 2)))))
        (local.set $RF (f32x4.splat (local.get $rfs)))
        (local.set $c (i32.const 0))
        (block $v_done
          (loop $v
            (br_if $v_done (i32.ge_u (local.get $c) (local.get $C4)))
            (local.set $at (i32.add (local.get $base) (i32.shl (local.get $c) (i32.const 2))))
            ;; U = ((rf·cf)·(g·s))·k
            (local.set $u (f32x4.mul
              (f32x4.mul
                (f32x4.mul (local.get $RF)
                  (v128.load (i32.add (local.get $cf) (i32.shl (local.get $c) (i32.const 2)))))
                (f32x4.mul (v128.load (i32.add (local.get $g) (local.get $at))) (local.get $S)))
              (local.get $K)))
            (if (local.get $hasM)
              (then
                ;; m·β₁ + U·(1 − β₁), flushed: x & ~(|x| < FLT_MIN ? magnitude bits : 0)
                (local.set $x (f32x4.add
                  (f32x4.mul (v128.load (i32.add (local.get $m) (local.get $at))) (local.get $B1))
                  (f32x4.mul (local.get $u) (local.get $C1))))
                (local.set $u (v128.andnot (local.get $x)
                  (v128.and (f32x4.lt (f32x4.abs (local.get $x)) (local.get $tiny)) (local.get $magnitude))))
                (v128.store (i32.add (local.get $m) (local.get $at)) (local.get $u))))
            ;; θ·keep − U, flushed
            (local.set $x (f32x4.sub
              (f32x4.mul (v128.load (i32.add (local.get $p) (local.get $at))) (local.get $KEEP))
              (local.get $u)))
            (v128.store (i32.add (local.get $p) (local.get $at)) (v128.andnot (local.get $x)
              (v128.and (f32x4.lt (f32x4.abs (local.get $x)) (local.get $tiny)) (local.get $magnitude))))
            (local.set $c (i32.add (local.get $c) (i32.const 4)))
            (br $v)))
        (block $t_done
          (loop $t
            (br_if $t_done (i32.ge_u (local.get $c) (local.get $C)))
            (local.set $at (i32.add (local.get $base) (i32.shl (local.get $c) (i32.const 2))))
            (local.set $us (f32.mul
              (f32.mul
                (f32.mul (local.get $rfs)
                  (f32.load (i32.add (local.get $cf) (i32.shl (local.get $c) (i32.const 2)))))
                (f32.mul (f32.load (i32.add (local.get $g) (local.get $at))) (local.get $s)))
              (local.get $k)))
            (if (local.get $hasM)
              (then
                (local.set $xs (f32.add
                  (f32.mul (f32.load (i32.add (local.get $m) (local.get $at))) (local.get $beta1))
                  (f32.mul (local.get $us) (local.get $c1))))
                (local.set $us (select (f32.copysign (f32.const 0) (local.get $xs)) (local.get $xs)
                  (f32.lt (f32.abs (local.get $xs)) (f32.const 0x1p-126))))
                (f32.store (i32.add (local.get $m) (local.get $at)) (local.get $us))))
            (local.set $xs (f32.sub
              (f32.mul (f32.load (i32.add (local.get $p) (local.get $at))) (local.get $keep))
              (local.get $us)))
            (f32.store (i32.add (local.get $p) (local.get $at))
              (select (f32.copysign (f32.const 0) (local.get $xs)) (local.get $xs)
                (f32.lt (f32.abs (local.get $xs)) (f32.const 0x1p-126))))
            (local.set $c (i32.add (local.get $c) (i32.const 1)))
            (br $t)))
        (local.set $r (i32.add (local.get $r) (i32.const 1)))
        (br $rows)))
  )
)
