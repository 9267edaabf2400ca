/** Markdown building blocks shared by the session plan, the morning report and the mission brief (CommonMark). */

/**
 * A fenced code block around `text`, with `info` (e.g. `text`) after the opening fence. The fence
 * is one backtick longer than the longest run of backticks inside `text`, and at least three, so
 * the text cannot close it early (CommonMark, "Fenced code blocks").
 */
export function fencedBlock(text: string, info = ''): string {
  const longest = Math.max(2, ...Array.from(text.matchAll(/`+/g), (m) => m[0].length));
  const fence = '`'.repeat(longest + 1);
  return `${fence}${info}\n${text}\n${fence}`;
}

/** Text for one cell of a markdown table: line breaks become spaces and pipes are escaped. */
export function tableCell(text: string): string {
  return text.replace(/\r?\n/g, ' ').replace(/\|/g, '\\|');
}
