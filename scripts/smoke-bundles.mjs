// Runs the committed bundles (dist/) under the Node.js that runs this script, with no node_modules
// needed: `--version`, `--help`, `prepare` on a sample repository, `gate`, and the Bash and file
// gates answering hook input. .ci/oldest-node.sh runs it under the oldest Node in package.json
// `engines`. Exits 1 with what failed; prints one line per check.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const version = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).version;
const repo = mkdtempSync(join(tmpdir(), 'overnight-smoke-'));
const git = (...args) => spawnSync('git', args, { cwd: repo, encoding: 'utf8' });
git('init', '-q', '-b', 'main');
git('config', 'user.name', 'smoke');
git('config', 'user.email', 'smoke@example.invalid');
mkdirSync(join(repo, 'backlog'));
writeFileSync(join(repo, 'backlog/001-hello.md'), '---\ntitle: Say hello\nstatus: ready\nverify: "true"\n---\n## Goal\nHello.\n\n## Acceptance criteria\n- hello\n');
git('add', '-A');
git('commit', '-q', '-m', 'init');

let failed = false;
function check(name, args, expect, input) {
  const r = spawnSync(process.execPath, args, { cwd: repo, encoding: 'utf8', input, env: { ...process.env, NO_COLOR: '1' } });
  const ok = r.status === 0 && expect(r.stdout);
  if (!ok) failed = true;
  process.stdout.write(`${ok ? 'ok  ' : 'FAIL'} ${name}${ok ? '' : `\n  exit ${r.status}\n  stdout: ${r.stdout}\n  stderr: ${r.stderr}`}\n`);
}
const cli = join(root, 'dist/cli.js');
const hookInput = (tool, toolInput) => JSON.stringify({ session_id: 's', transcript_path: '/dev/null', cwd: repo, hook_event_name: 'PreToolUse', tool_name: tool, tool_input: toolInput, tool_use_id: 't' });
const denies = (rule) => (out) => { const d = JSON.parse(out).hookSpecificOutput; return d.permissionDecision === 'deny' && d.permissionDecisionReason.includes(rule); };

process.stdout.write(`Node ${process.version}, bundles of ${root}\n`);
check('overnight --version', [cli, '--version'], (out) => out.trim() === version);
check('overnight --help', [cli, '--help'], (out) => out.includes('prepare') && out.includes('status'));
check('overnight prepare --format json', [cli, 'prepare', '--format', 'json'], (out) => JSON.parse(out.trim().split('\n').pop()).data.rounds[0].items[0].item.slug === 'hello');
check('overnight gate git push --force', [cli, 'gate', '--format', 'json', 'git', 'push', '--force'], (out) => JSON.parse(out).data.decision.ruleId === 'git.force-push');
check('overnight status', [cli, 'status'], (out) => out.length > 0);
check('bash-gate hook denies a force-push', [join(root, 'dist/hooks/bash-gate.js')], denies('git.force-push'), hookInput('Bash', { command: 'git push --force origin main' }));
check('file-gate hook denies a write into .git', [join(root, 'dist/hooks/file-gate.js')], denies('file.git-dir'), hookInput('Write', { file_path: join(repo, '.git/config'), content: 'x' }));
rmSync(repo, { recursive: true, force: true });
process.exit(failed ? 1 : 0);
