/**
 * Advisory syntax checks after an agent edits a file (DESIGN.md, "Safety gates": "advisory checks
 * after edits (syntax or type errors) where the project has a fast check"; seed 004,
 * syntax-check.sh). They never block: a problem comes back to the agent as PostToolUse
 * `additionalContext`, so a typo is found at once rather than fifty tool calls later.
 *
 * Fast checks only: JSON is parsed in process; JavaScript with `node --check` (which knows ESM from
 * CommonJS by the file's extension and package.json), shell scripts with `bash -n`, Python with
 * `ast.parse` (no .pyc written). A checker that is not installed is skipped.
 */
import { readFileSync } from 'node:fs';
import { basename, extname } from 'node:path';

/** How a file is checked. */
export type Checker = { kind: 'json' } | { kind: 'command'; argv: string[] };

/** JSON files that allow comments (JSONC) and so are not checked as JSON. */
const JSONC = /^(tsconfig.*|jsconfig.*|\.eslintrc|devcontainer|settings|launch|tasks|extensions)\.json$/;

/** The checker for a path, by its extension; undefined when there is no fast check for it. */
export function checkerFor(path: string, nodePath: string = process.execPath): Checker | undefined {
  const name = basename(path);
  switch (extname(name).toLowerCase()) {
    case '.json':
      return JSONC.test(name) ? undefined : { kind: 'json' };
    case '.js':
    case '.mjs':
    case '.cjs':
      return { kind: 'command', argv: [nodePath, '--check', path] };
    case '.sh':
    case '.bash':
      return { kind: 'command', argv: ['bash', '-n', path] };
    case '.py':
      return { kind: 'command', argv: ['python3', '-c', 'import ast,sys; ast.parse(open(sys.argv[1], encoding="utf-8").read(), sys.argv[1])', path] };
    default:
      return undefined;
  }
}

/** The JSON.parse error of `text`, or undefined when it parses. Pure. */
export function jsonProblem(text: string): string | undefined {
  try {
    JSON.parse(text);
    return undefined;
  } catch (error) {
    return (error as Error).message;
  }
}

/** The first lines of a checker's complaint, trimmed. */
export function firstLines(text: string, max = 6): string {
  return text.trim().split('\n').slice(0, max).join('\n');
}

/**
 * Checks an edited file. Out: a message for the agent, or undefined when the file is fine, has no
 * fast check, the checker is missing, or the check itself failed to run. Never throws.
 */
export async function checkEditedFile(path: string): Promise<string | undefined> {
  const checker = checkerFor(path);
  if (!checker) return undefined;
  try {
    if (checker.kind === 'json') {
      const problem = jsonProblem(readFileSync(path, 'utf8'));
      return problem ? `Syntax check: ${path} is not valid JSON: ${problem}` : undefined;
    }
    // Loaded only when needed: most hook calls never spawn anything.
    const { spawnSync } = await import('node:child_process');
    const r = spawnSync(checker.argv[0]!, checker.argv.slice(1), { encoding: 'utf8', timeout: 2000 });
    if (r.error || r.status === null || r.status === 0) return undefined;
    const complaint = firstLines(`${r.stderr ?? ''}\n${r.stdout ?? ''}`);
    return complaint ? `Syntax check (${basename(checker.argv[0]!)}): ${path} has a syntax error:\n${complaint}` : undefined;
  } catch {
    return undefined;
  }
}

/** The PostToolUse stdout that hands `message` to the agent as additional context. */
export function postToolUseContext(message: string): string {
  return `${JSON.stringify({
    hookSpecificOutput: {
      hookEventName: 'PostToolUse',
      additionalContext: `${message}\nFix this before going on (advisory check by the overnight plugin; nothing was blocked).`,
    },
  })}\n`;
}
