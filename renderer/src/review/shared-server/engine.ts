import type { SharedServerPlan } from '../../plan/shared-server/plan';
import type { ReviewEngine } from '../engine';

const psqlOnServer = (plan: SharedServerPlan) => `kubectl -n ${plan.server.namespace} exec -i ${plan.server.cluster}-1 -c postgres -- psql -U postgres`;

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
        `this directory, holding only those two objects and request.yaml, so the retirement is on record and nothing can claim the name`,
      ],
      commands: [
        `${psqlOnServer(plan)} -c 'DROP DATABASE "${spec.database}"'   # its data is gone for good`,
        `${psqlOnServer(plan)} -c 'DROP ROLE "${spec.username}"'`,
        `kubectl -n ${server.namespace} delete database,databaserole ${plan.names.database}   # then remove this directory from the state store`,
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
