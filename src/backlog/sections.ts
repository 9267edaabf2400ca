/** Reading the markdown body of a backlog item: its acceptance criteria. */

const HEADING = /^(#{1,6})\s+(.*?)\s*#*\s*$/;
const ACCEPTANCE = /^acceptance\s+criteria\s*:?$/i;
const BULLET = /^\s*(?:[-*+]|\d+[.)])\s+(?:\[[ xX]\]\s+)?(.*\S)\s*$/;
const FENCE = /^\s*(```|~~~)/;

/**
 * The bullet items of the body's `## Acceptance criteria` section (any heading level, any letter
 * case, an optional trailing colon), without their bullet (`- `, `* `, `+ `, `1. `) or task-list box
 * (`[ ]`, `[x]`). HTML comments (`<!-- ... -->`) are ignored. The section ends at the next heading of the same or a higher level; lines inside
 * fenced code blocks are ignored. Returns [] when there is no such section or it has no bullets.
 * Several sections with that heading are read in order and joined.
 */
export function acceptanceCriteria(body: string): string[] {
  const criteria: string[] = [];
  let sectionLevel: number | undefined;
  let inFence = false;
  const withoutComments = body.replace(/<!--[\s\S]*?-->/g, '');
  for (const line of withoutComments.split(/\r?\n/)) {
    if (FENCE.test(line)) {
      inFence = !inFence;
      continue;
    }
    if (inFence) continue;
    const heading = HEADING.exec(line);
    if (heading && heading[1] !== undefined) {
      const level = heading[1].length;
      if (ACCEPTANCE.test(heading[2] ?? '')) {
        sectionLevel = level;
        continue;
      }
      if (sectionLevel !== undefined && level <= sectionLevel) sectionLevel = undefined;
      continue;
    }
    if (sectionLevel === undefined) continue;
    const bullet = BULLET.exec(line);
    if (bullet?.[1] !== undefined) criteria.push(bullet[1]);
  }
  return criteria;
}
