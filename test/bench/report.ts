import type { Measurement } from './measure';

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;');

/** Markdown table of the measurements of one benchmark. */
export function table(rows: Measurement[]): string {
  const lines = ['| case | subject | metric | value |', '| --- | --- | --- | --- |'];
  for (const r of rows) lines.push(`| ${r.case} | ${r.subject} | ${r.metric} | ${r.value}${r.unit && typeof r.value === 'number' ? ` ${r.unit}` : ''} |`);
  return lines.join('\n');
}

export interface BarGroup {
  label: string;
  bars: { name: string; value: number }[];
}

/** A grouped bar chart as a standalone SVG (log scale when values span orders of magnitude). */
export function barChart(title: string, unit: string, groups: BarGroup[], log = false): string {
  const width = 720;
  const height = 320;
  const left = 70;
  const bottom = 250;
  const top = 40;
  const colors = ['#2f6fdd', '#8fb3ef', '#e0773c', '#999999'];
  const values = groups.flatMap(g => g.bars.map(b => b.value));
  const max = Math.max(...values);
  const scale = (v: number) => (log ? (Math.log10(Math.max(v, 1)) / Math.log10(max)) : v / max) * (bottom - top);
  const groupWidth = (width - left - 20) / groups.length;
  const barWidth = Math.min(48, (groupWidth - 20) / Math.max(...groups.map(g => g.bars.length)));
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" font-family="sans-serif" font-size="12">`,
    `<rect width="100%" height="100%" fill="white"/>`,
    `<text x="${width / 2}" y="22" text-anchor="middle" font-size="15">${esc(title)}</text>`,
    `<line x1="${left}" y1="${bottom}" x2="${width - 10}" y2="${bottom}" stroke="#333"/>`,
    `<text x="14" y="${(top + bottom) / 2}" transform="rotate(-90 14 ${(top + bottom) / 2})" text-anchor="middle">${esc(unit)}${log ? ' (log scale)' : ''}</text>`,
  ];
  groups.forEach((g, gi) => {
    const x0 = left + gi * groupWidth + 10;
    g.bars.forEach((b, bi) => {
      const h = scale(b.value);
      const x = x0 + bi * (barWidth + 4);
      parts.push(`<rect x="${x}" y="${bottom - h}" width="${barWidth}" height="${h}" fill="${colors[bi % colors.length]}"/>`);
      parts.push(`<text x="${x + barWidth / 2}" y="${bottom - h - 4}" text-anchor="middle">${b.value}</text>`);
    });
    parts.push(`<text x="${x0 + (g.bars.length * (barWidth + 4)) / 2}" y="${bottom + 18}" text-anchor="middle">${esc(g.label)}</text>`);
  });
  const names = groups[0]?.bars.map(b => b.name) ?? [];
  names.forEach((name, i) => {
    parts.push(`<rect x="${left + i * 230}" y="${height - 32}" width="12" height="12" fill="${colors[i % colors.length]}"/>`);
    parts.push(`<text x="${left + i * 230 + 18}" y="${height - 22}">${esc(name)}</text>`);
  });
  parts.push('</svg>');
  return `${parts.join('\n')}\n`;
}
