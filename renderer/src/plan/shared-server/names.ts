import { cloudNativePgNames } from '../cloudnative-pg/names';
import { accessJobRule, commonNames, DNS1123_NAME_WHY, type CommonNames, type NameRule } from '../names';

/** Objects of a database on a shared server: some in the server's namespace, some in its own. */
export interface SharedServerNames {
  /** In the server's namespace, prefixed with the tenant's namespace so tenants of many namespaces never collide. */
  database: string;
  role: string;
  ownerSecret: string;
  ownerReader: string;
  serverIngress: string;
  /** In the server's namespace: the DatabaseRoles of the tenant's access groups, and its access roles' password Secrets (`{ns}-{base}-role-<role>`). */
  serverAccessReadGroup: string;
  serverAccessWriteGroup: string;
  serverAccessPrefix: string;
  /** In the tenant's namespace: what reads the owner Secret across namespaces. */
  serviceAccount: string;
  secretStore: string;
}

/** The server's Cluster, read-write Service and public CA Secret, named as the cloudnative-pg engine names them. */
export function serverObjectNames(serverName: string): { cluster: string; rwService: string; publicCa: string } {
  const { cluster, rwService, publicCa } = cloudNativePgNames(commonNames(serverName).base);
  return { cluster, rwService, publicCa };
}

export function sharedServerNames(namespace: string, base: string): SharedServerNames {
  const tenant = `${namespace}-${base}`;
  return {
    database: tenant,
    role: tenant,
    ownerSecret: `${tenant}-owner`,
    ownerReader: `${tenant}-owner-reader`,
    serverIngress: `${tenant}-tenant`,
    serverAccessReadGroup: `${tenant}-access-read`,
    serverAccessWriteGroup: `${tenant}-access-write`,
    serverAccessPrefix: tenant,
    serviceAccount: `${base}-credentials`,
    secretStore: `${base}-server`,
  };
}

export function sharedServerNameRules(n: CommonNames & SharedServerNames, name: string): NameRule[] {
  return [
    // Every tenant runs the grants Job: its database admits only its owner and access groups.
    accessJobRule(name),
    { kind: 'Secret', name: n.ownerSecret, max: 253, why: 'object names are DNS-1123 subdomains of at most 253 characters' },
    { kind: 'ConfigMap', name: n.connection, max: 63, why: DNS1123_NAME_WHY },
  ];
}
