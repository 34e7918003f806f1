import { useEffect, useMemo, useState } from 'react';
import { CodeSnippet, InfoCard, WarningPanel } from '@backstage/core-components';
import Button from '@material-ui/core/Button';
import List from '@material-ui/core/List';
import ListItem from '@material-ui/core/ListItem';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableRow from '@material-ui/core/TableRow';
import Typography from '@material-ui/core/Typography';
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

const TOTALS = [
  ['Pods', 'pods'],
  ['CPU', 'cpu'],
  ['Memory', 'memory'],
  ['Storage', 'storage'],
  // Backups, restore drills and grants run now and then: their own figures, beside the totals above.
  ['While jobs run', 'transient'],
] as const;

/**
 * The preview of a "Create PostgreSQL" form: the renderer's own output for the current fields,
 * so the objects, the totals and every YAML file are what the pull request will hold; or the
 * renderer's refusals, each under the field it names. Built from the app's own components
 * (Backstage's core components on the app's Material UI theme), so it follows the app's light
 * or dark theme like the rest of the scaffolder.
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
        <InfoCard title="Not yet: the renderer refuses these choices" variant="fullHeight">
          <List dense disablePadding>
            {preview.issues.map(issue => (
              <ListItem key={`${issue.field}: ${issue.message}`} role="alert" data-field={issue.field} disableGutters>
                <Typography variant="body2" color="error">
                  <strong>{issue.field}</strong>: {issue.message}
                </Typography>
              </ListItem>
            ))}
          </List>
        </InfoCard>
      </section>
    );
  }
  const shown = preview.objects.find(o => o.path === open);
  return (
    <section aria-label="PostgreSQL preview" data-testid="postgres-preview">
      <InfoCard title="What the pull request will hold" subheader={`${preview.directory}/: ${preview.files} files, ${preview.objects.length} objects`}>
        <Table size="small" aria-label="Resource totals">
          <TableBody>
            {TOTALS.map(([label, total]) => (
              <TableRow key={total}>
                <TableCell component="th" scope="row">{label}</TableCell>
                <TableCell data-testid={`total-${total}`}>{preview.totals[total]}</TableCell>
              </TableRow>
            ))}
          </TableBody>
        </Table>
        {preview.warnings.length > 0 && (
          <WarningPanel severity="warning" title="read before you create it" defaultExpanded>
            <List dense disablePadding aria-label="Warnings">
              {preview.warnings.map(w => (
                <ListItem key={w} role="status" disableGutters>
                  <Typography variant="body2">{w}</Typography>
                </ListItem>
              ))}
            </List>
          </WarningPanel>
        )}
        <List dense aria-label="Objects">
          {preview.objects.map(o => (
            <ListItem key={o.path} disableGutters>
              <Button size="small" variant={open === o.path ? 'contained' : 'text'} color="primary" style={{ textTransform: 'none' }} onClick={() => setOpen(open === o.path ? undefined : o.path)} aria-expanded={open === o.path}>
                {o.kind} {o.name}
              </Button>
            </ListItem>
          ))}
        </List>
        {shown && (
          <div aria-label={`YAML of ${shown.kind} ${shown.name}`} role="region">
            <CodeSnippet text={shown.yaml} language="yaml" showCopyCodeButton customStyle={{ maxHeight: '24em', overflow: 'auto' }} />
          </div>
        )}
      </InfoCard>
    </section>
  );
}
