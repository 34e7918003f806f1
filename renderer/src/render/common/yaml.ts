import { stringify } from 'yaml';

/**
 * Deterministic YAML: key order as the builders wrote it, no line folding, no anchors for
 * repeated objects, block literals for multi-line strings. Written so YAML 1.1 readers see the
 * same values as YAML 1.2 ones: `kubectl apply` decodes with YAML 1.1 rules, where an unquoted
 * `on`, `off`, `yes` or `12:30` is not a string, so such strings are quoted. Builders use it for
 * objects they ship inside a ConfigMap (the restore drill's Cluster), the layout for every file.
 */
export function toYaml(value: unknown): string {
  return stringify(value, { lineWidth: 0, aliasDuplicateObjects: false, indentSeq: true, version: '1.1' });
}
