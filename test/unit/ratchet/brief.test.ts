import { describe, expect, it } from 'vitest';
import { buildMissionBrief, type BriefInput } from '../../../src/agent/brief.js';
import { toleratedFailures } from '../../../src/ratchet/gate.js';
import type { NightRatchet } from '../../../src/ratchet/baseline.js';
import type { CheckRun } from '../../../src/ratchet/types.js';
import type { ManifestItem } from '../../../src/session/state.js';

const item: ManifestItem = {
  id: 3, slug: 'x', title: 'X', file: 'backlog/003-x.md', type: 'chore', priority: 'low', dependsOn: [], verify: [],
  maxTurns: 10, budgetUsd: 1, timeoutMs: 60_000, estimateMs: 60_000, round: 1, body: '## Goal\nx\n', acceptanceCriteria: ['x'],
};
const input: BriefInput = { sessionId: 's', item, branch: 'b', checks: ['sh check.sh', 'make lint'], learnings: [] };
const run = (over: Partial<CheckRun>): CheckRun => ({ command: 'sh check.sh', exitCode: 1, timedOut: false, format: 'tap', failing: [], passing: [], durationMs: 1, ...over });
const ratchet = (current: CheckRun[]): NightRatchet => ({ path: '/x', specs: [], file: { version: 1, baseCommit: 'c', ranAt: '', durationMs: 0, baseline: current, current, fixes: [] } });

describe('the test ratchet in the mission brief', () => {
  it('names the tolerated failures per failing check (test names, or the exit code)', () => {
    const t = toleratedFailures(ratchet([run({ failing: ['beta'] }), run({ command: 'make lint', format: 'exit', exitCode: 2 }), run({ command: 'ok', exitCode: 0 })]));
    expect(t).toEqual([
      { command: 'sh check.sh', failures: ['beta'] },
      { command: 'make lint', failures: ['it exits with code 2'] },
    ]);
    expect(toleratedFailures(ratchet([run({ exitCode: 0 })]))).toBeUndefined();
    expect(toleratedFailures(undefined)).toBeUndefined();
  });

  it('tells an item without verify which failures are tolerated; an item with verify hears nothing of it', () => {
    const tolerated = [{ command: 'sh check.sh', failures: ['beta'] }];
    const b = buildMissionBrief({ ...input, tolerated });
    expect(b).toContain('These failures are tolerated');
    expect(b).toContain('- `sh check.sh`: beta');
    expect(buildMissionBrief({ ...input, item: { ...item, verify: ['npm test'] }, tolerated })).not.toContain('tolerated');
    expect(buildMissionBrief(input)).not.toContain('tolerated');
  });
});
