/** The Kubernetes "restricted" Pod Security Standard, as pod and container security contexts. */
export function restrictedPodSecurity(uid: number) {
  return {
    runAsNonRoot: true,
    runAsUser: uid,
    runAsGroup: uid,
    fsGroup: uid,
    fsGroupChangePolicy: 'OnRootMismatch',
    seccompProfile: { type: 'RuntimeDefault' },
  };
}

export function restrictedContainerSecurity(uid: number) {
  return {
    runAsNonRoot: true,
    runAsUser: uid,
    runAsGroup: uid,
    allowPrivilegeEscalation: false,
    readOnlyRootFilesystem: true,
    capabilities: { drop: ['ALL'] },
    seccompProfile: { type: 'RuntimeDefault' },
  };
}

/** uid of the postgres user in the Debian-based official image (the Alpine images use 70). */
export const POSTGRES_UID = 999;
/** postgres-exporter's image names the non-numeric user "nobody"; runAsNonRoot needs the number. */
export const NOBODY_UID = 65534;

/**
 * What every pod the renderer makes shares: no service-account token, no service-link
 * variables, the restricted security context, and the platform's pull secrets.
 */
export function podBase(imagePullSecrets: string[], uid: number) {
  return {
    automountServiceAccountToken: false,
    enableServiceLinks: false,
    securityContext: restrictedPodSecurity(uid),
    ...(imagePullSecrets.length > 0 ? { imagePullSecrets: imagePullSecrets.map(name => ({ name })) } : {}),
  };
}

/** Requests and limits of a PostgreSQL pod, from the size table. */
export function podResources(size: { cpuRequest: string; cpuLimit: string; memoryRequest: string; memoryLimit: string }) {
  return {
    requests: { cpu: size.cpuRequest, memory: size.memoryRequest },
    limits: { cpu: size.cpuLimit, memory: size.memoryLimit },
  };
}
