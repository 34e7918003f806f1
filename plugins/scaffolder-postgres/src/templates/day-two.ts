import { CHANGE_FIELDS, DAY_TWO_TEMPLATES } from '@postgres-gitops/renderer';
import { REQUESTER_TOKEN, specField } from './fields';

const databasePicker = {
  title: 'Database',
  type: 'string',
  description: 'The database to change, from the catalog',
  'ui:field': 'EntityPicker',
  'ui:options': { catalogFilter: { kind: ['Resource'], 'spec.type': 'database' } },
};


const output = (what: string) => ({
  links: [{ title: 'Pull request', if: '${{ steps.change.output.pullRequestUrl }}', url: '${{ steps.change.output.pullRequestUrl }}' }],
  text: [{ title: what, content: '${{ steps.change.output.summary }}' }],
});

/** "Change PostgreSQL": pick a database, set only what changes; the pull request is the semantic diff. */
export function changePostgresqlTemplate() {
  return {
    apiVersion: 'scaffolder.backstage.io/v1beta3',
    kind: 'Template',
    metadata: {
      name: DAY_TWO_TEMPLATES.change,
      title: 'Change PostgreSQL',
      description: 'Change an existing PostgreSQL database through a reviewed pull request: only the fields you set change; the pull request says what changes and what restarts.',
      tags: ['postgresql', 'database', 'gitops', 'day-two'],
    },
    spec: {
      owner: 'group:default/platform-team',
      type: 'resource',
      parameters: [
        { title: 'Database', required: ['entityRef'], properties: { entityRef: databasePicker } },
        {
          title: 'Changes (opened from the database\'s catalog page, the form holds its current choices; a blank field keeps its value)',
          properties: {
            ...Object.fromEntries(CHANGE_FIELDS.map(f => [f, specField(f, { title: f })])),
            version: specField('version', { title: 'PostgreSQL version', type: 'string', enum: ['18', '17', '16', '15', '14'] }),
            allowMajorUpgrade: { title: 'Allow the offline major upgrade (cloudnative-pg)', type: 'boolean', description: 'Every instance stops while pg_upgrade runs; the pull request says how to roll back' },
            allowDestructiveChanges: { title: 'Allow destructive changes', type: 'boolean', description: 'A change that puts data at risk (persistence off); the pull request says so in bold' },
          },
        },
      ],
      steps: [
        {
          id: 'change',
          name: 'Render the change and open a pull request',
          action: 'postgres:update',
          input: {
            entityRef: '${{ parameters.entityRef }}',
            ...Object.fromEntries([...CHANGE_FIELDS, 'allowMajorUpgrade', 'allowDestructiveChanges'].map(f => [f, `\${{ parameters.${f} }}`])),
            labels: ['database'],
            token: REQUESTER_TOKEN,
          },
        },
      ],
      output: output('What changes and what restarts'),
    },
  };
}

/** "Retire PostgreSQL": pick a database; the pull request removes its manifests and keeps its data. */
export function retirePostgresqlTemplate() {
  return {
    apiVersion: 'scaffolder.backstage.io/v1beta3',
    kind: 'Template',
    metadata: {
      name: DAY_TWO_TEMPLATES.retire,
      title: 'Retire PostgreSQL',
      description: 'Retire a PostgreSQL database through a reviewed pull request: its manifests and catalog entity leave the state store, its data stays, and the pull request says how to delete it for good.',
      tags: ['postgresql', 'database', 'gitops', 'day-two'],
    },
    spec: {
      owner: 'group:default/platform-team',
      type: 'resource',
      parameters: [
        {
          title: 'Database',
          required: ['entityRef'],
          properties: {
            entityRef: { ...databasePicker, description: 'The database to retire, from the catalog; its data stays until someone deletes it by hand' },
          },
        },
      ],
      steps: [
        {
          id: 'change',
          name: 'Open the pull request that retires the database',
          action: 'postgres:decommission',
          input: { entityRef: '${{ parameters.entityRef }}', labels: ['database'], token: REQUESTER_TOKEN },
        },
      ],
      output: output('What stays, and how to delete it for good'),
    },
  };
}
