import type { EGraph } from './egraph.js';
import type { Matches } from './machine.js';
import type { OpIndex } from './op-index.js';
import type { Rewrite } from './rewrite.js';

/**
 * Decides, each iteration, which rules search and with what match budget, and whether the run may stop as
 * saturated. `search` returns the matches to apply, or undefined when the rule is skipped this iteration.
 */
export interface Scheduler {
  search(iteration: number, eg: EGraph, rule: Rewrite, index: OpIndex, deadline: number): Matches | undefined;
  canStop(iteration: number): boolean;
}

/**
 * Every rule searches every iteration with no match limit.
 *
 * @example `new Runner(eg, { scheduler: new SimpleScheduler() })`
 */
export class SimpleScheduler implements Scheduler {
  search(_iteration: number, eg: EGraph, rule: Rewrite, index: OpIndex, deadline: number): Matches {
    return rule.search(eg, index, { limit: Number.POSITIVE_INFINITY, deadline });
  }

  canStop(): boolean {
    return true;
  }
}

interface BanState {
  timesBanned: number;
  bannedUntil: number;
}

/**
 * egg's backoff scheduler: a rule that finds more than `matchLimit << timesBanned` matches in one iteration
 * is banned for `banLength << timesBanned` iterations, so explosive rules (associativity, `add-zero`) cannot
 * flood the graph while the others keep working. When everything else is done, bans are cut short instead of
 * declaring saturation.
 *
 * @example `new Runner(eg, { scheduler: new BackoffScheduler({ matchLimit: 1000, banLength: 5 }) })`
 */
export class BackoffScheduler implements Scheduler {
  readonly matchLimit: number;
  readonly banLength: number;
  private readonly state = new Map<Rewrite, BanState>();
  /** The budget handed to each search, reused: a search reads it only while it runs. */
  private readonly budget = { limit: 0, deadline: 0 };

  constructor(options: { matchLimit?: number; banLength?: number } = {}) {
    this.matchLimit = options.matchLimit ?? 1000;
    this.banLength = options.banLength ?? 5;
  }

  /** Number of times a rule has been banned so far. @example `scheduler.timesBanned(rule)` */
  timesBanned(rule: Rewrite): number {
    return this.state.get(rule)?.timesBanned ?? 0;
  }

  /** Whether a rule is banned at this iteration. @example `scheduler.isBanned(rule, 3)` */
  isBanned(rule: Rewrite, iteration: number): boolean {
    return (this.state.get(rule)?.bannedUntil ?? 0) > iteration;
  }

  search(
    iteration: number,
    eg: EGraph,
    rule: Rewrite,
    index: OpIndex,
    deadline: number,
  ): Matches | undefined {
    // A rule has a state once it is first banned: an entry for each of the ~500 rules of every phase,
    // almost none ever banned, was an allocation and a map insertion per rule and phase. With no ban
    // yet (most runs), not even a lookup.
    const s = this.state.size === 0 ? undefined : this.state.get(rule);
    if (s !== undefined && s.bannedUntil > iteration) return undefined;
    const timesBanned = s?.timesBanned ?? 0;
    const threshold = this.matchLimit * 2 ** timesBanned;
    const budget = this.budget;
    budget.limit = threshold;
    budget.deadline = deadline;
    const matches = rule.search(eg, index, budget);
    if (matches.count > threshold) {
      const bannedUntil = iteration + this.banLength * 2 ** timesBanned;
      if (s === undefined) this.state.set(rule, { timesBanned: 1, bannedUntil });
      else {
        s.bannedUntil = bannedUntil;
        s.timesBanned++;
      }
      return undefined;
    }
    return matches;
  }

  canStop(iteration: number): boolean {
    const banned = [...this.state.values()].filter((s) => s.bannedUntil > iteration);
    if (banned.length === 0) return true;
    // Shift every ban so the soonest one ends now: the graph did not change, so waiting is pointless.
    // The shift is egg's (`min_ban - iteration`): the soonest rule searches again next iteration, and
    // with it egg's iterations, e-nodes and classes are reproduced on the egg math stress cases.
    let soonest = Number.POSITIVE_INFINITY;
    for (const s of banned) soonest = Math.min(soonest, s.bannedUntil);
    const delta = soonest - iteration;
    for (const s of banned) s.bannedUntil -= delta;
    return false;
  }
}
