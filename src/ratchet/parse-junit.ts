/**
 * Test names out of a JUnit XML report (the format of Ant's JUnit task, written by most test
 * runners: `<testsuites>` / `<testsuite>` / `<testcase name classname>` with `<failure>`, `<error>`
 * or `<skipped>`; https://github.com/testmoapp/junitxml), parsed with fast-xml-parser. Pure.
 */
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import type { TestNames } from './parse-tap.js';

type Node = Record<string, unknown>;

function list(value: unknown): Node[] {
  if (value === undefined || value === null) return [];
  return (Array.isArray(value) ? value : [value]).filter((v): v is Node => typeof v === 'object' && v !== null);
}

function attr(node: Node, name: string): string {
  const v = node[`@_${name}`];
  return v === undefined || v === null ? '' : String(v).trim();
}

/** `classname > name` (or the name alone), the way a report names one test case. */
function caseName(tc: Node, suite: string): string {
  const name = attr(tc, 'name') || '(unnamed test case)';
  const cls = attr(tc, 'classname') || suite;
  return cls ? `${cls} > ${name}` : name;
}

function collect(suite: Node, parent: string, out: { failing: Set<string>; passing: Set<string> }): void {
  const suiteName = attr(suite, 'name') || parent;
  for (const tc of list(suite.testcase)) {
    const name = caseName(tc, suiteName);
    const failed = tc.failure !== undefined || tc.error !== undefined;
    if (failed) out.failing.add(name);
    else out.passing.add(name);
  }
  for (const inner of list(suite.testsuite)) collect(inner, suiteName, out);
}

/**
 * The test names of a JUnit XML document: failing (a `<failure>` or `<error>` child) and passing
 * (the others, skipped included). Throws Error with the parser's message (and line) when `xml` is
 * not well-formed XML, or when it has no `<testsuites>` or `<testsuite>` root.
 */
export function parseJunitNames(xml: string): TestNames {
  const valid = XMLValidator.validate(xml);
  if (valid !== true) throw new Error(`not well-formed XML: ${valid.err.msg} (line ${valid.err.line})`);
  const parser = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '@_', parseAttributeValue: false, parseTagValue: false, isArray: (name) => ['testsuite', 'testcase', 'failure', 'error', 'skipped'].includes(name) });
  const doc = parser.parse(xml) as Node;
  const roots = [...list(doc.testsuites), ...list(doc.testsuite).map((s) => ({ testsuite: [s] }) as Node)];
  if (roots.length === 0) throw new Error('no <testsuites> or <testsuite> element: not a JUnit XML report');
  const out = { failing: new Set<string>(), passing: new Set<string>() };
  for (const root of roots) for (const suite of list(root.testsuite)) collect(suite, '', out);
  for (const f of out.failing) out.passing.delete(f);
  return { failing: [...out.failing].sort(), passing: [...out.passing].sort() };
}
