/**
 * Text mutations for fuzzing parsers and loaders: delete, duplicate or swap random characters or
 * tokens, insert odd characters (Unicode, NUL, brackets), or truncate, as a file damaged by hand or by
 * a bad merge would look.
 */

const ODD = [
  '(',
  ')',
  '[',
  ']',
  '?',
  ':',
  '=>',
  '<=>',
  ',',
  '#',
  '"',
  '\n',
  '\u0000',
  'é',
  '∞',
  '😀',
  '1e999',
  '-',
  '.',
];

/**
 * Applies `count` random mutations to `text`, drawing from `random` (a PRNG of floats in [0, 1)).
 *
 * @example mutateText('rule a [x]: exp(log(?x)) => ?x', prng(1), 2) // e.g. 'rule a [x]: exp(log(?x)) =>> ?x'
 */
export function mutateText(text: string, random: () => number, count = 1): string {
  let s = text;
  for (let k = 0; k < count; k++) s = mutateOnce(s, random);
  return s;
}

function mutateOnce(s: string, random: () => number): string {
  const pick = (n: number) => Math.floor(random() * n);
  const at = pick(s.length + 1);
  switch (pick(8)) {
    case 0: // delete a character
      return s.slice(0, at) + s.slice(at + 1);
    case 1: // duplicate a character
      return s.slice(0, at) + s.slice(at, at + 1) + s.slice(at);
    case 2: // swap two adjacent characters
      return at + 1 < s.length ? s.slice(0, at) + s[at + 1] + s[at] + s.slice(at + 2) : s;
    case 3: // insert an odd character or token
      return s.slice(0, at) + ODD[pick(ODD.length)] + s.slice(at);
    case 4: // truncate
      return s.slice(0, at);
    default: {
      // delete, duplicate or swap whole tokens (words, numbers, punctuation runs)
      const tokens = s.split(/(\s+)/);
      const i = pick(tokens.length);
      const j = pick(tokens.length);
      const op = pick(3);
      if (op === 0) tokens.splice(i, 1);
      else if (op === 1) tokens.splice(i, 0, tokens[i]);
      else [tokens[i], tokens[j]] = [tokens[j], tokens[i]];
      return tokens.join('');
    }
  }
}
