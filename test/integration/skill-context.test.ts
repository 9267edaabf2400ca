/**
 * `overnight skill-context` flows that need a session on disk: a real repository, a real
 * `launchSession`, then the context the /overnight skill would see.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { buildSkillContext, renderSkillContext } from '../../src/cli/commands/skill-context.js';
import { launchSession } from '../../src/session/launch.js';
import { sessionFiles } from '../../src/session/paths.js';
import { readState, writeState } from '../../src/session/store.js';
import { backlogItem, makeRepo, type TestRepo } from '../support/repo.js';

const field = (text: string, key: string) => new RegExp(`^${key}: (.*)$`, 'm').exec(text)?.[1];

describe('skill-context with a session on disk', () => {
  let repo: TestRepo | undefined;
  afterEach(() => repo?.remove());

  it('offers the active session instead of a new plan, resumes it with its deferred questions, and says when it is over', async () => {
    repo = makeRepo({
      'backlog/001-csv-export.md': backlogItem({ title: 'Add CSV export', status: 'ready', type: 'feature', priority: 'high', verify: 'true' }),
      'backlog/002-docs.md': backlogItem({ title: 'Docs', status: 'ready', type: 'docs', priority: 'low', verify: 'true' }),
    });
    const before = renderSkillContext(await buildSkillContext(['90m'], repo.root));
    expect(field(before, 'FLOW')).toBe('plan');
    expect(field(before, 'TIME LIMIT')).toBe('90m');

    const { sessionId } = await launchSession(repo.root, { timeLimit: '90m' });

    const planAgain = renderSkillContext(await buildSkillContext(['6h'], repo.root));
    expect(field(planAgain, 'FLOW')).toBe('active-session');
    expect(field(planAgain, 'SESSION')).toBe(sessionId);
    expect(field(planAgain, 'PHASE')).toBe('launched');
    expect(planAgain).toMatch(/<session-status>\n[\s\S]*csv-export[\s\S]*<\/session-status>/);
    expect(planAgain).not.toContain('<session-plan>');

    const dir = sessionFiles(repo.root, sessionId).deferred;
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'q1.md'), '---\nitem: csv-export\nquestion: Which delimiter?\ndecision: Comma, per RFC 4180.\n---\n');
    const state = readState(repo.root, sessionId);
    await writeState(repo.root, sessionId, { ...state, phase: 'paused', pausedReason: 'usage limit', pausedUntil: '2026-01-01T05:00:00.000Z' });

    const resume = renderSkillContext(await buildSkillContext(['resume'], repo.root));
    expect(field(resume, 'FLOW')).toBe('resume');
    expect(field(resume, 'SESSION')).toBe(sessionId);
    expect(field(resume, 'PHASE')).toBe('paused');
    expect(field(resume, 'PAUSED BECAUSE')).toBe('usage limit (until 2026-01-01T05:00:00.000Z)');
    expect(field(resume, 'DEFERRED QUESTIONS')).toBe('1');
    expect(resume).toContain("- [csv-export] Which delimiter?\n  Agent's decision: Comma, per RFC 4180.");

    const notOver = renderSkillContext(await buildSkillContext(['retry'], repo.root));
    expect(field(notOver, 'FLOW')).toBe('error');
    expect(field(notOver, 'MESSAGE')).toBe(`Session ${sessionId} is not over yet; there is nothing to retry while it runs. Use /overnight resume or /overnight status.`);

    const ended = readState(repo.root, sessionId);
    ended.items['csv-export'] = { ...ended.items['csv-export']!, status: 'failed', failureKind: 'task', reason: 'the success condition failed' };
    ended.items.docs = { ...ended.items.docs!, status: 'merged' };
    await writeState(repo.root, sessionId, { ...ended, phase: 'complete', endedAt: new Date().toISOString() });
    const over = renderSkillContext(await buildSkillContext(['resume'], repo.root));
    expect(field(over, 'FLOW')).toBe('resume-finished');
    expect(field(over, 'FAILED OR BLOCKED ITEMS')).toBe('csv-export');
    const retry = renderSkillContext(await buildSkillContext(['retry'], repo.root));
    expect(field(retry, 'FLOW')).toBe('retry');
    expect(field(retry, 'RETRY ITEMS')).toBe('csv-export');
    expect(field(retry, 'RETRY COMMAND')).toBe(`overnight retry --session ${sessionId} --detach`);
    expect(retry).toContain('<session-status>');
    const shipped = renderSkillContext(await buildSkillContext(['retry', 'docs'], repo.root));
    expect(field(shipped, 'FLOW')).toBe('error');
    expect(field(shipped, 'MESSAGE')).toContain('002-docs is merged, not failed or blocked');
    expect(over).toContain('<latest-session>');
    const fresh = renderSkillContext(await buildSkillContext([], repo.root));
    expect(field(fresh, 'FLOW')).toBe('plan');
    const status = renderSkillContext(await buildSkillContext(['status'], repo.root));
    expect(field(status, 'FLOW')).toBe('status');
    expect(status).toContain(sessionId);
  });

  it('reports an invalid backlog as an error flow naming the file, and never throws', async () => {
    repo = makeRepo({
      'backlog/001-a.md': backlogItem({ title: 'A', status: 'ready', type: 'feature', priority: 'high', blocked_by: [2], verify: 'true' }),
      'backlog/002-b.md': backlogItem({ title: 'B', status: 'ready', type: 'feature', priority: 'high', blocked_by: [1], verify: 'true' }),
    });
    const ctx = renderSkillContext(await buildSkillContext([], repo.root));
    expect(field(ctx, 'FLOW')).toBe('error');
    expect(field(ctx, 'PRECONDITIONS')).toBe('failed');
    expect(ctx).toMatch(/MESSAGE: .*backlog\/00[12]-[ab]\.md/);
    expect(ctx.toLowerCase()).toContain('cycle');
  });

  it('says when the folder is not a git repository at all', async () => {
    const ctx = renderSkillContext(await buildSkillContext(['status'], '/'));
    expect(ctx).toBe('FLOW: error\nPRECONDITIONS: failed\nMESSAGE: Not a git repository. Run /overnight from the root of a git repository.\n');
  });
});
