import { AFTER_GRANTS_DIRECTORY } from '../layout/access-gate';
import { manifestPath, type RenderedDatabase } from '../layout/layout';
import { KUSTOMIZATION_FILE } from '../layout/paths';
import { RENDERER_VERSION, SCHEMA_VERSION } from '../version';
import type { DatabaseDiff } from './diff';
import { formatTotals, resourceTotals } from './totals';
import { engineChoices } from './engines';
import { accessChoice } from './access';
import { reviewWarnings } from './warnings';

export interface ReviewOptions {
  /** The stored database this request replaces, with its diff; absent for a new database. */
  diff?: DatabaseDiff;
  /** Entity ref of whoever asked, recorded in the PR. */
  requestedBy?: string;
}

export function reviewTitle(db: RenderedDatabase, update: boolean): string {
  const { plan } = db;
  const what = plan.engine === 'shared-server' ? `on server ${plan.server.namespace}/${plan.server.name}` : `(${plan.spec.size}, ${plan.spec.version})`;
  return `${update ? 'Update' : 'Create'} PostgreSQL ${plan.namespace}/${plan.name} ${what} on ${plan.spec.cluster}`;
}

const cell = (text: string) => text.replace(/\|/g, '\\|');

/**
 * The pull request body: choices, resource totals, files, warnings, validation, and for an
 * update the semantic diff. Built from the rendered objects; it never contains a credential.
 */
export function reviewBody(db: RenderedDatabase, options: ReviewOptions = {}): string {
  const { plan } = db;
  const { spec } = plan;
  const lines: string[] = [];
  lines.push(`## PostgreSQL \`${plan.namespace}/${plan.name}\` on \`${spec.cluster}\``, '');
  if (options.requestedBy) lines.push(`Requested by \`${options.requestedBy}\`.`, '');

  if (options.diff) {
    lines.push('### What changes', '');
    if (options.diff.changes.length === 0) lines.push('- no change to the request; manifests re-rendered');
    for (const change of options.diff.changes) {
      lines.push(`- ${change.destructive ? '**DESTRUCTIVE** ' : ''}${change.text}${change.action ? ` (manual step: ${change.action})` : ''}`);
    }
    lines.push('', '### What restarts', '');
    lines.push(...(options.diff.restarts.length > 0 ? options.diff.restarts.map(r => `- ${r}`) : ['- nothing restarts']));
    if (options.diff.changes.some(c => c.destructive)) {
      lines.push('', `> **This update contains destructive changes** and was submitted with \`allowDestructiveChanges: true\`. Review the data impact before merging.`);
    }
    const f = options.diff.files;
    lines.push('', `Files: ${f.added.length} added, ${f.changed.length} changed, ${f.removed.length} removed.`, '');
  }

  lines.push('### Choices', '', '| field | value |', '| --- | --- |');
  // A shared-server database has no size, version, storage, monitoring or TLS of its own: its
  // request holds defaults the server overrides, so the table names the server instead.
  const server = plan.engine === 'shared-server' ? plan.server : undefined;
  const choices: [string, string][] = [
    ['engine', spec.engine],
    ['profile', spec.profile],
    ...(server
      ? [['size, version, storage, backups, monitoring, TLS', `the server's (${server.namespace}/${server.name}; see its request.yaml)`] as [string, string]]
      : [
          ['size', spec.size],
          ['version', `${spec.version} (image ${plan.images.postgres})`],
        ] as [string, string][]),
    ['database / role', `${spec.database} / ${spec.username}`],
    ...(server ? [] : [['persistence', spec.persistence ? `${spec.storageSize}${spec.walStorageSize ? ` + ${spec.walStorageSize} WAL` : ''}${spec.storageClass ? ` on ${spec.storageClass}` : ''}` : 'off'] as [string, string]]),
    ...engineChoices(plan),
    ['access roles', accessChoice(plan)],
    ...(server ? [] : [['monitoring', spec.monitoring ? 'on' : 'off'], ['TLS', spec.ssl ? 'on' : 'off']] as [string, string][]),
    ['password rotation', spec.passwordRotationDays ? `every ${spec.passwordRotationDays} days, applied live; applications re-read the Secret` : 'off'],
    ['allowed namespaces', spec.allowedNamespaces.length > 0 ? spec.allowedNamespaces.join(', ') : '(own namespace only)'],
    ['owner', spec.owner],
    ['system', spec.system ?? '(none)'],
  ];
  for (const [k, v] of choices) lines.push(`| ${k} | ${cell(v)} |`);

  const totals = formatTotals(resourceTotals(db.manifests));
  lines.push('', '### Resource totals', '', '| | |', '| --- | --- |');
  lines.push(`| pods | ${totals.pods} |`, `| CPU | ${totals.cpu} |`, `| memory | ${totals.memory} |`, `| storage | ${totals.storage} |`, `| while jobs run | ${cell(totals.transient)} |`);

  const warnings = reviewWarnings(plan);
  lines.push('', '### Warnings', '');
  lines.push(...(warnings.length > 0 ? warnings.map(w => `- ${w}`) : ['- none']));

  lines.push('', '### Validation', '');
  lines.push(`- request valid (schema v${SCHEMA_VERSION}, renderer ${RENDERER_VERSION}): every field rule, cross-field rule and derived name limit passed`);
  lines.push('- credentials: generated in the cluster; no password is in this pull request');
  lines.push(`- check drift any time with \`npx postgres-gitops verify <state-dir>\``);

  lines.push('', `### Files (\`${db.directory}/\`)`, '');
  const manifestsByFile = new Map(db.manifests.map(m => [manifestPath(db.plan, m), m]));
  for (const path of Object.keys(db.files)) {
    const file = path.slice(db.directory.length + 1);
    const manifest = manifestsByFile.get(file);
    const what = manifest
      ? `${manifest.kind} ${manifest.metadata.name}`
      : file === KUSTOMIZATION_FILE
        ? 'lists the manifests'
        : file === `${AFTER_GRANTS_DIRECTORY}/${KUSTOMIZATION_FILE}`
          ? 'lists the login access roles, applied only after the grants Job has succeeded'
          : 'not applied';
    lines.push(`- \`${file}\`: ${what}`);
  }
  return `${lines.join('\n')}\n`;
}
