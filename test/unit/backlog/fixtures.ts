/** BacklogItem values for unit tests of pure backlog and plan logic. */
import type { BacklogItem } from '../../../src/backlog/types.js';

/** A valid, eligible-by-default item (status ready, one acceptance criterion, a verify command). */
export function item(id: number, fields: Partial<BacklogItem> = {}): BacklogItem {
  const slug = fields.slug ?? `item-${id}`;
  return {
    id,
    slug,
    file: `backlog/${String(id).padStart(3, '0')}-${slug}.md`,
    title: `Item ${id}`,
    status: 'ready',
    type: 'feature',
    priority: 'medium',
    blockedBy: fields.dependsOn ?? [],
    dependsOn: [],
    verify: ['npm test'],
    body: '## Acceptance criteria\n- works\n',
    acceptanceCriteria: ['works'],
    ...fields,
  };
}
