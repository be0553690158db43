// Real floating-point expressions from numerical code, in the spirit of the FPBench suite (fpbench.org):
// each is written here from the source it names (the program or the text it comes from, and the FPBench
// or Herbie benchmark that collects it), in Saturn's infix syntax. Only ops Saturn has are used (no
// atan, cbrt, hypot); constants are as the sources give them. `domain` narrows a variable where the
// source states a precondition that the whole float64 range would make meaningless (a count n >= 2).

/** One expression and where it comes from. */
export interface FPExpr {
  readonly name: string;
  /** The program or text, and the suite that collects it. */
  readonly source: string;
  readonly expr: string;
  readonly domain?: Readonly<Record<string, readonly [number, number]>>;
}

const f64 = (vars: string) =>
  vars
    .split(' ')
    .map((v) => `${v}: f64`)
    .join('; ');

export const FP_EXPRESSIONS: readonly FPExpr[] = [
  // Rosa / Daisy verification benchmarks (FPBench "rosa" and "daisy" collections).
  {
    name: 'doppler1',
    source: 'Rosa (Darulova & Kuncak 2014), doppler1; FPBench',
    expr: `${f64('u v T')}; (-(331.4 + 0.6 * T) * v) / ((331.4 + 0.6 * T + u) * (331.4 + 0.6 * T + u))`,
  },
  {
    name: 'rigidBody1',
    source: 'Rosa, rigidBody1; FPBench',
    expr: `${f64('x1 x2 x3')}; -(x1 * x2) - 2 * x2 * x3 - x1 - x3`,
  },
  {
    name: 'rigidBody2',
    source: 'Rosa, rigidBody2; FPBench',
    expr: `${f64('x1 x2 x3')}; 2 * x1 * x2 * x3 + 3 * x3 * x3 - x2 * x1 * x2 * x3 + 3 * x3 * x3 - x2`,
  },
  {
    name: 'turbine1',
    source: 'Rosa, turbine1; FPBench',
    expr: `${f64('v w r')}; 3 + 2 / (r * r) - 0.125 * (3 - 2 * v) * (w * w * r * r) / (1 - v) - 4.5`,
  },
  {
    name: 'turbine2',
    source: 'Rosa, turbine2; FPBench',
    expr: `${f64('v w r')}; 6 * v - 0.5 * v * (w * w * r * r) / (1 - v) - 2.5`,
  },
  {
    name: 'turbine3',
    source: 'Rosa, turbine3; FPBench',
    expr: `${f64('v w r')}; 3 - 2 / (r * r) - 0.125 * (1 + 2 * v) * (w * w * r * r) / (1 - v) - 0.5`,
  },
  {
    name: 'verhulst',
    source: 'Rosa, verhulst (logistic growth, r = 4, K = 1.11); FPBench',
    expr: `${f64('x')}; 4 * x / (1 + x / 1.11)`,
  },
  {
    name: 'predatorPrey',
    source: 'Rosa, predatorPrey (r = 4, K = 1.11); FPBench',
    expr: `${f64('x')}; 4 * x * x / (1 + (x / 1.11) * (x / 1.11))`,
  },
  {
    name: 'carbonGas',
    source: 'Rosa, carbonGas (van der Waals equation, CO2 constants); FPBench',
    expr: `${f64('T V')}; (3.5e7 + 0.401 * (1000 / V) * (1000 / V)) * (V - 1000 * 4.27e-5) - 1.3806503e-23 * 1000 * T`,
  },
  {
    name: 'sine',
    source: 'Rosa, sine (Taylor polynomial of degree 7); FPBench',
    expr: `${f64('x')}; x - x * x * x / 6 + x * x * x * x * x / 120 - x * x * x * x * x * x * x / 5040`,
  },
  {
    name: 'sqroot',
    source: 'Rosa, sqroot (Taylor polynomial of sqrt(1 + x)); FPBench',
    expr: `${f64('x')}; 1 + 0.5 * x - 0.125 * x * x + 0.0625 * x * x * x - 0.0390625 * x * x * x * x`,
  },
  {
    name: 'sineOrder3',
    source: 'Rosa, sineOrder3; FPBench',
    expr: `${f64('x')}; 0.954929658551372 * x - 0.12900613773279798 * (x * x * x)`,
  },
  {
    name: 'himmilbeau',
    source: "Daisy, himmilbeau (Himmelblau's function); FPBench",
    expr: `${f64('x1 x2')}; (x1 * x1 + x2 - 11) * (x1 * x1 + x2 - 11) + (x1 + x2 * x2 - 7) * (x1 + x2 * x2 - 7)`,
  },
  {
    name: 'kepler0',
    source: 'FPTaylor, kepler0 (Flyspeck inequality); FPBench',
    expr: `${f64('x1 x2 x3 x4 x5 x6')}; x2 * x5 + x3 * x6 - x2 * x3 - x5 * x6 + x1 * (-x1 + x2 + x3 - x4 + x5 + x6)`,
  },
  // Herbie's benchmark suite (Panchekha et al. 2015), as FPBench's "haskell" collection names them.
  {
    name: 'quaternion-csinh',
    source: 'Haskell linear-1.19.1.3, Linear.Quaternion:$csinh (x * sin y / y); Herbie/FPBench haskell',
    expr: `${f64('x y')}; x * sin(y) / y`,
  },
  {
    name: 'cubForm-B',
    source:
      'Haskell diagrams-solve-0.1, Diagrams.Solve.Polynomial:cubForm (x * (3 * y * y)); FPBench haskell',
    expr: `${f64('x y')}; x * (3 * y * y)`,
  },
  {
    name: 'incompleteBeta',
    source:
      'Haskell math-functions-0.1.5.2, Numeric.SpecFunctions:incompleteBetaWorker; Herbie/FPBench haskell',
    expr: `${f64('x y z t a b')}; x * exp(y * log(z) + (t - 1) * log(a) - b) / y`,
  },
  {
    name: 'linMap',
    source: 'Haskell Chart-1.5.3, Graphics.Rendering.Chart.Axis.Types:linMap; Herbie/FPBench haskell',
    expr: `${f64('x y z t a')}; x + (y - x) * (z - t) / (a - t)`,
  },
  {
    name: 'sqrt-chain',
    source: 'Herbie haskell suite, Main:z (a sum of sqrt(v + 1) - sqrt(v)); FPBench haskell',
    expr: `${f64('x y z t')}; sqrt(x + 1) - sqrt(x) + (sqrt(y + 1) - sqrt(y)) + (sqrt(z + 1) - sqrt(z)) + (sqrt(t + 1) - sqrt(t))`,
  },
  {
    name: 'hslsv',
    source: 'Haskell colour-2.3.3, Data.Colour.RGB:hslsv (saturation (y - x)/(y + x)); FPBench haskell',
    expr: `${f64('x y')}; (y - x) / (y + x)`,
  },
  // Hamming, Numerical Methods for Scientists and Engineers, ch. 3 (FPBench "hamming").
  { name: '2sqrt', source: 'Hamming 3.1; FPBench hamming', expr: `${f64('x')}; sqrt(x + 1) - sqrt(x)` },
  { name: '2frac', source: 'Hamming p3.3.1; FPBench hamming', expr: `${f64('x')}; 1 / (x + 1) - 1 / x` },
  { name: '2log', source: 'Hamming p3.3.6; FPBench hamming', expr: `${f64('x')}; log(x + 1) - log(x)` },
  { name: 'expm1', source: 'Hamming 3.7; FPBench hamming', expr: `${f64('x')}; exp(x) - 1` },
  {
    name: 'quadp',
    source: 'Hamming 3.2, quadratic formula (+ root); FPBench hamming',
    expr: `${f64('a b c')}; (-b + sqrt(b * b - 4 * a * c)) / (2 * a)`,
  },
  {
    name: 'quadm',
    source: 'Hamming 3.2, quadratic formula (- root); FPBench hamming',
    expr: `${f64('a b c')}; (-b - sqrt(b * b - 4 * a * c)) / (2 * a)`,
  },
  // Mathematics and physics in programs (Herbie's "mathematics" and "physics" suites, textbook formulas).
  {
    name: 'complex-div-re',
    source:
      "real part of (a + bi)/(c + di), as textbooks write it (Smith's algorithm avoids it); Herbie mathematics",
    expr: `${f64('a b c d')}; (a * c + b * d) / (c * c + d * d)`,
  },
  {
    name: 'csqrt-re',
    source: 'real part of a complex square root, 0.5·sqrt(2(|z| + re)); Herbie mathematics',
    expr: `${f64('re im')}; 0.5 * sqrt(2 * (sqrt(re * re + im * im) + re))`,
  },
  {
    name: 'logs',
    source: '(n + 1) log(n + 1) - n log n - 1 (Stirling differences); Herbie mathematics',
    expr: `${f64('n')}; (n + 1) * log(n + 1) - n * log(n) - 1`,
  },
  {
    name: 'rel-kinetic',
    source: 'relativistic kinetic energy m c² (1/sqrt(1 - v²/c²) - 1), physics textbook (c = 299792458)',
    expr: `${f64('m v')}; m * 299792458 * 299792458 * (1 / sqrt(1 - v * v / (299792458 * 299792458)) - 1)`,
  },
  {
    name: 'projectile',
    source: 'projectile range v² sin(2θ)/g, physics textbook (g = 9.80665)',
    expr: `${f64('v theta')}; v * v * sin(2 * theta) / 9.80665`,
  },
  {
    name: 'coulomb',
    source: "Coulomb's law k q1 q2 / r², physics textbook (k = 8.9875517923e9)",
    expr: `${f64('q1 q2 r')}; 8.9875517923e9 * q1 * q2 / (r * r)`,
  },
  // Graphics and statistics.
  {
    name: 'sampleCone',
    source:
      'pbrt-v3 UniformSampleCone, sinTheta = sqrt(1 - cos²θ), cosθ = (1 - u) + u·cosMax; FPBench graphics',
    expr: `${f64('ux maxCos')}; sqrt(1 - ((1 - ux) + ux * maxCos) * ((1 - ux) + ux * maxCos))`,
  },
  {
    name: 'lerp',
    source: 'linear interpolation a + t (b - a), as graphics code writes it',
    expr: `${f64('a b t')}; a + t * (b - a)`,
  },
  {
    name: 'logistic',
    source: 'logistic function 1/(1 + e^-x), statistics',
    expr: `${f64('x')}; 1 / (1 + exp(-x))`,
  },
  {
    name: 'normal-pdf',
    source: 'standard normal density e^(-x²/2)/sqrt(2π), statistics',
    expr: `${f64('x')}; exp(-(x * x) / 2) / 2.5066282746310002`,
  },
  {
    name: 'variance-1pass',
    source:
      'one-pass sample variance (Σx² - (Σx)²/n)/(n - 1), statistics texts (Chan, Golub & LeVeque 1983 on why it fails)',
    expr: `${f64('s1 s2 n')}; (s2 - s1 * s1 / n) / (n - 1)`,
    domain: { n: [2, 1e6] },
  },
];
