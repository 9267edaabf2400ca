/**
 * Test names out of TAP output (the Test Anything Protocol, https://testanything.org/tap-version-14-specification.html),
 * parsed with tap-parser (the node-tap project's parser). Pure.
 */
import { Parser } from 'tap-parser';

/** The tests a report names: failing and passing (skipped and `# TODO` count as passing, as TAP says). */
export interface TestNames {
  failing: string[];
  passing: string[];
}

/** A failure name for a TAP stream that bailed out (`Bail out!`): its remaining tests never ran. */
export const TAP_BAIL_OUT = '(TAP: Bail out!)';
/** A failure name for a TAP stream whose plan (`1..N`) promised more tests than it ran. */
export const TAP_PLAN_SHORT = '(TAP: fewer tests ran than planned)';

interface Point {
  ok: boolean;
  name: string;
  fullname: string;
  id: number;
  todo: string | boolean;
  skip: string | boolean;
}

function nameOf(p: Point, parent: string): string {
  const own = p.name.trim() || `test ${p.id}`;
  return p.fullname?.trim() ? p.fullname.trim() : parent ? `${parent} > ${own}` : own;
}

/**
 * The test names of `text` when it is TAP (it has at least one test point `ok`/`not ok`, or a plan
 * `1..N`), else undefined. Subtests are named `parent > child`. A test that fails under `# TODO`
 * is not a failure (TAP 14). A bail-out and a short plan are failures of their own
 * (TAP_BAIL_OUT, TAP_PLAN_SHORT), so a run that stopped early never looks clean. Never throws.
 */
export function parseTapNames(text: string): TestNames | undefined {
  const failing = new Set<string>();
  const passing = new Set<string>();
  let points = 0;
  // tap-parser makes up a `1..0 # no tests found` plan for text with none: look for a real one.
  const plan = /^\s*1\.\.\d+/m.test(text);
  let bailout = false;
  let planEnd: number | undefined;
  let count = 0;
  const parser = new Parser({ passes: true });
  const watch = (p: Parser, parent: string) => {
    p.on('assert', (r: Point) => {
      points += 1;
      const name = nameOf(r, parent);
      if (r.ok || r.todo || r.skip) passing.add(name);
      else failing.add(name);
    });
    p.on('child', (c: Parser) => watch(c, ''));
  };
  watch(parser, '');
  parser.on('bailout', () => {
    bailout = true;
  });
  parser.on('complete', (f: { plan?: { end?: number; start?: number; skipAll?: boolean }; count?: number; bailout?: unknown }) => {
    if (f.plan && typeof f.plan.end === 'number' && !f.plan.skipAll) planEnd = f.plan.end - (f.plan.start ?? 1) + 1;
    count = f.count ?? 0;
    if (f.bailout) bailout = true;
  });
  try {
    parser.end(text);
  } catch {
    return undefined;
  }
  if (points === 0 && !plan) return undefined;
  if (bailout) failing.add(TAP_BAIL_OUT);
  if (planEnd !== undefined && count < planEnd) failing.add(TAP_PLAN_SHORT);
  for (const f of failing) passing.delete(f);
  return { failing: [...failing].sort(), passing: [...passing].sort() };
}
