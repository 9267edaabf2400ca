/** Loads the safety corpus data files of test/data/safety (shared by the corpus tests). */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import type { PolicyContext } from '../../../src/safety/types.js';

const DIR = join(import.meta.dirname, '../../data/safety');

export const WORKTREE = '/work/repo/.overnight/worktrees/s1/item';
export const HOME = '/home/agent';

/** The fixed PolicyContext of the corpus. */
export function corpusContext(over: Omit<Partial<PolicyContext>, 'ownBranch'> & { ownBranch?: string | null } = {}): PolicyContext {
  const ctx: PolicyContext = {
    worktreeRoot: WORKTREE,
    protectedBranches: ['main', 'master', 'release/*'],
    ownBranch: 'overnight/s1--item',
    allowPaths: [],
    denyPaths: [],
    allowCommands: [],
    denyCommands: [],
    home: HOME,
  };
  const merged = { ...ctx, ...over } as PolicyContext & { ownBranch?: string | null };
  if (merged.ownBranch === null) delete merged.ownBranch;
  return merged as PolicyContext;
}

export interface DenyCase {
  rules: string[];
  command: string;
  category: string;
  line: number;
}

/** deny.txt: `<rule-id>[|<rule-id>...] <command>` per line, `# category: x` headings. */
export function loadDeny(): DenyCase[] {
  const out: DenyCase[] = [];
  let category = '';
  readFileSync(join(DIR, 'deny.txt'), 'utf8').split('\n').forEach((line, i) => {
    const m = /^# category: (.*)$/.exec(line);
    if (m) category = m[1]!;
    if (line.trim() === '' || line.startsWith('#')) return;
    const sp = line.indexOf(' ');
    out.push({ rules: line.slice(0, sp).split('|'), command: line.slice(sp + 1), category, line: i + 1 });
  });
  return out;
}

export interface AllowCase {
  command: string;
  category: string;
  line: number;
}

/** allow.txt: one command per line, `# category: x` headings. */
export function loadAllow(): AllowCase[] {
  const out: AllowCase[] = [];
  let category = '';
  readFileSync(join(DIR, 'allow.txt'), 'utf8').split('\n').forEach((line, i) => {
    const m = /^# category: (.*)$/.exec(line);
    if (m) category = m[1]!;
    if (line.trim() === '' || line.startsWith('#')) return;
    out.push({ command: line, category, line: i + 1 });
  });
  return out;
}

export interface YamlCase {
  command: string;
  expect: 'allow' | 'deny';
  rule?: string;
  cwd?: string;
  ctx?: Omit<Partial<PolicyContext>, 'ownBranch'> & { ownBranch?: string | null };
}

export function loadMultiline(): YamlCase[] {
  return parse(readFileSync(join(DIR, 'multiline.yaml'), 'utf8')) as YamlCase[];
}

export interface PathCase {
  tool: string;
  path?: string;
  expect: 'allow' | 'deny';
  rule?: string;
  ctx?: Partial<PolicyContext>;
}

export function loadPaths(): PathCase[] {
  return parse(readFileSync(join(DIR, 'paths.yaml'), 'utf8')) as PathCase[];
}
