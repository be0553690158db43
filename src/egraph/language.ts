import { asSymbolId, type SymbolId } from './ids.js';

/** What defines a symbol: op name, fixed arity, opaque payload, printed name, and the interning key. */
export interface SymbolDef {
  /** Op name shared by all symbols of one op (`sum` for `sum{axis=[1]}`, `num` for every constant). */
  readonly op: string;
  /** Number of children, fixed per symbol. */
  readonly arity: number;
  /** Attributes or payload (a constant's value, a variable's name); the engine never looks inside. */
  readonly payload?: unknown;
  /** Printed form in s-expressions; defaults to `op`. */
  readonly name?: string;
  /** Interning key; defaults to `name`. Two defs with the same key are the same symbol. */
  readonly key?: string;
}

/**
 * Resolves a head the language does not know yet (a numeral, a variable name) to a new symbol, or `undefined`.
 * Lets a parser meet constants without the language listing them all up front.
 */
export type SymbolResolver = (head: string, arity: number) => SymbolDef | undefined;

/**
 * A symbol table: interns symbols once (string keys are used only here, never in hot paths) and stores per
 * symbol its op, arity, payload and printed name in flat arrays indexed by `SymbolId`.
 *
 * @example
 * ```ts
 * const lang = new Language('toy', (head, arity) =>
 *   arity === 0 ? { op: 'num', arity: 0, payload: Number(head), name: head } : undefined);
 * const plus = lang.intern({ op: '+', arity: 2 });
 * lang.resolve('2', 0); // the constant 2, interned on first use
 * lang.name(plus); // '+'
 * ```
 */
export class Language {
  private readonly byKey = new Map<string, SymbolId>();
  private readonly ops: string[] = [];
  private readonly arities: number[] = [];
  private readonly payloads: unknown[] = [];
  private readonly names: string[] = [];
  private readonly keys: string[] = [];

  constructor(
    readonly title: string,
    private readonly resolver?: SymbolResolver,
  ) {}

  /** Number of interned symbols. @example `lang.size` */
  get size(): number {
    return this.ops.length;
  }

  /** Interns `def` (idempotent by key) and returns its id. @example `lang.intern({ op: 'sin', arity: 1 })` */
  intern(def: SymbolDef): SymbolId {
    const name = def.name ?? def.op;
    const key = def.key ?? name;
    const known = this.byKey.get(key);
    if (known !== undefined) {
      if (this.arities[known] !== def.arity) {
        throw new Error(
          `symbol '${key}' interned with arity ${def.arity}, already has ${this.arities[known]}`,
        );
      }
      return known;
    }
    const id = asSymbolId(this.ops.length);
    this.byKey.set(key, id);
    this.ops.push(def.op);
    this.arities.push(def.arity);
    this.payloads.push(def.payload);
    this.names.push(name);
    this.keys.push(key);
    return id;
  }

  /** The key a symbol was interned by. @example `lang.key(lang.get('+')!) === '+'` */
  key(s: SymbolId): string {
    return this.keys[s];
  }

  /** Symbol with this key, if interned. @example `lang.get('+')` */
  get(key: string): SymbolId | undefined {
    return this.byKey.get(key);
  }

  /**
   * Symbol for a head as written in an s-expression with `arity` children: a known key, else the resolver's
   * answer. Throws a clear error for an unknown head or a wrong arity.
   *
   * @example `lang.resolve('+', 2)`
   */
  resolve(head: string, arity: number): SymbolId {
    let id = this.byKey.get(head);
    if (id === undefined) {
      const def = this.resolver?.(head, arity);
      if (def === undefined) throw new Error(`unknown symbol '${head}' in language ${this.title}`);
      id = this.intern(def);
    }
    if (this.arities[id] !== arity) {
      throw new Error(`symbol '${head}' takes ${this.arities[id]} children, got ${arity}`);
    }
    return id;
  }

  /** Op name of a symbol. @example `lang.op(plus) === '+'` */
  op(s: SymbolId): string {
    return this.ops[s];
  }

  /** Fixed arity of a symbol. @example `lang.arity(plus) === 2` */
  arity(s: SymbolId): number {
    return this.arities[s];
  }

  /** Payload of a symbol (opaque to the engine). @example `lang.payload(lang.resolve('2', 0)) === 2` */
  payload(s: SymbolId): unknown {
    return this.payloads[s];
  }

  /** Printed name of a symbol. @example `lang.name(plus) === '+'` */
  name(s: SymbolId): string {
    return this.names[s];
  }
}
