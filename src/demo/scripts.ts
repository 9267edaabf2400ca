/**
 * What the scripted stand-in model answers for each sample backlog item (src/demo/sample.ts).
 * Every tool call is a real action that the real Claude Code CLI carries out through the plugin's
 * real hooks: Bash writes files, runs the tests, `git add` + `git commit`; the last message ends
 * with a `## Learnings` section and TASK_COMPLETE or TASK_BLOCKED, as the mission brief asks.
 */
import { contentText, type ModelRequest, type Script, type Turn } from '../standin/script.js';
import { demoMarker } from './sample.js';

function bash(command: string, description: string): Turn {
  return { tool: 'Bash', input: { command, description } };
}

/** Wraps a turn in a delay when `delayMs` > 0 (the model "thinks" that long). */
function slow(turn: Turn, delayMs: number | undefined): Turn {
  return delayMs && delayMs > 0 ? { delayMs, then: turn } : turn;
}

/**
 * A heredoc that writes `content` (ending in a newline) to `path` (quoted delimiter: no expansion
 * inside). The terminator must stand alone on its line, so join several with newlines, not `&&`.
 */
function writeFile(path: string, content: string): string {
  return `cat > ${path} <<'OVERNIGHT_EOF'\n${content}OVERNIGHT_EOF\n`;
}

const TEST_HEAD = "'use strict';\nconst test = require('node:test');\nconst assert = require('node:assert');\n";

/** Options of the sample scripts. */
export interface SampleScriptOptions {
  /** Delay before every answer, ms (for overlapping agents and fixed agent time). */
  delayMs?: number;
}

/** The greeting item: writes greet() and its test, runs the test, commits. */
export function greetingScript(o: SampleScriptOptions = {}): Script {
  return {
    marker: demoMarker('greeting'),
    turns: [
      slow(
        bash(
          `mkdir -p src test\n${writeFile('src/greeting.js', "'use strict';\nfunction greet(name) {\n  return `Hello, ${name}!`;\n}\nmodule.exports = { greet };\n")}${writeFile('test/greeting.test.js', `${TEST_HEAD}const { greet } = require('../src/greeting.js');\ntest('greet', () => assert.strictEqual(greet('Ada'), 'Hello, Ada!'));\n`)}`,
          'Write the greeting helper and its test',
        ),
        o.delayMs,
      ),
      slow(bash('node --test test/greeting.test.js', 'Run the greeting test'), o.delayMs),
      slow(bash('git add src/greeting.js test/greeting.test.js && git commit -q -m "Add greet(name)"', 'Commit the greeting helper'), o.delayMs),
      slow(
        {
          text: 'Added `greet(name)` in src/greeting.js with a test; the test passes.\n\n## Learnings\n- Tests use node:test and run with `node --test test/`; modules are CommonJS.\n\nTASK_COMPLETE',
        },
        o.delayMs,
      ),
    ],
  };
}

/**
 * Every tool_result of a request's conversation (all user messages, not only the last one: hooks
 * may add context in a message of their own after a tool result), content flattened to text
 * (standin/script.ts contentText).
 */
export function toolResults(req: Pick<ModelRequest, 'messages'>): Array<{ content: string; is_error: boolean }> {
  const out: Array<{ content: string; is_error: boolean }> = [];
  for (const m of req.messages) {
    if (m?.role !== 'user' || !Array.isArray(m.content)) continue;
    for (const b of m.content) {
      if (b?.type !== 'tool_result') continue;
      out.push({ content: contentText(b.content), is_error: b.is_error === true });
    }
  }
  return out;
}

/** Text the farewell agent looks for in `cat src/greeting.js` to know greeting's work is there. */
export const GREETING_SIGNATURE = 'function greet(name)';

/**
 * The farewell item: first reads src/greeting.js (merged by the greeting item, which it depends
 * on); builds on it when it is there, and says TASK_BLOCKED when it is not.
 */
export function farewellScript(o: SampleScriptOptions = {}): Script {
  return {
    marker: demoMarker('farewell'),
    turns: [
      slow(bash('cat src/greeting.js', 'Read the greeting helper this item builds on'), o.delayMs),
      slow((req: ModelRequest): Turn => {
        const seen = toolResults(req).some((r) => r.content.includes(GREETING_SIGNATURE));
        if (!seen) return { text: 'src/greeting.js is not on my branch.\n\nTASK_BLOCKED: the greeting helper this item depends on is missing' };
        return bash(
          `${writeFile('src/farewell.js', "'use strict';\nconst { greet } = require('./greeting.js');\nfunction farewell(name) {\n  return `${greet(name)} Goodbye.`;\n}\nmodule.exports = { farewell };\n")}${writeFile('test/farewell.test.js', `${TEST_HEAD}const { farewell } = require('../src/farewell.js');\ntest('farewell', () => assert.strictEqual(farewell('Ada'), 'Hello, Ada! Goodbye.'));\n`)}`,
          'Write the farewell helper on top of greet()',
        );
      }, o.delayMs),
      slow(bash('node --test test/farewell.test.js', 'Run the farewell test'), o.delayMs),
      slow(bash('git add src/farewell.js test/farewell.test.js && git commit -q -m "Add farewell(name) on top of greet()"', 'Commit the farewell helper'), o.delayMs),
      slow(
        { text: 'Added `farewell(name)`, reusing `greet` from src/greeting.js.\n\n## Learnings\n- src/greeting.js is the place for salutations; reuse it.\n\nTASK_COMPLETE' },
        o.delayMs,
      ),
    ],
  };
}

/** The csv-export item: commits a toCsv() that does not quote, and claims TASK_COMPLETE anyway. */
export function csvExportScript(o: SampleScriptOptions = {}): Script {
  return {
    marker: demoMarker('csv-export'),
    turns: [
      slow(
        bash(
          `mkdir -p src test\n${writeFile('src/csv.js', "'use strict';\nfunction toCsv(rows) {\n  return rows.map((r) => r.join(',')).join('\\n');\n}\nmodule.exports = { toCsv };\n")}${writeFile('test/csv.test.js', `${TEST_HEAD}const { toCsv } = require('../src/csv.js');\ntest('quotes fields with commas', () => assert.strictEqual(toCsv([['a,b', 'c']]), '"a,b",c'));\n`)}`,
          'Write toCsv and its test',
        ),
        o.delayMs,
      ),
      slow(bash('git add src/csv.js test/csv.test.js && git commit -q -m "Add toCsv(rows)"', 'Commit the CSV export'), o.delayMs),
      slow({ text: 'Added `toCsv(rows)` in src/csv.js with a test.\n\n## Learnings\n- CSV lives in src/csv.js.\n\nTASK_COMPLETE' }, o.delayMs),
    ],
  };
}

/** The csv-download item: never runs in a correct night (its dependency fails). */
export function csvDownloadScript(o: SampleScriptOptions = {}): Script {
  return {
    marker: demoMarker('csv-download'),
    turns: [
      slow(bash(`mkdir -p src\n${writeFile('src/download.js', "'use strict';\nmodule.exports = {};\n")}git add src/download.js && git commit -q -m "Add download"`, 'Write the download helper'), o.delayMs),
      slow({ text: 'TASK_COMPLETE' }, o.delayMs),
    ],
  };
}

/** The command the payments agent tries and the safety gate must deny. */
export const FORBIDDEN_PUSH = 'git push --force origin HEAD:main';

/** The question the payments agent asks; the ask hook denies it and records it in deferred/. */
export const PAYMENTS_QUESTION = 'Which payment provider sandbox should the checkout use?';

/** The payments agent's decision on its deferred question, as it writes it in its final message. */
export const PAYMENTS_DECISION = 'a local fake, since there is no PAYMENTS_SANDBOX_KEY here and a fake is the most easily reversed choice.';

/**
 * The payments item: asks a question (denied by the ask hook, kept for the morning), tries a
 * force-push to main (denied by the Bash gate), then says TASK_BLOCKED.
 */
export function paymentsScript(o: SampleScriptOptions = {}): Script {
  return {
    marker: demoMarker('payments'),
    turns: [
      slow(
        {
          tool: 'AskUserQuestion',
          input: {
            questions: [
              {
                question: PAYMENTS_QUESTION,
                header: 'Sandbox',
                multiSelect: false,
                options: [
                  { label: 'Stripe test mode', description: 'Needs a Stripe test key' },
                  { label: 'A local fake', description: 'No key needed; less realistic' },
                ],
              },
            ],
          },
        },
        o.delayMs,
      ),
      slow(bash(FORBIDDEN_PUSH, 'Publish the work'), o.delayMs),
      slow((req: ModelRequest): Turn => {
        // The ask hook's answer names the question's file; the decision line quotes it (src/hooks/ask.ts).
        const file = toolResults(req).map((r) => /deferred\/([\w.-]+\.md)/.exec(r.content)?.[1]).find(Boolean);
        return {
          text:
            `${file ? `Decision (deferred/${file}): ` : 'Decision: '}${PAYMENTS_DECISION}\n\n` +
            'The push was denied, and the sandbox needs a key I do not have.\n\n## Learnings\n- The payment sandbox needs PAYMENTS_SANDBOX_KEY, which the night does not have.\n\nTASK_BLOCKED: the payment sandbox needs an API key (PAYMENTS_SANDBOX_KEY) that this environment does not have',
        };
      }, o.delayMs),
    ],
  };
}

/** Scripts for every item of the sample backlog. */
export function sampleScripts(o: SampleScriptOptions = {}): Script[] {
  return [greetingScript(o), farewellScript(o), csvExportScript(o), csvDownloadScript(o), paymentsScript(o)];
}

/**
 * A minimal passing item for load tests: one Bash call that writes `<slug>.txt` and commits it,
 * then TASK_COMPLETE; every answer waits `delayMs` (the agent's "thinking" time).
 */
export function simpleItemScript(slug: string, delayMs = 0): Script {
  return {
    marker: demoMarker(slug),
    turns: [
      slow(bash(`mkdir -p done && echo ${slug} > done/${slug}.txt && git add done/${slug}.txt && git commit -q -m "${slug}: done"`, 'Do the item and commit'), delayMs),
      slow({ text: `Wrote done/${slug}.txt.\n\nTASK_COMPLETE` }, delayMs),
    ],
  };
}
