// `npm version <x.y.z>` runs this (package.json "version" script) after it has set the new version
// in package.json and package-lock.json, and before it commits and tags: it writes the same version
// into the plugin manifest (.claude-plugin/plugin.json) and the marketplace entry
// (.claude-plugin/marketplace.json), and checks that CHANGELOG.md has a section for it.
// test/unit/release/versions.test.ts fails whenever the four disagree.
// Exits 1 with a message naming the file and the fix when CHANGELOG.md has no `## [x.y.z]` section.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const read = (rel) => readFileSync(join(root, rel), 'utf8');
const { version } = JSON.parse(read('package.json'));

if (!new RegExp(`^## \\[${version.replace(/\./g, '\\.')}\\]`, 'm').test(read('CHANGELOG.md'))) {
  process.stderr.write(
    `CHANGELOG.md has no section for ${version}. Rename its "## [Unreleased]" heading to "## [${version}] - ${new Date().toISOString().slice(0, 10)}" (and start a new empty "## [Unreleased]" above it), then run npm version ${version} again.\n`,
  );
  process.exit(1);
}

/** Sets `"version": ...` in one JSON file, keeping its layout (only that value changes). */
function setVersion(rel, pattern) {
  const text = read(rel);
  if (!pattern.test(text)) throw new Error(`${rel}: no "version" field where one is expected; add "version": "${version}" to it.`);
  writeFileSync(join(root, rel), text.replace(pattern, (_m, before) => `${before}"${version}"`));
}

setVersion('.claude-plugin/plugin.json', /^(\s{2}"version":\s*)"[^"]*"/m);
// The marketplace lists one plugin; its entry's version is the plugin's.
setVersion('.claude-plugin/marketplace.json', /^(\s{6}"version":\s*)"[^"]*"/m);
process.stdout.write(`plugin.json and marketplace.json set to ${version}.\n`);
