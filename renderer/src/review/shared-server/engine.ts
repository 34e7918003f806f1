import type { SharedServerPlan } from '../../plan/shared-server/plan';
import type { ReviewEngine } from '../engine';

/** psql as the superuser on the server's current primary, found by the role label the instance manager keeps (cnpg.io/instanceRole). */
const psqlOnPrimary = (plan: SharedServerPlan) => {
  const { namespace, cluster } = plan.server;
  return `kubectl -n ${namespace} exec $(kubectl -n ${namespace} get pod -l cnpg.io/cluster=${cluster},cnpg.io/instanceRole=primary -o name) -c postgres -- psql -U postgres -Atc`;
};

/** A database on a shared server in review: no pods of its own; what stays is its database and role on the server. */
export const sharedServerReview: ReviewEngine<SharedServerPlan> = {
  workload: () => null,

  restarts: () => [],

  retained(plan) {
    const { spec, server } = plan;
    return {
      stays: [
        `the database ${spec.database} on the server ${server.namespace}/${server.name} (Database ${plan.names.database}, reclaim policy retain), with all its data`,
        `the role ${spec.username}, which owns it, now without login and password (DatabaseRole ${plan.names.role}, reclaim policy retain)`,
        ...(plan.access.roles.length > 0 ? [`its access groups ${plan.access.groups.read} and ${plan.access.groups.write} (DatabaseRoles in ${server.namespace}, reclaim policy retain); its access roles are dropped with their DatabaseRoles`] : []),
        `this directory, holding only those two objects and request.yaml, so the retirement is on record and nothing can claim the name`,
        `the sessions of ${spec.username} open at the merge: no login refuses new connections only, and PostgreSQL ends no session for it; once the applications are stopped, end them with \`${psqlOnPrimary(plan)} "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = '${spec.username}'"\``,
      ],
      // Through git: while the Database and DatabaseRole objects are applied, the operator would re-create what psql dropped.
      commands: [
        `postgres-gitops decommission ${spec.cluster}/${plan.namespace}/${plan.name} --repo <state-store> --allow-destructive   # a pull request: Database ensure: absent (the operator drops it), DatabaseRole reclaim policy delete`,
        `kubectl -n ${server.namespace} get database ${plan.names.database} -o jsonpath='{.status.applied}'   # after that merge: true once dropped`,
        `${psqlOnPrimary(plan)} "SELECT count(*) FROM pg_database WHERE datname = '${spec.database}'"   # 0`,
        `postgres-gitops decommission ${spec.cluster}/${plan.namespace}/${plan.name} --repo <state-store>   # then a pull request removes this directory; deleting the DatabaseRole drops the role`,
      ],
    };
  },

  choices(plan) {
    const { server } = plan;
    return [
      ['server', `${server.namespace}/${server.name} (Cluster ${server.cluster}); applications connect to ${plan.connection.host}`],
      ['owner role', `${plan.spec.username}${plan.connection.user ? ` (applications send ${plan.connection.user})` : ''}, at most ${plan.connectionLimit} connections; it can connect to its own database only`],
      ['password', `generated in ${server.namespace} (Secret ${plan.names.ownerSecret}), copied into ${plan.namespace} (Secret ${plan.names.secret}) by SecretStore ${plan.names.secretStore}, which may read that one Secret`],
      ['data safety', 'the database and role stay in PostgreSQL when their objects go (reclaim policy retain)'],
    ];
  },

  warnings(plan) {
    return [
      `The server ${plan.server.namespace}/${plan.server.name} decides size, version, backups, TLS and monitoring for every database on it; its own changes (and restarts) reach this one too.`,
    ];
  },

  changeIssues: () => [],
  fieldChange: () => undefined,
};
