/** Short text for people: one line, cut to a length. */

/** Collapses every run of whitespace (newlines included) to one space and cuts the text to `max` characters, ending a cut text with `…`. */
export function oneLine(text: string, max = 160): string {
  const s = text.replace(/\s+/g, ' ').trim();
  return s.length > max ? `${s.slice(0, max - 1)}…` : s;
}
