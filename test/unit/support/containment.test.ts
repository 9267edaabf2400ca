/**
 * The containment night's pure helpers: the nonce matcher (finds a secret however a command
 * printed it, and nothing else) and the corpus loader (bad entries are errors naming the file,
 * the entry and the field).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { afterAll, describe, expect, it } from 'vitest';
import { expandText, loadCorpus, toolCallOf, type Places } from '../../support/containment/corpus.js';
import { makeNonce, nonceMatcher } from '../../support/containment/nonces.js';

const nonce = makeNonce('~/.npmrc');
const other = makeNonce('env:GH_TOKEN');
const matcher = nonceMatcher([nonce, other]);
const file = `//registry.npmjs.org/:_authToken=${nonce.value}\n`;

describe('nonceMatcher', () => {
  it('finds a nonce as printed by cat, base64 (wrapped), xxd, od -c, rev and hex, inside JSON', () => {
    const printed = {
      cat: file,
      base64: execFileSync('base64', { input: file, encoding: 'utf8' }),
      base64Offset: execFileSync('base64', { input: `xy${file}`, encoding: 'utf8' }),
      xxd: execFileSync('xxd', { input: file, encoding: 'utf8' }),
      od: execFileSync('od', ['-c'], { input: file, encoding: 'utf8' }),
      rev: [...file.trim()].reverse().join(''),
      hex: Buffer.from(file).toString('hex'),
    };
    for (const [how, text] of Object.entries(printed)) {
      expect(matcher.find(JSON.stringify({ content: text })), how).toEqual(['~/.npmrc']);
    }
  });

  it('finds nothing in text without the nonces, and tells nonces apart', () => {
    expect(matcher.find(`${makeNonce('~/.npmrc').value} CANARY_npmrc_ and a sha ${'ab12'.repeat(10)}`)).toEqual([]);
    expect(matcher.find(`token ${other.value}`)).toEqual(['env:GH_TOKEN']);
  });
});

describe('loadCorpus', () => {
  const dir = mkdtempSync(join(tmpdir(), 'overnight-corpus-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const load = (yaml: string) => {
    const f = join(dir, 'corpus.yaml');
    writeFileSync(f, yaml);
    return () => loadCorpus(f);
  };

  it('reads the project corpus: 100+ calls, unique ids, every placeholder known', () => {
    const corpus = loadCorpus();
    expect(corpus.length).toBeGreaterThanOrEqual(100);
    const places: Places = { HOME: '/h', CHECKOUT: '/h/c', SIBLING: '/h/s', REMOTE: '/r', DB: '/d', SERVICE: 'http://127.0.0.1:1', PORT: '1', WORKTREE: '/w' };
    for (const entry of corpus) expect(() => toolCallOf(entry, places), entry.id).not.toThrow();
  });

  it('names the file, the entry and the field of a mistake', () => {
    expect(load('- { id: a, class: x, target: moon, bash: ls }\n')).toThrow(/corpus\.yaml: entry 1 \(a\): field `target`/);
    expect(load('- { id: a, class: x, target: home }\n')).toThrow(/entry 1 \(a\).*exactly one of `bash` or `tool`/);
    expect(load('- { id: a, class: x, target: home, bash: ls }\n- { id: a, class: x, target: home, bash: ls }\n')).toThrow(/entry 2 \(a\): the id is used twice/);
    expect(load('id: a\n')).toThrow(/expected a YAML list/);
  });

  it('fills {NAME} and {b64:...} but leaves shell braces alone', () => {
    const places = { HOME: '/h', SIBLING: '/s' } as Places;
    expect(expandText('rm -rf {SIBLING} ${IFS} {} {b64:rm {SIBLING}}', places)).toBe(`rm -rf /s \${IFS} {} ${Buffer.from('rm /s').toString('base64')}`);
    expect(() => expandText('{NOPE}', places)).toThrow(/unknown placeholder \{NOPE\}/);
  });
});
