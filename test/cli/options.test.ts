/** The command line's options: help for every command, negative values, leading-minus expressions, number printing. */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { parseCommandArgs } from '../../src/cli/args.js';
import { checkEquivalenceCommand } from '../../src/cli/check-equivalence.js';
import { evalCommand } from '../../src/cli/eval.js';
import { gradCommand } from '../../src/cli/grad.js';
import { runCli } from './run-cli.js';
import { optimizeCommand } from '../../src/cli/optimize.js';
import { rulesCommand } from '../../src/cli/rules.js';

const run = runCli;

afterEach(() => {
  vi.restoreAllMocks();
});

const COMMANDS = [evalCommand, gradCommand, optimizeCommand, checkEquivalenceCommand, rulesCommand];

describe('help', () => {
  it.each(COMMANDS.map((c) => [c.name, c] as const))(
    'saturn %s --help explains every option',
    async (name, command) => {
      const viaFlag = await run(name, '--help');
      expect(viaFlag.code).toBe(0);
      expect(viaFlag.out).toMatch(new RegExp(`^usage: saturn ${name}`));
      for (const option of Object.keys(command.options!))
        expect(viaFlag.out).toMatch(new RegExp(`\\n  --${option}\\b.* \\w+`));
      const viaHelp = await run('help', name);
      expect(viaHelp).toEqual(viaFlag);
      expect((await run(name, 'x', '-h')).out).toBe(viaFlag.out);
    },
  );

  it('explains --domain, --runs, --dtypes, --no-growth and --filter in words', async () => {
    expect((await run('check-equivalence', '--help')).out).toMatch(
      /--domain LO,HI\|NAME=DOMAIN +where values come from/,
    );
    expect((await run('check-equivalence', '--help')).out).toMatch(
      /--runs N +input sets to try \(default 100\)/,
    );
    const rules = (await run('rules', '--help')).out;
    expect(rules).toMatch(/--dtypes D\[,D…\] +dtypes drawn for rule variables/);
    expect(rules).toMatch(/--no-growth +skip the growth probes/);
    expect(rules).toMatch(/--filter TEXT +check only the rules whose name contains TEXT/);
  });

  it('says which command is unknown to help', async () => {
    const r = await run('help', 'frob');
    expect(r.code).toBe(2);
    expect(r.err).toContain("saturn help: unknown command 'frob'");
  });
});

describe('argument parsing', () => {
  const options = {
    domain: { type: 'string', help: '' },
    var: { type: 'string', multiple: true, help: '' },
  } as const;

  it('takes a negative number as an option value', () => {
    expect(parseCommandArgs(options, ['--domain', '-5,5']).string('domain')).toBe('-5,5');
    expect(parseCommandArgs(options, ['--domain=-5,-1']).string('domain')).toBe('-5,-1');
  });

  it('takes an expression starting with "-" anywhere, with or without --', () => {
    for (const argv of [
      ['-sum(x)', '--var', 'x'],
      ['--var', 'x', '-sum(x)'],
      ['--', '-sum(x)', '--var', 'x'],
      ['--var', 'x', '--', '-sum(x)'],
    ]) {
      const args = parseCommandArgs(options, argv);
      expect(args.positionals).toEqual(['-sum(x)']);
      expect(args.strings('var')).toEqual(['x']);
    }
    expect(parseCommandArgs(options, ['--', '--x']).positionals).toEqual(['--x']);
  });

  it('refuses a value missing at the end, and a single-valued option given twice', () => {
    expect(() => parseCommandArgs(options, ['--domain'])).toThrow('--domain needs a value');
    expect(() => parseCommandArgs(options, ['--domain', '1,2', '--domain', '3,4'])).toThrow(
      '--domain given twice',
    );
  });
});

describe('commands with the new parsing', () => {
  it('optimizes an expression that starts with a minus', async () => {
    for (const argv of [
      ['optimize', '--', '-sum(x)', '--var', 'x:f64[n]'],
      ['optimize', '--var', 'x:f64[n]', '-sum(x)'],
    ]) {
      const r = await run(...argv, '--json');
      expect(r.code).toBe(0);
      expect(JSON.parse(r.out).input).toBe('-sum(x)');
    }
  });

  it('checks equivalence on a negative domain', async () => {
    const r = await run(
      'check-equivalence',
      'sqrt(x * x)',
      '--var',
      'x:f64[n]',
      '--domain',
      '-5,-1',
      '--seed',
      '3',
      '--runs',
      '5',
    );
    expect(r.code).toBe(0);
    expect(r.out).toContain('equivalent on 5 input sets');
  });

  it('prints the optimized gradient with grad --optimize', async () => {
    const plain = await run('grad', 'sum(x * 1 + 0)', '--wrt', 'x', '--var', 'x:f64[n]');
    expect(plain.out).not.toBe('d/dx = ones_like(x)');
    const r = await run('grad', 'sum(x * 1 + 0)', '--wrt', 'x', '--var', 'x:f64[n]', '--optimize', '--json');
    expect(r.code).toBe(0);
    const json = JSON.parse(r.out);
    expect(json.optimized).toBe(true);
    expect(json.gradients[0].expr.length).toBeLessThan(
      JSON.parse((await run('grad', 'sum(x * 1 + 0)', '--wrt', 'x', '--var', 'x:f64[n]', '--json')).out)
        .gradients[0].expr.length,
    );
  });
});

describe('special values in and out', () => {
  it('eval prints NaN, Inf, -Inf and -0 distinctly, in text and JSON', async () => {
    const argv = ['eval', 'x * y', '--var', 'x:f64[4]=nan,inf,-inf,-0', '--var', 'y:f64[4]=1,1,1,1'];
    const text = await run(...argv);
    expect(text.out).toBe('f64[4] [NaN, Inf, -Inf, -0]');
    const json = JSON.parse((await run(...argv, '--json')).out);
    expect(json.value).toEqual(['NaN', 'Infinity', '-Infinity', '-0']);
  });

  it('--var accepts nan and inf in any case and with signs, and names a bad value', async () => {
    const r = await run('eval', 'x', '--var', 'x:f64[5]=NaN,Inf,+inf,-Infinity,1e-3', '--json');
    expect(JSON.parse(r.out).value).toEqual(['NaN', 'Infinity', 'Infinity', '-Infinity', 0.001]);
    const bad = await run('eval', 'x', '--var', 'x:f64[2]=1,infinite');
    expect(bad.code).toBe(2);
    expect(bad.err).toContain("--var x: 'infinite' is not a number (or nan, inf, -inf, true, false)");
  });

  it('grad values use the same JSON encoding', async () => {
    const r = await run('grad', 'sum(sqrt(x))', '--wrt', 'x', '--var', 'x:f64[2]=0,4', '--json');
    expect(JSON.parse(r.out).gradients[0].value).toEqual(['Infinity', 0.25]);
  });
});

describe('the optimize report', () => {
  it('lists the rules on the path first, exploration after, says what the cost is, and explains in infix', async () => {
    const r = await run('optimize', 'log(1 + exp(x)) * 1', '--var', 'x:f32[n]', '--explain');
    expect(r.code).toBe(0);
    const lines = r.out.split('\n');
    const path = lines.findIndex((l) => l.startsWith('path     '));
    const explored = lines.findIndex((l) => l.startsWith('explored '));
    expect(path).toBeGreaterThan(0);
    expect(explored).toBeGreaterThan(path);
    expect(lines[path]).toBe('path     mul-one, softplus');
    expect(r.out).toMatch(
      /cost {5}\S+ -> \S+ {2}\(estimated work in the cost model's units, at the sizes declared; a symbolic dim counts as 256\)/,
    );
    expect(r.out).toContain('  = softplus(x)    [softplus]');
    expect(r.out).not.toContain('(log ');
  });
});
