/**
 * Per-rule search figures, collected only while a profile is on: how often each rule searched, how
 * many of those searches had a class holding its root op to visit, what they matched and how long
 * they took. Which rules are searched most yet match least is what a rule library's overhead is made
 * of (`npm run bench -- rule-overhead`). Off, it costs one variable read per search.
 */

/** One rule's figures (all its expansions together: they share its name). */
export interface RuleSearchFigures {
  /** Searches asked for by the scheduler (a banned rule asks none). */
  searches: number;
  /** Searches that had at least one candidate root class (the others return at once). */
  visited: number;
  /** Matches found, over all searches. */
  matches: number;
  /** Wall milliseconds inside the searches (`performance.now()`, so only meaningful on an idle core). */
  ms: number;
}

/** Figures by rule name. */
export type SearchProfile = Map<string, RuleSearchFigures>;

let active: SearchProfile | undefined;

/** The profile being collected, if any (read by `Rewrite.search`). @internal */
export function activeSearchProfile(): SearchProfile | undefined {
  return active;
}

/**
 * Runs `f` with searches profiled and returns its figures by rule name. Profiles do not nest.
 *
 * @example profileSearches(() => optimize([T.mul(T.vector('x'), 1)])).get('mul-one')?.searches
 */
export function profileSearches(f: () => void): SearchProfile {
  if (active !== undefined) throw new Error('profileSearches: a profile is already being collected');
  const profile: SearchProfile = new Map();
  active = profile;
  try {
    f();
  } finally {
    active = undefined;
  }
  return profile;
}

/** Adds one search to a profile. @internal */
export function recordSearch(
  profile: SearchProfile,
  rule: string,
  visited: boolean,
  matches: number,
  ms: number,
): void {
  let figures = profile.get(rule);
  if (figures === undefined) {
    figures = { searches: 0, visited: 0, matches: 0, ms: 0 };
    profile.set(rule, figures);
  }
  figures.searches++;
  if (visited) figures.visited++;
  figures.matches += matches;
  figures.ms += ms;
}
