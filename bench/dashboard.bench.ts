/**
 * Dashboard benchmark: what the dashboard costs the machine while a long night runs. Its event
 * stream looks for new lines of events.jsonl every 500 ms; with a night's worth of events (20,000
 * lines, about 4 MB) each look must stay cheap, whatever the file's size.
 *
 * - baseline: reading and parsing the whole events.jsonl (readEventsFile, what `overnight status`
 *   does once per call);
 * - dashboard: one poll of the event stream (readNewEvents from the last offset) after the runner
 *   appended one line.
 * Figures are medians of 200 polls, beside the baseline measured in the same run, with the load
 * average. Target: a poll under 2 ms. Exits 1 when the target is missed.
 * Run: `npm run bench` (or `node scripts/bench.mjs dashboard`).
 */
import { appendFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { readEventsFile } from '../src/session/store.js';
import { fileSize, readNewEvents } from '../src/dashboard/tail.js';

const LINES = Number(process.env.BENCH_EVENT_LINES ?? 20_000);
const POLLS = 200;
const TARGET_POLL_MS = 2;

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

function line(i: number): string {
  return `${JSON.stringify({ ts: new Date(1_780_000_000_000 + i * 1000).toISOString(), type: 'agent_activity', slug: `item-${i % 12}`, attempt: 1, turns: i % 40, costUsd: i / 1000, activity: `Bash: npm test -- --grep case-${i} ${'x'.repeat(120)}` })}\n`;
}

const dir = mkdtempSync(join(tmpdir(), 'overnight-bench-dash-'));
try {
  const file = join(dir, 'events.jsonl');
  writeFileSync(file, Array.from({ length: LINES }, (_, i) => line(i)).join(''));
  const size = await fileSize(file);

  const full: number[] = [];
  for (let i = 0; i < 20; i++) {
    const t = performance.now();
    readEventsFile(file);
    full.push(performance.now() - t);
  }

  let offset = size;
  const poll: number[] = [];
  for (let i = 0; i < POLLS; i++) {
    appendFileSync(file, line(LINES + i));
    const t = performance.now();
    const r = await readNewEvents(file, offset);
    poll.push(performance.now() - t);
    if (r.events.length !== 1) throw new Error(`poll ${i} read ${r.events.length} events, expected 1`);
    offset = r.next;
  }

  const idle: number[] = [];
  for (let i = 0; i < POLLS; i++) {
    const t = performance.now();
    await readNewEvents(file, offset);
    idle.push(performance.now() - t);
  }

  const base = median(full);
  const one = median(poll);
  console.log(`load average ${loadavg().map((l) => l.toFixed(2)).join(' ')} on ${cpus().length} cores; events.jsonl ${LINES} lines, ${(size / 1e6).toFixed(1)} MB`);
  console.log(`baseline  read+parse the whole file (status):   ${base.toFixed(2)} ms`);
  console.log(`dashboard one poll after one new line:          ${one.toFixed(3)} ms  (${(base / one).toFixed(0)}x less; target < ${TARGET_POLL_MS} ms)`);
  console.log(`dashboard one poll with nothing new:            ${median(idle).toFixed(3)} ms`);
  console.log(`added per second of a night (2 polls/s):        ${(2 * one).toFixed(3)} ms of CPU`);
  if (one >= TARGET_POLL_MS) {
    console.log('TARGET MISSED');
    process.exitCode = 1;
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
