import { ROOT_CERT_DIR, type PlanBase } from '../../plan/base';

const VOLUME = 'server-ca';

/**
 * What a pod that connects with verify-full needs: the CA key alone from the certificate's
 * Secret (never the server's private key), at the path the connection details name. `secret`
 * names another Secret holding the same key, for a pod outside the database's namespace.
 */
export function rootCertMount(plan: PlanBase, secret?: string): { volumes: unknown[]; volumeMounts: unknown[]; env: { name: string; value: string }[] } {
  const rootCert = plan.connection.rootCert;
  if (!rootCert) return { volumes: [], volumeMounts: [], env: [] };
  return {
    volumes: [{ name: VOLUME, secret: { secretName: secret ?? rootCert.secret, items: [{ key: rootCert.key, path: rootCert.key }], defaultMode: 0o444 } }],
    volumeMounts: [{ name: VOLUME, mountPath: ROOT_CERT_DIR, readOnly: true }],
    env: [{ name: 'PGSSLROOTCERT', value: rootCert.path }],
  };
}
