/**
 * Creating a new backlog item file (`overnight add`): the next free id, a slug from the title, valid
 * frontmatter (status: draft) and the sections to fill in. Nothing is written when anything is invalid.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import YAML from 'yaml';
import type { OvernightConfig } from '../config/schema.js';
import { OvernightError } from '../util/errors.js';
import { closestMatch } from '../util/suggest.js';
import { itemFileName, itemRef, slugForTitle } from './filename.js';
import { parseItemText } from './frontmatter.js';
import { findReferenced } from './graph.js';
import { scanBacklog, type BacklogFile } from './read.js';
import { ITEM_PRIORITIES, ITEM_TYPES, type ItemPriority, type ItemType } from './types.js';

export interface NewItemRequest {
  title: string;
  type?: string;
  priority?: string;
  /** References to existing items (ids, slugs or `NNN-slug`). */
  blockedBy?: readonly string[];
}

export interface CreatedItem {
  id: number;
  slug: string;
  /** Path relative to the repository root (`backlog/012-add-csv-export.md`). */
  file: string;
  /** Absolute path. */
  path: string;
  title: string;
  type: ItemType;
  priority: ItemPriority;
  status: 'draft';
  blockedBy: Array<number | string>;
  /** The file's text. */
  text: string;
}

function checkChoice<T extends string>(option: string, value: string | undefined, choices: readonly T[], fallback: T): T {
  if (value === undefined) return fallback;
  if ((choices as readonly string[]).includes(value)) return value as T;
  const suggestion = closestMatch(value, choices);
  throw new OvernightError('cli.bad-value', `${option} '${value}' is not one of: ${choices.join(', ')}${suggestion ? ` — did you mean '${suggestion}'?` : ''}`, {
    field: option,
    fix: suggestion ? `Use ${option} ${suggestion}.` : `Use one of: ${choices.join(', ')}.`,
    exitCode: 2,
  });
}

/** A YAML scalar as it should appear in the frontmatter (quoted only when needed). */
function scalar(value: string | number): string {
  return YAML.stringify(value, { lineWidth: 0 }).trimEnd();
}

/**
 * The text of a new item file: frontmatter (title, status: draft, type, priority, blocked_by when
 * given) and `## Goal` / `## Acceptance criteria` sections with fill-in comments (comments are not
 * criteria, so the item is not eligible until real bullets are written).
 */
export function newItemText(fields: { title: string; type: ItemType; priority: ItemPriority; blockedBy: Array<number | string> }): string {
  const lines = ['---', `title: ${scalar(fields.title)}`, 'status: draft', `type: ${fields.type}`, `priority: ${fields.priority}`];
  if (fields.blockedBy.length > 0) lines.push(`blocked_by: [${fields.blockedBy.map(scalar).join(', ')}]`);
  lines.push(
    '# verify: npm test        # success condition (else the project checks)',
    '---',
    '## Goal',
    '',
    '<!-- What should be true when this is done, and why. -->',
    '',
    '## Acceptance criteria',
    '',
    '<!-- One bullet per observable, checkable outcome, e.g. "- Exporting a report gives a .csv file". -->',
    '',
  );
  return lines.join('\n');
}

/**
 * Creates the next backlog item in `config.backlog_dir` under `repoRoot` (creating the folder when
 * missing): id = highest id among the well-named item files + 1, slug from the title (made unique
 * with `-2`, `-3`... when taken). Validates first and writes nothing on error: an empty title
 * (`cli.bad-value`), an unknown type or priority (`cli.bad-value`, with the closest value), a
 * --blocked-by reference naming no item (`cli.unknown-item`); all exit code 2. The file is created
 * exclusively (never overwrites). Returns what was written.
 */
export async function createBacklogItem(repoRoot: string, config: Pick<OvernightConfig, 'backlog_dir'>, request: NewItemRequest): Promise<CreatedItem> {
  const title = request.title.trim().replace(/\s+/g, ' ');
  if (title === '') {
    throw new OvernightError('cli.bad-value', 'the title is empty', { field: 'title', fix: 'Give a title: overnight add "Add CSV export".', exitCode: 2 });
  }
  const type = checkChoice('--type', request.type, ITEM_TYPES, 'feature');
  const priority = checkChoice('--priority', request.priority, ITEM_PRIORITIES, 'medium');
  const scan = await scanBacklog(repoRoot, config);
  const blockedBy = (request.blockedBy ?? []).map((reference) => resolveReference(reference, scan.files, scan.dir));

  const id = 1 + Math.max(0, ...scan.files.map((f) => f.id));
  const base = slugForTitle(title);
  let slug = base;
  for (let n = 2; scan.files.some((f) => f.slug === slug); n++) slug = `${base}-${n}`;
  const file = `${scan.dir}/${itemFileName(id, slug)}`;
  const text = newItemText({ title, type, priority, blockedBy });
  const check = parseItemText(text, file, { id, slug });
  if (!check.ok) throw check.errors[0]!; // a bug in newItemText, never bad input

  const path = join(repoRoot, file);
  await mkdir(join(repoRoot, scan.dir), { recursive: true });
  try {
    await writeFile(path, text, { flag: 'wx' });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') {
      throw new OvernightError('backlog.exists', `${file} already exists`, { file, fix: 'Run the command again (another item was added at the same time).' });
    }
    throw error;
  }
  return { id, slug, file, path, title, type, priority, status: 'draft', blockedBy, text };
}

/** Resolves a --blocked-by reference against the item files; keeps digits as a number, else the slug. */
function resolveReference(reference: string, files: readonly BacklogFile[], dir: string): number | string {
  const target = findReferenced(reference, files);
  if (!target) {
    const suggestion = closestMatch(reference, files.flatMap((f) => [f.slug, itemRef(f)]));
    throw new OvernightError('cli.unknown-item', `--blocked-by names '${reference}', which is not an item in ${dir}/${suggestion ? ` — did you mean '${suggestion}'?` : ''}`, {
      field: '--blocked-by',
      fix: files.length > 0 ? `Use ids or slugs of existing items, comma-separated (e.g. --blocked-by ${files[0]!.id},${files[0]!.slug}).` : 'The backlog has no items yet: add the dependency first.',
      exitCode: 2,
    });
  }
  return /^\d+$/.test(reference.trim()) ? target.id : reference.trim();
}
