/** An s-expression: an atom or a list. */
export type SExp = string | SExp[];

/**
 * Parses one s-expression (`(+ ?a (* ?b 0))`, `x`, `-1.5`). Throws with the offending column on malformed
 * input, so a bad rule file points at the problem. Lists nest to any depth (the open lists are a stack,
 * not a recursion).
 *
 * @example
 * ```ts
 * parseSExp('(+ x (* y 2))'); // ['+', 'x', ['*', 'y', '2']]
 * ```
 */
export function parseSExp(text: string): SExp {
  const tokens = tokenize(text);
  if (tokens.length === 0) throw new Error(`unexpected end of s-expression: ${text}`);
  // The lists opened and not yet closed, innermost last, with the column of each '('.
  const open: { list: SExp[]; col: number }[] = [];
  let out: SExp | undefined;
  let i = 0;
  while (out === undefined) {
    const tok = tokens[i++];
    if (tok === undefined)
      throw new Error(
        open.length ? `missing ')' in s-expression: ${text}` : `unexpected end of s-expression: ${text}`,
      );
    let done: SExp | undefined;
    if (tok.text === '(') open.push({ list: [], col: tok.col });
    else if (tok.text === ')') {
      const closed = open.pop();
      if (!closed) throw new Error(`unexpected ')' at column ${tok.col + 1}: ${text}`);
      if (closed.list.length === 0) throw new Error(`empty list at column ${closed.col + 1}: ${text}`);
      done = closed.list;
    } else done = tok.text;
    if (done === undefined) continue;
    if (open.length) open[open.length - 1].list.push(done);
    else out = done;
  }
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
