/**
 * Turns zod validation issues into OvernightErrors a person can act on: the file, the line (when the
 * YAML source knows it), the key path, what is wrong in plain words, and the fix, including the
 * closest valid key for an unknown key ("unknown key 'concurency' — did you mean 'concurrency'?").
 * Used for overnight.config.yaml and for backlog frontmatter.
 */
import type { z } from 'zod';
import { OvernightError, OvernightErrors } from './errors.js';
import { closestMatch } from './suggest.js';

type Path = ReadonlyArray<PropertyKey>;
type Issue = z.core.$ZodIssue;

/** What the translator needs to know about where the data came from. */
export interface IssueContext {
  /** File the data came from, as the user would type it (relative to the repository root). */
  file: string;
  /** Prefix of the error codes: `config` gives `config.unknown-key`, `config.bad-type`... */
  codePrefix: string;
  /** The schema the data was validated with (to list valid keys and defaults). */
  schema: z.ZodType;
  /** The data that failed validation. */
  data: unknown;
  /** Where the data sits, for messages about the whole document: `the frontmatter`, `overnight.config.yaml`. */
  where: string;
  /** 1-based line of a key path in the file (see YamlSource.lineOf). */
  lineOf?: (path: Path, options?: { key?: boolean }) => number | undefined;
  /** Fix sentences per dotted field path (`blocked_by`, `agent.timeout`), used instead of the generic fix. */
  hints?: Record<string, string>;
}

/** Minimal view of zod's internal schema definition, enough to walk a schema along a path. */
interface SchemaDef {
  type: string;
  shape?: Record<string, z.ZodType>;
  innerType?: z.ZodType;
  element?: z.ZodType;
  options?: z.ZodType[];
  discriminator?: string;
  defaultValue?: unknown;
  in?: z.ZodType;
}

function defOf(schema: z.ZodType | undefined): SchemaDef | undefined {
  return (schema as unknown as { _zod?: { def?: SchemaDef } } | undefined)?._zod?.def;
}

/** Unwraps default/prefault/optional/nullable/pipe wrappers; returns the inner schema and any default value. */
function unwrap(schema: z.ZodType | undefined): { schema: z.ZodType | undefined; defaultValue?: unknown; hasDefault: boolean } {
  let current = schema;
  let defaultValue: unknown;
  let hasDefault = false;
  for (let i = 0; i < 10; i++) {
    const def = defOf(current);
    if (!def) break;
    if (def.type === 'default' && !hasDefault) {
      defaultValue = def.defaultValue;
      hasDefault = true;
    }
    if (['default', 'prefault', 'optional', 'nullable', 'readonly', 'catch'].includes(def.type) && def.innerType) current = def.innerType;
    else if (def.type === 'pipe' && def.in) current = def.in;
    else break;
  }
  return { schema: current, defaultValue, hasDefault };
}

/** The schema at `path` inside `root` (following the data to pick a discriminated union's option). */
function schemaAt(root: z.ZodType, path: Path, data: unknown): z.ZodType | undefined {
  let current: z.ZodType | undefined = root;
  let value = data;
  for (const segment of path) {
    current = pickOption(unwrap(current).schema, value);
    const def = defOf(current);
    if (!def) return undefined;
    if (def.type === 'object' && def.shape) current = def.shape[String(segment)];
    else if (def.type === 'array' && def.element) current = def.element;
    else return undefined;
    value = value !== null && typeof value === 'object' ? (value as Record<string, unknown>)[String(segment)] : undefined;
  }
  return current;
}

/** For a discriminated union, the option whose discriminator matches `value`; otherwise the schema itself. */
function pickOption(schema: z.ZodType | undefined, value: unknown): z.ZodType | undefined {
  const def = defOf(schema);
  if (!def || def.type !== 'union' || !def.options || !def.discriminator) return schema;
  const wanted = value !== null && typeof value === 'object' ? (value as Record<string, unknown>)[def.discriminator] : undefined;
  for (const option of def.options) {
    const shape = defOf(option)?.shape;
    const literal = shape ? defOf(shape[def.discriminator]) : undefined;
    const values = (literal as { values?: unknown[] } | undefined)?.values;
    if (values?.includes(wanted)) return option;
  }
  return schema;
}

/** Valid keys of the object schema at `path`. */
function keysAt(root: z.ZodType, path: Path, data: unknown): string[] {
  const schema = pickOption(unwrap(schemaAt(root, path, data)).schema, valueAt(data, path));
  const shape = defOf(schema)?.shape;
  return shape ? Object.keys(shape) : [];
}

function valueAt(data: unknown, path: Path): unknown {
  let value = data;
  for (const segment of path) {
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Record<string, unknown>)[String(segment)];
  }
  return value;
}

/** `agent.max_turns`, `notifications[0].url`. */
export function formatPath(path: Path): string {
  let out = '';
  for (const segment of path) {
    if (typeof segment === 'number') out += `[${segment}]`;
    else out += out === '' ? String(segment) : `.${String(segment)}`;
  }
  return out;
}

/** A value as a person reads it in a message: `the text 'two'`, `the number 3`, `a list`. */
export function describeValue(value: unknown): string {
  if (value === undefined) return 'missing';
  if (value === null) return 'empty';
  if (typeof value === 'string') return `the text '${value.length > 60 ? `${value.slice(0, 57)}...` : value}'`;
  if (typeof value === 'number') return `the number ${value}`;
  if (typeof value === 'boolean') return `${value}`;
  if (Array.isArray(value)) return 'a list';
  return 'a mapping';
}

const EXPECTED: Record<string, string> = {
  number: 'a number',
  int: 'a whole number',
  string: 'text',
  boolean: 'true or false',
  array: 'a list',
  object: 'a mapping of keys',
  record: 'a mapping of keys',
};

/** True for a number schema with `.int()` (zod 4 records it as a `number_format` check with format `safeint`). */
function isInteger(schema: z.ZodType | undefined): boolean {
  const checks = (defOf(schema) as { checks?: Array<{ _zod?: { def?: { format?: string } } }> } | undefined)?.checks ?? [];
  return checks.some((check) => check._zod?.def?.format === 'safeint' || check._zod?.def?.format === 'int32');
}

function expectedText(expected: string): string {
  return EXPECTED[expected] ?? expected;
}

/** A value as YAML would show it in an example line. */
function yamlExample(value: unknown): string {
  if (typeof value === 'string') return value;
  return JSON.stringify(value);
}

/** The types a union accepted, from the invalid_type issues of its branches (nested unions included). */
function unionExpected(branches: readonly (readonly Issue[])[]): string[] {
  return branches.flatMap((branch) =>
    branch.flatMap((inner) => {
      if (inner.path.length > 0) return [];
      if (inner.code === 'invalid_type') return [String(inner.expected)];
      if (inner.code === 'invalid_union') return unionExpected(inner.errors);
      return [];
    }),
  );
}

/**
 * Converts zod issues into one OvernightError each, sorted by line.
 * Codes: `<prefix>.unknown-key`, `<prefix>.missing-key`, `<prefix>.bad-type`, `<prefix>.bad-value`,
 * `<prefix>.not-a-mapping`.
 */
export function zodIssuesToErrors(issues: readonly Issue[], ctx: IssueContext): OvernightError[] {
  const errors: OvernightError[] = [];
  for (const issue of issues) {
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) errors.push(unknownKey(issue.path, key, ctx));
    } else {
      errors.push(oneIssue(issue, ctx));
    }
  }
  return errors
    .map((error, index) => ({ error, index }))
    .sort((a, b) => (a.error.line ?? Infinity) - (b.error.line ?? Infinity) || a.index - b.index)
    .map(({ error }) => error);
}

function unknownKey(parent: Path, key: string, ctx: IssueContext): OvernightError {
  const valid = keysAt(ctx.schema, parent, ctx.data);
  const suggestion = closestMatch(key, valid);
  const field = formatPath([...parent, key]);
  const scope = parent.length === 0 ? '' : ` under '${formatPath(parent)}'`;
  const message = `unknown key '${key}'${suggestion ? ` — did you mean '${suggestion}'?` : ''}`;
  const fix = suggestion
    ? `Rename '${key}' to '${suggestion}'.`
    : `Remove '${key}'; valid keys${scope} are: ${valid.join(', ')}.`;
  return new OvernightError(`${ctx.codePrefix}.unknown-key`, message, {
    file: ctx.file,
    line: ctx.lineOf?.([...parent, key], { key: true }),
    field,
    fix,
  });
}

function oneIssue(issue: Issue, ctx: IssueContext): OvernightError {
  const path = issue.path;
  const field = formatPath(path);
  const value = valueAt(ctx.data, path);
  const hint = ctx.hints?.[field.replace(/\[\d+\]/g, '')];
  const line = ctx.lineOf?.(path);
  const leaf = String(path[path.length - 1] ?? '');
  const make = (kind: string, message: string, fix: string, withLine = true) =>
    new OvernightError(`${ctx.codePrefix}.${kind}`, message, { file: ctx.file, line: withLine ? line : undefined, field: field || undefined, fix });

  if (path.length === 0 && issue.code === 'invalid_type') {
    return make('not-a-mapping', `${ctx.where} must be a mapping of keys (lines such as 'key: value'), not ${describeValue(value)}`, 'Write one "key: value" per line.');
  }
  switch (issue.code) {
    case 'invalid_type': {
      const info0 = unwrap(schemaAt(ctx.schema, path, ctx.data));
      const expected = expectedText(issue.expected === 'number' && isInteger(info0.schema) ? 'int' : String(issue.expected));
      if (value === undefined) {
        return make('missing-key', `missing required key '${field}'`, hint ?? `Add '${leaf}: ...' to ${ctx.where}.`, false);
      }
      const info = unwrap(schemaAt(ctx.schema, path, ctx.data));
      const example = info.hasDefault && info.defaultValue !== undefined ? `, e.g. '${leaf}: ${yamlExample(info.defaultValue)}' (the default)` : '';
      return make('bad-type', `'${field}' must be ${expected}, not ${describeValue(value)}`, hint ?? `Set '${field}' to ${expected}${example}.`);
    }
    case 'invalid_value': {
      const values = issue.values.map(String);
      const suggestion = typeof value === 'string' ? closestMatch(value, values) : undefined;
      return make(
        'bad-value',
        `'${field}' is ${describeValue(value)}, which is not one of: ${values.join(', ')}${suggestion ? ` — did you mean '${suggestion}'?` : ''}`,
        suggestion ? `Change it to '${suggestion}'.` : `Use one of: ${values.join(', ')}.`,
      );
    }
    case 'invalid_union': {
      const options = (issue as { options?: unknown[] }).options;
      if (options && options.length > 0) {
        const values = options.map(String);
        const suggestion = typeof value === 'string' ? closestMatch(value, values) : undefined;
        return make(
          'bad-value',
          `'${field}' is ${describeValue(value)}, which is not one of: ${values.join(', ')}${suggestion ? ` — did you mean '${suggestion}'?` : ''}`,
          hint ?? (suggestion ? `Change it to '${suggestion}'.` : `Use one of: ${values.join(', ')}.`),
        );
      }
      const expected = [...new Set(unionExpected(issue.errors).map(expectedText))];
      const expectedPart = expected.length > 0 ? expected.join(' or ') : 'a supported value';
      return make('bad-type', `'${field}' must be ${expectedPart}, not ${describeValue(value)}`, hint ?? `Set '${field}' to ${expectedPart}.`);
    }
    case 'too_small':
    case 'too_big': {
      const small = issue.code === 'too_small';
      const origin = (issue as { origin?: string }).origin;
      const info = unwrap(schemaAt(ctx.schema, path, ctx.data));
      const limit = boundText(issue as BoundIssue, isInteger(info.schema) || origin === 'string' || origin === 'array');
      let message: string;
      if (origin === 'string' && small && limit === 'at least 1') message = `'${field}' must not be empty`;
      else if (origin === 'string') message = `'${field}' must have ${limit} characters`;
      else if (origin === 'array') message = `'${field}' must have ${limit} entries`;
      else message = `'${field}' must be ${limit}, not ${describeValue(value)}`;
      const example = info.hasDefault && info.defaultValue !== undefined ? ` (the default is ${yamlExample(info.defaultValue)})` : '';
      let fix: string;
      if (origin === 'string' && small && limit === 'at least 1') fix = `Give '${field}' a value${example}, or remove the key.`;
      else if (origin === 'string' || origin === 'array') fix = `Give '${field}' ${limit} ${origin === 'string' ? 'characters' : 'entries'}.`;
      else fix = `Set '${field}' to ${limit}${example}.`;
      return make('bad-value', message, hint ?? fix);
    }
    default: {
      const detail = issue.message.replace(/^Invalid input: /, '');
      return make('bad-value', `'${field}' is ${describeValue(value)}: ${detail}`, hint ?? `Change '${field}': ${detail}.`);
    }
  }
}

/** The fields of zod's too_small / too_big issues that say where the limit lies. */
interface BoundIssue {
  code: 'too_small' | 'too_big';
  minimum?: number | bigint;
  maximum?: number | bigint;
  /** False for an exclusive limit (`.positive()` is `> 0`, `.lt(5)` is `< 5`). */
  inclusive?: boolean;
}

/**
 * A limit in words, inclusive or not: `at least 1`, `at most 10`, `more than 0`, `less than 5`.
 * For whole numbers (`wholeSteps`: integers, string lengths, list lengths) an exclusive limit is
 * turned into the inclusive one a person would write: `> 0` is `at least 1`, `< 5` is `at most 4`
 * (zod 4 reports `.positive()` as too_small with minimum 0 and inclusive false). Pure.
 */
export function boundText(issue: BoundIssue, wholeSteps: boolean): string {
  const small = issue.code === 'too_small';
  const bound = (small ? issue.minimum : issue.maximum) ?? 0;
  if (issue.inclusive !== false) return `${small ? 'at least' : 'at most'} ${bound}`;
  if (typeof bound === 'bigint') return `${small ? 'at least' : 'at most'} ${small ? bound + 1n : bound - 1n}`;
  if (wholeSteps && Number.isInteger(bound)) return `${small ? 'at least' : 'at most'} ${small ? bound + 1 : bound - 1}`;
  return `${small ? 'more than' : 'less than'} ${bound}`;
}

/**
 * One error as itself, several as an OvernightErrors (which lists them all); for throwing after a
 * validation pass that collected every problem. `errors` must not be empty.
 */
export function combineErrors(errors: OvernightError[]): OvernightError {
  if (errors.length === 1 && errors[0]) return errors[0];
  return new OvernightErrors(errors);
}
