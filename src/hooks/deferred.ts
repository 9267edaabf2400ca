/**
 * Questions an agent could not ask (DESIGN.md, "Safety gates": AskUserQuestion is denied with an
 * answer that tells the agent to decide, document and go on; the question waits in `deferred/` for
 * the morning). One markdown file per AskUserQuestion call:
 * `<sessionDir>/deferred/<timestamp>-<item>-<n>.md`.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** One question of AskUserQuestion's input (`questions: [{question, header, options, multiSelect}]`). */
export interface AskedQuestion {
  question: string;
  header?: string;
  options: Array<{ label: string; description?: string }>;
  multiSelect?: boolean;
}

/**
 * Reads AskUserQuestion's `tool_input` leniently: every entry with a question text is kept, with
 * the options that have a label. A malformed input yields the raw JSON as one question, so the
 * morning still sees what was asked. Pure.
 */
export function questionsFromInput(toolInput: Record<string, unknown>): AskedQuestion[] {
  const raw = Array.isArray(toolInput.questions) ? toolInput.questions : [];
  const questions: AskedQuestion[] = [];
  for (const entry of raw) {
    if (typeof entry !== 'object' || entry === null) continue;
    const q = entry as Record<string, unknown>;
    if (typeof q.question !== 'string' || q.question.trim() === '') continue;
    const options = Array.isArray(q.options)
      ? q.options.flatMap((o) => {
          if (typeof o !== 'object' || o === null || typeof (o as { label?: unknown }).label !== 'string') return [];
          const { label, description } = o as { label: string; description?: unknown };
          return [{ label, ...(typeof description === 'string' && description !== '' ? { description } : {}) }];
        })
      : [];
    questions.push({
      question: q.question,
      ...(typeof q.header === 'string' && q.header !== '' ? { header: q.header } : {}),
      options,
      ...(typeof q.multiSelect === 'boolean' ? { multiSelect: q.multiSelect } : {}),
    });
  }
  if (questions.length === 0) {
    questions.push({ question: `(unreadable AskUserQuestion input) ${JSON.stringify(toolInput).slice(0, 2000)}`, options: [] });
  }
  return questions;
}

/** What the deferred file records besides the questions. */
export interface DeferredMeta {
  /** The backlog item's slug, or undefined outside an item. */
  item?: string;
  /** Claude Code's session id of the agent that asked. */
  sessionId: string;
  toolUseId?: string;
  /** When it was asked. */
  askedAt: Date;
}

/** `2026-11-21T23:04:05.123Z` -> `20261121T230405Z` (sorts by time, safe in file names). */
export function fileTimestamp(date: Date): string {
  return date.toISOString().replace(/\.\d+Z$/, 'Z').replace(/[-:]/g, '');
}

/** The item part of a file name: the slug's safe characters, or `session`. */
function itemPart(item: string | undefined): string {
  const safe = (item ?? '').replace(/[^A-Za-z0-9_-]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 60);
  return safe === '' ? 'session' : safe;
}

/** `<timestamp>-<item>-<n>.md`. Pure. */
export function deferredFileName(askedAt: Date, item: string | undefined, n: number): string {
  return `${fileTimestamp(askedAt)}-${itemPart(item)}-${n}.md`;
}

/** The markdown of a deferred-question file; `told` is the text the agent got instead of an answer. Pure. */
export function deferredMarkdown(questions: AskedQuestion[], meta: DeferredMeta, told: string): string {
  const lines: string[] = [];
  const first = questions[0]?.question ?? '';
  const title = questions.length === 1 ? first : `${questions.length} questions`;
  // Frontmatter for tools (the morning report reads `question`, `item`, `ts`); JSON strings are
  // valid YAML double-quoted scalars.
  lines.push('---');
  lines.push(`question: ${JSON.stringify(questions.map((q) => q.question).join(' / '))}`);
  if (meta.item) lines.push(`item: ${JSON.stringify(meta.item)}`);
  lines.push(`ts: ${JSON.stringify(meta.askedAt.toISOString())}`);
  lines.push(`session_id: ${JSON.stringify(meta.sessionId)}`);
  if (meta.toolUseId) lines.push(`tool_use_id: ${JSON.stringify(meta.toolUseId)}`);
  lines.push('---', '');
  lines.push(`# Deferred question: ${title.split('\n', 1)[0]}`, '');
  lines.push(`- Item: ${meta.item ?? '(none)'}`);
  lines.push(`- Asked at: ${meta.askedAt.toISOString()}`);
  lines.push(`- Claude session: ${meta.sessionId || '(unknown)'}`);
  if (meta.toolUseId) lines.push(`- Tool use: ${meta.toolUseId}`);
  lines.push('');
  questions.forEach((q, i) => {
    const heading = q.header ? `${q.header}` : `Question ${i + 1}`;
    lines.push(`## ${heading}`, '', q.question, '');
    if (q.options.length > 0) {
      lines.push(q.multiSelect ? 'Options (several may be chosen):' : 'Options:', '');
      for (const option of q.options) {
        lines.push(`- **${option.label}**${option.description ? `: ${option.description}` : ''}`);
      }
      lines.push('');
    }
  });
  lines.push('## What the agent was told', '', told, '');
  lines.push('## Answer', '', '_(for a person to fill in; the agent decided on its own and went on)_', '');
  return lines.join('\n');
}

/**
 * Writes the deferred file under `dir` (created if missing), picking the first free `n` from 1 so
 * two questions in the same second never overwrite each other (exclusive create, `wx`).
 * `told(fileName)` gives the text the agent receives (it names the file). Returns the file's
 * absolute path and that text. Throws on I/O errors other than an existing name.
 */
export function writeDeferredQuestion(dir: string, questions: AskedQuestion[], meta: DeferredMeta, told: (fileName: string) => string): { path: string; told: string } {
  mkdirSync(dir, { recursive: true });
  for (let n = 1; ; n++) {
    const name = deferredFileName(meta.askedAt, meta.item, n);
    const path = join(dir, name);
    try {
      const text = told(name);
      writeFileSync(path, deferredMarkdown(questions, meta, text), { flag: 'wx' });
      return { path, told: text };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST' || n > 1000) throw error;
    }
  }
}
