/**
 * The agent's decision on its deferred questions. The gate denies AskUserQuestion and tells the
 * agent to decide, write its decision down in its commit message and final summary, and go on
 * (src/hooks/deferred.ts writes the question to the session's `deferred/` folder; the answer asks
 * for a line `Decision (deferred/<file>): ...` in the final message, src/hooks/ask.ts). When an
 * attempt ends, the runner appends the agent's decision on each question to every deferred file of
 * that item that has no decision yet, as a `## Decision (attempt N: ...)` section, so the morning
 * report can show "the agent decided: ..." beside the question (src/report/deferred.ts reads it):
 * the `Decision (...)` paragraph for that file when the agent wrote one, else its final message
 * without the `## Learnings` section and the TASK_COMPLETE / TASK_BLOCKED line.
 * Only the session folder is written, never the user's checkout.
 */
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseDeferredQuestion } from '../report/deferred.js';
import { writeTextAtomic } from '../util/atomic-write.js';

/** Where a recorded decision came from: the agent's own `Decision (...)` paragraph, or its trimmed final message. */
export type DecisionSource = 'decision' | 'final-message';

const HEADING = /^#{1,6}\s/;
const SIGNAL = /^\s*(TASK_COMPLETE|TASK_BLOCKED\b.*)\s*$/;
const ANY_DECISION = /^\s*(?:[-*]\s+)?(?:\*\*)?Decision\b/i;
function decisionLine(file?: string): RegExp {
  const name = file ? `\\((?:deferred/)?${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\)` : '';
  // The line naming the question's file may start anywhere in a line; a plain `Decision:` must start it.
  const start = file ? '(?:^|\\s)' : '^\\s*';
  return new RegExp(`${start}(?:[-*]\\s+)?(?:\\*\\*)?Decision\\s*${name}(?:\\*\\*)?\\s*:(?:\\*\\*)?\\s*(.*)$`, 'i');
}

/** The paragraph starting at a line matching `re` (its text after the colon, and the lines up to a blank line, heading or another decision). */
function paragraphAt(lines: string[], re: RegExp): string | undefined {
  const at = lines.findIndex((l) => re.test(l));
  if (at < 0) return undefined;
  const out = [re.exec(lines[at]!)![1]!.trim()];
  for (let i = at + 1; i < lines.length; i++) {
    const l = lines[i]!;
    if (l.trim() === '' || HEADING.test(l) || ANY_DECISION.test(l) || SIGNAL.test(l)) break;
    out.push(l.trim());
  }
  const text = out.join('\n').trim();
  return text === '' ? undefined : text;
}

/** The final message without its `## Learnings` section and its completion signal line. */
function withoutLearningsAndSignal(lines: string[]): string {
  const out: string[] = [];
  let skipLevel = 0;
  for (const line of lines) {
    const h = /^(#{1,6})\s+(.*)$/.exec(line);
    if (h) {
      if (skipLevel && h[1]!.length <= skipLevel) skipLevel = 0;
      if (/^learnings\b/i.test(h[2]!.trim())) {
        skipLevel = h[1]!.length;
        continue;
      }
    }
    if (skipLevel || SIGNAL.test(line)) continue;
    out.push(line);
  }
  return out.join('\n').trim();
}

/**
 * The agent's decision about the deferred question in `file` (its name in `deferred/`), from its
 * final message `lastText`: the paragraph of a `Decision (deferred/<file>): ...` line (anywhere
 * in a line; the `deferred/` prefix, a list bullet and bold are optional); else, when `onlyQuestion` (the item
 * asked one question this attempt), a plain `Decision: ...` paragraph; else the final message
 * without its `## Learnings` section and the TASK_COMPLETE / TASK_BLOCKED line. Undefined when
 * nothing is left. Pure.
 */
export function decisionFor(lastText: string, file: string, onlyQuestion = true): { text: string; source: DecisionSource } | undefined {
  const lines = lastText.replace(/\r\n?/g, '\n').split('\n');
  const own = paragraphAt(lines, decisionLine(file)) ?? (onlyQuestion ? paragraphAt(lines, decisionLine()) : undefined);
  if (own) return { text: own, source: 'decision' };
  const rest = withoutLearningsAndSignal(lines);
  return rest === '' ? undefined : { text: rest, source: 'final-message' };
}

/**
 * The markdown section holding `decision` (from attempt `attempt`, 1-based; `source` says whether
 * it is the agent's own decision paragraph or its trimmed final message). The text is a
 * blockquote, so headings inside it stay inside the section. Pure.
 */
export function decisionSection(decision: string, attempt: number, source: DecisionSource = 'final-message'): string {
  const quoted = decision
    .trim()
    .split('\n')
    .map((line) => (line.trim() === '' ? '>' : `> ${line}`))
    .join('\n');
  return `## Decision (attempt ${attempt}: ${source === 'decision' ? "the agent's decision" : "the agent's final message"})\n\n${quoted}\n`;
}

/** `fileText` with the decision section appended after one blank line. Pure. */
export function appendDecision(fileText: string, decision: string, attempt: number, source: DecisionSource = 'final-message'): string {
  return `${fileText.replace(/\s+$/, '')}\n\n${decisionSection(decision, attempt, source)}`;
}

/**
 * Appends the decision section to each `*.md` in `dir` (the session's `deferred/` folder) whose
 * frontmatter `item` is `slug` and that has no decision yet, each file replaced atomically
 * (src/util/atomic-write.ts); each file gets the decision about ITS question (decisionFor).
 * `lastText` is the agent's final message (nothing is written when it is empty or undefined);
 * `attempt` is 1-based. Returns the file names written, sorted. An absent folder is no files.
 * Throws on I/O errors other than a missing folder.
 */
export async function recordDeferredDecisions(dir: string, slug: string, lastText: string | undefined, attempt: number): Promise<string[]> {
  if (!lastText?.trim()) return [];
  let names: string[];
  try {
    names = (await readdir(dir)).filter((n) => n.endsWith('.md')).sort();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  const open: Array<{ name: string; path: string; text: string }> = [];
  for (const name of names) {
    const path = join(dir, name);
    const text = await readFile(path, 'utf8');
    const question = parseDeferredQuestion(name, text);
    if (question.item !== slug || question.decision) continue;
    open.push({ name, path, text });
  }
  const written: string[] = [];
  for (const { name, path, text } of open) {
    const decision = decisionFor(lastText, name, open.length === 1);
    if (!decision) continue;
    await writeTextAtomic(path, appendDecision(text, decision.text, attempt, decision.source));
    written.push(name);
  }
  return written;
}
