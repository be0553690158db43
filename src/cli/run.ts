/** `saturn run EXPR --var …`: compiles an expression and runs it once on a device. */
import { parseArgs } from 'node:util';
import { compile } from '../compile/index.js';
import { parseExpr } from '../graph/syntax/index.js';
import { graphInputs } from '../graph/topo.js';
import type { DeviceRequest } from '../runtime/devices.js';
import type { Command } from './usage.js';
import { UsageError } from './usage.js';
import { parseVars } from './vars.js';

export const runCommand: Command = {
  name: 'run',
  summary: 'compile an expression and run it (optimized, fused, on a device)',
  usage:
    'saturn run "EXPR" --var "x:f32[3]=1,2,3" [--var …] [--device js|auto] [--mode fast_run] [--profile] [--json]',
  async run(args) {
    const { values, positionals } = parseArgs({
      args: [...args],
      options: {
        var: { type: 'string', multiple: true, default: [] },
        device: { type: 'string', default: 'auto' },
        mode: { type: 'string', default: 'fast_run' },
        profile: { type: 'boolean', default: false },
        json: { type: 'boolean', default: false },
      },
      allowPositionals: true,
    });
    if (positionals.length !== 1) throw new UsageError('run takes one expression');
    const vars = parseVars(values.var ?? []);
    const expr = parseExpr(positionals[0], { vars: vars.nodes });
    const f = await compile({
      inputs: graphInputs([expr]),
      outputs: [expr],
      device: values.device as DeviceRequest,
      mode: values.mode,
      profile: values.profile,
    });
    const [result] = await f.run(vars.values);
    const report = f.report;
    const kernels = report.programs.at(-1)?.kernels ?? [];
    const text = [result.toString()];
    if (values.profile) text.push('', report.format(), '', f.profile!.report());
    f.dispose();
    return {
      text: text.join('\n'),
      json: {
        dtype: result.dtype,
        shape: result.shape,
        value: result.toArray(),
        device: report.device,
        deviceReason: report.deviceReason,
        kernels,
        ...(values.profile ? { profile: f.profile!.json() } : {}),
      },
    };
  },
};
