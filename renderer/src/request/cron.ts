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
