/** The five fields of a standard cron schedule, with the values Kubernetes' CronJob parser accepts. */
const FIELDS = [
  { name: 'minute', min: 0, max: 59 },
  { name: 'hour', min: 0, max: 23 },
  { name: 'day of month', min: 1, max: 31 },
  { name: 'month', min: 1, max: 12 },
  { name: 'day of week', min: 0, max: 6 },
] as const;

const ITEM = /^(\*|(\d{1,2})(?:-(\d{1,2}))?)(?:\/(\d{1,2}))?$/;

/**
 * Why a five-field cron schedule would be refused by the API server (or never run), or undefined
 * when it is fine: each list item is `*`, a value or a range, with an optional step, all within
 * the field's bounds.
 */
export function cronIssue(schedule: string): string | undefined {
  const parts = schedule.split(' ');
  if (parts.length !== 5 || parts.some(p => p === '')) return 'must be a cron schedule of five fields separated by single spaces, like "0 2 * * *"';
  for (const [index, part] of parts.entries()) {
    const field = FIELDS[index];
    for (const item of part.split(',')) {
      const match = ITEM.exec(item);
      const bounds = `${field.min}-${field.max}`;
      if (!match) return `${field.name} "${item.slice(0, 16)}" must be *, a number, a range a-b or a list of them, each with an optional /step`;
      const [, , from, to, step] = match;
      for (const value of [from, to].filter(v => v !== undefined).map(Number)) {
        if (value < field.min || value > field.max) return `${field.name} ${value} is out of range (${bounds})`;
      }
      if (from !== undefined && to !== undefined && Number(from) > Number(to)) return `${field.name} range ${from}-${to} runs backwards`;
      if (step !== undefined && (Number(step) < 1 || Number(step) > field.max)) return `${field.name} step /${step} must be from 1 to ${field.max}`;
    }
  }
  return undefined;
}

/** The values an item list of a valid field selects (cronIssue has accepted the schedule). */
function fieldValues(part: string, min: number, max: number): Set<number> {
  const values = new Set<number>();
  for (const item of part.split(',')) {
    const [, star, from, to, step] = ITEM.exec(item)!;
    const start = star === '*' ? min : Number(from);
    const end = star === '*' ? max : to !== undefined ? Number(to) : step !== undefined ? max : start;
    for (let v = start; v <= end; v += step !== undefined ? Number(step) : 1) values.add(v);
  }
  return values;
}

const MINUTES_PER_DAY = 24 * 60;
/** Eight years from 2001-01-01 UTC: every day of the week in every month, and two 29ths of February. */
const SPAN_DAYS = 8 * 365 + 2;
const SPAN_START = Date.UTC(2001, 0, 1);

/**
 * The longest time between two runs of a valid five-field UTC schedule, in seconds: how stale the
 * newest run can be when nothing failed (for alert thresholds). Day of month and day of week
 * restrict together when both are (a day matches either), as cron and Kubernetes' parser
 * (robfig/cron: a field starting with "*" does not restrict) do.
 */
export function cronMaxGapSeconds(schedule: string): number {
  const [minute, hour, dom, month, dow] = schedule.split(' ');
  const minutes = fieldValues(minute, 0, 59);
  const hours = fieldValues(hour, 0, 23);
  const times = [...hours].flatMap(h => [...minutes].map(m => h * 60 + m)).sort((a, b) => a - b);
  const doms = fieldValues(dom, 1, 31);
  const months = fieldValues(month, 1, 12);
  const dows = fieldValues(dow, 0, 6);
  const domRestricted = !dom.startsWith('*');
  const dowRestricted = !dow.startsWith('*');
  let longest = 0;
  for (let i = 1; i < times.length; i++) longest = Math.max(longest, times[i] - times[i - 1]);
  let previousDay: number | undefined;
  for (let day = 0; day < SPAN_DAYS; day++) {
    const date = new Date(SPAN_START + day * 86_400_000);
    if (!months.has(date.getUTCMonth() + 1)) continue;
    const domMatch = doms.has(date.getUTCDate());
    const dowMatch = dows.has(date.getUTCDay());
    const matches = domRestricted && dowRestricted ? domMatch || dowMatch : domMatch && dowMatch;
    if (!matches) continue;
    if (previousDay !== undefined) longest = Math.max(longest, (day - previousDay) * MINUTES_PER_DAY - times[times.length - 1] + times[0]);
    previousDay = day;
  }
  return (previousDay === undefined ? SPAN_DAYS * MINUTES_PER_DAY : longest) * 60;
}
