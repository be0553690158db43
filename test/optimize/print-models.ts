// Prints the optimized model graphs in the order given on the command line (a child process of the
// determinism test): `node --import ./test/support/ts-register.mjs test/optimize/print-models.ts mlp logreg`.
import { optimizedModels } from './models-printed.js';

console.log(JSON.stringify(optimizedModels(process.argv.slice(2))));
