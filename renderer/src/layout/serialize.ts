import { toYaml } from '../render/common/yaml';

export { toYaml };

export function toYamlStream(values: unknown[]): string {
  return values.map(toYaml).join('---\n');
}
