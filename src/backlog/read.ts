/**
 * Reading the backlog folder (DESIGN.md, "Backlog items"): every `NNN-slug.md` file parsed and
 * validated, ids and slugs checked for duplicates, `blocked_by` resolved and cycles found. Every
 * problem in every file is collected in one pass; nothing is ever written.
 */
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { OvernightConfig } from '../config/schema.js';
import { OvernightError } from '../util/errors.js';
import { combineErrors } from '../util/zod-issues.js';
import { isIgnoredBacklogFile, itemFileName, parseItemFileName, suggestFileName } from './filename.js';
import { parseItemText } from './frontmatter.js';
import { folderNamedLikeItem, readItemFile, type ItemFileText } from './item-file.js';
import { findCycles, resolveDependencies } from './graph.js';
import type { BacklogItem } from './types.js';

/** An item file found in the backlog folder, by its name alone (even when its content is invalid). */
export interface BacklogFile {
  id: number;
  slug: string;
  /** Path relative to the repository root, with `/` separators. */
  file: string;
}

/** Everything found in the backlog folder. */
export interface BacklogScan {
  /** The backlog folder, relative to the repository root (config `backlog_dir`). */
  dir: string;
  /** False when the folder does not exist (then items, files and errors are empty). */
  exists: boolean;
  /** Valid items, sorted by id, with `dependsOn` resolved. Items with errors are left out. */
  items: BacklogItem[];
  /** Every well-named item file, valid or not, sorted by id (used to pick the next free id). */
  files: BacklogFile[];
  /** Every problem found, in file order. */
  errors: OvernightError[];
}

/**
 * Scans the backlog folder `config.backlog_dir` under `repoRoot` and reports every problem
 * instead of stopping at the first: bad file names (`backlog.file-name`), frontmatter errors (see
 * parseItemText), duplicate ids (`backlog.duplicate-id`) and slugs (`backlog.duplicate-slug`),
 * unknown `blocked_by` references (`backlog.unknown-dependency`) and cycles (`backlog.cycle`).
 * Subfolders and ignored files (see isIgnoredBacklogFile) are skipped, but a folder, FIFO, socket or
 * device named like a markdown file is `backlog.not-a-file`; symlinks are followed. Item files are
 * read by readItemFile: more than MAX_ITEM_FILE_BYTES is `backlog.too-large`, bytes that are not
 * UTF-8 `backlog.not-utf8`, a file that cannot be read (a dangling symlink, no permission)
 * `backlog.unreadable`. Never throws for bad input;
 * throws only on I/O errors other than a missing folder. Read-only.
 */
export async function scanBacklog(repoRoot: string, config: Pick<OvernightConfig, 'backlog_dir'>): Promise<BacklogScan> {
  const dir = config.backlog_dir.replace(/\\/g, '/').replace(/\/+$/, '');
  let entries;
  try {
    entries = await readdir(join(repoRoot, dir), { withFileTypes: true });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return { dir, exists: false, items: [], files: [], errors: [] };
    if (code === 'ENOTDIR') {
      return {
        dir,
        exists: false,
        items: [],
        files: [],
        errors: [new OvernightError('backlog.not-a-folder', `the backlog folder '${dir}' is a file`, { file: dir, fix: `Move it away, or set backlog_dir in overnight.config.yaml to a folder.` })],
      };
    }
    throw error;
  }
  // Every entry named like a markdown file is judged, whatever its type: a folder or a FIFO named
  // `004-x.md` is an error (readItemFile), not silently skipped. Other subfolders are skipped.
  const listed = entries.filter((e) => !isIgnoredBacklogFile(e.name));
  return judgeBacklogEntries(
    dir,
    listed.map((e) => ({ name: e.name, folder: e.isDirectory() })),
    (file) => readItemFile(join(repoRoot, file), file),
  );
}

/**
 * The judging half of scanBacklog, shared with the scan of a committed backlog
 * (src/backlog/at-commit.ts): `entries` are the folder's entries (ignored names already left out),
 * `read` gives an item file's text (path relative to the repository root). Returns the scan with
 * every problem found (the same codes as scanBacklog). Never throws for bad input.
 */
export async function judgeBacklogEntries(dir: string, entries: ReadonlyArray<{ name: string; folder: boolean }>, read: (file: string) => Promise<ItemFileText>): Promise<BacklogScan> {
  const names = entries.map((e) => e.name).sort();
  const errors: OvernightError[] = [];
  const files: BacklogFile[] = [];
  for (const entry of entries.filter((e) => e.folder).sort((a, b) => a.name.localeCompare(b.name))) {
    errors.push(folderNamedLikeItem(`${dir}/${entry.name}`));
  }
  for (const name of entries.filter((e) => !e.folder).map((e) => e.name).sort()) {
    const parsedName = parseItemFileName(name);
    if (!parsedName) {
      errors.push(
        new OvernightError('backlog.file-name', `'${name}' is not named like a backlog item (NNN-slug.md: a number of at least three digits, a hyphen, lower-case words joined by hyphens)`, {
          file: `${dir}/${name}`,
          fix: `Rename it, e.g. to '${suggestFileName(name, 1 + Math.max(0, ...names.map((n) => parseItemFileName(n)?.id ?? 0)))}' (or start its name with '_' to keep it out of the backlog).`,
        }),
      );
      continue;
    }
    files.push({ ...parsedName, file: `${dir}/${name}` });
  }

  const parsedItems: BacklogItem[] = [];
  const blockedByLines = new Map<number, number>();
  for (const entry of files) {
    const text = await read(entry.file);
    if (!text.ok) {
      errors.push(text.error);
      continue;
    }
    const parsed = parseItemText(text.text, entry.file, entry);
    if (!parsed.ok) {
      errors.push(...parsed.errors);
      continue;
    }
    parsedItems.push(parsed.item);
    if (parsed.blockedByLine !== undefined) blockedByLines.set(parsed.item.id, parsed.blockedByLine);
  }

  // Duplicate ids and slugs are judged on file names, so they are found even in invalid files.
  let nextFree = 1 + Math.max(0, ...files.map((f) => f.id));
  for (const [i, entry] of files.entries()) {
    const sameId = files.slice(0, i).find((f) => f.id === entry.id);
    if (sameId) {
      errors.push(
        new OvernightError('backlog.duplicate-id', `duplicate id ${entry.id}: ${sameId.file} has it too`, {
          file: entry.file,
          fix: `Give one of them a free id, e.g. rename this file to '${itemFileName(nextFree++, entry.slug)}'.`,
        }),
      );
      continue;
    }
    const sameSlug = files.slice(0, i).find((f) => f.slug === entry.slug);
    if (sameSlug) {
      errors.push(
        new OvernightError('backlog.duplicate-slug', `duplicate slug '${entry.slug}': ${sameSlug.file} has it too (slugs name branches and worktrees)`, {
          file: entry.file,
          fix: `Rename one of them to a different slug, e.g. '${itemFileName(entry.id, `${entry.slug}-2`)}'.`,
        }),
      );
    }
  }
  const duplicated = new Set(errors.filter((e) => e.code === 'backlog.duplicate-id' || e.code === 'backlog.duplicate-slug').map((e) => e.file));
  const unique = parsedItems.filter((item) => !duplicated.has(item.file));

  // References may name any well-named file (even an invalid one, which is reported on its own).
  const resolved = resolveDependencies(unique, { lines: blockedByLines, backlogDir: dir, targets: files });
  errors.push(...resolved.errors);
  errors.push(...findCycles(resolved.items, blockedByLines));

  const order = new Map(names.map((name, i) => [`${dir}/${name}`, i]));
  const fileOrder = (error: OvernightError) => (error.file !== undefined ? (order.get(error.file) ?? -1) : -1);
  errors.sort((a, b) => fileOrder(a) - fileOrder(b) || (a.line ?? 0) - (b.line ?? 0));
  return { dir, exists: true, items: resolved.items.sort((a, b) => a.id - b.id), files, errors };
}

/**
 * Reads and validates the whole backlog. Returns the items sorted by id with `dependsOn` resolved;
 * a missing folder gives []. Throws an OvernightError (one problem) or OvernightErrors (all of them,
 * each naming its file, and line where known) when any file is invalid (see scanBacklog). Read-only.
 */
export async function readBacklog(repoRoot: string, config: Pick<OvernightConfig, 'backlog_dir'>): Promise<BacklogItem[]> {
  const scan = await scanBacklog(repoRoot, config);
  if (scan.errors.length > 0) throw combineErrors(scan.errors);
  return scan.items;
}
