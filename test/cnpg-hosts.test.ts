import { renderDatabase, withChanges, type Manifest } from '@postgres-gitops/renderer';
import { semanticChanges } from '../renderer/src/review/diff';
import { serviceNames } from './support/cnpg-operator';
import { CNPG_PLATFORM, cnpgRequest } from './support/cnpg-requests';

/**
 * B3 of the SRE review: a host applications were given must keep answering. The application
 * Secret is written once (External Secrets, refreshPolicy CreatedOnce) with the host of the
 * request it was created from, so every later change must keep a Service of that name.
 */
const ANNOTATION = 'postgres-gitops.dev/pooler-host-given';
const hostOf = (manifests: Manifest[]) => (manifests.find(m => m.kind === 'ExternalSecret' && m.metadata.name === 'payments-postgresql-secret') as any).spec.target.template.data.PGHOST as string;
const render = (request: unknown) => renderDatabase(request, CNPG_PLATFORM);

/** Days of changes to pooling from a first request: each step is the stored request with one change, as `update --set` does. */
function days(first: Record<string, unknown>, steps: Record<string, unknown>[], forget = false) {
  let db = render(cnpgRequest('payments', { profile: 'prod', ...first }));
  const dbs = [db];
  for (const change of steps) {
    const next = withChanges(db.request, change) as any;
    if (forget) delete next.metadata.annotations[ANNOTATION];
    db = render(next);
    dbs.push(db);
  }
  return dbs;
}

describe('cloudnative-pg: the host applications were given keeps answering', () => {
  it.each([
    ['pooling on, then off, then on again', { pooling: true }, [{ pooling: false }, { pooling: true }]],
    ['pooling off, then on, then off', { pooling: false }, [{ pooling: true }, { pooling: false }]],
    ['pooling on, then off with a new size', { pooling: true, passwordRotationDays: 30 }, [{ pooling: false, size: 'large' }]],
  ] as const)('%s', (_label, first, steps) => {
    const dbs = days(first, steps as any);
    const given = dbs.map(db => hostOf(db.manifests));
    for (const [i, db] of dbs.entries()) {
      const serving = serviceNames(db.manifests);
      // Every host any earlier Secret (or this one) was written with.
      expect(given.slice(0, i + 1).filter(h => !serving.has(h))).toEqual([]);
    }
  });

  it('keeps the pooler in session mode once pooling is off, and the PR says nothing moves', () => {
    const [on, off] = days({ pooling: true }, [{ pooling: false }]);
    const pooler = off.manifests.find(m => m.kind === 'Pooler') as any;
    expect(pooler.spec.pgbouncer.poolMode).toBe('session');
    expect(hostOf(off.manifests)).toBe('payments-postgresql-pooler.team-a.svc');
    const texts = semanticChanges(on, off).map(c => c.text);
    expect(texts.find(t => t.startsWith('pooling:'))).toMatch(/the pooler stays at the same host as a pass-through in session mode/);
  });

  it('a store written before the renderer remembered it: a stored pooling: true is enough', () => {
    const stored = render(cnpgRequest('payments', { profile: 'prod', pooling: true })).request as any;
    delete stored.metadata.annotations[ANNOTATION];
    const off = render(withChanges(stored, { pooling: false }));
    expect(serviceNames(off.manifests).has(hostOf(render(stored).manifests))).toBe(true);
  });

  it('catches a change that drops the pooler the Secret names (the renderer before)', () => {
    const dbs = days({ pooling: true }, [{ pooling: false }], true);
    expect(serviceNames(dbs[1].manifests).has(hostOf(dbs[0].manifests))).toBe(false);
  });
});
