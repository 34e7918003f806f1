import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { renderDatabase, tenantConnectionIssues } from '@postgres-gitops/renderer';
import { cli } from '../cli/src/__testUtils__/cli';
import { EXIT } from '../cli/src/exit-codes';

/**
 * m9 of the SRE review: each tenant's owner role has its own connection limit, which PostgreSQL
 * checks alone; six tenants at the default 20 exceed a large server's 112 max_connections. The
 * state store's CI (postgres-gitops verify) sums them per server.
 */
const server = renderDatabase({ apiVersion: 'postgres-gitops.dev/v1alpha1', kind: 'PostgreSQL', metadata: { name: 'shared', namespace: 'databases' }, spec: { engine: 'cloudnative-pg', size: 'large', tenants: true, backup: false } });
const tenant = (name: string, spec: Record<string, unknown> = {}) =>
  renderDatabase({ apiVersion: 'postgres-gitops.dev/v1alpha1', kind: 'PostgreSQL', metadata: { name, namespace: 'team-b' }, spec: { server: { name: 'shared', namespace: 'databases' }, ...spec } });
const tenants = (n: number) => Array.from({ length: n }, (_, i) => tenant(`app-${i}`));

describe('tenants\' connection limits against their server\'s max_connections', () => {
  it('five tenants at the default 20 fit a large server (112, 109 beyond the superusers\'); six do not', () => {
    expect(server.plan.engine === 'cloudnative-pg' && server.plan.tuning.maxConnections).toBe(112);
    expect(tenantConnectionIssues([server, ...tenants(5)])).toEqual([]);
    expect(tenantConnectionIssues([server, ...tenants(6)])).toEqual([{
      path: 'clusters/worker-1/postgres/databases/shared/request.yaml',
      problem: expect.stringMatching(/^spec.size: the server takes 112 connections \(109 beyond the superusers'\), but its 6 tenants may open 120 together \(team-b\/app-0 20, .*\): lower their spec.connectionLimit or give the server a larger size$/),
    }]);
    expect(tenantConnectionIssues([server, ...tenants(5), tenant('small', { connectionLimit: 9 })])).toEqual([]);
  });

  it('postgres-gitops verify fails the state store with the sixth tenant, naming the server and the field', async () => {
    const root = mkdtempSync(join(tmpdir(), 'pgg-tenant-limits-'));
    try {
      const write = (dbs: ReturnType<typeof renderDatabase>[]) => {
        for (const db of dbs) for (const [path, content] of Object.entries(db.files)) {
          mkdirSync(dirname(join(root, path)), { recursive: true });
          writeFileSync(join(root, path), content);
        }
      };
      write([server, ...tenants(5)]);
      expect((await cli(['verify', root])).code).toBe(EXIT.ok);
      write([tenant('app-5')]);
      const failed = await cli(['verify', root]);
      expect(failed.code).not.toBe(EXIT.ok);
      expect(failed.stdout + failed.stderr).toContain('clusters/worker-1/postgres/databases/shared/request.yaml: spec.size: the server takes 112 connections');
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});

/**
 * SRE review 3 M3: a server turned to tenants: false under its tenants loses their pg_hba
 * isolation and the CA they verify it with. The change rules refuse the change (the renderer
 * sees one database); a stored request edited by hand is caught by verify, which sees the store.
 */
describe('a server that tenants name accepts tenants', () => {
  const closed = renderDatabase({ apiVersion: 'postgres-gitops.dev/v1alpha1', kind: 'PostgreSQL', metadata: { name: 'shared', namespace: 'databases' }, spec: { engine: 'cloudnative-pg', size: 'large', tenants: false, backup: false } });

  it('names the server, the field and the tenants still on it', () => {
    expect(tenantConnectionIssues([closed, tenant('billing'), tenant('orders')])).toEqual([{
      path: 'clusters/worker-1/postgres/databases/shared/request.yaml',
      problem: 'spec.tenants: false, but 2 tenant(s) still name this server (team-b/billing, team-b/orders): their pg_hba isolation and server CA are gone; set tenants: true again, or retire or move them first',
    }]);
    expect(tenantConnectionIssues([closed])).toEqual([]);
    expect(tenantConnectionIssues([server, tenant('billing')])).toEqual([]);
  });

  it('postgres-gitops verify fails the store whose server was turned off under a tenant', async () => {
    const root = mkdtempSync(join(tmpdir(), 'pgg-tenant-closed-'));
    try {
      for (const db of [closed, tenant('billing')]) for (const [path, content] of Object.entries(db.files)) {
        mkdirSync(dirname(join(root, path)), { recursive: true });
        writeFileSync(join(root, path), content);
      }
      const failed = await cli(['verify', root]);
      expect(failed.code).not.toBe(EXIT.ok);
      expect(failed.stdout + failed.stderr).toContain('clusters/worker-1/postgres/databases/shared/request.yaml: spec.tenants: false, but 1 tenant(s) still name this server (team-b/billing)');
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});
