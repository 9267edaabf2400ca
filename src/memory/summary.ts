/**
 * One sentence on what the end of the night did with the learnings file (memory across nights),
 * for the morning report and `overnight status`.
 */
import type { MemoryRecord } from '../session/state.js';

/**
 * The sentence for a MemoryRecord (state.json `memory`), naming the file, the counts (added,
 * already there, dropped for size, kept) and the commit on `integrationBranch`. Pure.
 */
export function memorySentence(m: MemoryRecord, integrationBranch: string): string {
  const file = `\`${m.file}\``;
  const already = m.duplicates ? `, ${m.duplicates} already there` : '';
  const dropped = m.dropped ? `, ${m.dropped} oldest dropped to stay within memory.max_bytes` : '';
  switch (m.outcome) {
    case 'written':
      return `Learnings kept for later nights in ${file}: ${m.added} added${already}${dropped}; it holds ${m.kept} (commit ${m.commit?.slice(0, 10) ?? '?'} on ${integrationBranch}; merging the night brings it to the base branch).`;
    case 'unchanged':
      return `Learnings file ${file}: nothing new to add${already}${dropped}; it holds ${m.kept}.`;
    case 'off':
      return 'Memory across nights is off (`memory.file: off`): no learnings file was read or written.';
    case 'skipped':
      return `Learnings file ${file} not updated: ${m.note ?? 'nothing shipped'}.`;
    case 'failed':
      return `Learnings file ${file} could not be written: ${m.note ?? 'git failed'}. The learnings are in this report.`;
  }
}
