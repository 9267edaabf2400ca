/**
 * The agent's decision on its deferred questions. The gate denies AskUserQuestion and tells the
 * agent to decide, write its decision down in its commit message and final summary, and go on
 * (src/hooks/deferred.ts writes the question to the session's `deferred/` folder). When an attempt
 * ends, the runner appends the agent's final message to every deferred file of that item that has
 * no decision yet, as a `## Decision (attempt N: ...)` section, so the morning report can show
 * "the agent decided: ..." beside the question (src/report/deferred.ts reads it).
 * Only the session folder is written, never the user's checkout.
 */
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseDeferredQuestion } from '../report/deferred.js';
import { writeTextAtomic } from '../util/atomic-write.js';

/**
 * The markdown section holding `decision` (the agent's final message of attempt `attempt`, 1-based).
 * The text is a blockquote, so headings inside it (`## Learnings`) stay inside the section. Pure.
 */
export function decisionSection(decision: string, attempt: number): string {
  const quoted = decision
    .trim()
    .split('\n')
    .map((line) => (line.trim() === '' ? '>' : `> ${line}`))
    .join('\n');
  return `## Decision (attempt ${attempt}: the agent's final message)\n\n${quoted}\n`;
}

/** `fileText` with the decision section appended after one blank line. Pure. */
export function appendDecision(fileText: string, decision: string, attempt: number): string {
  return `${fileText.replace(/\s+$/, '')}\n\n${decisionSection(decision, attempt)}`;
}

/**
 * Appends the decision section to each `*.md` in `dir` (the session's `deferred/` folder) whose
 * frontmatter `item` is `slug` and that has no decision yet, each file replaced atomically
 * (src/util/atomic-write.ts). `lastText` is the agent's final message (trimmed; nothing is written
 * when it is empty or undefined); `attempt` is 1-based. Returns the file names written, sorted. An
 * absent folder is no files. Throws on I/O errors other than a missing folder.
 */
export async function recordDeferredDecisions(dir: string, slug: string, lastText: string | undefined, attempt: number): Promise<string[]> {
  const decision = lastText?.trim();
  if (!decision) return [];
  let names: string[];
  try {
    names = (await readdir(dir)).filter((n) => n.endsWith('.md')).sort();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  const written: string[] = [];
  for (const name of names) {
    const path = join(dir, name);
    const text = await readFile(path, 'utf8');
    const question = parseDeferredQuestion(name, text);
    if (question.item !== slug || question.decision) continue;
    await writeTextAtomic(path, appendDecision(text, decision, attempt));
    written.push(name);
  }
  return written;
}
