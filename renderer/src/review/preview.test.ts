import { renderDatabase } from '../render-database';
import { requestFromFields } from '../request/fields';
import { previewDatabase } from './preview';

const form = { name: 'orders', namespace: 'team-a', owner: 'group:default/team-a', size: 'small', version: '17', profile: 'dev' };

describe('previewDatabase', () => {
  it('lists every object with the exact YAML the pull request will hold', () => {
    const preview = previewDatabase(form);
    if (!preview.ok) throw new Error(JSON.stringify(preview.issues));
    const db = renderDatabase(requestFromFields(form));
    expect(preview.objects.map(o => `${o.kind}/${o.name}`)).toEqual(db.manifests.map(m => `${m.kind}/${m.metadata.name}`));
    for (const o of preview.objects) expect(o.yaml).toBe(db.files[o.path]);
    expect(preview.files).toBe(Object.keys(db.files).length);
  });

  it('changes the totals and the object list with the size', () => {
    const small = previewDatabase(form);
    const large = previewDatabase({ ...form, size: 'large' });
    if (!small.ok || !large.ok) throw new Error('refused');
    // the server and its reload loop (32Mi)
    expect(small.totals).toMatchObject({ pods: '1', memory: '288Mi requested, 544Mi limit', storage: '1Gi' });
    expect(large.totals).toMatchObject({ pods: '2', memory: '2112Mi requested, 4160Mi limit', storage: '20Gi' });
    expect(large.objects.map(o => o.name)).toContain('orders-postgresql-read');
    expect(small.objects.map(o => o.name)).not.toContain('orders-postgresql-read');
  });

  it('warns about an end-of-life version', () => {
    const preview = previewDatabase({ ...form, version: '13' });
    expect(preview.ok && preview.warnings).toEqual(expect.arrayContaining([expect.stringContaining('PostgreSQL 13 is end-of-life')]));
  });

  it('gives the renderer\'s refusals under the form field they name', () => {
    expect(previewDatabase({ ...form, name: 'Orders!' })).toEqual({ ok: false, issues: [{ field: 'name', message: expect.stringContaining('DNS-1123') }] });
    const refused = previewDatabase({ ...form, backup: true, persistence: false });
    expect(refused.ok ? [] : refused.issues).toEqual([{ field: 'backup', message: 'requires spec.persistence: true (there is no data volume to back up)' }]);
  });
});
