import { renderDatabase } from '../../render-database';
import { decommissionText } from '../decommission';
import { diffDatabases } from '../diff';

const request = (spec: Record<string, unknown>) => ({
  apiVersion: 'marketplace.kratix.io/v1alpha1',
  kind: 'postgresql',
  metadata: { name: 'ledger', namespace: 'team-a' },
  spec: { engine: 'statefulset', version: '16', storageSize: '20Gi', ...spec },
});

describe('statefulset: what restarts', () => {
  it('scaling the standbys restarts nothing that runs: max_wal_senders no longer follows the standby count', () => {
    const diff = diffDatabases(renderDatabase(request({ size: 'large', replicas: 3 })), renderDatabase(request({ size: 'large', replicas: 2 })));
    expect(diff.restarts).toEqual([]);
  });

  it('a smaller size says the standbys start with the primary\'s previous value of what it lowers', () => {
    const diff = diffDatabases(renderDatabase(request({ size: 'large', replicas: 2 })), renderDatabase(request({ size: 'medium', replicas: 2 })));
    expect(diff.restarts).toEqual([
      expect.stringMatching(/^ledger-postgresql: the primary's pod restarts/),
      "ledger-postgresql-read: its 1 standby pod(s) restart one at a time (rolling); max_connections 112 -> 53 is lowered: each standby starts with the primary's previous value (a hot standby refuses to start below it) and takes the new one when it next restarts",
    ]);
  });

  it('a larger size rolls the standbys without a note', () => {
    const diff = diffDatabases(renderDatabase(request({ size: 'medium', replicas: 2 })), renderDatabase(request({ size: 'large', replicas: 2 })));
    expect(diff.restarts).toContain('ledger-postgresql-read: its 1 standby pod(s) restart one at a time (rolling)');
  });
});

describe('statefulset: retirement', () => {
  it('names every credential object that stays, by kind and name, and the commands delete exactly those', () => {
    const db = renderDatabase(request({ size: 'large', replicas: 2, backup: true, monitoring: true, version: '16' }));
    const { body } = decommissionText(db);
    const protectedObjects = db.manifests.filter(m => m.kind !== 'PersistentVolumeClaim' && m.metadata.annotations?.['kustomize.toolkit.fluxcd.io/prune'] === 'disabled');
    expect(protectedObjects.map(m => `${m.kind}/${m.metadata.name}`)).toEqual(expect.arrayContaining(['Password/ledger-postgresql-backup-credentials', 'ExternalSecret/ledger-postgresql-backup-credentials', 'Password/ledger-postgresql-password']));
    const command = body.split('\n').find(line => line.includes('--ignore-not-found'))!;
    for (const m of protectedObjects) expect(command).toContain(` ${m.kind.toLowerCase()}/${m.metadata.name} `);
    expect(command).toContain(' secret/ledger-postgresql-backup-credentials ');
    expect(command).toContain(' secret/ledger-postgresql-secret ');
    // The generator is -password; a password/ledger-postgresql-secret names nothing (hidden by --ignore-not-found before).
    expect(command).not.toContain('password/ledger-postgresql-secret');
  });
});

describe('statefulset: a minor upgrade', () => {
  it('restarts the PostgreSQL pods, not the exporter', () => {
    const spec = { size: 'large', replicas: 2, monitoring: true };
    const diff = diffDatabases(renderDatabase(request({ ...spec, minorVersion: '16.10' })), renderDatabase(request({ ...spec, minorVersion: '16.11' })));
    expect(diff.restarts.map(line => line.split(':')[0])).toEqual(['ledger-postgresql', 'ledger-postgresql-read']);
  });
});
