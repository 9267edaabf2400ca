/** Types of scripts/build.mjs for the tests that import it. */
import type { Metafile } from 'esbuild';

/** One output file of the build: `path` relative to the project root (`dist/cli.js`). */
export interface BundleFile {
  path: string;
  contents: Uint8Array;
}

/** Builds every bundle in memory; see scripts/build.mjs. */
export function buildBundles(): Promise<{ files: BundleFile[]; cliMetafile: Metafile; metafiles: Metafile[] }>;

/** Builds and writes dist/, removing files of earlier builds; see scripts/build.mjs. */
export function writeBundles(): Promise<void>;

/** Whether a built file is a program, written with mode 755 (bin/overnight). */
export function isExecutable(path: string): boolean;
