/**
 * One version everywhere a release names it: package.json (and its lockfile), the plugin manifest,
 * the marketplace entry, the CHANGELOG section, and the copy of the manifest in plugin/ (what a
 * marketplace install copies). `npm version <x.y.z>` keeps them equal (scripts/sync-version.mjs);
 * this test fails when a hand edit did not.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '../../..');
const json = (rel: string) => JSON.parse(readFileSync(join(root, rel), 'utf8'));

describe('release versions', () => {
  const version: string = json('package.json').version;

  it('package.json, package-lock.json, plugin.json, plugin/ and the marketplace entry agree', () => {
    const found = {
      'package-lock.json': json('package-lock.json').version,
      'package-lock.json packages[""]': json('package-lock.json').packages[''].version,
      '.claude-plugin/plugin.json': json('.claude-plugin/plugin.json').version,
      'plugin/.claude-plugin/plugin.json': json('plugin/.claude-plugin/plugin.json').version,
      '.claude-plugin/marketplace.json plugins[overnight]': json('.claude-plugin/marketplace.json').plugins.find((p: { name: string }) => p.name === 'overnight')?.version,
    };
    for (const [file, v] of Object.entries(found)) expect(v, `${file} says ${v}, package.json says ${version}: run npm version ${version} (scripts/sync-version.mjs)`).toBe(version);
  });

  it('CHANGELOG.md has a dated section for this version under [Unreleased]', () => {
    const changelog = readFileSync(join(root, 'CHANGELOG.md'), 'utf8');
    const headings = [...changelog.matchAll(/^## \[([^\]]+)\](?: - (\d{4}-\d{2}-\d{2}))?/gm)].map((m) => ({ name: m[1], date: m[2] }));
    expect(headings[0]?.name).toBe('Unreleased');
    expect(headings[1]).toMatchObject({ name: version, date: expect.stringMatching(/^\d{4}-\d{2}-\d{2}$/) });
  });
});
