/**
 * The dependency graph of the backlog: `blocked_by` references resolved to ids, cycles found, and
 * items put in dependency order. Pure functions over BacklogItem lists.
 */
import { OvernightError } from '../util/errors.js';
import { closestMatch } from '../util/suggest.js';
import { itemRef } from './filename.js';
import type { BacklogItem } from './types.js';

/**
 * Finds the item a `blocked_by` entry names: a number or digit string is an id (`7`, `"007"`),
 * `NNN-slug` must match both, anything else is a slug. Returns undefined when nothing matches.
 */
export function findReferenced(reference: number | string, items: readonly Pick<BacklogItem, 'id' | 'slug'>[]): Pick<BacklogItem, 'id' | 'slug'> | undefined {
  if (typeof reference === 'number') return items.find((i) => i.id === reference);
  const text = reference.trim();
  if (/^\d+$/.test(text)) return items.find((i) => i.id === Number(text));
  const full = /^(\d+)-(.+)$/.exec(text);
  if (full) {
    const byBoth = items.find((i) => i.id === Number(full[1]) && i.slug === full[2]);
    if (byBoth) return byBoth;
  }
  return items.find((i) => i.slug === text);
}

/**
 * Resolves every item's `blockedBy` into `dependsOn` (ids, deduplicated, in the order written).
 * Returns new item objects and one error per reference that names no item (`backlog.unknown-dependency`,
 * with the closest slug or `NNN-slug` suggested) or names the item itself (`backlog.cycle`).
 * Options: `lines`, the file line of each item's `blocked_by` key by id; `backlogDir` for messages;
 * `targets`, what references may name (default: `items`; the reader passes every well-named file,
 * so a reference to an item whose own file is invalid is not reported twice).
 */
export function resolveDependencies(
  items: readonly BacklogItem[],
  options: { lines?: ReadonlyMap<number, number>; backlogDir?: string; targets?: readonly Pick<BacklogItem, 'id' | 'slug'>[] } = {},
): { items: BacklogItem[]; errors: OvernightError[] } {
  const lines = options.lines ?? new Map<number, number>();
  const backlogDir = options.backlogDir ?? 'backlog';
  const targets = options.targets ?? items;
  const errors: OvernightError[] = [];
  const candidates = targets.flatMap((i) => [i.slug, itemRef(i)]);
  const resolved = items.map((item) => {
    const dependsOn: number[] = [];
    for (const reference of item.blockedBy) {
      const target = findReferenced(reference, targets);
      if (!target) {
        const suggestion = typeof reference === 'string' ? closestMatch(reference, candidates) : undefined;
        errors.push(
          new OvernightError(
            'backlog.unknown-dependency',
            `blocked_by names '${reference}', which is not an item in ${backlogDir}/${suggestion ? ` — did you mean '${suggestion}'?` : ''}`,
            {
              file: item.file,
              line: lines.get(item.id),
              field: 'blocked_by',
              fix: suggestion
                ? `Change '${reference}' to '${suggestion}'.`
                : `Use the id or slug of an item in ${backlogDir}/ (e.g. 7 or csv-parser), or remove '${reference}'.`,
            },
          ),
        );
        continue;
      }
      if (target.id === item.id) {
        errors.push(
          new OvernightError('backlog.cycle', `dependency cycle: ${itemRef(item)} is blocked by itself`, {
            file: item.file,
            line: lines.get(item.id),
            field: 'blocked_by',
            fix: `Remove '${reference}' from blocked_by.`,
          }),
        );
        continue;
      }
      if (!dependsOn.includes(target.id)) dependsOn.push(target.id);
    }
    return { ...item, dependsOn };
  });
  return { items: resolved, errors };
}

/**
 * Finds dependency cycles among items whose `dependsOn` is resolved (self-references excluded:
 * resolveDependencies reports those). Returns one `backlog.cycle` error per strongly connected
 * group of items, naming the file of its lowest id and the cycle as `001-a -> 003-c -> 001-a`.
 */
export function findCycles(items: readonly BacklogItem[], lines: ReadonlyMap<number, number> = new Map()): OvernightError[] {
  const byId = new Map(items.map((i) => [i.id, i]));
  const groups = stronglyConnected(items);
  const errors: OvernightError[] = [];
  for (const group of groups) {
    if (group.length < 2) continue;
    const members = new Set(group);
    const start = Math.min(...group);
    const path = cyclePath(start, members, byId);
    const names = path.map((id) => itemRef(byId.get(id)!));
    const first = byId.get(start)!;
    errors.push(
      new OvernightError('backlog.cycle', `dependency cycle: ${names.join(' -> ')} (each is blocked by the next)`, {
        file: first.file,
        line: lines.get(start),
        field: 'blocked_by',
        fix: `Remove one of these blocked_by entries: ${names
          .slice(0, -1)
          .map((name, i) => `${names[i + 1]} in ${name}.md`)
          .join(', or ')}.`,
      }),
    );
  }
  return errors.sort((a, b) => (a.file ?? '').localeCompare(b.file ?? ''));
}

/** Tarjan's strongly connected components over `dependsOn` edges; each component as a list of ids. */
function stronglyConnected(items: readonly BacklogItem[]): number[][] {
  const byId = new Map(items.map((i) => [i.id, i]));
  const index = new Map<number, number>();
  const low = new Map<number, number>();
  const onStack = new Set<number>();
  const stack: number[] = [];
  const result: number[][] = [];
  let counter = 0;
  const visit = (id: number): void => {
    index.set(id, counter);
    low.set(id, counter);
    counter++;
    stack.push(id);
    onStack.add(id);
    for (const dep of byId.get(id)?.dependsOn ?? []) {
      if (!byId.has(dep) || dep === id) continue;
      if (!index.has(dep)) {
        visit(dep);
        low.set(id, Math.min(low.get(id)!, low.get(dep)!));
      } else if (onStack.has(dep)) {
        low.set(id, Math.min(low.get(id)!, index.get(dep)!));
      }
    }
    if (low.get(id) === index.get(id)) {
      const group: number[] = [];
      let member: number;
      do {
        member = stack.pop()!;
        onStack.delete(member);
        group.push(member);
      } while (member !== id);
      result.push(group);
    }
  };
  for (const item of [...items].sort((a, b) => a.id - b.id)) if (!index.has(item.id)) visit(item.id);
  return result;
}

/** A shortest cycle from `start` back to itself inside `members` (breadth-first), as ids ending with `start`. */
function cyclePath(start: number, members: Set<number>, byId: Map<number, BacklogItem>): number[] {
  const previous = new Map<number, number>();
  const queue = [start];
  while (queue.length > 0) {
    const id = queue.shift()!;
    for (const dep of [...(byId.get(id)?.dependsOn ?? [])].sort((a, b) => a - b)) {
      if (!members.has(dep)) continue;
      if (dep === start) {
        const path = [start];
        for (let at = id; at !== start; at = previous.get(at)!) path.splice(1, 0, at);
        path.push(start);
        return path;
      }
      if (!previous.has(dep)) {
        previous.set(dep, id);
        queue.push(dep);
      }
    }
  }
  return [start, start];
}

/**
 * Items in dependency order: every item after the items it depends on (among `items`), ties broken
 * by id. Dependencies outside `items` are ignored. Requires an acyclic graph (check findCycles first);
 * items on a cycle are appended at the end by id.
 */
export function dependencyOrder<T extends Pick<BacklogItem, 'id' | 'dependsOn'>>(items: readonly T[]): T[] {
  const ids = new Set(items.map((i) => i.id));
  const remaining = new Map(items.map((i) => [i.id, i.dependsOn.filter((d) => ids.has(d) && d !== i.id).length]));
  const dependents = new Map<number, number[]>();
  for (const item of items) for (const dep of item.dependsOn) if (ids.has(dep) && dep !== item.id) dependents.set(dep, [...(dependents.get(dep) ?? []), item.id]);
  const byId = new Map(items.map((i) => [i.id, i]));
  const ready = items.filter((i) => remaining.get(i.id) === 0).map((i) => i.id);
  const order: T[] = [];
  while (ready.length > 0) {
    ready.sort((a, b) => a - b);
    const id = ready.shift()!;
    order.push(byId.get(id)!);
    for (const next of dependents.get(id) ?? []) {
      const left = remaining.get(next)! - 1;
      remaining.set(next, left);
      if (left === 0) ready.push(next);
    }
  }
  if (order.length < items.length) {
    const placed = new Set(order.map((i) => i.id));
    order.push(...[...items].filter((i) => !placed.has(i.id)).sort((a, b) => a.id - b.id));
  }
  return order;
}
