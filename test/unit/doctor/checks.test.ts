import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import { checkNode, commandPaths, findClaude, hookCommands, SUPPORTED_NODE } from '../../../src/doctor/checks.js';
import { whichBinary } from '../../../src/doctor/find-binary.js';
import { defaultConfig } from '../../../src/config/schema.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

test('doctor checks the Node range package.json engines declares', () => {
  expect(SUPPORTED_NODE).toBe(JSON.parse(readFileSync(join(import.meta.dirname, '../../../package.json'), 'utf8')).engines.node);
});

describe('doctor checks', () => {
  test('node version against the engines minimum', () => {
    expect(checkNode('20.17.0').status).toBe('ok');
    expect(checkNode('20.9.0')).toMatchObject({ status: 'fail', detail: 'Node.js 20.9.0 is not in the supported range ^20.17.0 || >=22.9.0' });
    expect(checkNode('22.8.0').status).toBe('fail');
    expect(checkNode('21.7.3').status).toBe('fail');
    expect(checkNode('22.9.0').status).toBe('ok');
    expect(checkNode('24.1.0').status).toBe('ok');
    expect(checkNode('18.20.0').status).toBe('fail');
  });

  test('hooks.json commands and the paths they name', () => {
    const doc = {
      hooks: {
        PreToolUse: [{ matcher: 'Bash', hooks: [{ type: 'command', command: 'node "${CLAUDE_PLUGIN_ROOT}/dist/hooks/bash-gate.js"' }] }],
        PostToolUse: [{ matcher: '*', hooks: [{ type: 'command', command: 'node $CLAUDE_PLUGIN_ROOT/dist/hooks/audit.js --x' }, { type: 'command', command: 'bin/check.sh' }] }],
      },
    };
    const commands = hookCommands(doc);
    expect(commands).toHaveLength(3);
    expect(commands.flatMap((c) => commandPaths(c, '/plugin'))).toEqual(['/plugin/dist/hooks/bash-gate.js', '/plugin/dist/hooks/audit.js', '/plugin/bin/check.sh']);
  });

  test('finding claude: configured path, else PATH, else the plugin node_modules', () => {
    const dir = mkdtempSync(join(tmpdir(), 'overnight-bin-'));
    dirs.push(dir);
    const fake = join(dir, 'claude');
    writeFileSync(fake, '#!/bin/sh\necho 1.0.0\n');
    chmodSync(fake, 0o755);
    const config = defaultConfig();
    config.agent.claude_path = fake;
    expect(findClaude(config, undefined)).toEqual({ path: fake, source: 'config', tried: [`${fake} (agent.claude_path)`] });
    config.agent.claude_path = join(dir, 'missing');
    expect(findClaude(config, undefined).path).toBeUndefined();
    expect(whichBinary('claude', { PATH: `/nonexistent:${dir}` })).toBe(fake);
    expect(whichBinary('claude', { PATH: '/nonexistent' })).toBeUndefined();
    const notExecutable = join(dir, 'plain');
    writeFileSync(notExecutable, '');
    expect(whichBinary(notExecutable)).toBeUndefined();
  });
});
