/**
 * The agent's scratch folder, end to end (real CLI, real claude, real hooks, real git, scripted
 * model): the brief names it, it is OVERNIGHT_SCRATCH, the Bash gate lets the agent write there
 * while it still denies other places outside the worktree (and that denial names the folder),
 * nothing written there is committed, and the folder is gone after the night.
 */
import { describe, expect, it } from 'vitest';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startStandinModel, type StandinModel } from '../../src/standin/server.js';
import type { ModelRequest, Turn } from '../../src/standin/script.js';
import { demoMarker, type SampleItem } from '../../src/demo/sample.js';
import { integrationBranch, scratchPath, SCRATCH_FOLDER, worktreesDir } from '../../src/session/paths.js';
import { launch, makeNightRepo, nightEnv, nightFixture, overnight, readSession, type NightRepo } from '../support/night.js';

const ITEM: SampleItem = { id: 1, slug: 'scratchy', title: 'Use the scratch folder', verify: 'test -f done/result.txt', goal: 'Write done/result.txt.', criteria: ['done/result.txt exists'] };

/** The scratch folder the brief names (the line that starts "- Scratch files"). */
function scratchFromBrief(req: ModelRequest): string {
  const m = /scratch folder `([^`]+)`/.exec(req.firstUserText);
  if (!m) throw new Error('the brief names no scratch folder');
  return m[1]!;
}

describe('the agent scratch folder', () => {
  let model: StandinModel;
  let repo: NightRepo;
  const fixture = nightFixture();

  it('is writable by the agent inside its sandbox, named by OVERNIGHT_SCRATCH, never committed, and removed after the night', async () => {
    const seen: { scratch?: string; results: string[] } = { results: [] };
    const turns: Turn[] = [
      (req) => {
        const scratch = scratchFromBrief(req);
        seen.scratch = scratch;
        return {
          tool: 'Bash',
          input: {
            description: 'Notes in the scratch folder, the result in the worktree',
            command: `echo "scratch=$OVERNIGHT_SCRATCH tmp=$TMPDIR" | tee ${scratch}/notes.txt && mkdir -p done && echo ok > done/result.txt && git add -A && git commit -q -m "result"`,
          },
        };
      },
      (req) => {
        seen.results.push(...req.lastToolResults.map((r) => r.content));
        return { tool: 'Bash', input: { description: 'A write outside both', command: 'echo x > /tmp/overnight-e2e-outside.txt' } };
      },
      (req) => {
        seen.results.push(...req.lastToolResults.map((r) => r.content));
        return { text: 'Done.\n\nTASK_COMPLETE' };
      },
    ];
    model = fixture.model = await startStandinModel({ scripts: [{ marker: demoMarker(ITEM.slug), turns }] });
    repo = fixture.repo = await makeNightRepo({ items: [ITEM], concurrency: 1, idleTimeout: '30s', retries: 0 });
    const env = nightEnv(model.url);
    const id = await launch(repo.root, env);
    const run = await overnight(repo.root, env, ['start', '--session', id]);
    expect(run.code, `${run.stdout}\n${run.stderr}`).toBe(0);

    const expected = scratchPath(repo.root, id, ITEM.slug);
    expect(seen.scratch).toBe(expected);
    // The first command ran (the gate and the sandbox allowed the scratch write) and saw
    // OVERNIGHT_SCRATCH; its TMPDIR is the sandbox's own short folder (Unix socket paths are short).
    expect(seen.results[0]).toContain(`scratch=${expected} `);
    expect(seen.results[0]).toMatch(/tmp=\/tmp\/ovn-[^/ ]+\/claude-\d+/);
    const s = readSession(repo.root, id);
    expect(s.state.items[ITEM.slug]!.status).toBe('merged');
    // The write elsewhere outside the worktree was denied, and the denial names the scratch folder.
    const denial = seen.results.find((r) => r.includes('fs.write-outside-worktree'));
    expect(denial, seen.results.join('\n---\n')).toBeDefined();
    expect(denial).toContain(`your scratch folder ${expected}`);
    expect(existsSync('/tmp/overnight-e2e-outside.txt')).toBe(false);
    // Committed: the result, not the notes.
    const files = repo.git('ls-tree', '-r', '--name-only', integrationBranch(id)).split('\n');
    expect(files).toContain('done/result.txt');
    expect(files.some((f) => f.endsWith('notes.txt'))).toBe(false);
    // The audit log has the allowed scratch write; the folder itself is gone after the night.
    const audit = readFileSync(join(repo.root, '.overnight/sessions', id, 'audit.jsonl'), 'utf8');
    expect(audit).toContain(`${expected}/notes.txt`);
    expect(existsSync(join(worktreesDir(repo.root, id), SCRATCH_FOLDER))).toBe(false);
  });
});
