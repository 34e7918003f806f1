/**
 * No rendered file, for any request, carries a password or key material: only references to
 * Secrets the cluster generates. The scan looks for what credentials look like, not for names.
 */
export const FORBIDDEN: [string, RegExp][] = [
  ['a Secret object (credentials are generated in the cluster)', /^kind: Secret$/m],
  ['Secret data', /^\s*(data|stringData):\s*\n\s+[\w.-]*(password|PASSWORD|key)[\w.-]*:/m],
  ['PEM key material', /-----BEGIN [A-Z ]*(PRIVATE KEY|CERTIFICATE)-----/],
  ['a literal password value', /(password|PASSWORD|passwd|PGPASSWORD)\s*[:=]\s*["']?(?!\{\{)[A-Za-z0-9+/_-]{8,}["']?\s*$/m],
  ['credentials inside a URL', /postgres(ql)?:\/\/[^:\s/]+:(?!\{\{|<password>)[^@\s]+@/],
  ['an env var given a literal password', /name: (POSTGRES_PASSWORD|APP_PASSWORD|REPLICATION_PASSWORD|MONITORING_PASSWORD|PGPASSWORD|DATA_SOURCE_PASS)\n\s+value:/],
  // Hex digests (the config checksum) are not secrets; base64 key material always has non-hex letters.
  ['base64 blobs long enough to hide a key', /(?=[A-Za-z0-9+/]*[g-zG-Z+/])[A-Za-z0-9+/]{64,}={0,2}/],
];
