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
