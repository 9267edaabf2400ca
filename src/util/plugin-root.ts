/** Locating this plugin's own folder at run time. */
import { fileURLToPath } from 'node:url';
import { dirname, resolve } from 'node:path';
import { existsSync } from 'node:fs';

/**
 * Absolute path of the plugin root (the folder holding `.claude-plugin/plugin.json`), found by
 * walking up from this module: it works from `dist/cli.js`, from `src/` under vitest, and from a
 * plugin copy installed by Claude Code. `CLAUDE_PLUGIN_ROOT` wins when Claude Code sets it.
 */
export function pluginRoot(): string {
  const fromEnv = process.env.CLAUDE_PLUGIN_ROOT;
  if (fromEnv && existsSync(resolve(fromEnv, '.claude-plugin/plugin.json'))) return fromEnv;
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    if (existsSync(resolve(dir, '.claude-plugin/plugin.json'))) return dir;
    dir = dirname(dir);
  }
  throw new Error('overnight: cannot find the plugin root (.claude-plugin/plugin.json) above ' + fileURLToPath(import.meta.url));
}
