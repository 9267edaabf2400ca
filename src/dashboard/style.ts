/** The page's stylesheet, inlined into the page (no CDN, no web fonts: the machine may be offline). */
export const DASHBOARD_CSS = `
:root { color-scheme: light dark; --fg: #1b1f24; --muted: #57606a; --bg: #ffffff; --panel: #f6f8fa; --line: #d0d7de;
  --ok: #1a7f37; --bad: #cf222e; --warn: #9a6700; --busy: #0969da; --idle: #6e7781; }
@media (prefers-color-scheme: dark) { :root { --fg: #e6edf3; --muted: #9198a1; --bg: #0d1117; --panel: #161b22; --line: #30363d;
  --ok: #3fb950; --bad: #f85149; --warn: #d29922; --busy: #4493f8; --idle: #9198a1; } }
* { box-sizing: border-box; }
body { margin: 0; font: 15px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; color: var(--fg); background: var(--bg); }
header { display: flex; justify-content: space-between; align-items: baseline; padding: 12px 24px; border-bottom: 1px solid var(--line); background: var(--panel); }
h1 { font-size: 20px; margin: 0; } .sid { font-weight: 400; color: var(--muted); font-family: ui-monospace, monospace; font-size: 15px; }
h2 { font-size: 17px; margin: 24px 0 8px; } h3 { font-size: 15px; margin: 16px 0 6px; } h4 { margin: 8px 0 4px; }
main { padding: 8px 24px 32px; max-width: 1400px; }
.link { margin: 0; color: var(--muted); font-size: 13px; }
.facts { display: flex; flex-wrap: wrap; gap: 12px 36px; margin: 12px 0; }
.facts dt { font-size: 12px; text-transform: uppercase; letter-spacing: .04em; color: var(--muted); }
.facts dd { margin: 2px 0 0; font-size: 16px; }
progress { display: block; width: 220px; height: 8px; margin-top: 4px; accent-color: var(--busy); }
.notice { border-left: 4px solid var(--warn); padding: 6px 10px; background: var(--panel); }
table.items { width: 100%; border-collapse: collapse; font-size: 14px; }
.items th, .items td { text-align: left; padding: 6px 8px; border-bottom: 1px solid var(--line); vertical-align: top; }
.items thead th { font-size: 12px; text-transform: uppercase; letter-spacing: .04em; color: var(--muted); }
.items tbody th { font-weight: 600; } .id { color: var(--muted); font-family: ui-monospace, monospace; font-weight: 400; }
.items td.tl, .items th.tl { width: 28%; } .activity { color: var(--muted); max-width: 420px; overflow-wrap: anywhere; }
.track { position: relative; height: 14px; margin-top: 3px; background: var(--panel); border: 1px solid var(--line); border-radius: 3px; }
.bar { position: absolute; top: 0; bottom: 0; border-radius: 2px; }
.state { display: inline-block; padding: 0 8px; border-radius: 10px; font-size: 13px; font-weight: 600; border: 1px solid currentColor; }
.ok { color: var(--ok); } .bad { color: var(--bad); } .warn { color: var(--warn); } .busy { color: var(--busy); } .idle { color: var(--idle); }
.bar.ok { background: var(--ok); } .bar.bad { background: var(--bad); } .bar.warn { background: var(--warn); } .bar.busy { background: var(--busy); } .bar.idle { background: var(--idle); }
.cols { display: grid; grid-template-columns: 1fr 1fr; gap: 24px; } @media (max-width: 800px) { .cols { grid-template-columns: 1fr; } }
.graph { max-width: 100%; height: auto; } .graph rect { fill: var(--panel); stroke: currentColor; stroke-width: 1.5; }
.graph text { fill: var(--fg); font-size: 13px; } .graph .edge { stroke: var(--muted); stroke-width: 1.5; } .graph marker path { fill: var(--muted); }
.deps { color: var(--muted); font-size: 13px; }
.report { border: 1px solid var(--line); border-radius: 6px; padding: 4px 16px 12px; margin-top: 16px; }
.report .headline { font-size: 16px; } pre { background: var(--panel); padding: 8px; overflow-x: auto; font-size: 12px; }
.failed { border-top: 1px solid var(--line); } .decision { color: var(--muted); }
.visually-hidden { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }
`;
