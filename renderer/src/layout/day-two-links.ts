import type { Plan } from '../plan/plan';
import { ENGINE_ONLY_FIELDS } from '../request/schema';

/** The day-two templates, by the names the catalog links and the template files share. */
export const DAY_TWO_TEMPLATES = { change: 'change-postgresql', retire: 'retire-postgresql' } as const;

/** Fields the "Change PostgreSQL" form offers; the catalog's link fills each with the database's current value. */
export const CHANGE_FIELDS = ['size', 'version', 'storageSize', 'walStorageSize', 'replicas', 'pooling', 'backup', 'restoreDrill', 'monitoring', 'ssl', 'allowedNamespaces', 'passwordRotationDays', 'access'] as const;

/** Fields a tenant of a shared server may change; the server decides the rest. */
const TENANT_CHANGE_FIELDS: readonly string[] = ['passwordRotationDays', 'access'];

/**
 * Links from the database's catalog page to its day-two templates. The change link carries the
 * current choices as the scaffolder's `formData` query, so the form opens pre-filled with
 * what the state store holds.
 */
export function dayTwoLinks(plan: Plan, entityRef: string): { url: string; title: string; icon: string }[] {
  // The catalog takes absolute links only: without the app's address there are none.
  const app = plan.platform.backstage.baseUrl?.replace(/\/+$/, '');
  if (!app) return [];
  const spec = plan.spec as unknown as Record<string, unknown>;
  const offered = plan.engine === 'shared-server' ? TENANT_CHANGE_FIELDS : CHANGE_FIELDS;
  const current = Object.fromEntries(
    offered
      .filter(f => spec[f] !== undefined)
      .filter(f => {
        const only = ENGINE_ONLY_FIELDS[f as keyof typeof ENGINE_ONLY_FIELDS];
        return only === undefined || only === plan.spec.engine;
      })
      .map(f => [f, spec[f]]),
  );
  const form = (template: string, data: Record<string, unknown>) => `${app}/create/templates/default/${template}?formData=${encodeURIComponent(JSON.stringify(data))}`;
  return [
    { url: form(DAY_TWO_TEMPLATES.change, { entityRef, ...current }), title: 'Change PostgreSQL (opens with the current choices)', icon: 'edit' },
    { url: form(DAY_TWO_TEMPLATES.retire, { entityRef }), title: 'Retire PostgreSQL', icon: 'delete' },
  ];
}
