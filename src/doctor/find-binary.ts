/** Finding executables: on PATH, or at a given path. */
import { accessSync, constants, statSync } from 'node:fs';
import { delimiter, isAbsolute, join, resolve } from 'node:path';

/** True when `path` is an executable regular file (or a symlink to one). */
export function isExecutable(path: string): boolean {
  try {
    if (!statSync(path).isFile()) return false;
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/**
 * The absolute path of `name` as the shell would find it: a name with a slash is taken relative to
 * `cwd`; a bare name is searched in `PATH` (of `env`). Undefined when not found or not executable.
 */
export function whichBinary(name: string, env: NodeJS.ProcessEnv = process.env, cwd: string = process.cwd()): string | undefined {
  if (name.includes('/')) {
    const full = isAbsolute(name) ? name : resolve(cwd, name);
    return isExecutable(full) ? full : undefined;
  }
  for (const dir of (env.PATH ?? '').split(delimiter)) {
    if (dir === '') continue;
    const full = join(dir, name);
    if (isExecutable(full)) return full;
  }
  return undefined;
}
