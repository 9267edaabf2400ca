/**
 * Bringing an agent's new git objects into the repository.
 *
 * Inside the OS sandbox the repository's object store is read-only (an agent could otherwise delete
 * the user's history), so an agent's git writes its objects to a folder of its own
 * (`GIT_OBJECT_DIRECTORY`) and reads the repository's through `GIT_ALTERNATE_OBJECT_DIRECTORIES`
 * (git(1), ENVIRONMENT). After the attempt the runner copies them in through git itself:
 * `pack-objects` reads every object of the folder and `index-pack` writes them into the repository,
 * hashing each one again, so a file the agent planted under a wrong name cannot corrupt the store.
 */
import { existsSync, readdirSync } from 'node:fs';
import { execa } from 'execa';

/** True when `objectDir` holds no loose object and no pack. */
function isEmptyObjectDir(objectDir: string): boolean {
  if (!existsSync(objectDir)) return true;
  return readdirSync(objectDir).every((name) => name === 'info' || (name === 'pack' && !readdirSync(`${objectDir}/pack`).some((f) => f.endsWith('.pack'))));
}

/**
 * Copies every object in `objectDir` into the object store of the repository at `repoRoot`.
 * In: the repository (any work tree of it) and the agent's object folder (absolute).
 * Out: the number of objects imported (0 when the folder is empty or missing).
 * Throws an Error naming the folder when git cannot read an object there (a corrupt or planted
 * file) or cannot index the pack; nothing is then added to the repository.
 */
export async function importObjects(repoRoot: string, objectDir: string): Promise<number> {
  if (isEmptyObjectDir(objectDir)) return 0;
  // Only the agent's folder: no alternates, so only its own objects are listed and packed.
  const own = { GIT_OBJECT_DIRECTORY: objectDir, GIT_ALTERNATE_OBJECT_DIRECTORIES: '' };
  const listed = await execa('git', ['cat-file', '--batch-all-objects', '--batch-check=%(objectname)'], { cwd: repoRoot, env: own, reject: false });
  if (listed.exitCode !== 0) throw new Error(`cannot list the agent's git objects in ${objectDir}: ${listed.stderr.trim()}`);
  const ids = listed.stdout.trim();
  if (!ids) return 0;
  // stripFinalNewline: false: execa drops a last \n byte even from binary output, and a pack
  // whose checksum ends in 0x0a (1 in 256) then reaches index-pack one byte short ("early EOF").
  const pack = await execa('git', ['pack-objects', '--stdout', '-q'], { cwd: repoRoot, env: own, input: `${ids}\n`, encoding: 'buffer', stripFinalNewline: false, reject: false });
  if (pack.exitCode !== 0) throw new Error(`cannot read the agent's git objects in ${objectDir}: ${Buffer.from(pack.stderr).toString().trim()}`);
  const indexed = await execa('git', ['index-pack', '--stdin'], {
    cwd: repoRoot,
    env: { GIT_OBJECT_DIRECTORY: undefined, GIT_ALTERNATE_OBJECT_DIRECTORIES: undefined },
    input: pack.stdout,
    reject: false,
  });
  if (indexed.exitCode !== 0) throw new Error(`cannot add the agent's git objects from ${objectDir} to the repository: ${indexed.stderr.trim()}`);
  return ids.split('\n').length;
}
