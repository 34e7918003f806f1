import type { PlanBase } from '../../plan/base';
import { meta } from '../../plan/metadata';
import { PASSWORD_KEY } from '../../plan/secret-keys';
import type { Manifest } from '../manifest';

/** ConfigMap `{name}-postgresql-connection`: how applications connect. Never holds the password. */
export function buildConnection(plan: PlanBase): Manifest[] {
  const { connection, port, spec } = plan;
  const user = connection.user ?? spec.username;
  const data: Record<string, string> = {
    database: spec.database,
    host: connection.host,
    port: String(port),
    service: plan.names.service,
    sslmode: connection.sslmode,
    'connection-string-format': `postgresql://${encodeURIComponent(user)}:<password>@${connection.host}:${port}/${spec.database}`,
    'password-secret': `${plan.names.secret} (key ${PASSWORD_KEY})`,
    username: user,
  };
  if (connection.readOnlyHost) data['read-only-host'] = connection.readOnlyHost;
  if (connection.rootCert) {
    data['ca-secret'] = `${connection.rootCert.secret} (key ${connection.rootCert.key}; mount that key alone)`;
    data.sslrootcert = connection.rootCert.path;
  }
  // Session-level features (migrations, LISTEN/NOTIFY, advisory locks) need the primary, not the transaction pooler.
  if (connection.directHost) data['direct-host'] = connection.directHost;
  return [
    {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: meta(plan, plan.names.connection, 'config'),
      data: Object.fromEntries(Object.entries(data).sort(([a], [b]) => a.localeCompare(b))),
    },
  ];
}
