/** The few scaffolder and catalog REST calls the demo makes, as a signed-in user or with the demo token. */
export class ScaffolderClient {
  constructor(private readonly baseUrl: string, private readonly token: string) {}

  /** Signs in with the guest provider (DEMO ONLY), as the browser's sign-in page does: calls then act for user:development/guest. */
  static asGuest(baseUrl: string): Promise<{ client: ScaffolderClient; user: string; ownership: string[] }> {
    return ScaffolderClient.signIn(baseUrl, 'guest');
  }

  /** Signs in through an auth provider's refresh endpoint (guest, or the tests' test-users); the token holds the user's ownership. */
  static async signIn(baseUrl: string, provider: string, headers: Record<string, string> = {}): Promise<{ client: ScaffolderClient; user: string; ownership: string[] }> {
    const res = await fetch(`${baseUrl}/api/auth/${provider}/refresh?env=development`, { headers: { 'X-Requested-With': 'XMLHttpRequest', ...headers } });
    if (!res.ok) throw new Error(`${provider} sign-in failed (${res.status}): ${(await res.text()).slice(0, 300)}`);
    const { backstageIdentity } = (await res.json()) as { backstageIdentity: { token: string; identity: { userEntityRef: string; ownershipEntityRefs: string[] } } };
    return { client: new ScaffolderClient(baseUrl, backstageIdentity.token), user: backstageIdentity.identity.userEntityRef, ownership: backstageIdentity.identity.ownershipEntityRefs };
  }

  async call(method: string, path: string, body?: unknown): Promise<{ status: number; body: any }> {
    const res = await fetch(`${this.baseUrl}${path}`, {
      method,
      headers: { Authorization: `Bearer ${this.token}`, 'Content-Type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : undefined };
  }

  async waitForTemplate(ref = 'template/default/create-postgresql', timeoutMs = 60_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if ((await this.call('GET', `/api/catalog/entities/by-name/${ref}`)).status === 200) return;
      await new Promise(r => setTimeout(r, 250));
    }
    throw new Error(`the catalog did not load ${ref} within ${timeoutMs} ms`);
  }

  /** Runs a template task to the end; returns its status, log lines and step outputs. */
  async runTemplate(templateRef: string, values: Record<string, unknown>, secrets?: Record<string, string>) {
    const created = await this.call('POST', '/api/scaffolder/v2/tasks', { templateRef, values, ...(secrets ? { secrets } : {}) });
    if (created.status !== 201) throw new Error(`task rejected (${created.status}): ${JSON.stringify(created.body)}`);
    const id = created.body.id as string;
    for (;;) {
      const task = (await this.call('GET', `/api/scaffolder/v2/tasks/${id}`)).body;
      if (task.status === 'completed' || task.status === 'failed') {
        const events = (await this.call('GET', `/api/scaffolder/v2/tasks/${id}/events`)).body as { type: string; body: { message?: string; output?: any } }[];
        const log = events.filter(e => e.type === 'log').map(e => e.body.message ?? '');
        const output = events.find(e => e.type === 'completion')?.body.output;
        return { id, status: task.status as string, log, output };
      }
      await new Promise(r => setTimeout(r, 250));
    }
  }
}
