import { SecondaryLimitBudget, type PacingClock } from './github-pacing';

/** A clock that only moves when someone sleeps on it: waits cost no real time and are exact. */
function simulatedClock(): PacingClock & { slept: number[] } {
  let now = 0;
  const slept: number[] = [];
  return {
    slept,
    now: () => now,
    sleep: async ms => {
      slept.push(ms);
      now += ms;
    },
  };
}

describe('SecondaryLimitBudget', () => {
  it('lets a single publish through without waiting', async () => {
    const clock = simulatedClock();
    const budget = new SecondaryLimitBudget(clock);
    for (let i = 0; i < 6; i++) await budget.acquire(true);
    await budget.acquire(false);
    expect(clock.slept).toEqual([]);
  });

  it('holds the 81st write of a minute until the first one leaves the window', async () => {
    const clock = simulatedClock();
    const budget = new SecondaryLimitBudget(clock);
    for (let i = 0; i < 80; i++) await budget.acquire(true);
    expect(clock.slept).toEqual([]);
    await budget.acquire(true);
    expect(clock.slept).toEqual([60_001]);
  });

  it('counts points: 900 reads a minute, a write costing 5', async () => {
    const clock = simulatedClock();
    const budget = new SecondaryLimitBudget(clock);
    for (let i = 0; i < 896; i++) await budget.acquire(false);
    expect(clock.slept).toEqual([]);
    // 896 + 5 > 900: the write waits for enough of the oldest reads to leave.
    await budget.acquire(true);
    expect(clock.slept).toEqual([60_001]);
  });

  it('pauses every caller for as long as GitHub asked', async () => {
    const clock = simulatedClock();
    const budget = new SecondaryLimitBudget(clock);
    budget.pause(30_000);
    await budget.acquire(false);
    expect(clock.slept).toEqual([30_000]);
  });

  it('serves callers in arrival order', async () => {
    const clock = simulatedClock();
    const budget = new SecondaryLimitBudget(clock);
    const order: number[] = [];
    await Promise.all([0, 1, 2, 3].map(i => budget.acquire(true).then(() => order.push(i))));
    expect(order).toEqual([0, 1, 2, 3]);
  });
});
