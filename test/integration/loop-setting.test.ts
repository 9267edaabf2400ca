/**
 * Turning loop mode on (`overnight start --loop`, `schedule --loop`): recorded in state.json with
 * the config's poll settings and the --approve references; --approve without --loop is refused
 * with a fix, before anything is written.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { launchSession } from '../../src/session/launch.js';
import { sessionFiles } from '../../src/session/paths.js';
import { readState } from '../../src/session/store.js';
import { turnOnLoop } from '../../src/runner/loop-setting.js';
import { runCli } from '../support/cli.js';
import { approveAllIds, removedAfterEach } from '../support/repo.js';
import { item, repoWith } from './runner-support.js';

const repo = removedAfterEach(repoWith);

describe('loop mode setting', () => {
  it('records loop mode, its poll settings and the --approve references in state.json', async () => {
    const r = repo(item(1, 'alpha'), 'loop:\n  poll_interval: 45s\n  stop_before: 10m\n');
    const { sessionId } = await launchSession(r.root, { approve: approveAllIds(r.root).split(',') });
    const loop = await turnOnLoop(r.root, sessionId, { approve: '7, csv-export', now: new Date('2026-12-01T22:00:00Z') });
    expect(loop).toMatchObject({ since: '2026-12-01T22:00:00.000Z', pollIntervalMs: 45_000, stopBeforeMs: 600_000, approve: ['7', 'csv-export'], skipped: [] });
    expect(readState(r.root, sessionId).loop).toEqual(loop);
    expect(readFileSync(sessionFiles(r.root, sessionId).events, 'utf8')).toContain('"type":"loop_enabled"');
  });

  it('`start --approve` without --loop is refused, naming the option and the fix; nothing is written', async () => {
    const r = repo(item(1, 'alpha'));
    const { sessionId } = await launchSession(r.root, { approve: approveAllIds(r.root).split(',') });
    const before = readFileSync(sessionFiles(r.root, sessionId).state, 'utf8');
    const res = runCli(r.root, ['start', '--session', sessionId, '--approve', '3']);
    expect(res.code).toBe(2);
    expect(res.stderr).toMatch(/--approve on `overnight start` names items for loop mode, but --loop is not given/);
    expect(res.stderr).toMatch(/Add --loop/);
    expect(readFileSync(sessionFiles(r.root, sessionId).state, 'utf8')).toBe(before);
  });
});
