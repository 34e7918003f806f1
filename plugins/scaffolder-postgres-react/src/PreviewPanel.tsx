import { useEffect, useMemo, useState } from 'react';
import { previewDatabase, type PlatformSettings, type Preview } from '@postgres-gitops/renderer';

export interface PreviewPanelProps {
  /** Every field of the form so far, as the scaffolder's formContext holds them. */
  formData: Record<string, unknown>;
  platform?: PlatformSettings;
  /** Told a one-line summary of every new preview (what the scaffolder field stores as its value). */
  onSummary?: (summary: string) => void;
}

export function previewSummary(preview: Preview): string {
  return preview.ok ? `${preview.objects.length} objects in ${preview.directory}/` : `refused: ${preview.issues.map(i => i.field).join(', ')}`;
}

const code = { fontFamily: 'monospace', fontSize: '0.85em' } as const;

/**
 * The preview of a "Create PostgreSQL" form: the renderer's own output for the current fields,
 * so the objects, the totals and every YAML file are what the pull request will hold; or the
 * renderer's refusals, each under the field it names.
 */
export function PreviewPanel({ formData, platform, onSummary }: PreviewPanelProps) {
  // The form data object is new on every keystroke; its content is what matters.
  const key = JSON.stringify(formData);
  const preview = useMemo(() => previewDatabase(JSON.parse(key) as Record<string, unknown>, platform), [key, platform]);
  const [open, setOpen] = useState<string | undefined>();
  useEffect(() => {
    onSummary?.(previewSummary(preview));
  }, [preview, onSummary]);

  if (!preview.ok) {
    return (
      <section aria-label="PostgreSQL preview" data-testid="postgres-preview">
        <h3>Not yet: the renderer refuses these choices</h3>
        <ul>
          {preview.issues.map(issue => (
            <li key={`${issue.field}: ${issue.message}`} role="alert" data-field={issue.field}>
              <strong>{issue.field}</strong>: {issue.message}
            </li>
          ))}
        </ul>
      </section>
    );
  }
  const shown = preview.objects.find(o => o.path === open);
  return (
    <section aria-label="PostgreSQL preview" data-testid="postgres-preview">
      <h3>What the pull request will hold</h3>
      <p>
        <span style={code}>{preview.directory}/</span>: {preview.files} files, {preview.objects.length} objects
      </p>
      <table aria-label="Resource totals">
        <tbody>
          <tr><th scope="row">Pods</th><td data-testid="total-pods">{preview.totals.pods}</td></tr>
          <tr><th scope="row">CPU</th><td data-testid="total-cpu">{preview.totals.cpu}</td></tr>
          <tr><th scope="row">Memory</th><td data-testid="total-memory">{preview.totals.memory}</td></tr>
          <tr><th scope="row">Storage</th><td data-testid="total-storage">{preview.totals.storage}</td></tr>
        </tbody>
      </table>
      {preview.warnings.length > 0 && (
        <ul aria-label="Warnings">
          {preview.warnings.map(w => (
            <li key={w} role="status">{w}</li>
          ))}
        </ul>
      )}
      <ul aria-label="Objects">
        {preview.objects.map(o => (
          <li key={o.path}>
            <button type="button" onClick={() => setOpen(open === o.path ? undefined : o.path)} aria-expanded={open === o.path}>
              {o.kind} {o.name}
            </button>
          </li>
        ))}
      </ul>
      {shown && (
        <pre aria-label={`YAML of ${shown.kind} ${shown.name}`} style={{ ...code, overflow: 'auto', maxHeight: '24em' }}>
          {shown.yaml}
        </pre>
      )}
    </section>
  );
}
