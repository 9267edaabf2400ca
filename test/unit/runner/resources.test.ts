import { describe, expect, it } from 'vitest';
import { measureResources, resourceGate } from '../../../src/runner/resources.js';

const limits = { min_free_disk_mb: 1024, max_load_per_core: 4 };

describe('resourceGate', () => {
  it('lets items start when disk and load are fine', () => {
    expect(resourceGate({ freeDiskMb: 5000, loadPerCore: 1 }, limits, 3)).toEqual({ ok: true });
  });
  it('holds back extra items under load but always lets one run', () => {
    expect(resourceGate({ freeDiskMb: 5000, loadPerCore: 9 }, limits, 1)).toMatchObject({ ok: false, stop: false });
    expect(resourceGate({ freeDiskMb: 5000, loadPerCore: 9 }, limits, 0)).toMatchObject({ ok: true, oneAtMost: true });
  });
  it('holds back on low disk, and asks to stop when nothing runs', () => {
    expect(resourceGate({ freeDiskMb: 10, loadPerCore: 0 }, limits, 1)).toMatchObject({ ok: false, stop: false });
    expect(resourceGate({ freeDiskMb: 10, loadPerCore: 0 }, limits, 0)).toMatchObject({ ok: false, stop: true, reason: expect.stringContaining('10 MB free') });
  });
  it('measures real numbers', () => {
    const m = measureResources(process.cwd());
    expect(m.freeDiskMb).toBeGreaterThan(0);
    expect(m.loadPerCore).toBeGreaterThanOrEqual(0);
  });
});
