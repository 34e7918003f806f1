import { ConfigReader } from '@backstage/config';
import { ScmIntegrations } from '@backstage/integration';
import { readModuleConfig } from './config';

const read = (data: object) => {
  const config = new ConfigReader(data);
  return readModuleConfig(config, ScmIntegrations.fromConfig(config));
};

describe('app-config', () => {
  it('names the state stores: repoUrl, then allowedRepoUrls, each once, as written', () => {
    const settings = read({
      integrations: { github: [{ host: 'github.com', token: 't' }], gitlab: [{ host: 'gitlab.example.com', apiBaseUrl: 'https://gitlab.example.com/api/v4', token: 't' }] },
      postgresGitops: { stateStore: { repoUrl: 'github.com?owner=acme&repo=state', allowedRepoUrls: ['https://gitlab.example.com/acme/state.git', 'github.com?owner=acme&repo=state', 'file:///srv/git/state.git'] } },
    });
    expect(settings.stateStore).toEqual({ repoUrl: 'github.com?owner=acme&repo=state', allowed: ['github.com?owner=acme&repo=state', 'https://gitlab.example.com/acme/state.git', 'file:///srv/git/state.git'], targetBranch: undefined });
  });

  it('refuses, when the backend starts, a store on a host without an integration', () => {
    expect(() => read({ postgresGitops: { stateStore: { repoUrl: 'https://git.example.com/acme/state.git' } } })).toThrow(
      'postgresGitops.stateStore.repoUrl: "https://git.example.com/acme/state.git": no integration for host "git.example.com" in app-config (integrations.*); a state store on a host needs one',
    );
    expect(() => read({ postgresGitops: { stateStore: { allowedRepoUrls: ['ghe.example.com?owner=acme&repo=state'] } } })).toThrow(
      'postgresGitops.stateStore.allowedRepoUrls: "ghe.example.com?owner=acme&repo=state" names no host with a GitHub integration',
    );
    expect(() => read({ postgresGitops: { stateStore: { repoUrl: 'git@git.example.com:acme/state.git' } } })).toThrow('no integration for host "git.example.com"');
  });

  it('reads Backstage\'s permission.enabled and scaffolder.requireScmUserCredentials', () => {
    expect(read({})).toMatchObject({ permissionEnabled: false, requireScmUserCredentials: false });
    expect(read({ permission: { enabled: true }, scaffolder: { requireScmUserCredentials: true } })).toMatchObject({ permissionEnabled: true, requireScmUserCredentials: true });
  });
});
