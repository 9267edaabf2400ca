import { describe, expect, it } from 'vitest';
import { readItemStatusText, setItemStatusText } from '../../../src/backlog/set-status.js';

const ITEM = [
  '---',
  '# the item',
  'title: "Fix: the parser"   # quoted',
  'status: ready  # set by hand',
  'blocked_by: [7, csv-parser]',
  'verify: npm test -- parser',
  '---',
  '## Goal',
  '',
  'status: ready is also in the body, and must stay.',
  '',
].join('\n');

describe('setItemStatusText', () => {
  it('changes only the status value: comments, quoting, other keys and the body stay byte-identical', () => {
    const out = setItemStatusText(ITEM, 'done')!;
    expect(out).toBe(ITEM.replace('status: ready  # set by hand', 'status: done  # set by hand'));
    expect(readItemStatusText(out)).toBe('done');
    expect(out.endsWith('status: ready is also in the body, and must stay.\n')).toBe(true);
  });

  it('replaces a quoted value, keeps CRLF line endings and a BOM', () => {
    const crlf = `\uFEFF---\r\ntitle: x\r\nstatus: "ready"\r\n---\r\nbody\r\n`;
    expect(setItemStatusText(crlf, 'done')).toBe(`\uFEFF---\r\ntitle: x\r\nstatus: done\r\n---\r\nbody\r\n`);
  });

  it('adds the key when the frontmatter has none, and leaves a done item unchanged', () => {
    expect(setItemStatusText('---\ntitle: x\n---\nbody\n', 'done')).toBe('---\nstatus: done\ntitle: x\n---\nbody\n');
    const done = '---\ntitle: x\nstatus: done\n---\n';
    expect(setItemStatusText(done, 'done')).toBe(done);
  });

  it('gives up (undefined) on text it cannot read, rather than guess', () => {
    expect(setItemStatusText('no frontmatter\n', 'done')).toBeUndefined();
    expect(setItemStatusText('---\ntitle: [unclosed\n---\n', 'done')).toBeUndefined();
    expect(setItemStatusText('---\n- a list\n---\n', 'done')).toBeUndefined();
    expect(setItemStatusText('---\ntitle: x\nstatus: [ready]\n---\n', 'done')).toBeUndefined();
    expect(readItemStatusText('---\ntitle: x\n---\n')).toBeUndefined();
  });
});
