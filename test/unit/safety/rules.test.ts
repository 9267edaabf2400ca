import { describe, expect, it } from 'vitest';
import { RULES, ruleById } from '../../../src/safety/rules/index.js';
import { evaluate } from '../../../src/safety/policy.js';
import { isProtectedBranch } from '../../../src/safety/rules/git.js';
import { destructiveSql } from '../../../src/safety/rules/database.js';
import { isSecretVarName } from '../../../src/safety/rules/secrets.js';
import { corpusContext, WORKTREE } from './corpus-data.js';

const ctx = corpusContext();
const bash = (command: string, c = ctx) => evaluate({ toolName: 'Bash', toolInput: { command }, cwd: WORKTREE }, c);
const ruleOf = (command: string, c = ctx) => {
  const d = bash(command, c);
  return d.decision === 'deny' ? d.ruleId : 'allow';
};

describe('RULES table', () => {
  it('has unique, well-formed ids with a domain, a description and a reason that says what to do instead', () => {
    const ids = RULES.map((r) => r.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const r of RULES) {
      expect(r.id).toMatch(/^[a-z]+\.[a-z0-9-]+$/);
      expect(r.description.length, r.id).toBeGreaterThan(10);
      expect(r.reason, r.id).toMatch(/Instead,/);
    }
  });
  it('covers every domain of the brief', () => {
    const domains = new Set(RULES.map((r) => r.domain));
    for (const d of ['git', 'files', 'disk-system', 'privilege', 'database', 'deploy-infra', 'network-shell', 'secrets']) expect(domains.has(d as never), d).toBe(true);
  });
  it('denies every Bash example of every rule, with that rule', () => {
    const mismatches: string[] = [];
    for (const r of RULES) {
      if (['file-tools', 'agent', 'config'].includes(r.domain) || r.id === 'internal.error' || r.id === 'fs.deny-path' || r.id === 'parse.too-large') continue;
      for (const ex of r.examples) {
        if (ex.startsWith('<')) continue;
        const got = ruleOf(ex);
        if (got !== r.id) mismatches.push(`${r.id}: \`${ex}\` -> ${got}`);
      }
    }
    expect(mismatches).toEqual([]);
  });
  it('gives settings patterns in Claude Code permission-rule syntax', () => {
    for (const r of RULES) for (const p of r.settingsPatterns ?? []) expect(p, r.id).toMatch(/^(Bash|Read|Edit|Write)\(.+\)$/);
  });
  it('ruleById throws on unknown ids', () => {
    expect(ruleById('git.force-push').domain).toBe('git');
    expect(() => ruleById('nope.nothing')).toThrow(/unknown safety rule/);
  });
});

describe('git rules', () => {
  it('matches protected branch globs', () => {
    expect(isProtectedBranch('main', ['main'])).toBe(true);
    expect(isProtectedBranch('refs/heads/main', ['main'])).toBe(true);
    expect(isProtectedBranch('release/1.2', ['release/*'])).toBe(true);
    expect(isProtectedBranch('release/1.2/hotfix', ['release/*'])).toBe(false);
    expect(isProtectedBranch('release/1.2/hotfix', ['release/**'])).toBe(true);
    expect(isProtectedBranch('mainline', ['main'])).toBe(false);
  });
  it('allows pushing only the own branch in unattended sessions, anything unprotected in interactive ones', () => {
    expect(ruleOf('git push origin overnight/s1--item')).toBe('allow');
    expect(ruleOf('git push origin feature')).toBe('git.push-not-own-branch');
    const interactive = corpusContext({ ownBranch: null });
    expect(ruleOf('git push origin feature', interactive)).toBe('allow');
    expect(ruleOf('git push', interactive)).toBe('allow');
    expect(ruleOf('git push origin main', interactive)).toBe('git.push-protected');
    expect(ruleOf('git push --force origin feature', interactive)).toBe('git.force-push');
  });
  it('resolves bare pushes and HEAD with the current branch when the context knows it', () => {
    expect(ruleOf('git push', corpusContext({ currentBranch: 'overnight/s1--item' }))).toBe('allow');
    expect(ruleOf('git push -u origin HEAD', corpusContext({ currentBranch: 'overnight/s1--item' }))).toBe('allow');
    expect(ruleOf('git push origin HEAD', corpusContext({ currentBranch: 'main', ownBranch: null }))).toBe('git.push-protected');
    expect(ruleOf('git checkout main && git push origin HEAD', corpusContext({ currentBranch: 'overnight/s1--item' }))).toBe('git.push-protected');
  });
  it('tells single-file restores from bulk discards', () => {
    expect(ruleOf('git checkout -- src/a.ts')).toBe('allow');
    expect(ruleOf('git checkout -- src/a.ts .')).toBe('git.checkout-discard');
    expect(ruleOf('cd src && git checkout -- ..')).toBe('git.checkout-discard');
    expect(ruleOf('git restore --staged .')).toBe('allow');
    expect(ruleOf('git restore -SW .')).toBe('git.checkout-discard');
  });
  it('denies merges into a protected branch only when that branch is checked out', () => {
    expect(ruleOf('git merge feature')).toBe('allow');
    expect(ruleOf('git checkout main && git merge --abort')).toBe('allow');
    expect(ruleOf('git checkout -b main2 && git merge x')).toBe('allow');
    expect(ruleOf('git checkout main && git checkout overnight/s1--item && git merge main')).toBe('allow');
  });
});

describe('files rules', () => {
  it('allows deleting inside the worktree but not the root, .git, outside or unknown targets', () => {
    expect(ruleOf('rm -rf src/old')).toBe('allow');
    expect(ruleOf('rm -rf src/..')).toBe('fs.rm-worktree-root');
    expect(ruleOf('rm -rf src/../.git')).toBe('fs.rm-git-dir');
    expect(ruleOf('rm -rf src/../..')).toBe('fs.rm-outside-worktree');
    expect(ruleOf('rm -f "$F"')).toBe('fs.rm-unknown-target');
  });
  it('judges globs by their starting directory and whether they can match .git', () => {
    expect(ruleOf('rm -rf *')).toBe('allow');
    expect(ruleOf('rm -rf .*')).toBe('fs.rm-git-dir');
    expect(ruleOf('rm -rf .[!.]*')).toBe('fs.rm-git-dir');
    expect(ruleOf('rm -rf .cache*')).toBe('allow');
    expect(ruleOf('rm -rf /tmp/*')).toBe('fs.rm-outside-worktree');
  });
  it('respects allow_paths and deny_paths', () => {
    const c = corpusContext({ allowPaths: ['/scratch'], denyPaths: ['data/golden'] });
    expect(ruleOf('rm -rf /scratch/x', c)).toBe('allow');
    expect(ruleOf('rm -rf /scratch', c)).toBe('fs.rm-outside-worktree');
    expect(ruleOf('rm -rf data/golden/a.json', c)).toBe('fs.deny-path');
    expect(ruleOf('rm -rf data/*', c)).toBe('fs.deny-path');
    expect(ruleOf('echo x > data/golden/a.json', c)).toBe('fs.deny-path');
  });
  it('allows writes to harmless devices and denies raw devices', () => {
    expect(ruleOf('ls > /dev/null 2>&1')).toBe('allow');
    expect(ruleOf('ls 2>/dev/stderr >/dev/stdout')).toBe('allow');
    expect(ruleOf('ls > /dev/sda')).toBe('sys.write-device');
  });
});

describe('database rules', () => {
  it('finds destructive statements and leaves the rest', () => {
    expect(destructiveSql('drop table x')).toBeDefined();
    expect(destructiveSql('DROP   SCHEMA s cascade')).toBeDefined();
    expect(destructiveSql('truncate t')).toBeDefined();
    expect(destructiveSql('DELETE FROM t')).toBeDefined();
    expect(destructiveSql('DELETE FROM t WHERE id = 1')).toBeUndefined();
    expect(destructiveSql('delete from a where x=1; delete from b')).toBeDefined();
    expect(destructiveSql('UPDATE t SET a = 1')).toBeDefined();
    expect(destructiveSql('UPDATE t SET a = 1 WHERE id = 2')).toBeUndefined();
    expect(destructiveSql('SELECT * FROM drop_log -- DROP TABLE x')).toBeUndefined();
    expect(destructiveSql('select 1')).toBeUndefined();
    expect(destructiveSql('db.getCollection("u").drop()')).toBeDefined();
  });
  it('only judges SQL that reaches a database client', () => {
    expect(ruleOf('echo "DROP TABLE x"')).toBe('allow');
    expect(ruleOf('echo "DROP TABLE x" > migration.sql')).toBe('allow');
    expect(ruleOf('echo "DROP TABLE x" | psql')).toBe('db.destructive-sql');
  });
});

describe('secrets rules', () => {
  it('recognises secret-looking variable names', () => {
    for (const n of ['GITHUB_TOKEN', 'AWS_SECRET_ACCESS_KEY', 'DB_PASSWORD', 'OPENAI_API_KEY', 'STRIPE_APIKEY', 'SENTRY_DSN', 'DATABASE_URL', 'AUTH_HEADER']) expect(isSecretVarName(n), n).toBe(true);
    for (const n of ['HOME', 'PATH', 'NODE_ENV', 'GIT_AUTHOR_NAME', 'AUTHOR', 'USER', 'CI']) expect(isSecretVarName(n), n).toBe(false);
  });
  it('allows using secrets without printing them', () => {
    expect(ruleOf('curl -H "Authorization: Bearer $GITHUB_TOKEN" https://api.github.com')).toBe('allow');
    expect(ruleOf('GH_TOKEN=$GITHUB_TOKEN gh pr list')).toBe('allow');
    expect(ruleOf('echo $GITHUB_TOKEN')).toBe('secrets.print-var');
  });
});

describe('deploy rules', () => {
  it('lets read-only and dry-run forms through', () => {
    for (const c of ['terraform plan -out p', 'kubectl get deploy', 'kubectl rollout status deploy/api', 'helm upgrade --install x ./c --dry-run', 'npm publish --dry-run', 'cargo publish --dry-run', 'aws s3 ls', 'gh pr create --fill', 'vercel build', 'ansible-playbook --check x.yml', 'heroku logs']) {
      expect(ruleOf(c), c).toBe('allow');
    }
  });
});

describe('docs/safety-policy.md', () => {
  it('lists every rule id', async () => {
    const { readFileSync } = await import('node:fs');
    const { join } = await import('node:path');
    const doc = readFileSync(join(import.meta.dirname, '../../../docs/safety-policy.md'), 'utf8');
    for (const r of RULES) expect(doc, r.id).toContain('`' + r.id + '`');
  });
});

describe('disk and system rules', () => {
  it('tells listing from formatting, pid kills from kill-all, and worktree chmod from system chmod', () => {
    expect(ruleOf('fdisk -l')).toBe('allow');
    expect(ruleOf('fdisk /dev/sda')).toBe('sys.format-disk');
    expect(ruleOf('dd if=/dev/zero of=/dev/null count=1')).toBe('allow');
    expect(ruleOf('kill -9 4242')).toBe('allow');
    expect(ruleOf('kill -9 -1')).toBe('sys.kill-all');
    expect(ruleOf('chmod -R 755 scripts')).toBe('allow');
    expect(ruleOf('chmod -R 755 /usr/local')).toBe('sys.chmod-outside');
    expect(ruleOf('systemctl status nginx')).toBe('allow');
    expect(ruleOf('systemctl restart nginx')).toBe('sys.service-control');
    expect(ruleOf('docker rm -f my-db')).toBe('allow');
    expect(ruleOf('docker volume prune -f')).toBe('sys.docker-prune');
  });
});

describe('privilege rules', () => {
  it('denies escalation in every wrapper and setuid modes, not ordinary modes', () => {
    expect(ruleOf('sudo true')).toBe('priv.sudo');
    expect(ruleOf('env -i sudo true')).toBe('priv.sudo');
    expect(ruleOf('chmod 4755 tool')).toBe('priv.setuid');
    expect(ruleOf('chmod 2775 dir')).toBe('priv.setuid');
    expect(ruleOf('chmod 1777 tmpdir')).toBe('allow');
    expect(ruleOf('chmod 755 tool')).toBe('allow');
    expect(ruleOf('chmod u+x,g+s tool')).toBe('priv.setuid');
    expect(ruleOf('chmod a+rx tool')).toBe('allow');
  });
});
