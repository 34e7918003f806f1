import { stringify } from 'yaml';

/**
 * Deterministic YAML: key order as the builders wrote it, no line folding, no anchors for
 * repeated objects, block literals for multi-line strings.
 */
export function toYaml(value: unknown): string {
  return stringify(value, { lineWidth: 0, aliasDuplicateObjects: false, indentSeq: true });
}

export function toYamlStream(values: unknown[]): string {
  return values.map(toYaml).join('---\n');
}
