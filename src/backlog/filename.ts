/**
 * Backlog file names (DESIGN.md, "Backlog items"): `NNN-slug.md`, where NNN (three or more digits)
 * is the item's id and the slug (lower-case letters, digits and single hyphens) its name.
 */
import slugify from '@sindresorhus/slugify';

const ITEM_FILE = /^(\d{3,})-([a-z0-9]+(?:-[a-z0-9]+)*)\.md$/;

/** Files in the backlog folder that are not items and are skipped: readme and index pages. */
const IGNORED_NAMES = new Set(['readme.md', 'index.md', '_index.md']);

/** The id and slug of an item file name, or undefined when the name is not `NNN-slug.md`. */
export function parseItemFileName(name: string): { id: number; slug: string } | undefined {
  const m = ITEM_FILE.exec(name);
  if (!m || m[1] === undefined || m[2] === undefined) return undefined;
  return { id: Number(m[1]), slug: m[2] };
}

/**
 * True for entries of the backlog folder that are not backlog items and are skipped silently:
 * files not ending in `.md`, hidden files (`.x`), files starting with `_` (templates, drafts),
 * and `README.md` / `index.md` in any letter case. Every other `.md` file must be `NNN-slug.md`.
 */
export function isIgnoredBacklogFile(name: string): boolean {
  if (!name.toLowerCase().endsWith('.md')) return true;
  if (name.startsWith('.') || name.startsWith('_')) return true;
  return IGNORED_NAMES.has(name.toLowerCase());
}

/** The id as it appears in file names: at least three digits, zero padded (7 -> `007`). */
export function formatId(id: number): string {
  return String(id).padStart(3, '0');
}

/** `NNN-slug`, how messages and plans name an item (e.g. `007-csv-parser`). */
export function itemRef(item: { id: number; slug: string }): string {
  return `${formatId(item.id)}-${item.slug}`;
}

/** The file name of an item: `NNN-slug.md`. */
export function itemFileName(id: number, slug: string): string {
  return `${formatId(id)}-${slug}.md`;
}

/**
 * A slug for a title or a bad file name: lower-case ASCII words joined by hyphens, transliterated
 * (`Add CSV export!` -> `add-csv-export`, `Über café` -> `ueber-cafe`), at most 50 characters cut at
 * a word boundary. Returns `item` when nothing usable remains.
 */
export function slugForTitle(title: string): string {
  const full = slugify(title);
  if (full === '') return 'item';
  if (full.length <= 50) return full;
  const cut = full.slice(0, 51);
  const lastHyphen = cut.lastIndexOf('-');
  return (lastHyphen > 0 ? cut.slice(0, lastHyphen) : full.slice(0, 50)).replace(/-+$/, '');
}

/** A suggested valid name for a bad item file name (`12_CSV Export.md` -> `012-csv-export.md`). */
export function suggestFileName(name: string, fallbackId: number): string {
  const base = name.replace(/\.md$/i, '');
  const m = /^(\d+)[-_ .]*(.*)$/.exec(base);
  const id = m?.[1] !== undefined ? Number(m[1]) : fallbackId;
  const rest = m ? (m[2] ?? '') : base;
  return itemFileName(id, slugForTitle(rest || base));
}
