import { PROFILE_TABLE, SIZE_TABLE } from '../request/presets';
import { CONNECTION_MB, deriveTuning, WORK_MEM_MB } from './tuning';

describe('deriveTuning', () => {
  it.each(Object.entries(SIZE_TABLE))('%s: every connection at its worst common case fits in the memory limit', (_size, spec) => {
    const t = deriveTuning(spec, PROFILE_TABLE.prod, 10 * 1024, 0);
    expect(t.workMemKb).toBe(WORK_MEM_MB * 1024);
    expect(t.sharedBuffersMb + t.maintenanceWorkMemMb + t.maxConnections * CONNECTION_MB).toBeLessThanOrEqual(spec.memoryLimitMi);
    expect(t.maxConnections).toBeGreaterThanOrEqual(20);
  });

  it('gives the figures the README table shows', () => {
    expect(Object.values(SIZE_TABLE).map(s => deriveTuning(s, PROFILE_TABLE.dev, 1024, 0).maxConnections)).toEqual([24, 53, 112]);
  });
});
