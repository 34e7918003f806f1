import { cronIssue, cronMaxGapSeconds } from './cron';

describe('cronIssue', () => {
  it.each(['0 2 * * *', '*/15 * * * *', '0 1-5/2,22 * * 1-5', '30 3 1,15 * 0', '59 23 31 12 6'])('accepts %s', schedule => {
    expect(cronIssue(schedule)).toBeUndefined();
  });

  it.each([
    ['99 99 99 99 99', 'minute 99 is out of range (0-59)'],
    ['60 2 * * *', 'minute 60 is out of range (0-59)'],
    ['0 2 1 0 *', 'month 0 is out of range (1-12)'],
    ['0 2 * * 9', 'day of week 9 is out of range (0-6)'],
    ['*/0 * * * *', 'minute step /0 must be from 1 to 59'],
    ['0 5-2 * * *', 'hour range 5-2 runs backwards'],
    ['0 2 0 * *', 'day of month 0 is out of range (1-31)'],
    ['0 2 * *', 'must be a cron schedule of five fields'],
    ['0  2 * * *', 'must be a cron schedule of five fields'],
    ['0 2 * * MON', 'day of week "MON" must be *'],
    ['0 2 * * *; rm -rf /', 'must be a cron schedule of five fields'],
  ])('refuses %s: %s', (schedule, why) => {
    expect(cronIssue(schedule)).toContain(why);
  });
});

describe('cronMaxGapSeconds', () => {
  it.each([
    ['0 2 * * *', 86_400],
    ['*/15 * * * *', 900],
    ['0 1-5/2,22 * * *', 17 * 3600],
    ['0 2 * * 1-5', 3 * 86_400],
    ['0 2 1 * *', 31 * 86_400],
    ['0 2 1,15 * 0', 7 * 86_400],
    ['0 0 29 2 *', (4 * 365 + 1) * 86_400],
    ['30 3 */2 * *', 2 * 86_400],
  ])('%s: %i s', (schedule, seconds) => {
    expect(cronMaxGapSeconds(schedule)).toBe(seconds);
  });
});
