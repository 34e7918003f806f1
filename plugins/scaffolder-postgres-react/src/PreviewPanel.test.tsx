/**
 * @jest-environment jsdom
 * @jest-environment-options {"customExportConditions": ["node", "require", "default"]}
 */
import { render as renderInDom, fireEvent, screen, waitFor, within } from '@testing-library/react';
import type { ReactElement, ReactNode } from 'react';
import { errorApiRef } from '@backstage/core-plugin-api';
import { translationApiRef } from '@backstage/frontend-plugin-api';
import { MockErrorApi, mockApis, TestApiProvider } from '@backstage/test-utils';
import { themes, UnifiedThemeProvider } from '@backstage/theme';
import { renderDatabase, requestFromFields } from '@postgres-gitops/renderer';
import { TextEncoder } from 'node:util';
import { PreviewPanel } from './PreviewPanel';

/** What the scaffolder gives the field: the app's theme, and its APIs (the copy button reports errors, and is translated). */
const InApp = ({ children }: { children?: ReactNode }) => (
  <TestApiProvider apis={[[errorApiRef, new MockErrorApi()], [translationApiRef, mockApis.translation()]]}>
    <UnifiedThemeProvider theme={themes.light}>{children}</UnifiedThemeProvider>
  </TestApiProvider>
);
const render = (ui: ReactElement) => renderInDom(ui, { wrapper: InApp });

// Browsers have TextEncoder (the renderer counts name bytes with it); jest's jsdom does not.
Object.assign(globalThis, { TextEncoder });

const form = { name: 'orders', namespace: 'team-a', owner: 'group:default/team-a', size: 'small', version: '17', profile: 'dev' };

describe('PreviewPanel', () => {
  it('shows the totals and the objects of the current choices, and follows a change of size', () => {
    const { rerender } = render(<PreviewPanel formData={form} />);
    expect(screen.getByTestId('total-pods').textContent).toBe('1');
    // The server and its reload container (32Mi).
    expect(screen.getByTestId('total-memory').textContent).toBe('288Mi requested, 544Mi limit');
    expect(screen.queryByRole('button', { name: 'StatefulSet orders-postgresql-read' })).toBeNull();

    rerender(<PreviewPanel formData={{ ...form, size: 'large' }} />);
    expect(screen.getByTestId('total-pods').textContent).toBe('2');
    expect(screen.getByTestId('total-memory').textContent).toBe('2112Mi requested, 4160Mi limit');
    expect(screen.getByRole('button', { name: 'StatefulSet orders-postgresql-read' })).toBeTruthy();
  });

  it('shows the YAML of an object on demand, byte for byte the file of the pull request', async () => {
    render(<PreviewPanel formData={form} />);
    fireEvent.click(screen.getByRole('button', { name: 'StatefulSet orders-postgresql' }));
    const db = renderDatabase(requestFromFields(form));
    const file = db.files[`${db.directory}/statefulset-orders-postgresql.yaml`];
    // The code view loads lazily, as in the app.
    await waitFor(() => expect(screen.getByLabelText('YAML of StatefulSet orders-postgresql').textContent).toBe(file), { timeout: 30_000 });
    expect(within(screen.getByLabelText('YAML of StatefulSet orders-postgresql')).getByRole('button', { name: /copy/i })).toBeTruthy();
  });

  it('warns about an end-of-life version', () => {
    render(<PreviewPanel formData={{ ...form, version: '13' }} />);
    expect(within(screen.getByLabelText('Warnings')).getByText(/PostgreSQL 13 is end-of-life/)).toBeTruthy();
  });

  it('shows the renderer\'s refusal next to the field it names, and no objects', () => {
    render(<PreviewPanel formData={{ ...form, name: 'Orders!' }} />);
    const alert = screen.getByRole('alert');
    expect(alert.getAttribute('data-field')).toBe('name');
    expect(alert.textContent).toMatch(/^name: must be a DNS-1123 label/);
    expect(screen.queryByLabelText('Objects')).toBeNull();
  });

  it('tells the field a one-line summary of every new preview, refusals included', () => {
    const summaries: string[] = [];
    const { rerender } = render(<PreviewPanel formData={form} onSummary={s => summaries.push(s)} />);
    rerender(<PreviewPanel formData={{ ...form, namespace: 'kube-system' }} onSummary={s => summaries.push(s)} />);
    expect(summaries).toEqual([expect.stringMatching(/^\d+ objects in clusters\/[^/]+\/postgres\/team-a\/orders\/$/), 'refused: namespace']);
  });
});
