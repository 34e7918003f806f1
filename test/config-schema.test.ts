import { join } from 'node:path';
import { loadConfigSchema } from '@backstage/config-loader';
import { platformSettingsSchema } from '@postgres-gitops/renderer';

/**
 * The packages' app-config schemas as a Backstage app loads them (@backstage/config-loader, what
 * `backstage-cli config:check` and the backend run): read from each package's `configSchema`,
 * merged, and applied to the README's app-config.
 */
const ROOT = join(__dirname, '..');
const PACKAGES = ['plugins/scaffolder-postgres', 'plugins/scaffolder-postgres-react'].map(p => join(ROOT, p, 'package.json'));
jest.setTimeout(120_000);

const appConfig = {
  app: { baseUrl: 'http://localhost:3000' },
  backend: { baseUrl: 'http://localhost:7007', listen: { port: 7007 }, database: { client: 'better-sqlite3', connection: ':memory:' } },
  postgresGitops: {
    stateStore: { repoUrl: 'https://x-access-token:planted-secret@git.example.com/acme/state.git', targetBranch: 'main' },
    platform: {
      certIssuer: { kind: 'ClusterIssuer', name: 'platform-ca' },
      prometheus: { namespace: 'monitoring', serviceMonitorLabels: { release: 'kube-prometheus-stack' } },
      stateStore: { browseUrl: 'https://github.com/acme/platform-state/tree/main' },
    },
    git: { author: { name: 'Backstage', email: 'backstage@acme.example' } },
    github: { paceWrites: true },
  },
};

let schema: Awaited<ReturnType<typeof loadConfigSchema>>;
beforeAll(async () => {
  schema = await loadConfigSchema({ dependencies: [], packagePaths: PACKAGES, noUndeclaredProperties: true });
});

const check = (data: object, visibility?: ('frontend' | 'backend' | 'secret')[]) =>
  schema.process([{ data: { app: appConfig.app, backend: appConfig.backend, ...data } as never, context: 'app-config.yaml' }], { visibility });

describe('the app-config schema of the packages', () => {
  it('accepts the README\'s configuration', () => {
    expect(() => check(appConfig)).not.toThrow();
  });

  it('refuses a wrong type or an unknown key under postgresGitops, naming it', () => {
    expect(() => check({ postgresGitops: { github: { paceWrites: 'yes' } } })).toThrow(/paceWrites.*boolean|boolean.*paceWrites/s);
    expect(() => check({ postgresGitops: { stateStore: { repoURL: 'x' } } })).toThrow(/repoURL/);
    expect(() => check({ postgresGitops: { platform: { certIssuer: { kind: 'Cluster' } } } })).toThrow(/certIssuer\/kind/);
  });

  it('keeps the state store URL (it may carry credentials) from the frontend, and gives the frontend the platform settings', () => {
    const [frontend] = check(appConfig, ['frontend']);
    expect(JSON.stringify(frontend.data)).not.toContain('planted-secret');
    expect((frontend.data as typeof appConfig).postgresGitops.platform.certIssuer.name).toBe('platform-ca');
    const [secrets] = check(appConfig, ['secret']);
    expect((secrets.data as typeof appConfig).postgresGitops.stateStore.repoUrl).toContain('planted-secret');
  });

  it('names every platform setting the renderer takes, and no other', () => {
    const serialized = schema.serialize() as { schemas: { path: string; value: any }[] };
    const backend = serialized.schemas.find(s => s.path.endsWith('plugins/scaffolder-postgres/config.d.ts'))!.value;
    const platform = backend.properties.postgresGitops.properties.platform.properties;
    expect(Object.keys(platform).sort()).toEqual(Object.keys(platformSettingsSchema.shape).sort());
  });
});
