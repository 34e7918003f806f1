import type { RenderedDatabase } from '../layout/layout';

/** PostgreSQL's default superuser_reserved_connections, which no tenant can use (CloudNativePG keeps the default). */
export const SUPERUSER_RESERVED_CONNECTIONS = 3;

export interface TenantConnectionIssue {
  /** The server's request.yaml. */
  path: string;
  problem: string;
}

/**
 * A server that tenants name must accept tenants (`spec.tenants`), and its tenants may together
 * open no more connections than the server takes: each owner role's connection limit (DatabaseRole connectionLimit) is checked alone by
 * PostgreSQL, so limits that add up past the server's max_connections (less what it reserves for
 * superusers) let busy tenants lock each other and the server's own application out with "too
 * many clients". Over every database of a state store, as `postgres-gitops verify` reads it.
 */
export function tenantConnectionIssues(databases: RenderedDatabase[]): TenantConnectionIssue[] {
  const servers = new Map(databases.filter(db => db.plan.engine === 'cloudnative-pg').map(db => [`${db.plan.spec.cluster}/${db.plan.namespace}/${db.plan.name}`, db]));
  const tenants = new Map<string, { name: string; limit: number }[]>();
  for (const db of databases) {
    if (db.plan.engine !== 'shared-server' || db.plan.retired) continue;
    const key = `${db.plan.spec.cluster}/${db.plan.server.namespace}/${db.plan.server.name}`;
    tenants.set(key, [...(tenants.get(key) ?? []), { name: `${db.plan.namespace}/${db.plan.name}`, limit: db.plan.connectionLimit }]);
  }
  const issues: TenantConnectionIssue[] = [];
  for (const [key, list] of [...tenants].sort(([a], [b]) => a.localeCompare(b))) {
    const server = servers.get(key);
    if (!server || server.plan.engine !== 'cloudnative-pg') continue;
    if (!server.plan.spec.tenants) {
      // Turned off under its tenants (the change rules refuse it; a hand edit does not ask them).
      issues.push({
        path: `${server.directory}/request.yaml`,
        problem: `spec.tenants: false, but ${list.length} tenant(s) still name this server (${list.map(t => t.name).join(', ')}): their pg_hba isolation and server CA are gone; set tenants: true again, or retire or move them first`,
      });
      continue;
    }
    const available = server.plan.tuning.maxConnections - SUPERUSER_RESERVED_CONNECTIONS;
    const total = list.reduce((sum, t) => sum + t.limit, 0);
    if (total > available) {
      issues.push({
        path: `${server.directory}/request.yaml`,
        problem: `spec.size: the server takes ${server.plan.tuning.maxConnections} connections (${available} beyond the superusers'), but its ${list.length} tenants may open ${total} together (${list.map(t => `${t.name} ${t.limit}`).join(', ')}): lower their spec.connectionLimit or give the server a larger size`,
      });
    }
  }
  return issues;
}
