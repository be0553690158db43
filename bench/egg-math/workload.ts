/**
 * The egg math workload as data: the rule set and test cases of the `math` suite of egg, the Rust e-graph
 * library (egraphs-good/egg, `tests/math.rs`). The tests and benchmarks read it from here, so a fresh clone
 * needs nothing outside the repository. Guards, analysis, runner settings and reference figures: README.md.
 */
import type { CaseSource, RuleRow } from './load.js';

/** egg's 36 math rules: name, left side, right side, guards (`and`-separated, empty for none). */
export const EGG_MATH_RULES: readonly RuleRow[] = [
  { name: 'comm-add', lhs: '(+ ?a ?b)', rhs: '(+ ?b ?a)', guard: '' },
  { name: 'comm-mul', lhs: '(* ?a ?b)', rhs: '(* ?b ?a)', guard: '' },
  { name: 'assoc-add', lhs: '(+ ?a (+ ?b ?c))', rhs: '(+ (+ ?a ?b) ?c)', guard: '' },
  { name: 'assoc-mul', lhs: '(* ?a (* ?b ?c))', rhs: '(* (* ?a ?b) ?c)', guard: '' },
  { name: 'sub-canon', lhs: '(- ?a ?b)', rhs: '(+ ?a (* -1 ?b))', guard: '' },
  { name: 'div-canon', lhs: '(/ ?a ?b)', rhs: '(* ?a (pow ?b -1))', guard: 'not_zero(?b)' },
  { name: 'zero-add', lhs: '(+ ?a 0)', rhs: '?a', guard: '' },
  { name: 'zero-mul', lhs: '(* ?a 0)', rhs: '0', guard: '' },
  { name: 'one-mul', lhs: '(* ?a 1)', rhs: '?a', guard: '' },
  { name: 'add-zero', lhs: '?a', rhs: '(+ ?a 0)', guard: '' },
  { name: 'mul-one', lhs: '?a', rhs: '(* ?a 1)', guard: '' },
  { name: 'cancel-sub', lhs: '(- ?a ?a)', rhs: '0', guard: '' },
  { name: 'cancel-div', lhs: '(/ ?a ?a)', rhs: '1', guard: 'not_zero(?a)' },
  { name: 'distribute', lhs: '(* ?a (+ ?b ?c))', rhs: '(+ (* ?a ?b) (* ?a ?c))', guard: '' },
  { name: 'factor', lhs: '(+ (* ?a ?b) (* ?a ?c))', rhs: '(* ?a (+ ?b ?c))', guard: '' },
  { name: 'pow-mul', lhs: '(* (pow ?a ?b) (pow ?a ?c))', rhs: '(pow ?a (+ ?b ?c))', guard: '' },
  { name: 'pow0', lhs: '(pow ?x 0)', rhs: '1', guard: 'not_zero(?x)' },
  { name: 'pow1', lhs: '(pow ?x 1)', rhs: '?x', guard: '' },
  { name: 'pow2', lhs: '(pow ?x 2)', rhs: '(* ?x ?x)', guard: '' },
  { name: 'pow-recip', lhs: '(pow ?x -1)', rhs: '(/ 1 ?x)', guard: 'not_zero(?x)' },
  { name: 'recip-mul-div', lhs: '(* ?x (/ 1 ?x))', rhs: '1', guard: 'not_zero(?x)' },
  { name: 'd-variable', lhs: '(d ?x ?x)', rhs: '1', guard: 'is_sym(?x)' },
  { name: 'd-constant', lhs: '(d ?x ?c)', rhs: '0', guard: 'is_sym(?x) and const_or_distinct_var(?c, ?x)' },
  { name: 'd-add', lhs: '(d ?x (+ ?a ?b))', rhs: '(+ (d ?x ?a) (d ?x ?b))', guard: '' },
  { name: 'd-mul', lhs: '(d ?x (* ?a ?b))', rhs: '(+ (* ?a (d ?x ?b)) (* ?b (d ?x ?a)))', guard: '' },
  { name: 'd-sin', lhs: '(d ?x (sin ?x))', rhs: '(cos ?x)', guard: '' },
  { name: 'd-cos', lhs: '(d ?x (cos ?x))', rhs: '(* -1 (sin ?x))', guard: '' },
  { name: 'd-ln', lhs: '(d ?x (ln ?x))', rhs: '(/ 1 ?x)', guard: 'not_zero(?x)' },
  {
    name: 'd-power',
    lhs: '(d ?x (pow ?f ?g))',
    rhs: '(* (pow ?f ?g) (+ (* (d ?x ?f) (/ ?g ?f)) (* (d ?x ?g) (ln ?f))))',
    guard: 'not_zero(?f) and not_zero(?g)',
  },
  { name: 'i-one', lhs: '(i 1 ?x)', rhs: '?x', guard: '' },
  {
    name: 'i-power-const',
    lhs: '(i (pow ?x ?c) ?x)',
    rhs: '(/ (pow ?x (+ ?c 1)) (+ ?c 1))',
    guard: 'is_const(?c)',
  },
  { name: 'i-cos', lhs: '(i (cos ?x) ?x)', rhs: '(sin ?x)', guard: '' },
  { name: 'i-sin', lhs: '(i (sin ?x) ?x)', rhs: '(* -1 (cos ?x))', guard: '' },
  { name: 'i-sum', lhs: '(i (+ ?f ?g) ?x)', rhs: '(+ (i ?f ?x) (i ?g ?x))', guard: '' },
  { name: 'i-dif', lhs: '(i (- ?f ?g) ?x)', rhs: '(- (i ?f ?x) (i ?g ?x))', guard: '' },
  {
    name: 'i-parts',
    lhs: '(i (* ?a ?b) ?x)',
    rhs: '(- (* ?a (i ?b ?x)) (i (* (d ?x ?a) (i ?b ?x)) ?x))',
    guard: '',
  },
];

/**
 * egg's math test cases: `start` is loaded and the case passes when `goal` joins its class; `limits` overrides
 * the runner defaults for the goal test, `reference` is egg's stop reason and size in a stress run at 10,000
 * e-nodes. `math_fail` must not be proven; `math_associate_adds` checks the class count.
 */
export const EGG_MATH_CASES: readonly CaseSource[] = [
  {
    name: 'math_simplify_add',
    start: '(+ x (+ x (+ x x)))',
    goal: '(* 4 x)',
    limits: 'default',
    reference: 'Saturated, 6 iterations, 36 e-nodes, 9 classes',
  },
  {
    name: 'math_powers',
    start: '(* (pow 2 x) (pow 2 y))',
    goal: '(pow 2 (+ x y))',
    limits: 'default',
    reference: 'Saturated, 4 iterations, 36 e-nodes',
  },
  {
    name: 'math_simplify_const',
    start: '(+ 1 (- a (* (- 2 1) a)))',
    goal: '1',
    limits: 'default',
    reference: 'Saturated, 5 iterations, 21 e-nodes',
  },
  {
    name: 'math_simplify_root',
    start: '(/ 1 (- (/ (+ 1 (sqrt five)) 2) (/ (- 1 (sqrt five)) 2)))',
    goal: '(/ 1 (sqrt five))',
    limits: 'node_limit 75000 in the goal test',
    reference: 'NodeLimit after 22 iterations, ~8,200 e-nodes, ~1,370 classes',
  },
  {
    name: 'math_simplify_factor',
    start: '(* (+ x 3) (+ x 1))',
    goal: '(+ (+ (* x x) (* 4 x)) 3)',
    limits: 'default',
    reference: 'Saturated, 8 iterations, 142 e-nodes',
  },
  {
    name: 'math_diff_same',
    start: '(d x x)',
    goal: '1',
    limits: 'default',
    reference: 'Saturated, 4 iterations, 7 e-nodes',
  },
  {
    name: 'math_diff_different',
    start: '(d x y)',
    goal: '0',
    limits: 'default',
    reference: 'Saturated, 4 iterations, 12 e-nodes',
  },
  {
    name: 'math_diff_simple1',
    start: '(d x (+ 1 (* 2 x)))',
    goal: '2',
    limits: 'default',
    reference: 'Saturated, 5 iterations, 20 e-nodes',
  },
  {
    name: 'math_diff_simple2',
    start: '(d x (+ 1 (* y x)))',
    goal: 'y',
    limits: 'default',
    reference: 'Saturated, 4 iterations, 26 e-nodes',
  },
  {
    name: 'math_diff_ln',
    start: '(d x (ln x))',
    goal: '(/ 1 x)',
    limits: 'default',
    reference: 'Saturated, 8 iterations, 28 e-nodes',
  },
  {
    name: 'diff_power_simple',
    start: '(d x (pow x 3))',
    goal: '(* 3 (pow x 2))',
    limits: 'default',
    reference: 'Saturated, 10 iterations, 92 e-nodes',
  },
  {
    name: 'diff_power_harder',
    start: '(d x (- (pow x 3) (* 7 (pow x 2))))',
    goal: '(* x (- (* 3 x) 14))',
    limits: 'iter 60, node 100000 in the goal test',
    reference: 'IterationLimit 30, ~5,070 e-nodes, ~690 classes',
  },
  {
    name: 'integ_one',
    start: '(i 1 x)',
    goal: 'x',
    limits: 'default',
    reference: 'Saturated, 4 iterations, 8 e-nodes',
  },
  {
    name: 'integ_sin',
    start: '(i (cos x) x)',
    goal: '(sin x)',
    limits: 'default',
    reference: 'NodeLimit after 8 iterations, ~7,840 e-nodes',
  },
  {
    name: 'integ_x',
    start: '(i (pow x 1) x)',
    goal: '(/ (pow x 2) 2)',
    limits: 'default',
    reference: 'NodeLimit after 10 iterations, ~6,400 e-nodes',
  },
  {
    name: 'integ_part1',
    start: '(i (* x (cos x)) x)',
    goal: '(+ (* x (sin x)) (cos x))',
    limits: 'default',
    reference: 'NodeLimit after 7 iterations, ~7,830 e-nodes',
  },
  {
    name: 'integ_part2',
    start: '(i (* (cos x) x) x)',
    goal: '(+ (* x (sin x)) (cos x))',
    limits: 'default',
    reference: 'NodeLimit after 7 iterations, ~6,400 e-nodes',
  },
  {
    name: 'integ_part3',
    start: '(i (ln x) x)',
    goal: '(- (* x (ln x)) x)',
    limits: 'default',
    reference: 'NodeLimit after 8 iterations, ~8,110 e-nodes',
  },
  {
    name: 'math_associate_adds',
    start: '(+ 1 (+ 2 (+ 3 (+ 4 (+ 5 (+ 6 7))))))',
    goal: '(+ 7 (+ 6 (+ 5 (+ 4 (+ 3 (+ 2 1))))))',
    limits: 'only comm-add and assoc-add; 7 iterations; simple scheduler (no backoff)',
    reference: 'exactly 127 e-classes after 7 iterations',
  },
  {
    name: 'math_fail',
    start: '(+ x y)',
    goal: '(/ x y)',
    limits: 'default',
    reference: 'must NOT be proven',
  },
];
