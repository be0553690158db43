// Build step (after tsc, copy-assets and build-syntax; before scripts/bundle.mjs): the search code of the
// shapes the shipped rules use on the model graphs (src/egraph/machine.ts), written as the functions of a
// module, DIR/prebuilt-search.js, that hands them to the matcher when it runs. The bundle puts it in
// the package's script (`@saturn.cjs=DIR/prebuilt-search.js`), whose code cache then holds them: the
// matcher compiled each shape with `new Function` again in every process. Made by loading the rule
// library and optimizing the model graphs with tsc's output, as scripts/code-cache.mjs warms the script.
// Usage: node scripts/search-code.mjs DIR (tsc's output: dist, or dist-bench/src)
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const [dir] = process.argv.slice(2);
if (!dir) throw new Error('usage: node scripts/search-code.mjs DIR');
const url = (path) => pathToFileURL(resolve(dir, path)).href;
const saturn = await import(url('index.js'));
saturn.defaultLibrary();
saturn.optimize(saturn.logisticRegression().outputs);
saturn.optimize(saturn.mlp().outputs);
const { prebuiltSearchModule } = await import(url('egraph/machine.js'));
writeFileSync(resolve(dir, 'prebuilt-search.js'), prebuiltSearchModule('./egraph/machine.js'));
