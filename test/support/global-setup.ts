import { execFileSync } from 'node:child_process';

/** Builds dist/ once before the suite, so tests run the same compiled CLI and hooks users get. */
export default function setup(): void {
  execFileSync(process.execPath, ['scripts/build.mjs'], { stdio: 'inherit' });
}
