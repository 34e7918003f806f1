import { stringify } from 'yaml';
import { decideChange, renderDatabase, type RenderedDatabase } from '@postgres-gitops/renderer';
import { CNPG_PLATFORM, cnpgRequest } from './support/cnpg-requests';

/**
 * A model of the bucket the Barman Cloud plugin archives to. plugin-barman-cloud v0.14.0
 * internal/cnpgi/common/wal.go Archive: while the `.check-empty-wal-archive` marker is in PGDATA
 * (CloudNativePG v1.30.0 writes it when an instance is bootstrapped: a new Cluster, a recovery,
 * internal/management/controller/instance_controller.go, pgbasebackup/cmd.go), archiving first
 * runs CheckBackupDestination (barman-cloud-check-wal-archive), which fails when
 * <destinationPath>/<serverName> already holds WAL; then WAL piles up on the volume.
 */
class Bucket {
  private readonly servers = new Set<string>();

  /** A new Cluster's first WAL segment; returns the plugin's error, or undefined when it archives. */
  archiveFirstSegment(db: RenderedDatabase): string | undefined {
    const cluster = db.manifests.find(m => m.kind === 'Cluster') as any;
    const plugin = cluster.spec.plugins.find((p: any) => p.isWALArchiver);
    const store = db.manifests.find(m => m.kind === 'ObjectStore' && m.metadata.name === plugin.parameters.barmanObjectName) as any;
    const where = `${store.spec.configuration.destinationPath}/${plugin.parameters.serverName}`;
    if (this.servers.has(where)) return `WAL archive check failed for server ${plugin.parameters.serverName}: Expected empty archive`;
    this.servers.add(where);
    return undefined;
  }
}

/** A create as the CLI and the Backstage action publish it: decided against the World they read. */
function create(request: unknown, now: string, restoreSource?: RenderedDatabase): RenderedDatabase {
  const rendered = renderDatabase(request, CNPG_PLATFORM);
  const world = { now: new Date(now), ...(restoreSource ? { restoreSource: stringify(restoreSource.request) } : {}) };
  return decideChange({ rendered, baseBranch: 'main', update: false, allowDestructiveChanges: false, platform: CNPG_PLATFORM, world }).rendered;
}

const serverNameOf = (db: RenderedDatabase) => (db.manifests.find(m => m.kind === 'Cluster') as any).spec.plugins[0].parameters.serverName;

describe('cloudnative-pg: every creation archives under its own server name', () => {
  const orders = cnpgRequest('orders', { profile: 'prod' });

  it('a database created again under a retired name archives', () => {
    const bucket = new Bucket();
    const first = create(orders, '2026-01-10T09:00:00Z');
    expect(bucket.archiveFirstSegment(first)).toBeUndefined();
    // Retired, its record removed with git rm, the archive kept for its retention; then the name is used again.
    const again = create(orders, '2026-06-01T12:30:05Z');
    expect(serverNameOf(again)).toBe('orders-postgresql-20260601123005');
    expect(bucket.archiveFirstSegment(again)).toBeUndefined();
    // Kept across every later change: the request records it.
    expect(again.request.metadata.annotations['postgres-gitops.dev/created-at']).toBe('2026-06-01T12:30:05Z');
    expect(serverNameOf(renderDatabase({ ...again.request, spec: { ...again.request.spec, replicas: 2 } }, CNPG_PLATFORM))).toBe(serverNameOf(again));
  });

  it('the same restore repeated archives, and reads the source under its own server name', () => {
    const bucket = new Bucket();
    const source = create(orders, '2026-01-10T09:00:00Z');
    bucket.archiveFirstSegment(source);
    const copy = cnpgRequest('orders-copy', { profile: 'prod', restore: { from: 'orders' } });
    const first = create(copy, '2026-02-01T08:00:00Z', source);
    const externalServer = (db: RenderedDatabase) => (db.manifests.find(m => m.kind === 'Cluster') as any).spec.externalClusters[0].plugin.parameters.serverName;
    expect(externalServer(first)).toBe(serverNameOf(source));
    expect(bucket.archiveFirstSegment(first)).toBeUndefined();
    const repeated = create(copy, '2026-02-03T08:00:00Z', source);
    expect(bucket.archiveFirstSegment(repeated)).toBeUndefined();
  });

  it('catches the same server name on re-creation (what a publish without the World gives)', () => {
    const bucket = new Bucket();
    const rendered = (request: unknown) => renderDatabase(request, CNPG_PLATFORM);
    expect(bucket.archiveFirstSegment(rendered(orders))).toBeUndefined();
    expect(bucket.archiveFirstSegment(rendered(orders))).toMatch(/Expected empty archive/);
  });
});
