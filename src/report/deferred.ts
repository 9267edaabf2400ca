/**
 * Deferred questions: questions an agent tried to ask (AskUserQuestion) that the gate answered with
 * "decide, document, go on", kept as one markdown file each in the session's `deferred/` folder.
 */
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import matter from 'gray-matter';
import type { DeferredQuestion } from './types.js';

function str(v: unknown): string | undefined {
  if (typeof v === 'string' && v.trim() !== '') return v.trim();
  if (typeof v === 'number') return String(v);
  return undefined;
}

/** The text of a `## <name>` section (up to the next heading of the same or higher level). */
function section(body: string, names: string[]): string | undefined {
  const lines = body.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const m = /^(#{1,6})\s+(.*)$/.exec(lines[i]!);
    if (!m || !names.some((n) => m[2]!.toLowerCase().startsWith(n))) continue;
    const level = m[1]!.length;
    const out: string[] = [];
    for (let j = i + 1; j < lines.length; j++) {
      const h = /^(#{1,6})\s/.exec(lines[j]!);
      if (h && h[1]!.length <= level) break;
      out.push(lines[j]!);
    }
    const text = out.join('\n').trim();
    if (text) return text;
  }
  return undefined;
}

/** A blockquote (every non-empty line starts with `>`) without its quote marks; other text unchanged. */
function unquote(text: string | undefined): string | undefined {
  if (text === undefined) return undefined;
  const lines = text.split('\n');
  if (!lines.every((l) => l.trim() === '' || l.startsWith('>'))) return text;
  const out = lines.map((l) => l.replace(/^> ?/, '')).join('\n').trim();
  return out === '' ? undefined : out;
}

/**
 * Parses one deferred-question file (frontmatter optional). The question is the frontmatter's
 * `question`, else a `## Question` section, else the first heading or paragraph; the decision is
 * `decision` or a `## Decision` section (as the runner appends it when the attempt ends,
 * src/runner/deferred-decision.ts: a blockquote of the agent's final message, returned unquoted). Pure.
 */
export function parseDeferredQuestion(file: string, text: string): DeferredQuestion {
  let data: Record<string, unknown> = {};
  let body = text;
  try {
    const parsed = matter(text);
    data = parsed.data ?? {};
    body = parsed.content;
  } catch {
    /* not frontmatter: keep the whole text as the body */
  }
  const firstBlock = body
    .split(/\n\s*\n/)
    .map((b) => b.replace(/^#+\s*/, '').trim())
    .find((b) => b !== '');
  const question = str(data.question) ?? section(body, ['question']) ?? firstBlock ?? file;
  return {
    file,
    item: str(data.item) ?? str(data.slug),
    question,
    decision: str(data.decision) ?? unquote(section(body, ['decision', 'what the agent did', 'assumption'])),
    ts: str(data.ts) ?? str(data.time) ?? str(data.created),
  };
}

/** Reads every `*.md` of a `deferred/` folder, sorted by file name; an absent folder is no questions. */
export async function readDeferredQuestions(dir: string): Promise<DeferredQuestion[]> {
  let names: string[];
  try {
    names = (await readdir(dir)).filter((n) => n.endsWith('.md')).sort();
  } catch {
    return [];
  }
  const out: DeferredQuestion[] = [];
  for (const name of names) out.push(parseDeferredQuestion(name, await readFile(join(dir, name), 'utf8')));
  return out;
}
