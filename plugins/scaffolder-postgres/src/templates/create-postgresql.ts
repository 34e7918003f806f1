import { DNS1035_LABEL, END_OF_LIFE_VERSIONS, SERVER_ENGINES, SIZE_TABLE, SIZES, SUPPORTED_VERSIONS } from '@postgres-gitops/renderer';
import { actionField, longestAcceptedName, metadataField, REQUESTER_TOKEN, specField } from './fields';

const sizeLabel = (size: (typeof SIZES)[number]) => {
  const s = SIZE_TABLE[size];
  const standby = s.replicas > 1 ? `, primary + ${s.replicas - 1} read-only standby` : '';
  return `${size[0].toUpperCase()}${size.slice(1)}: ${s.cpuRequest}-${s.cpuLimit} CPU, ${s.memoryRequest}-${s.memoryLimit} memory, ${s.storage} storage${standby}`;
};

const versions = [...SUPPORTED_VERSIONS].reverse();

/** Fields the action receives from the form, in the step's input. */
const FORM_FIELDS = [
  'name', 'namespace', 'owner', 'system', 'cluster', 'database', 'username', 'engine', 'replicas', 'size', 'version', 'profile', 'storageSize',
  'walStorageSize', 'pooling', 'restoreFrom', 'restoreTargetTime', 'persistence', 'backup', 'backupSchedule', 'backupRetention', 'monitoring', 'ssl',
  'allowedNamespaces', 'passwordRotationDays', 'restoreDrill', 'access',
] as const;

/** Fields that only make sense on cloudnative-pg: the form shows them once that engine is picked. */
const cloudNativePgFields = {
  pooling: specField('pooling', { title: 'Connection pooling (PgBouncer)' }),
  walStorageSize: specField('walStorageSize', { title: 'Separate WAL volume (optional)' }),
  restoreFrom: actionField('restoreFrom', {
    title: 'Restore from (optional)',
    type: 'string',
    'ui:field': 'EntityPicker',
    'ui:options': { catalogFilter: { kind: ['Resource'], 'spec.type': 'database' } },
  }),
};

/** Access roles: an add/remove list of role and privileges, with the renderer's rules for each. */
function accessField() {
  const field = specField('access', { title: 'Access roles (optional)' });
  const items = field.items as { properties: Record<string, Record<string, unknown>> } & Record<string, unknown>;
  return {
    ...field,
    items: {
      ...items,
      properties: {
        role: { ...items.properties.role, title: 'Role' },
        privileges: {
          ...items.properties.privileges,
          title: 'Privileges',
          enumNames: ['read: SELECT on every table and sequence', 'write: read + INSERT, UPDATE, DELETE; no DDL'],
        },
      },
    },
  };
}

/** The "Create PostgreSQL" template, generated into templates/postgres/template.yaml by `npm run templates`. */
export function createPostgresqlTemplate() {
  return {
    apiVersion: 'scaffolder.backstage.io/v1beta3',
    kind: 'Template',
    metadata: {
      name: 'create-postgresql',
      title: 'Create PostgreSQL',
      description: 'A PostgreSQL database on a worker cluster, delivered as a pull request to the GitOps state store. Flux or Argo CD applies it after merge.',
      tags: ['postgresql', 'database', 'gitops'],
    },
    spec: {
      owner: 'group:default/platform-team',
      type: 'resource',
      parameters: [
        {
          title: 'Database',
          required: ['name', 'namespace', 'owner'],
          properties: {
            // The Services a name derives are DNS-1035 labels, and the longest derived name bounds its length.
            name: metadataField('name', {
              title: 'Name',
              pattern: DNS1035_LABEL.source,
              maxLength: longestAcceptedName({ replicas: 3, backup: true, monitoring: true, ssl: true }),
              'ui:autofocus': true,
            }),
            namespace: metadataField('namespace', { title: 'Namespace' }),
            owner: specField('owner', { title: 'Owner', 'ui:field': 'OwnerPicker', 'ui:options': { catalogFilter: { kind: ['Group'] } } }),
            system: specField('system', { title: 'System', 'ui:field': 'EntityPicker', 'ui:options': { catalogFilter: { kind: ['System'] } } }),
            cluster: specField('cluster', { title: 'Worker cluster', default: 'worker-1', enum: ['worker-1', 'worker-2'] }),
            database: specField('database', { title: 'Database name', default: 'app' }),
            username: specField('username', { title: 'Application role', default: 'app' }),
          },
        },
        {
          title: 'Engine',
          // No default: an unset engine is the platform's default for the profile.
          properties: {
            // A database on a shared server is asked for with spec.server (action input or CLI), not from this form.
            engine: specField('engine', {
              title: 'Engine (optional: the platform picks one per environment)',
              enum: [...SERVER_ENGINES],
              enumNames: [
                'statefulset: a primary and read-only standbys, no operator needed; no automatic failover',
                'cloudnative-pg: the CloudNativePG operator; automatic failover, point-in-time recovery, pooling',
              ],
            }),
            replicas: specField('replicas', { title: 'Instances (optional)' }),
          },
          dependencies: {
            engine: {
              oneOf: [
                { properties: { engine: { const: 'statefulset' } } },
                { properties: { engine: { const: 'cloudnative-pg' }, ...cloudNativePgFields } },
              ],
            },
            restoreFrom: {
              properties: {
                restoreTargetTime: actionField('restoreTargetTime', { title: 'Recover to (optional, RFC 3339, UTC)', type: 'string', format: 'date-time' }),
              },
            },
          },
        },
        {
          title: 'Sizing',
          required: ['size', 'version', 'profile'],
          properties: {
            size: specField('size', { title: 'Size', default: 'small', enumNames: SIZES.map(sizeLabel) }),
            version: specField('version', {
              title: 'PostgreSQL version',
              type: 'string',
              default: '17',
              enum: versions,
              enumNames: versions.map(v => (END_OF_LIFE_VERSIONS.includes(v) ? `${v} (end-of-life)` : v)),
            }),
            profile: specField('profile', {
              title: 'Environment',
              default: 'dev',
              enumNames: ['dev: no backup, monitoring or TLS by default', 'staging: backup and monitoring', 'prod: backup, monitoring, TLS, spread over nodes'],
            }),
            storageSize: specField('storageSize', { title: 'Storage (optional)' }),
          },
        },
        {
          title: 'Features',
          properties: {
            persistence: specField('persistence', { title: 'Persistent storage', default: true }),
            monitoring: specField('monitoring', { title: 'Monitoring' }),
            ssl: specField('ssl', { title: 'TLS' }),
            allowedNamespaces: specField('allowedNamespaces', { title: 'Namespaces allowed to connect' }),
            passwordRotationDays: specField('passwordRotationDays', { title: 'Rotate the password every N days (optional)' }),
            access: accessField(),
          },
          dependencies: {
            persistence: {
              oneOf: [
                { properties: { persistence: { const: true }, backup: specField('backup', { title: 'Daily backup' }) } },
                { properties: { persistence: { const: false }, backup: { const: false, description: 'Backups need persistent storage.' } } },
              ],
            },
            backup: {
              oneOf: [
                {
                  properties: {
                    backup: { const: true },
                    backupSchedule: specField('backupSchedule', { title: 'Backup schedule (cron, UTC)', default: '0 2 * * *' }),
                    backupRetention: specField('backupRetention', { title: 'Backups kept', default: 7 }),
                    // No default: the profile decides (on in prod).
                    restoreDrill: specField('restoreDrill', { title: 'Restore drill after each backup (optional: on in prod)' }),
                  },
                },            { properties: { backup: { const: false } } },
              ],
            },
          },
        },
        {
          title: 'Preview',
          description: 'What the pull request will hold, rendered from your choices by the same renderer as the backend.',
          properties: {
            // Not an input of the action: the field shows, it does not ask (install the PostgresPreview field, README).
            preview: { type: 'string', title: 'Manifests, totals and warnings', 'ui:field': 'PostgresPreview', 'ui:backstage': { review: { show: false } } },
          },
        },
      ],
      steps: [
        {
          id: 'create',
          name: 'Render the manifests and open a pull request',
          action: 'postgres:create',
          input: { ...Object.fromEntries(FORM_FIELDS.map(f => [f, `\${{ parameters.${f} }}`])), labels: ['database'], token: REQUESTER_TOKEN },
        },
        {
          id: 'register',
          name: 'Register the database in the catalog (appears after merge)',
          if: '${{ steps.create.output.catalogInfoUrl }}',
          action: 'catalog:register',
          input: { catalogInfoUrl: '${{ steps.create.output.catalogInfoUrl }}', optional: true },
        },
      ],
      output: {
        links: [
          { title: 'Pull request', if: '${{ steps.create.output.pullRequestUrl }}', url: '${{ steps.create.output.pullRequestUrl }}' },
          { title: 'Database in the catalog (after merge)', entityRef: '${{ steps.create.output.entityRef }}' },
        ],
        text: [
          { title: 'Review summary', content: '${{ steps.create.output.summary }}' },
          {
            title: 'What happens next',
            content: [
              'Branch `${{ steps.create.output.branch }}` holds `${{ steps.create.output.directory }}/`.',
              'Once merged, Flux or Argo CD applies it. Applications connect to `${{ steps.create.output.connectionHost }}`',
              'with the credentials in Secret `${{ parameters.name }}-postgresql-secret` (use envFrom).',
              '',
            ].join('\n'),
          },
        ],
      },
    },
  };
}
