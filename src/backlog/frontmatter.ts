/**
 * The YAML frontmatter of a backlog item (DESIGN.md, "Backlog items"): split from the body with
 * gray-matter, parsed with the `yaml` package (so syntax errors carry the file line), validated with
 * zod (unknown keys are errors, with the closest valid key suggested).
 */
import matter from 'gray-matter';
import { z } from 'zod';
import { durationText } from '../config/schema.js';
import { parseDuration } from '../util/duration.js';
import { OvernightError } from '../util/errors.js';
import { parseYamlSource, YamlSyntaxError, type YamlSource } from '../util/yaml-source.js';
import { zodIssuesToErrors } from '../util/zod-issues.js';
import { acceptanceCriteria } from './sections.js';
import { ITEM_PRIORITIES, ITEM_STATUSES, ITEM_TYPES, type BacklogItem } from './types.js';

/** A reference to another item: its id (7) or its slug (`csv-parser`); `007-csv-parser` works too. */
const itemReference = z.union([z.number().int().nonnegative(), z.string().trim().min(1)]);

/**
 * The frontmatter keys. Defaults: status `draft` (a new item runs only once someone marks it
 * `ready`), type `feature`, priority `medium`, no dependencies, no own verify command (the project
 * checks are the success condition). An empty value (`blocked_by:`) counts as unset for the optional keys.
 */
export const frontmatterSchema = z.strictObject({
  /** One line saying what the item does. Required. */
  title: z.string().trim().min(1),
  status: z.enum(ITEM_STATUSES).default('draft'),
  type: z.enum(ITEM_TYPES).default('feature'),
  priority: z.enum(ITEM_PRIORITIES).default('medium'),
  /** Items that must be done first: ids or slugs, a single value or a list. */
  blocked_by: z.union([itemReference, z.array(itemReference)]).nullish(),
  /** The success condition: a shell command, or a list of commands that must all pass. */
  verify: z.union([z.string().trim().min(1), z.array(z.string().trim().min(1))]).nullish(),
  /** Per-item --max-turns (else the config's agent.max_turns). */
  max_turns: z.number().int().positive().nullish(),
  /** Per-item --max-budget-usd in USD (else the config's agent.budget_usd). */
  budget_usd: z.number().positive().nullish(),
  /** Per-item absolute timeout and planning estimate (`45m`, `2h`). */
  timeout: durationText.nullish(),
});

export type Frontmatter = z.output<typeof frontmatterSchema>;

const HINTS: Record<string, string> = {
  title: "Add a line 'title: <what this item does>' to the frontmatter.",
  blocked_by: "Use an id or slug, or a list of them, e.g. 'blocked_by: [7, csv-parser]'.",
  verify: "Use a shell command or a list of commands, e.g. 'verify: npm test' or 'verify: [npm test, npm run lint]'.",
  timeout: "Use a duration such as '45m' or '2h'.",
  max_turns: "Use a whole number of turns, e.g. 'max_turns: 60'.",
  budget_usd: "Use an amount in USD, e.g. 'budget_usd: 5'.",
};

/** Result of reading one item file: the item, or every problem found in it. */
export type ParsedItem =
  | { ok: true; item: BacklogItem; /** File line of the `blocked_by` key, when present. */ blockedByLine?: number }
  | { ok: false; errors: OvernightError[] };

/**
 * Parses the text of one item file. `file` is the path shown in messages (relative to the
 * repository root); `id` and `slug` come from the file name. Never throws for bad input: returns
 * every problem (codes `backlog.no-frontmatter`, `backlog.unclosed-frontmatter`, `backlog.yaml` with
 * the file line, `backlog.unknown-key`, `backlog.missing-key`, `backlog.bad-type`, `backlog.bad-value`).
 * `dependsOn` is left empty: references are resolved against the whole backlog (see graph.ts).
 */
export function parseItemText(text: string, file: string, name: { id: number; slug: string }): ParsedItem {
  const normalized = text.replace(/^\uFEFF/, '').replace(/\r\n?/g, '\n');
  if (!/^---[ \t]*\n/.test(normalized)) {
    return fail(
      new OvernightError('backlog.no-frontmatter', 'no YAML frontmatter', {
        file,
        line: 1,
        fix: "Start the file with a '---' line, then 'title: ...' (and status, type...), then a closing '---' line.",
      }),
    );
  }
  if (!/\n---[ \t]*(\n|$)/.test(normalized.slice(3))) {
    return fail(
      new OvernightError('backlog.unclosed-frontmatter', "the frontmatter has no closing '---' line", {
        file,
        line: 1,
        fix: "Add a line '---' after the last frontmatter key, before the markdown body.",
      }),
    );
  }
  let source: YamlSource | undefined;
  let parsed: matter.GrayMatterFile<string>;
  try {
    parsed = matter(normalized, {
      engines: {
        // gray-matter hands over the text right after the opening '---' (its first line is the rest
        // of that line), so YAML line N is file line N: no offset to add.
        yaml: {
          parse: (yamlText: string): object => {
            source = parseYamlSource(yamlText);
            return (source.data ?? {}) as object;
          },
        },
      },
    });
  } catch (error) {
    if (error instanceof YamlSyntaxError) {
      return fail(
        new OvernightError('backlog.yaml', `malformed YAML frontmatter: ${error.message}${error.column ? ` (column ${error.column})` : ''}`, {
          file,
          line: error.line,
          fix: "Fix the YAML on that line; quote values that contain ': ' or start with a special character, e.g. title: \"Fix: the parser\".",
          cause: error,
        }),
      );
    }
    throw error;
  }
  const data: unknown = parsed.data;
  const result = frontmatterSchema.safeParse(data);
  if (!result.success) {
    return {
      ok: false,
      errors: zodIssuesToErrors(result.error.issues, {
        file,
        codePrefix: 'backlog',
        schema: frontmatterSchema,
        data,
        where: 'the frontmatter',
        lineOf: source?.lineOf,
        hints: HINTS,
      }),
    };
  }
  const fm = result.data;
  const body = parsed.content;
  const blockedBy = fm.blocked_by == null ? [] : Array.isArray(fm.blocked_by) ? fm.blocked_by : [fm.blocked_by];
  const verify = fm.verify == null ? [] : Array.isArray(fm.verify) ? fm.verify : [fm.verify];
  const item: BacklogItem = {
    id: name.id,
    slug: name.slug,
    file,
    title: fm.title,
    status: fm.status,
    type: fm.type,
    priority: fm.priority,
    blockedBy,
    dependsOn: [],
    verify,
    body,
    acceptanceCriteria: acceptanceCriteria(body),
  };
  if (fm.max_turns != null) item.maxTurns = fm.max_turns;
  if (fm.budget_usd != null) item.budgetUsd = fm.budget_usd;
  if (fm.timeout != null) item.timeoutMs = parseDuration(fm.timeout);
  const blockedByLine = fm.blocked_by == null ? undefined : source?.lineOf(['blocked_by'], { key: true });
  return blockedByLine === undefined ? { ok: true, item } : { ok: true, item, blockedByLine };
}

function fail(error: OvernightError): ParsedItem {
  return { ok: false, errors: [error] };
}
