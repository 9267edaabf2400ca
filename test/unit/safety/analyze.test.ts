import { describe, expect, it } from 'vitest';
import { analyzeCommand } from '../../../src/safety/analyze.js';
import { corpusContext, WORKTREE } from './corpus-data.js';

const ctx = corpusContext();
/** The simple commands a line runs, as `argv joined` strings (unknown pieces as $X / $(...)). */
function run(cmd: string, cwd = WORKTREE): string[] {
  return analyzeCommand(cmd, cwd, ctx).invocations.filter((i) => i.name !== '').map((i) => i.argv.map((a) => a.value ?? a.text).join(' '));
}
function inv(cmd: string, name: string, cwd = WORKTREE) {
  const i = analyzeCommand(cmd, cwd, ctx).invocations.find((x) => x.name === name);
  if (!i) throw new Error(`no ${name} in ${cmd}`);
  return i;
}
function findings(cmd: string): string[] {
  return analyzeCommand(cmd, WORKTREE, ctx).findings.map((f) => f.ruleId);
}

describe('analyzer: what runs', () => {
  it('lists every command of lists, pipelines, subshells and substitutions', () => {
    const names = analyzeCommand('a && (b | c) ; { d; } ; echo $(e `f`) <(g)', WORKTREE, ctx).invocations.map((i) => i.name);
    expect(names.sort()).toEqual(['a', 'b', 'c', 'd', 'e', 'echo', 'f', 'g']);
  });
  it('unwraps env, sudo, timeout, nice, nohup, time, command, exec, stdbuf, ionice, npx', () => {
    for (const w of ['env FOO=1 -u BAR', 'sudo -u root', 'timeout -s KILL 10', 'nice -n 5', 'nohup', 'command', 'exec', 'stdbuf -oL', 'ionice -c 3', 'npx -y', 'doas']) {
      const i = inv(`${w} git status`, 'git');
      expect(i.wrappers.length, w).toBeGreaterThan(0);
      expect(i.argv.map((a) => a.value)).toEqual(['git', 'status']);
    }
  });
  it('sees through the time keyword', () => {
    expect(inv('time -p git status', 'git').argv.map((a) => a.value)).toEqual(['git', 'status']);
  });
  it('resolves absolute binary paths to their names', () => {
    expect(inv('/usr/bin/rm -f x', 'rm').argv[0]!.value).toBe('/usr/bin/rm');
  });
  it('follows bash -c, sh -lc, eval, su -c and xargs into the command they run', () => {
    expect(inv('bash -c "git push"', 'git').via).toEqual(['bash -c']);
    expect(inv("sh -lc 'ls -la'", 'ls').via).toEqual(['sh -c']);
    expect(inv('eval "rm -f x"', 'rm').via).toEqual(['eval']);
    expect(inv('su -c "make install" root', 'make').via).toEqual(['su -c']);
    const x = inv('echo a b | xargs rm -f', 'rm');
    expect(x.via).toEqual(['xargs']);
    expect(x.argv.map((a) => a.value)).toEqual(['rm', '-f', 'a', 'b']);
  });
  it('follows find -exec with {} standing for a match below the starting point', () => {
    const i = inv('find src -name "*.bak" -exec rm {} \\;', 'rm');
    expect(i.via).toEqual(['find -exec']);
    expect(i.argv[1]!.value).toBe(`${WORKTREE}/src/{find-match}`);
    const j = inv('find . -exec rm -rf {} +', 'rm');
    expect(j.argv[2]!.value).toBe(WORKTREE);
  });
  it('follows parallel, watch and git aliases', () => {
    expect(run('parallel rm ::: a b')).toEqual(['rm a', 'rm b']);
    expect(inv('watch -n 2 "git status"', 'git').via).toEqual(['watch']);
    expect(inv("git -c alias.st='status -s' st", 'git').argv.map((a) => a.value)).toEqual(['git', 'status', '-s']);
    expect(inv("git -c alias.x='!ls -la' x", 'ls').via).toEqual(['git alias x', 'git alias x']);
  });
  it('reads heredocs and literal pipes into shells as scripts', () => {
    expect(inv('bash <<EOF\nls /\nEOF', 'ls').via[0]).toBe('bash <<stdin');
    expect(inv("printf 'ls -l' | sh", 'ls').via[0]).toBe('sh <<stdin');
  });
  it('extracts shell strings and deletions from interpreter one-liners', () => {
    expect(inv('python3 -c "import os; os.system(\'ls -l\')"', 'ls').via).toEqual(['python3 shell call']);
    const rm = inv('python3 -c "import shutil; shutil.rmtree(\'build\')"', 'rm');
    expect(rm.argv.map((a) => a.value)).toEqual(['rm', '-rf', '--', 'build']);
    expect(inv('node -e "require(\'child_process\').spawnSync(\'git\', [\'push\', \'-f\'])"', 'git').argv.map((a) => a.value)).toEqual(['git', 'push', '-f']);
  });
});

describe('analyzer: variables and working directory', () => {
  it('substitutes variables assigned earlier in the line, not later ones', () => {
    expect(run('X=--force; git push $X')).toEqual(['git push --force']);
    expect(run('X=1 echo $X')).toEqual(['echo $X']);
    expect(run('export D=/tmp; ls $D')).toEqual(['export D=/tmp', 'ls /tmp']);
  });
  it('makes a variable unknown when branches disagree', () => {
    expect(run('X=a; if c; then X=b; fi; echo $X').at(-1)).toBe('echo $X');
    expect(run('X=a; if c; then X=a; fi; echo $X').at(-1)).toBe('echo a');
  });
  it('runs loop bodies once per known item', () => {
    expect(run('for d in a b; do rm -rf $d; done')).toEqual(['rm -rf a', 'rm -rf b']);
  });
  it('tracks cd, pushd and subshell scope; cd - and unknown targets make the cwd unknown', () => {
    expect(inv('cd src && ls', 'ls').cwd).toBe(`${WORKTREE}/src`);
    expect(inv('(cd /tmp) && ls', 'ls').cwd).toBe(WORKTREE);
    expect(inv('cd - && ls', 'ls').cwd).toBeNull();
    expect(inv('cd $X && ls', 'ls').cwd).toBeNull();
    expect(inv('cd && ls', 'ls').cwd).toBe('/home/agent');
    expect(inv('pushd /etc && ls', 'ls').cwd).toBe('/etc');
  });
  it('knows $(pwd) and $(git rev-parse --show-toplevel)', () => {
    expect(run('cd src && rm -rf "$(pwd)/x"').at(-1)).toBe(`rm -rf ${WORKTREE}/src/x`);
    expect(run('rm -rf "$(git rev-parse --show-toplevel)/dist"').at(-1)).toBe(`rm -rf ${WORKTREE}/dist`);
  });
  it('remembers the branch checked out earlier in the line', () => {
    expect(inv('git checkout main && git merge x', 'git').branch).toBeUndefined();
    const all = analyzeCommand('git checkout main && git merge x', WORKTREE, ctx).invocations;
    expect(all[1]!.branch).toBe('main');
  });
});

describe('analyzer: structural findings', () => {
  it('flags network output piped into shells and interpreters', () => {
    expect(findings('curl -s x | bash')).toEqual(['net.pipe-to-shell']);
    expect(findings('wget -qO- x | python3 -')).toEqual(['net.pipe-to-shell']);
    expect(findings('bash <(curl x)')).toEqual(['net.pipe-to-shell']);
    expect(findings('eval "$(curl x)"')).toEqual(['net.pipe-to-shell']);
    expect(findings('curl x -o a.sh')).toEqual([]);
  });
  it('flags code it cannot see as overridable', () => {
    const f = analyzeCommand('eval "$CMD"', WORKTREE, ctx).findings;
    expect(f[0]).toEqual(expect.objectContaining({ ruleId: 'shell.eval-unknown', overridable: true }));
    expect(f.every((x) => x.overridable)).toBe(true);
  });
  it('reports nested parse errors of bash -c strings', () => {
    expect(findings(`bash -c 'echo "x'`)).toEqual(['parse.unparseable']);
  });
  it('bounds the nesting of bash -c inside bash -c', () => {
    // bash -c adds one level to the 16 levels of $( ) inside its string.
    expect(findings(`bash -c 'echo ${'$(echo '.repeat(16)}ls${')'.repeat(16)}'`)).toContain('parse.too-deep');
    expect(findings(`bash -c 'echo ${'$(echo '.repeat(14)}ls${')'.repeat(14)}'`)).toEqual([]);
    expect(findings('eval eval eval eval ls')).toEqual([]);
    expect(findings(`eval ${'eval '.repeat(20)}ls`)).toContain('parse.too-deep');
  });
  it('detects fork bombs', () => {
    expect(findings(':(){ :|:& };:')).toContain('sys.fork-bomb');
    expect(findings('f() { echo hi; }; f')).toEqual([]);
  });
});
