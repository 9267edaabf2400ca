/**
 * Runs a hook's compiled core (`dist/hooks/core/<name>.js`, a CommonJS bundle) with a V8 code
 * cache, so a hook process does not compile the policy again on every tool call.
 *
 * Why: Claude Code starts a new process per hook call, and Node 20 has no compile cache for user
 * code (`module.enableCompileCache` is Node 22). Compiling the ~150 KiB policy bundle (and lazily
 * compiling every function it runs) is most of a hook's cost over a bare Node start. V8 can
 * serialise compiled code (`vm.Script` `cachedData` / `createCachedData()`, Node.js docs, vm);
 * the cache is made after the first run (so it holds the functions that run used) and checked by
 * V8 against the source, V8 version and flags on load (`cachedDataRejected`), then remade.
 *
 * V8 checks a cache against the source's length only, so the cache's name carries a hash of the
 * core's text computed at build time (`core/<name>.<hash>.<node version>.v8cache`); the build
 * deletes old caches; the core's first line carries the same hash, and a loader meeting a core of
 * another build (a rebuild racing a running hook) uses and writes no cache. The cache lives next
 * to the core and only there: a cache
 * in a folder other users can write could hold forged code. When that folder is not writable the
 * hook runs without a cache. Any error on the cached path falls back to a plain `require`; if even
 * that fails, a gate answers deny (fail closed) and the audit hook exits quietly.
 */
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import vm from 'node:vm';

/** The PreToolUse deny line (same JSON as src/hooks/output.ts, kept inline so this file stays tiny). */
function denyLine(detail: string): string {
  return `${JSON.stringify({
    hookSpecificOutput: {
      hookEventName: 'PreToolUse',
      permissionDecision: 'deny',
      permissionDecisionReason: `overnight safety gate (hook.internal-error): the call was denied because the gate could not start (${detail}). Retry once; if it is denied again, do the work another way.`,
    },
  })}\n`;
}

/**
 * Loads and runs `coreFile` with a code cache. `failClosed`: print a PreToolUse deny when the core
 * cannot run at all (gates); otherwise exit 0 silently (audit). `sourceHash`: the build's hash of
 * the core's text, part of the cache's file name.
 */
export function runCached(coreFile: string, failClosed: boolean, nodeRequire: NodeRequire, sourceHash: string): void {
  const cacheFile = join(dirname(coreFile), `${basename(coreFile, '.js')}.${sourceHash}.${process.version}.v8cache`);
  let script: vm.Script | undefined;
  let saveCache = false;
  try {
    const source = readFileSync(coreFile, 'utf8');
    // The build stamps each core with its hash; a core from another build gets no cache at all.
    const ours = source.startsWith(`//overnight-core:${sourceHash}\n`);
    let cachedData: Buffer | undefined;
    if (ours) {
      try {
        cachedData = readFileSync(cacheFile);
      } catch {
        cachedData = undefined;
      }
    }
    script = new vm.Script(`(function (exports, require, module, __filename, __dirname) {${source}\n})`, {
      filename: coreFile,
      cachedData,
    });
    saveCache = ours && (cachedData === undefined || script.cachedDataRejected === true);
  } catch {
    script = undefined;
  }

  const module: { exports: { warmUp?: () => void } } = { exports: {} };
  if (script && saveCache) {
    const compiled = script;
    process.once('exit', () => {
      const tmp = `${cacheFile}.${process.pid}.tmp`;
      try {
        // V8 compiles functions lazily and the cache holds only those compiled so far: let the
        // core run its sample calls (src/hooks/warm-up.ts) first. Only in this one process.
        module.exports.warmUp?.();
        writeFileSync(tmp, compiled.createCachedData());
        renameSync(tmp, cacheFile);
      } catch {
        // Read-only plugin folder: run without a cache.
      }
    });
  }

  try {
    if (script) {
      (script.runInThisContext() as (...args: unknown[]) => void)(module.exports, nodeRequire, module, coreFile, dirname(coreFile));
    } else {
      nodeRequire(coreFile);
    }
  } catch (error) {
    if (failClosed) process.stdout.write(denyLine((error as Error).message ?? String(error)));
    process.exitCode = 0;
  }
}
