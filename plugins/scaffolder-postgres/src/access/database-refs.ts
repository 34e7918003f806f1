import { catalogEntityName, parseDatabaseDirectory, parseRequest, parseYamlInput, RequestValidationError, type PlatformSettings } from '@postgres-gitops/renderer';

/** The catalog entity of the database in a state-store directory, as the renderer names it. */
export function databaseEntityRef(directory: string): string {
  const parsed = parseDatabaseDirectory(directory);
  if (!parsed) throw new Error(`${directory} is not a database directory`);
  return `resource:default/${catalogEntityName({ name: parsed.name, namespace: parsed.namespace, spec: { cluster: parsed.cluster } })}`;
}

/** `[kind:][namespace/]name` as the catalog relates an owner: kind group, and the entity's namespace (default) when left out. */
export function fullOwnerRef(ref: string, namespace = 'default'): string {
  const match = /^(?:([^:/]+):)?(?:([^/]+)\/)?(.+)$/.exec(ref)!;
  return `${match[1] ?? 'group'}:${match[2] ?? namespace}/${match[3]}`.toLocaleLowerCase('en-US');
}

/** The owner a stored request.yaml names (its default when it names none); undefined when there is none or it does not parse. */
export function storedOwner(text: string | null | undefined, platform: PlatformSettings): string | undefined {
  if (!text) return undefined;
  try {
    return fullOwnerRef(parseRequest(parseYamlInput(text, 'the stored request.yaml'), platform).spec.owner);
  } catch (error) {
    if (error instanceof RequestValidationError) return undefined;
    throw error;
  }
}
