import { describe, expect, it } from 'vitest';
import { profileSearches } from '../../src/egraph/search-profile.js';
import { T } from '../../src/graph/builders.js';
import { optimize } from '../../src/optimize.js';

describe('search profiles', () => {
  it('count each rule’s searches, the ones with candidates, and its matches, only while on', () => {
    const x = T.vector('x', 'f32', 'n');
    const profile = profileSearches(() => optimize([T.mul(x, 1)]));
    const mulOne = profile.get('mul-one');
    expect(mulOne).toBeDefined();
    expect(mulOne!.searches).toBeGreaterThan(0);
    expect(mulOne!.visited).toBeLessThanOrEqual(mulOne!.searches);
    expect(mulOne!.matches).toBeGreaterThan(0);
    // A rule over an op the graph lacks is listed without rewrites, so it never searches.
    expect(profile.get('log-exp')).toBeUndefined();
    // Off again: a second optimize leaves the collected figures as they were.
    const before = JSON.stringify([...profile]);
    optimize([T.mul(x, 1)]);
    expect(JSON.stringify([...profile])).toBe(before);
  });

  it('refuses to nest', () => {
    expect(() => profileSearches(() => profileSearches(() => undefined))).toThrow(/already/);
  });
});
