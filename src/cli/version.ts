/** The plugin's version, as `overnight --version` prints it. */
import { readFileSync } from 'node:fs';

/** Replaced at build time by package.json's `version` (scripts/build.mjs, esbuild `define`). */
declare const OVERNIGHT_BUILD_VERSION: string | undefined;

/**
 * The version of this plugin: package.json's `version`, compiled into the bundle by the build; when
 * the sources run unbuilt (vitest), read from package.json two folders up. Throws only when neither
 * exists (a broken checkout).
 */
export function pluginVersion(): string {
  if (typeof OVERNIGHT_BUILD_VERSION === 'string') return OVERNIGHT_BUILD_VERSION;
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
}
