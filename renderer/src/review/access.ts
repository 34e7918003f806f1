import { fluxKustomizationName } from '../layout/flux-kustomization';
import type { Plan } from '../plan/plan';
import type { AccessRole, ResolvedSpec } from '../request/types';
import type { SemanticChange } from './engine';

/** The access roles row of the PR's choices: who they are, where their Secrets are, what they may do. */
export function accessChoice(plan: Plan): string {
  const { access, spec } = plan;
  if (access.roles.length === 0) return plan.engine === 'shared-server' ? `none; only ${spec.username} may connect to ${spec.database}` : 'none';
  const roles = access.roles.map(r => `${r.dbRole} (${r.privileges}, Secret ${r.secret})`).join(', ');
  return (
    `${roles}: each with its own generated password${plan.passwordRotation ? ', rotated like the application\'s' : ''} and the application Secret's keys. ` +
    `read = CONNECT, USAGE on the schemas, SELECT on every table and sequence; write = also INSERT, UPDATE, DELETE and sequence USAGE; neither creates, alters or drops objects. ` +
    `Tables ${spec.username} creates later are covered. Only ${spec.username}, these roles and roles granted CONNECT by name may connect to ${spec.database}` +
    (plan.engine === 'shared-server' ? `. ${tenantRolesGate(plan)}` : '')
  );
}

/** When a tenant's login roles come to exist (layout/access-gate.ts), and what to do when they do not. */
function tenantRolesGate(plan: Extract<Plan, { engine: 'shared-server' }>): string {
  const flux = fluxKustomizationName(plan.spec.cluster, plan.namespace, plan.name, 'access');
  return (
    `The roles are created only after the grants Job ${plan.names.serverAccessJobPrefix}-access-… (in the server's namespace ${plan.server.namespace}, where the server's PostgreSQLAccessGrantsFailed covers it) has succeeded (Flux: Kustomization ${flux} depends on this database's; Argo CD: a later sync wave). ` +
    `It fails, and the roles are never created, while another database of server ${plan.server.namespace}/${plan.server.name} lets every role connect (a tenant rendered before grants Jobs): ` +
    `its log names them; re-render those tenants, then delete the failed Job (kubectl -n ${plan.server.namespace} delete job <job>; Flux creates it again within a minute; Argo CD at the next sync, argocd app sync)`
  );
}

const describe = (r: AccessRole) => `${r.role} (${r.privileges})`;

/**
 * How a change of spec.access reads: one line per role added, switched or removed, saying what
 * happens in the database and to the role's Secret. A removed role holds nothing of its own (the
 * privileges are its group's), so it is dropped; where someone made it own objects by hand it
 * cannot be, and each engine says what it does then.
 */
export function accessChanges(plan: Plan, a: ResolvedSpec, b: ResolvedSpec): SemanticChange[] {
  const before = new Map(a.access.map(r => [r.role, r]));
  const after = new Map(b.access.map(r => [r.role, r]));
  const secretOf = (role: string) => plan.access.roles.find(r => r.role === role)?.secret ?? `${plan.names.base}-role-${role.replace(/_/g, '-')}`;
  const changes: SemanticChange[] = [];
  if (a.access.length === 0 && b.access.length > 0) {
    changes.push({
      text: `access: connections to ${b.database} are limited to ${b.username} and its access roles from now on (CONNECT revoked from PUBLIC; on PostgreSQL 13 and 14 also CREATE on schema public, as 15 does)`,
      destructive: false,
      action: `roles made by hand that connect to ${b.database} need GRANT CONNECT ON DATABASE ${b.database} TO <role>`,
    });
  }
  for (const role of b.access) {
    const old = before.get(role.role);
    if (!old) changes.push({ text: `access: + ${describe(role)}: a new role with its own password, generated in the cluster (Secret ${secretOf(role.role)})`, destructive: false });
    else if (old.privileges !== role.privileges) {
      changes.push({
        text: `access: ${role.role} ${old.privileges} -> ${role.privileges}: ${role.privileges === 'write' ? 'also INSERT, UPDATE, DELETE and sequence USAGE' : 'SELECT only from now on'}, applied live (a membership change)`,
        destructive: false,
      });
    }
  }
  for (const role of a.access.filter(r => !after.has(r.role))) {
    changes.push({
      text: `access: - ${describe(role)}: the role is dropped and Secret ${secretOf(role.role)} deleted; it holds no privileges of its own (they are its group's), so nothing blocks the drop. ${removalCaveat(plan, role.role)}`,
      destructive: false,
      action: `applications using Secret ${secretOf(role.role)} lose access`,
    });
  }
  return changes;
}

function removalCaveat(plan: Plan, role: string): string {
  const { namespace, names } = plan;
  switch (plan.engine) {
    case 'statefulset':
      return 'If someone made it own objects by hand, it is kept without login or password instead, and the role sync says so in its log';
    case 'cloudnative-pg':
      return `If someone made it own objects by hand, the drop fails: its DatabaseRole stays Terminating with the reason, and the role keeps its login until the objects are reassigned (kubectl -n ${namespace} get databaserole ${names.base}-role-${role.replace(/_/g, '-')})`;
    case 'shared-server':
      return `If someone made it own objects by hand, the drop fails: its DatabaseRole (namespace ${plan.server.namespace}) stays Terminating with the reason until the objects are reassigned`;
  }
}
