import { ANNOTATION_CLAIM_TEMPLATE_SIZE, ANNOTATION_REQUESTED_BY } from './annotations';

/**
 * The stored request with only the fields a user changes applied on top: every other choice, and
 * what the store remembers (the major it was created with), stays as stored.
 */
export function withChanges(stored: unknown, changes: Record<string, unknown>, requestedBy?: string): unknown {
  const object = (stored ?? {}) as { metadata?: { annotations?: Record<string, string> }; spec?: Record<string, unknown> };
  const given = Object.fromEntries(Object.entries(changes).filter(([, value]) => value !== undefined && value !== ''));
  const annotations = { ...(object.metadata?.annotations ?? {}) };
  if (requestedBy) annotations[ANNOTATION_REQUESTED_BY] = requestedBy;
  // A store written before the claim templates' size was kept: the templates hold the stored size.
  const storedSpec = object.spec ?? {};
  if (storedSpec.engine === 'statefulset' && storedSpec.persistence !== false && typeof storedSpec.storageSize === 'string') annotations[ANNOTATION_CLAIM_TEMPLATE_SIZE] ??= storedSpec.storageSize;
  const spec: Record<string, unknown> = { ...(object.spec ?? {}), ...given };
  // A new major brings its own newest minor unless one is given with it.
  if (given.version !== undefined && String(given.version) !== String(object.spec?.version) && given.minorVersion === undefined) delete spec.minorVersion;
  return { ...object, metadata: { ...object.metadata, annotations }, spec };
}
