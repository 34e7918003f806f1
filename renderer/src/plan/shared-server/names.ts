import { cloudNativePgNames } from '../cloudnative-pg/names';
import { commonNames, DNS1123_NAME_WHY, type CommonNames, type NameRule } from '../names';

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
  /**
   * In the server's namespace: the tenant's grants Job `<jobPrefix>-access-<digest>` and its
   * ConfigMap, there so that the server's PostgreSQLAccessGrantsFailed covers it.
   */
  serverAccessConfig: string;
  serverAccessJobPrefix: string;
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
    serverAccessConfig: `${tenant}-access`,
    serverAccessJobPrefix: jobPrefix(tenant),
    serviceAccount: `${base}-credentials`,
    secretStore: `${base}-server`,
  };
}

/** What a Job name leaves for its prefix: `-access-` and 8 hex digits of the 63 its pods' job-name label holds (plan/names.ts accessJobRule). */
const JOB_PREFIX_MAX = 63 - '-access-00000000'.length;

/**
 * The tenant prefix, cut to fit a Job name when namespace and name are long, without a trailing
 * dash. The digest that follows it covers the tenant's database, owner and labels
 * (render/common/access-job.ts), so two tenants whose prefixes are cut alike still get two Jobs.
 */
function jobPrefix(tenant: string): string {
  return tenant.slice(0, JOB_PREFIX_MAX).replace(/-+$/, '');
}

export function sharedServerNameRules(n: CommonNames & SharedServerNames): NameRule[] {
  return [
    // Every tenant runs the grants Job (its database admits only its owner and access groups), in
    // the server's namespace under a prefix cut to fit (jobPrefix): no rule on the tenant's name.
    { kind: 'Secret', name: n.ownerSecret, max: 253, why: 'object names are DNS-1123 subdomains of at most 253 characters' },
    { kind: 'ConfigMap', name: n.connection, max: 63, why: DNS1123_NAME_WHY },
  ];
}
