/** Key of the application password in `{name}-postgresql-secret` (the seed promise's name). */
export const PASSWORD_KEY = 'postgres-password';

/** Keys of the statefulset engine's internal Secret: one password per role the renderer runs. */
export const INTERNAL_KEYS = {
  superuser: 'superuser-password',
  replication: 'replication-password',
  monitoring: 'monitoring-password',
} as const;

/** Key of the backup role's password in `{name}-postgresql-backup-credentials`. */
export const BACKUP_PASSWORD_KEY = 'backup-password';

/** Key of the password in a `kubernetes.io/basic-auth` Secret (a shared-server tenant's owner Secret on the server's side). */
export const BASIC_AUTH_PASSWORD_KEY = 'password';
