import { flushSync } from 'react-dom';
import { createRoot } from 'react-dom/client';
import { previewDatabase } from '@postgres-gitops/renderer';
import { PreviewPanel } from '../../../plugins/scaffolder-postgres-react/src/PreviewPanel';
import { CNPG_PLATFORM } from '../../support/cnpg-requests';

/**
 * Runs in Chromium: the PostgresPreview panel re-rendered as a person changes the form, each
 * render timed from the new form data to React's committed DOM (the renderer, the totals, the
 * warnings and the object list), as the field does it on every change.
 */
const owner = 'group:default/team-a';
const CASES = {
  'statefulset prod large': {
    platform: undefined,
    forms: [
      { name: 'orders', namespace: 'team-a', owner, size: 'large', version: '17', profile: 'prod', backup: true, monitoring: true, ssl: true },
      { name: 'orders', namespace: 'team-a', owner, size: 'medium', version: '17', profile: 'prod', backup: true, monitoring: true, ssl: true },
    ],
  },
  'cloudnative-pg prod large (backup, pooling)': {
    platform: CNPG_PLATFORM,
    forms: [
      { name: 'orders', namespace: 'team-a', owner, engine: 'cloudnative-pg', size: 'large', version: '17', profile: 'prod', backup: true, monitoring: true, ssl: true, pooling: true },
      { name: 'orders', namespace: 'team-a', owner, engine: 'cloudnative-pg', size: 'medium', version: '17', profile: 'prod', backup: true, monitoring: true, ssl: true, pooling: true },
    ],
  },
};

export type BenchCase = keyof typeof CASES;

function measure(name: BenchCase, iterations: number) {
  const { platform, forms } = CASES[name];
  const container = document.createElement('div');
  document.body.replaceChildren(container);
  const root = createRoot(container);
  const panel: number[] = [];
  const renderer: number[] = [];
  let objects = 0;
  for (let i = 0; i < iterations; i++) {
    // Alternating sizes: every render is a new choice, so nothing is served from the memo.
    const form = forms[i % 2];
    const start = performance.now();
    flushSync(() => root.render(<PreviewPanel formData={form} platform={platform} />));
    panel.push(performance.now() - start);
    const alone = performance.now();
    const preview = previewDatabase(form, platform);
    renderer.push(performance.now() - alone);
    if (!preview.ok) throw new Error(`${name}: ${preview.issues.map(issue => `${issue.field}: ${issue.message}`).join('; ')}`);
    objects = container.querySelectorAll('[aria-label="Objects"] li').length;
  }
  root.unmount();
  return { panel, renderer, objects };
}

Object.assign(window, { previewBench: { cases: Object.keys(CASES), measure } });
