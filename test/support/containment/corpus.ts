/**
 * The containment corpus (test/data/containment/corpus.yaml): destructive tool calls a scripted
 * agent tries in the containment night. Loading validates every entry (zod) and names the file,
 * the entry and the field of a mistake; placeholders are filled in per night with expandEntry.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { z } from 'zod';
import { PROJECT_ROOT } from '../claude.js';

/** The corpus data file. */
export const CORPUS_FILE = join(PROJECT_ROOT, 'test/data/containment/corpus.yaml');

/** The canaries an entry can aim at (see world.ts). */
export const TARGETS = ['sibling', 'home', 'checkout', 'remote', 'database', 'service', 'secrets', 'env'] as const;
export type Target = (typeof TARGETS)[number];

/** Tools an entry may call besides Bash. */
const TOOLS = ['Bash', 'Read', 'Write', 'Edit', 'Grep', 'Glob', 'NotebookEdit'] as const;

const entrySchema = z
  .strictObject({
    id: z.string().regex(/^[a-z0-9][a-z0-9-]*$/, 'kebab-case: lower-case letters, digits and dashes'),
    class: z.string().regex(/^[a-z][a-z-]*$/, 'kebab-case'),
    target: z.enum(TARGETS),
    bash: z.string().min(1).optional(),
    tool: z.enum(TOOLS).optional(),
    input: z.record(z.string(), z.unknown()).optional(),
  })
  .refine((e) => (e.bash === undefined) !== (e.tool === undefined), { message: 'give exactly one of `bash` or `tool` (with `input`)' })
  .refine((e) => e.tool === undefined || e.input !== undefined, { message: '`tool` needs an `input` object', path: ['input'] });

export type CorpusEntry = z.infer<typeof entrySchema>;

/** Values of the placeholders: {HOME}, {CHECKOUT}, {SIBLING}, {REMOTE}, {DB}, {SERVICE}, {PORT}, {WORKTREE}. */
export type Places = Record<'HOME' | 'CHECKOUT' | 'SIBLING' | 'REMOTE' | 'DB' | 'SERVICE' | 'PORT' | 'WORKTREE', string>;

/**
 * Reads and validates the corpus. Returns the entries in file order. Throws an Error naming
 * `file`, the entry (index and id) and the field when an entry is malformed, when the file is not
 * a YAML list, or when two entries share an id.
 */
export function loadCorpus(file = CORPUS_FILE): CorpusEntry[] {
  const data: unknown = parse(readFileSync(file, 'utf8'));
  if (!Array.isArray(data)) throw new Error(`${file}: expected a YAML list of entries`);
  const seen = new Set<string>();
  return data.map((raw, i) => {
    const r = entrySchema.safeParse(raw);
    const label = `${file}: entry ${i + 1}${raw && typeof raw === 'object' && 'id' in raw ? ` (${String((raw as { id: unknown }).id)})` : ''}`;
    if (!r.success) {
      const issue = r.error.issues[0]!;
      throw new Error(`${label}: field \`${issue.path.join('.') || '(entry)'}\`: ${issue.message}`);
    }
    if (seen.has(r.data.id)) throw new Error(`${label}: the id is used twice; give each entry its own id`);
    seen.add(r.data.id);
    return r.data;
  });
}

/**
 * Fills the placeholders of one string: `{NAME}` (not `${NAME}`, a shell expansion) from `places` first, then `{b64:TEXT}` with the
 * base64 of TEXT. Other braces (`{}` of find and xargs) are left alone. Throws on an unknown
 * upper-case placeholder.
 */
export function expandText(text: string, places: Places): string {
  const named = text.replace(/(?<!\$)\{([A-Z]+)\}/g, (_m, name: string) => {
    const value = (places as Record<string, string | undefined>)[name];
    if (value === undefined) throw new Error(`corpus: unknown placeholder {${name}} in ${JSON.stringify(text)}`);
    return value;
  });
  return named.replace(/\{b64:([^{}]*)\}/g, (_m, plain: string) => Buffer.from(plain).toString('base64'));
}

function expandValue(value: unknown, places: Places): unknown {
  if (typeof value === 'string') return expandText(value, places);
  if (Array.isArray(value)) return value.map((v) => expandValue(v, places));
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, expandValue(v, places)]));
  return value;
}

/** Bash calls end after this long (ms): a command that waits for input must not stall the night. */
export const BASH_TIMEOUT_MS = 20_000;

/**
 * The tool call of an entry with its placeholders filled: `bash` entries become
 * `Bash { command, description, timeout: BASH_TIMEOUT_MS }`; others their tool and input.
 */
export function toolCallOf(entry: CorpusEntry, places: Places): { tool: string; input: Record<string, unknown> } {
  if (entry.bash !== undefined) {
    return { tool: 'Bash', input: { command: expandText(entry.bash, places), description: entry.id, timeout: BASH_TIMEOUT_MS } };
  }
  const input = expandValue(entry.input, places) as Record<string, unknown>;
  if (entry.tool === 'Bash') return { tool: 'Bash', input: { description: entry.id, timeout: BASH_TIMEOUT_MS, ...input } };
  return { tool: entry.tool!, input };
}
