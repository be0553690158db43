/** An s-expression: an atom or a list. */
export type SExp = string | SExp[];

/**
 * Parses one s-expression (`(+ ?a (* ?b 0))`, `x`, `-1.5`). Throws with the offending column on malformed
 * input, so a bad rule file points at the problem.
 *
 * @example
 * ```ts
 * parseSExp('(+ x (* y 2))'); // ['+', 'x', ['*', 'y', '2']]
 * ```
 */
export function parseSExp(text: string): SExp {
  const tokens = tokenize(text);
  let i = 0;
  const read = (): SExp => {
    const tok = tokens[i++];
    if (tok === undefined) throw new Error(`unexpected end of s-expression: ${text}`);
    if (tok.text === ')') throw new Error(`unexpected ')' at column ${tok.col + 1}: ${text}`);
    if (tok.text !== '(') return tok.text;
    const list: SExp[] = [];
    while (tokens[i]?.text !== ')') {
      if (i >= tokens.length) throw new Error(`missing ')' in s-expression: ${text}`);
      list.push(read());
    }
    i++;
    if (list.length === 0) throw new Error(`empty list at column ${tok.col + 1}: ${text}`);
    return list;
  };
  const out = read();
  if (i !== tokens.length) throw new Error(`trailing input at column ${tokens[i].col + 1}: ${text}`);
  return out;
}

function tokenize(text: string): { text: string; col: number }[] {
  const out: { text: string; col: number }[] = [];
  const re = /\s*([()]|[^\s()]+)/y;
  let end = 0;
  let m = re.exec(text);
  while (m !== null) {
    out.push({ text: m[1], col: m.index + m[0].length - m[1].length });
    end = re.lastIndex;
    m = re.exec(text);
  }
  if (text.slice(end).trim() !== '') throw new Error(`cannot tokenize at column ${end + 1}: ${text}`);
  return out;
}
