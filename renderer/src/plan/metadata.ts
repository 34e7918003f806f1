import {
  APP_NAME,
  LABEL_COMPONENT,
  LABEL_INSTANCE,
  LABEL_MANAGED_BY,
  LABEL_NAME,
  LABEL_PART_OF,
  LABEL_VERSION,
  MANAGED_BY,
  type Component,
} from './labels';

/** What object metadata is made of; every plan has it. */
export interface MetadataSource {
  name: string;
  namespace: string;
  spec: { system?: string };
  postgresVersion: string;
}

/** The part of an entity ref after kind and namespace, made safe for a label value. */
function labelSafe(value: string): string {
  return value.replace(/^.*[:/]/, '').replace(/[^A-Za-z0-9._-]/g, '-').slice(0, 63).replace(/^[^A-Za-z0-9]+|[^A-Za-z0-9]+$/g, '');
}

/** Labels that pick the database's objects of one component; they never change, so selectors can use them. */
export function selectorLabels(plan: MetadataSource, component: Component): Record<string, string> {
  return { [LABEL_NAME]: APP_NAME, [LABEL_INSTANCE]: plan.name, [LABEL_COMPONENT]: component };
}

/** Labels of every object and pod: the selector labels plus part-of, managed-by and version. */
export function labels(plan: MetadataSource, component: Component): Record<string, string> {
  return {
    ...selectorLabels(plan, component),
    [LABEL_PART_OF]: labelSafe(plan.spec.system ?? plan.name) || plan.name,
    [LABEL_MANAGED_BY]: MANAGED_BY,
    // A database on a shared server has no version of its own.
    ...(plan.postgresVersion ? { [LABEL_VERSION]: plan.postgresVersion } : {}),
  };
}

/**
 * Labels without the version: for objects whose controller acts on any change of their labels.
 * External Secrets refreshes an ExternalSecret whenever its generation or a hash of its labels
 * and annotations changes (external-secrets pkg/controllers/util/util.go GetResourceVersion,
 * pkg/controllers/externalsecret/externalsecret_controller.go shouldRefreshPeriodic), and a
 * refresh over a Password generator is a new password: a minor upgrade must not rotate it.
 */
export function unversionedLabels(plan: MetadataSource, component: Component): Record<string, string> {
  const { [LABEL_VERSION]: _version, ...rest } = labels(plan, component);
  return rest;
}

/** Standard object metadata: name, namespace (always), labels, optional annotations. */
export function meta(plan: MetadataSource, name: string, component: Component, annotations?: Record<string, string>) {
  return {
    name,
    namespace: plan.namespace,
    labels: labels(plan, component),
    ...(annotations && Object.keys(annotations).length > 0 ? { annotations } : {}),
  };
}
