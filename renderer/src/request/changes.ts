import { ANNOTATION_CLAIM_TEMPLATE_SIZE, ANNOTATION_CREATED_AT, ANNOTATION_CREATED_WITH_VERSION, ANNOTATION_POOLER_HOST_GIVEN, ANNOTATION_REQUESTED_BY, ANNOTATION_RESTORE_SOURCE_CREATED_AT } from './annotations';

type StoredObject = { metadata?: { annotations?: Record<string, string> }; spec?: Record<string, unknown> };

/**
 * What the store remembers of a database and every later request keeps: the major it was
 * created with and when (its archive's name), whether applications were given a pooler's host, and on statefulset the claim templates' size (the API server never lets a claim
 * template change). A store written before the size was remembered holds it as the stored
 * storageSize, which is what its templates were rendered with.
 */
export function rememberedAnnotations(stored: unknown): Record<string, string> {
  const object = (stored ?? {}) as StoredObject;
  const annotations = object.metadata?.annotations ?? {};
  const spec = object.spec ?? {};
  const kept: Record<string, string> = {};
  for (const key of [ANNOTATION_CREATED_WITH_VERSION, ANNOTATION_CREATED_AT, ANNOTATION_RESTORE_SOURCE_CREATED_AT]) {
    if (annotations[key] !== undefined) kept[key] = annotations[key];
  }
  const claimSize = annotations[ANNOTATION_CLAIM_TEMPLATE_SIZE] ?? (spec.engine === 'statefulset' && spec.persistence !== false && typeof spec.storageSize === 'string' ? spec.storageSize : undefined);
  if (claimSize !== undefined) kept[ANNOTATION_CLAIM_TEMPLATE_SIZE] = claimSize;
  // A store written before this was remembered: a stored pooling: true gave applications the pooler's host.
  const poolerHostGiven = annotations[ANNOTATION_POOLER_HOST_GIVEN] ?? (spec.engine === 'cloudnative-pg' && spec.pooling === true ? 'true' : undefined);
  if (poolerHostGiven !== undefined) kept[ANNOTATION_POOLER_HOST_GIVEN] = poolerHostGiven;
  return kept;
}

/**
 * The stored request with only the fields a user changes applied on top: every other choice, and
 * what the store remembers (rememberedAnnotations), stays as stored.
 */
export function withChanges(stored: unknown, changes: Record<string, unknown>, requestedBy?: string): unknown {
  const object = (stored ?? {}) as StoredObject;
  const given = Object.fromEntries(Object.entries(changes).filter(([, value]) => value !== undefined && value !== ''));
  const annotations = { ...(object.metadata?.annotations ?? {}), ...rememberedAnnotations(stored) };
  if (requestedBy) annotations[ANNOTATION_REQUESTED_BY] = requestedBy;
  const spec: Record<string, unknown> = { ...(object.spec ?? {}), ...given };
  // A new major brings its own newest minor unless one is given with it.
  if (given.version !== undefined && String(given.version) !== String(object.spec?.version) && given.minorVersion === undefined) delete spec.minorVersion;
  return { ...object, metadata: { ...object.metadata, annotations }, spec };
}
