/**
 * The dependency graph (browser side): items in columns by planning round, an arrow from each item
 * to what it depends on, drawn as SVG with real <text> labels; the same facts as a list for screen
 * readers and for copying.
 */
import { html } from 'htm/preact';
import type { DependencyGraph } from '../data.js';
import { formatId, stateTone } from './format.js';

const NODE_W = 190;
const NODE_H = 34;
const GAP_X = 60;
const GAP_Y = 14;

/** Graph layout: x by round, y by order within the round. Pure. */
export function layout(graph: DependencyGraph): { pos: Map<string, { x: number; y: number }>; width: number; height: number } {
  const rounds = [...new Set(graph.nodes.map((n) => n.round))].sort((a, b) => a - b);
  const pos = new Map<string, { x: number; y: number }>();
  let rows = 0;
  rounds.forEach((round, col) => {
    const inRound = graph.nodes.filter((n) => n.round === round);
    inRound.forEach((n, row) => pos.set(n.slug, { x: col * (NODE_W + GAP_X) + 4, y: row * (NODE_H + GAP_Y) + 4 }));
    rows = Math.max(rows, inRound.length);
  });
  return { pos, width: rounds.length * (NODE_W + GAP_X) - GAP_X + 8, height: rows * (NODE_H + GAP_Y) - GAP_Y + 8 };
}

function short(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

export function DependencyGraphView({ graph, states }: { graph?: DependencyGraph; states: Map<string, string> }) {
  if (!graph || graph.nodes.length === 0) return null;
  const { pos, width, height } = layout(graph);
  const bySlug = new Map(graph.nodes.map((n) => [n.slug, n]));
  return html`<section aria-labelledby="graph-h">
    <h2 id="graph-h">Dependencies</h2>
    ${graph.edges.length === 0
      ? html`<p>No item depends on another.</p>`
      : html`<svg class="graph" viewBox=${`0 0 ${width} ${height}`} width=${width} height=${height} role="img" aria-labelledby="graph-h">
          <defs><marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M 0 0 L 10 5 L 0 10 z" /></marker></defs>
          ${graph.edges.map((e) => {
            const a = pos.get(e.from);
            const b = pos.get(e.to);
            if (!a || !b) return null;
            return html`<line class="edge" x1=${b.x + NODE_W} y1=${b.y + NODE_H / 2} x2=${a.x} y2=${a.y + NODE_H / 2} marker-end="url(#arrow)" />`;
          })}
          ${graph.nodes.map((n) => {
            const p = pos.get(n.slug)!;
            return html`<g class=${`node ${stateTone(states.get(n.slug) ?? 'pending')}`}>
              <rect x=${p.x} y=${p.y} width=${NODE_W} height=${NODE_H} rx="5" />
              <text x=${p.x + 8} y=${p.y + 21}>${formatId(n.id)} ${short(n.title, 22)}</text>
            </g>`;
          })}
        </svg>
        <ul class="deps">
          ${graph.edges.map((e) => html`<li>${bySlug.get(e.from)?.title ?? e.from} needs ${bySlug.get(e.to)?.title ?? e.to} (${states.get(e.to) ?? 'pending'})</li>`)}
        </ul>`}
  </section>`;
}
