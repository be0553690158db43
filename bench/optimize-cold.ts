// One cold optimize, in the fresh process the optimize benchmark starts for it: CPU and wall time of
// importing Saturn, loading the shipped rule library, and the first optimize of one model graph.
// Saturn is imported as users get it, from the bundle of the bench's build (scripts/bundle.mjs): its
// entry point is served from a script with a code cache, which also serves the tanh MLP's builder and
// the Ohm loader, so that all use one instance of each module.
// Prints one JSON line. Usage: node dist-bench/bench/optimize-cold.js logreg|tanhMlp|mlp
const cpu = (): number => {
  const c = process.cpuUsage();
  return (c.user + c.system) / 1000;
};
const bundled = (name: string) => new URL(`../bundle/${name}.js`, import.meta.url).href;
const c0 = cpu();
const t0 = performance.now();
const saturn = (await import(bundled('index'))) as typeof import('../src/index.js');
const c1 = cpu();
saturn.defaultLibrary();
const c2 = cpu();
const model = process.argv[2];
const outputs =
  model === 'logreg'
    ? saturn.logisticRegression().outputs
    : model === 'mlp'
      ? saturn.mlp().outputs
      : model === 'tanhMlp'
        ? ((await import(bundled('tanh-mlp'))) as typeof import('./tanh-mlp.js')).tanhMlp()
        : undefined;
if (outputs === undefined) throw new Error(`unknown model '${model}'`);
const { report } = saturn.optimize(outputs);
const c3 = cpu();
console.log(
  JSON.stringify({
    importMs: c1 - c0,
    libraryMs: c2 - c1,
    optimizeMs: c3 - c2,
    totalMs: c3 - c0,
    wallMs: performance.now() - t0,
    nodesAfter: report.nodesAfter,
    // Parsing text needs Ohm; importing, loading the build's rule library and optimizing must not.
    ohmLoaded: ((await import(bundled('ohm'))) as typeof import('../src/graph/syntax/ohm.js')).ohmLoaded(),
  }),
);
