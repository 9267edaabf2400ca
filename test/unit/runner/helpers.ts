import type { ItemState, ManifestItem } from '../../../src/session/state.js';

export function mItem(slug: string, over: Partial<ManifestItem> = {}): ManifestItem {
  return {
    id: over.id ?? 1,
    slug,
    title: `Item ${slug}`,
    file: `backlog/001-${slug}.md`,
    type: 'feature',
    priority: 'medium',
    dependsOn: [],
    verify: ['true'],
    maxTurns: 10,
    budgetUsd: 1,
    timeoutMs: 60_000,
    estimateMs: 10 * 60_000,
    round: 1,
    body: '## Goal\nx\n',
    acceptanceCriteria: ['x'],
    ...over,
  };
}

export function st(slug: string, status: ItemState['status'], over: Partial<ItemState> = {}): ItemState {
  return { slug, status, attempts: [], commits: [], ...over };
}
