import { RequestValidationError } from './errors';
import { MAX_YAML_BYTES, parseYamlInput } from './yaml-input';

function issuesOf(text: string) {
  try {
    parseYamlInput(text, 'request.yaml');
  } catch (error) {
    if (error instanceof RequestValidationError) return error.issues;
    throw error;
  }
  return [];
}

describe('parseYamlInput', () => {
  it('reads plain YAML, core tags included', () => {
    expect(parseYamlInput('spec:\n  size: !!str small\n  replicas: 2\n', 'r')).toEqual({ spec: { size: 'small', replicas: 2 } });
    expect(parseYamlInput('', 'r')).toBeNull();
  });

  it.each([
    ['a custom tag', 'spec:\n  size: !Secret small\n', 'spec.size', 'the YAML tag !Secret is not accepted'],
    ['a language tag', 'spec:\n  owner: !!js/function "x"\n', 'spec.owner', 'tag:yaml.org,2002:js/function is not accepted'],
    ['a tag inside a list', 'spec:\n  allowedNamespaces: [a, !x b]\n', 'spec.allowedNamespaces.1', 'is not accepted'],
    ['an alias', 'metadata: &m {name: a}\nspec: {owner: *m}\n', 'spec.owner', 'aliases (*name) are not accepted'],
    ['duplicate keys', 'spec:\n  size: small\n  size: large\n', '(request)', 'Map keys must be unique'],
    ['two documents', 'spec: {}\n---\nspec: {}\n', '(request)', 'holds 2 YAML documents'],
    ['broken syntax', 'spec: [\n', '(request)', 'is not valid YAML'],
  ])('refuses %s, naming where', (_what, text, path, message) => {
    const issues = issuesOf(text);
    expect(issues.map(i => i.path)).toContain(path);
    expect(issues.map(i => i.message).join('\n')).toContain(message);
  });

  it('refuses an anchor bomb without expanding it', () => {
    const levels = Array.from({ length: 12 }, (_, i) => `l${i + 1}: &l${i + 1} [${Array(9).fill(`*l${i}`).join(',')}]`);
    const bomb = ['l0: &l0 [x]', ...levels].join('\n');
    expect(issuesOf(bomb)[0].message).toContain('aliases');
  });

  it('refuses a file larger than a request can be before parsing it', () => {
    expect(issuesOf(`spec:\n  owner: "${'x'.repeat(MAX_YAML_BYTES)}"\n`)[0].message).toMatch(/bytes; a request is at most/);
  });

  it('keeps __proto__ an ordinary key that the schema then refuses as unknown', () => {
    const value = parseYamlInput('__proto__: {polluted: true}\n', 'r') as Record<string, unknown>;
    expect(Object.keys(value)).toEqual(['__proto__']);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});
