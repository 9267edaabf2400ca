import { describe, expect, it } from 'vitest';
import { parseConfigText } from '../../../src/config/load.js';
import { checkCommands, checkJunitFiles } from '../../../src/config/schema.js';
import { OvernightError, OvernightErrors } from '../../../src/util/errors.js';

function problems(text: string): string[] {
  try {
    parseConfigText(text);
  } catch (error) {
    if (error instanceof OvernightErrors) return error.errors.map((e) => e.format());
    if (error instanceof OvernightError) return [error.format()];
    throw error;
  }
  throw new Error('expected the config to be invalid');
}

describe('project checks in overnight.config.yaml (the test ratchet)', () => {
  it('accepts commands and { run, junit } objects side by side; the ratchet is on by default', () => {
    const config = parseConfigText('checks:\n  - npm run lint\n  - { run: npm test, junit: reports/junit.xml }\n  - run: make check\n');
    expect(config.checks).toEqual(['npm run lint', { run: 'npm test', junit: 'reports/junit.xml' }, { run: 'make check' }]);
    expect(checkCommands(config.checks)).toEqual(['npm run lint', 'npm test', 'make check']);
    expect(checkJunitFiles(config.checks)).toEqual({ 'npm test': 'reports/junit.xml' });
    expect(config.ratchet).toBe(true);
    expect(parseConfigText('ratchet: false\n').ratchet).toBe(false);
  });

  it('refuses a junit path outside the repository, and unknown keys of a check, naming the field', () => {
    const outside = problems('checks:\n  - { run: npm test, junit: ../junit.xml }\n').join('\n');
    expect(outside).toMatch(/checks/);
    expect(outside).toMatch(/inside it/);
    expect(problems('checks:\n  - { run: npm test, junit: /tmp/junit.xml }\n').join('\n')).toMatch(/relative to the repository root/);
    expect(problems('checks:\n  - { command: npm test }\n').join('\n')).toMatch(/checks/);
  });
});
