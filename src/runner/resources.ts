/**
 * Resource thresholds before starting an item (config `resources`): free disk space on the
 * repository's file system and the 1-minute load average per core.
 * - Load above `max_load_per_core` holds back ADDITIONAL items only: when nothing is running, one
 *   item may still start, so a busy machine slows the night down but never stalls it.
 * - Free disk below `min_free_disk_mb` holds back every start; when nothing is running the session
 *   stops early (resumable once space is freed) instead of waiting all night.
 */
import { statfsSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';
import type { OvernightConfig } from '../config/schema.js';

export interface ResourceSample {
  /** Free space available to this user on the repository's file system, MB. */
  freeDiskMb: number;
  /** 1-minute load average divided by the number of cores. */
  loadPerCore: number;
}

/** `ok` with `oneAtMost`: under load with nothing running, exactly one item may start. */
export type ResourceGate = { ok: true; oneAtMost?: boolean; reason?: string } | { ok: false; reason: string; stop: boolean };

/** Measures free disk (statfs: bavail x bsize) at `path` and the load per core (os.loadavg). */
export function measureResources(path: string): ResourceSample {
  const fs = statfsSync(path);
  return {
    freeDiskMb: Math.floor((Number(fs.bavail) * Number(fs.bsize)) / (1024 * 1024)),
    loadPerCore: loadavg()[0]! / Math.max(1, availableParallelism()),
  };
}

/** May a new item start now? Pure: a sample, the thresholds, and how many items are in flight. */
export function resourceGate(sample: ResourceSample, limits: OvernightConfig['resources'], inFlight: number): ResourceGate {
  if (sample.freeDiskMb < limits.min_free_disk_mb) {
    return {
      ok: false,
      stop: inFlight === 0,
      reason: `only ${sample.freeDiskMb} MB free on disk, below resources.min_free_disk_mb (${limits.min_free_disk_mb} MB); free some space, then \`overnight resume\``,
    };
  }
  if (sample.loadPerCore > limits.max_load_per_core) {
    const reason = `load per core ${sample.loadPerCore.toFixed(1)} is above resources.max_load_per_core (${limits.max_load_per_core}); one item at a time until it drops`;
    return inFlight > 0 ? { ok: false, stop: false, reason } : { ok: true, oneAtMost: true, reason };
  }
  return { ok: true };
}
