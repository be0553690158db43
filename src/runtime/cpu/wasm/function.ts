/**
 * Builds one function body: locals, statements and structured control flow. Branch targets are label
 * objects rather than depths, so a generator cannot branch to the wrong block; the builder turns them
 * into relative depths and keeps a text rendering beside the bytes.
 */
import { uleb } from './encoding.js';
import { type Expr, get, type Local, WasmTypeError } from './expr.js';
import { STORES, type StoreName, VALTYPE_CODE, type ValType } from './opcodes.js';

/** A block or loop that `br`/`brIf` can target (a loop's label continues it, a block's leaves it). */
export interface Label {
  readonly depth: number;
}

export class FunctionBuilder {
  readonly params: readonly Local[];
  private readonly locals: Local[] = [];
  private readonly body: number[] = [];
  private readonly lines: string[] = [];
  private depth = 0;

  constructor(
    readonly name: string,
    params: readonly ValType[],
    readonly results: readonly ValType[],
  ) {
    this.params = params.map((type, index) => ({ index, type }));
  }

  /** A fresh local of `type`. */
  local(type: ValType): Local {
    const l = { index: this.params.length + this.locals.length, type };
    this.locals.push(l);
    return l;
  }

  /** Evaluates `value` into a fresh local and returns a read of it. @example `const y = fn.let(op('f32x4.mul', x, x))` */
  let(value: Expr): Expr {
    const l = this.local(value.type);
    this.set(l, value);
    return get(l);
  }

  set(local: Local, value: Expr): void {
    if (value.type !== local.type)
      throw new WasmTypeError(`${this.name}: local ${local.index} is ${local.type}, value is ${value.type}`);
    value.emit(this.body);
    this.body.push(0x21, ...uleb(local.index));
    this.line(`(local.set ${local.index} ${value.text()})`);
  }

  store(name: StoreName, addr: Expr, value: Expr, offset = 0): void {
    const def = STORES[name];
    if (addr.type !== 'i32' || value.type !== def.type)
      throw new WasmTypeError(`${this.name}: ${name} of ${value.type} at an ${addr.type} address`);
    if (!(offset >= 0))
      throw new WasmTypeError(`${this.name}: ${name} offset ${offset} (memory offsets are unsigned)`);
    addr.emit(this.body);
    value.emit(this.body);
    this.body.push(...def.code, ...uleb(def.align), ...uleb(offset));
    this.line(`(${name} offset=${offset} ${addr.text()} ${value.text()})`);
  }

  /** Evaluates `value` for its effects and discards it. */
  drop(value: Expr): void {
    value.emit(this.body);
    this.body.push(0x1a);
    this.line(`(drop ${value.text()})`);
  }

  /** A block; `br(label)` inside leaves it. */
  block(build: (exit: Label) => void): void {
    this.structured(0x02, 'block', build);
  }

  /** A loop; `br(label)` inside jumps back to its start. */
  loop(build: (repeat: Label) => void): void {
    this.structured(0x03, 'loop', build);
  }

  /** `if cond then … else …`. */
  if(cond: Expr, then: () => void, otherwise?: () => void): void {
    if (cond.type !== 'i32') throw new WasmTypeError(`${this.name}: if on ${cond.type}`);
    cond.emit(this.body);
    this.body.push(0x04, 0x40);
    this.line(`(if ${cond.text()} (then`);
    this.depth++;
    then();
    if (otherwise) {
      this.body.push(0x05);
      this.line(') (else');
      otherwise();
    }
    this.depth--;
    this.body.push(0x0b);
    this.line('))');
  }

  br(label: Label): void {
    this.body.push(0x0c, ...uleb(this.depth - 1 - label.depth));
    this.line(`(br ${this.depth - 1 - label.depth})`);
  }

  brIf(label: Label, cond: Expr): void {
    if (cond.type !== 'i32') throw new WasmTypeError(`${this.name}: br_if on ${cond.type}`);
    cond.emit(this.body);
    this.body.push(0x0d, ...uleb(this.depth - 1 - label.depth));
    this.line(`(br_if ${this.depth - 1 - label.depth} ${cond.text()})`);
  }

  /** Returns `value` (a function with one result ends here). */
  return(value?: Expr): void {
    value?.emit(this.body);
    this.body.push(0x0f);
    this.line(`(return${value ? ` ${value.text()}` : ''})`);
  }

  /** The code section entry: locals, then the body and `end`, with its size prefix. */
  encode(): number[] {
    const groups: number[][] = this.locals.map((l) => [1, VALTYPE_CODE[l.type]]);
    const bytes = [...uleb(groups.length), ...groups.flat(), ...this.body, 0x0b];
    return [...uleb(bytes.length), ...bytes];
  }

  /** The function in the text format. */
  text(): string {
    const params = this.params.map((p) => `(param ${p.type})`).join(' ');
    const results = this.results.map((r) => ` (result ${r})`).join('');
    const locals = this.locals.map((l) => ` (local ${l.type})`).join('');
    return `(func $${this.name} ${params}${results}${locals}\n${this.lines.join('\n')})`;
  }

  private structured(opcode: number, word: string, build: (label: Label) => void): void {
    this.body.push(opcode, 0x40);
    this.line(`(${word}`);
    const label = { depth: this.depth };
    this.depth++;
    build(label);
    this.depth--;
    this.body.push(0x0b);
    this.line(')');
  }

  private line(text: string): void {
    this.lines.push(`${'  '.repeat(this.depth + 1)}${text}`);
  }
}
