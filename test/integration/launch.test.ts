import { existsSync, readFileSync, readdirSync, readlinkSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { launchSession } from '../../src/session/launch.js';
import { sessionFiles, sessionsDir, latestLink } from '../../src/session/paths.js';
import { readManifest, readState, writeState } from '../../src/session/store.js';
import { acquireLock, releaseLock } from '../../src/session/lock.js';
import { approveAllIds, removedAfterEach } from '../support/repo.js';
import { git, item, repoWith } from './runner-support.js';

const repo = removedAfterEach(repoWith);

describe('overnight launch (launchSession)', () => {
  it('creates the session folder, the integration branch, the exclude line and the latest link', async () => {
    const r = repo({ ...item(1, 'alpha'), ...item(2, 'beta', { blocked_by: [1] }) });
    const head = git(r.root, 'rev-parse', 'HEAD');
    const res = await launchSession(r.root, { timeLimit: '2h', approve: approveAllIds(r.root).split(',') });
    expect(res.sessionId).toMatch(/^\d{8}-\d{4}-[0-9a-f]{4}$/);
    expect(res.integrationBranch).toBe(`overnight/${res.sessionId}`);
    expect(res.items.map((i) => i.slug)).toEqual(['alpha', 'beta']);
    expect(res.items[1]!.dependsOn).toEqual(['alpha']);

    const f = sessionFiles(r.root, res.sessionId);
    for (const file of [f.plan, f.manifest, f.state, f.events, f.policy, f.settings]) expect(existsSync(file), file).toBe(true);
    expect(statSync(f.plan).mode & 0o777).toBe(0o444);
    const manifest = readManifest(r.root, res.sessionId);
    expect(manifest).toMatchObject({ baseBranch: 'main', baseCommit: head, timeLimitMs: 2 * 3_600_000 });
    expect(readState(r.root, res.sessionId)).toMatchObject({ phase: 'launched', items: { alpha: { status: 'pending' }, beta: { status: 'pending' } } });
    const events = readFileSync(f.events, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    expect(events[0]).toMatchObject({ type: 'session_launched' });
    expect(typeof events[0].ts).toBe('string');
    expect(JSON.parse(readFileSync(f.settings, 'utf8')).permissions.deny.length).toBeGreaterThan(5);
    expect(JSON.parse(readFileSync(f.policy, 'utf8'))).toMatchObject({ version: 1, repoRoot: r.root });

    expect(git(r.root, 'rev-parse', res.integrationBranch)).toBe(head);
    expect(git(r.root, 'rev-parse', '--abbrev-ref', 'HEAD')).toBe('main'); // the user's checkout is untouched
    expect(git(r.root, 'status', '--porcelain')).toBe(''); // .overnight is excluded
    expect(readFileSync(join(r.root, '.git/info/exclude'), 'utf8')).toContain('/.overnight/');
    expect(readlinkSync(latestLink(r.root))).toBe(join('sessions', res.sessionId));
  });

  it('appends the exclude line once across launches', async () => {
    const r = repo(item(1, 'alpha'));
    const first = await launchSession(r.root, { approve: approveAllIds(r.root).split(',') });
    const s = readState(r.root, first.sessionId);
    await writeState(r.root, first.sessionId, { ...s, phase: 'complete' });
    await launchSession(r.root, { approve: approveAllIds(r.root).split(',') });
    const text = readFileSync(join(r.root, '.git/info/exclude'), 'utf8');
    expect(text.split('\n').filter((l) => l === '/.overnight/')).toHaveLength(1);
  });

  it('refuses while a session is active, and names resume and abandon', async () => {
    const r = repo(item(1, 'alpha'));
    const first = await launchSession(r.root, { approve: approveAllIds(r.root).split(',') });
    await expect(launchSession(r.root)).rejects.toMatchObject({ code: 'session.active', message: expect.stringContaining(first.sessionId), fix: expect.stringMatching(/overnight resume.*overnight abandon/) });
  });

  it('refuses while a live runner holds the lock', async () => {
    const r = repo(item(1, 'alpha'));
    acquireLock(r.root, 'other-session');
    try {
      await expect(launchSession(r.root)).rejects.toMatchObject({ code: 'session.active', message: expect.stringContaining(`pid ${process.pid}`) });
    } finally {
      releaseLock(r.root);
    }
  });

  it('refuses uncommitted backlog changes ("commit them first") and writes nothing', async () => {
    const r = repo(item(1, 'alpha'));
    writeFileSync(join(r.root, 'backlog/002-new.md'), '---\ntitle: New\n---\n');
    await expect(launchSession(r.root)).rejects.toMatchObject({ code: 'launch.backlog-dirty', fix: expect.stringContaining('Commit them first') });
    expect(existsSync(sessionsDir(r.root))).toBe(false);
    expect(git(r.root, 'branch', '--list', 'overnight/*')).toBe('');
  });

  it('refuses a plan with no eligible item', async () => {
    const r = repo(item(1, 'alpha', { status: 'draft' }));
    await expect(launchSession(r.root)).rejects.toMatchObject({ code: 'launch.nothing-eligible', message: expect.stringContaining('alpha') });
    expect(git(r.root, 'branch', '--list', 'overnight/*')).toBe('');
  });

  it('leaves nothing half-written when a step fails (the branch already exists)', async () => {
    const r = repo(item(1, 'alpha'));
    // Make `git branch` fail: a file where the ref folder must go.
    git(r.root, 'branch', 'overnight');
    await expect(launchSession(r.root)).rejects.toThrow();
    const left = existsSync(sessionsDir(r.root)) ? readdirSync(sessionsDir(r.root)) : [];
    expect(left).toEqual([]);
    expect(existsSync(latestLink(r.root))).toBe(false);
  });

  it('honours --only, --time-limit and --concurrency', async () => {
    const r = repo({ ...item(1, 'alpha'), ...item(2, 'beta'), ...item(3, 'gamma') });
    const res = await launchSession(r.root, { only: ['2', 'gamma'], timeLimit: '90m', concurrency: 3, approve: ['2', 'gamma'] });
    expect(res.items.map((i) => i.slug).sort()).toEqual(['beta', 'gamma']);
    expect(res.plan).toMatchObject({ timeLimitMs: 90 * 60_000, concurrency: 3 });
  });
});
