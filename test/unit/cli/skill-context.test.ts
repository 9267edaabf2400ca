import { describe, expect, it } from 'vitest';
import { parseSkillArgs, renderSkillContext, sectionTag, SKILL_USAGE } from '../../../src/cli/commands/skill-context.js';

describe('/overnight arguments', () => {
  it('chooses the flow deterministically', () => {
    expect(parseSkillArgs([])).toEqual({ flow: 'plan' });
    expect(parseSkillArgs([''])).toEqual({ flow: 'plan' }); // '$ARGUMENTS' quoted and empty
    expect(parseSkillArgs(['  '])).toEqual({ flow: 'plan' });
    expect(parseSkillArgs(['6h'])).toEqual({ flow: 'plan', timeLimit: '6h' });
    expect(parseSkillArgs(['1.5h'])).toEqual({ flow: 'plan', timeLimit: '1.5h' });
    expect(parseSkillArgs(['90m'])).toEqual({ flow: 'plan', timeLimit: '90m' });
    expect(parseSkillArgs([' 6h '])).toEqual({ flow: 'plan', timeLimit: '6h' });
    expect(parseSkillArgs(['resume'])).toEqual({ flow: 'resume' });
    expect(parseSkillArgs(['Status'])).toEqual({ flow: 'status' });
    expect(parseSkillArgs(['retry'])).toEqual({ flow: 'retry', items: [] });
    expect(parseSkillArgs(['retry 3 csv-export,7'])).toEqual({ flow: 'retry', items: ['3', 'csv-export', '7'] });
  });

  it('gives the exact messages for an unknown subcommand and a malformed time limit', () => {
    expect(parseSkillArgs(['foobar'])).toEqual({
      flow: 'error',
      message: "Unknown subcommand 'foobar'. Use /overnight [time-limit], /overnight resume, /overnight retry [items] or /overnight status.",
    });
    for (const bad of ['6x', '0h', '6', '1.5m', '.5h']) {
      expect(parseSkillArgs([bad])).toEqual({
        flow: 'error',
        message: `Invalid time limit '${bad}'. Expected hours such as '6h' or '1.5h', or minutes such as '90m'.`,
      });
    }
    expect(parseSkillArgs(['6h extra'])).toEqual({ flow: 'error', message: `Unexpected argument 'extra' after '6h'. ${SKILL_USAGE}` });
    expect(parseSkillArgs(['status', 'now'])).toEqual({ flow: 'error', message: `Unexpected argument 'now' after 'status'. ${SKILL_USAGE}` });
    expect(parseSkillArgs(['run', 'tonight'])).toEqual({ flow: 'error', message: `Unknown subcommand 'run tonight'. ${SKILL_USAGE}` });
  });
});

describe('skill context rendering', () => {
  it('prints the flow, the fields and each section inside its tag', () => {
    const text = renderSkillContext({
      flow: 'plan',
      fields: [['PRECONDITIONS', 'ok'], ['TIME LIMIT', '6h']],
      sections: [{ title: 'Session plan', body: '# Plan\n\n- a\n' }],
    });
    expect(text).toBe('FLOW: plan\nPRECONDITIONS: ok\nTIME LIMIT: 6h\n\n<session-plan>\n# Plan\n\n- a\n</session-plan>\n');
    expect(renderSkillContext({ flow: 'error', fields: [['MESSAGE', 'x']], sections: [] })).toBe('FLOW: error\nMESSAGE: x\n');
    expect(sectionTag('Deferred questions')).toBe('deferred-questions');
  });
});
