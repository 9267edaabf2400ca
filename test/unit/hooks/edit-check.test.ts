import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkEditedFile, checkerFor, jsonProblem, postToolUseContext } from '../../../src/hooks/edit-check.js';

const dir = mkdtempSync(join(tmpdir(), 'edit-check-'));
function file(name: string, text: string): string {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
}

describe('advisory edit checks', () => {
  it('picks a fast checker by extension, and none for JSONC or unknown files', () => {
    expect(checkerFor('/w/package.json')).toEqual({ kind: 'json' });
    expect(checkerFor('/w/tsconfig.json')).toBeUndefined();
    expect(checkerFor('/w/a.ts')).toBeUndefined();
    expect(checkerFor('/w/a.mjs', '/usr/bin/node')).toEqual({ kind: 'command', argv: ['/usr/bin/node', '--check', '/w/a.mjs'] });
    expect(checkerFor('/w/run.sh')).toMatchObject({ argv: ['bash', '-n', '/w/run.sh'] });
    expect(jsonProblem('{"a": 1,}')).toBeDefined();
    expect(jsonProblem('{"a": 1}')).toBeUndefined();
  });

  it('reports broken JSON, JavaScript and shell, and stays quiet for good files', async () => {
    expect(await checkEditedFile(file('package.json', '{"name": "x",}'))).toContain('is not valid JSON');
    expect(await checkEditedFile(file('ok.json', '{"name": "x"}'))).toBeUndefined();
    expect(await checkEditedFile(file('bad.cjs', 'module.exports = { a: ;\n'))).toContain('has a syntax error');
    expect(await checkEditedFile(file('good.mjs', 'import fs from "node:fs";\nexport const a = fs;\n'))).toBeUndefined();
    expect(await checkEditedFile(file('bad.sh', 'if true; then\n  echo x\n'))).toContain('syntax error');
    expect(await checkEditedFile(file('notes.md', '# {'))).toBeUndefined();
    expect(await checkEditedFile(join(dir, 'missing.json'))).toBeUndefined();
  });

  it('hands the finding to the agent as PostToolUse additional context', () => {
    const out = JSON.parse(postToolUseContext('Syntax check: x'));
    expect(out.hookSpecificOutput).toEqual({ hookEventName: 'PostToolUse', additionalContext: expect.stringContaining('Syntax check: x') });
  });
});
