import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { requestSpecSchema } from '@postgres-gitops/renderer';
import { templateFiles } from '../plugins/scaffolder-postgres/src/templates';
import { QUANTITY } from '../renderer/src/request/quantity';

const ROOT = join(__dirname, '..');

describe('templates/', () => {
  it.each(Object.entries(templateFiles()))('%s is what the template code generates (run npm run templates)', (path, content) => {
    expect(readFileSync(join(ROOT, path), 'utf8')).toBe(content);
  });

  it('takes every form field\'s rules and description from the renderer\'s schema', () => {
    const template = parse(templateFiles()['templates/postgres/template.yaml']);
    const fields = Object.assign({}, ...template.spec.parameters.map((p: any) => p.properties));
    const size = requestSpecSchema.shape.size;
    expect(fields.size.description).toBe(size.description);
    expect(fields.size.enum).toEqual(size.unwrap().options);
    expect(fields.storageSize.pattern).toBe(QUANTITY.source);
    expect(fields.allowedNamespaces.maxItems).toBe(50);
  });
});
