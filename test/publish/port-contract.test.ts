import fc from 'fast-check';
import type { FileSet } from '@postgres-gitops/publish';
import { contractBreaches, describeStep, TwoHosts, type Step } from './port-contract';

/**
 * One port, one behaviour: the same steps through the git publisher (a bare repository) and the
 * GitHub publisher (the fake GitHub serving a copy of it) leave byte-identical trees and give the
 * same answers. Hand-written sequences for what the product does, and sequences fast-check
 * generates over nested paths, several directories, removals, re-runs and merges.
 */
jest.setTimeout(900_000);

const ORDERS = 'clusters/worker-1/postgres/team-a/orders';
const LEDGER = 'clusters/worker-1/postgres/team-b/ledger';
const AUDIT = 'clusters/worker-2/postgres/team-a/audit';
const BULK = 'clusters/worker-1/postgres/bulk';

const SEED: FileSet = {
  'README.md': '# state store\n',
  [`${LEDGER}/request.yaml`]: 'name: ledger\n',
  [`${LEDGER}/kustomization.yaml`]: 'resources: []\n',
  [`${LEDGER}/backup/cronjob.yaml`]: 'kind: CronJob\n',
  [`${LEDGER}/backup/scripts/run.sh`]: 'pg_dump\n',
  [`${AUDIT}/request.yaml`]: 'name: audit\n',
  [`${AUDIT}/deep/er/still/file.yaml`]: 'depth: 4\n',
};

const under = (directory: string, files: Record<string, string>): FileSet => Object.fromEntries(Object.entries(files).map(([p, c]) => [`${directory}/${p}`, c]));

/** Runs the steps on two fresh hosts; fails at the first step that breaks the contract, naming it. */
async function expectContract(steps: Step[], seed: FileSet = SEED): Promise<string[]> {
  const hosts = await TwoHosts.start(seed);
  const answers: string[] = [];
  try {
    for (const [i, step] of steps.entries()) {
      const { git, github } = await hosts.run(step);
      const breaches = contractBreaches(git, github);
      if (breaches.length > 0) throw new Error(`step ${i + 1} (${describeStep(step)}) broke the contract:\n  ${breaches.join('\n  ')}`);
      answers.push(git.error ? `refused: ${git.error}` : git.result ? (git.result.changed ? 'changed' : `unchanged (already ${git.result.already})`) : 'merged');
    }
    expect(hosts.github.violations).toEqual([]);
  } finally {
    await hosts.stop();
  }
  return answers;
}

const publish = (branch: string, directories: string[], files: FileSet): Step => ({ branch, directories, files });

describe('the publish port: the same steps through the git and the GitHub publisher', () => {
  it('reads many files of the base branch at once: the same texts, in order; undefined for a path that is no file', async () => {
    const hosts = await TwoHosts.start(SEED);
    try {
      const paths = [`${LEDGER}/request.yaml`, `${ORDERS}/request.yaml`, `${AUDIT}/deep/er/still/file.yaml`, `${LEDGER}/backup`, 'clusters/worker-9/postgres/x/y/request.yaml', `${AUDIT}/request.yaml`];
      const expected = ['name: ledger\n', undefined, 'depth: 4\n', undefined, undefined, 'name: audit\n'];
      for (const host of hosts.hosts) expect([host.name, await host.publisher.readBaseFiles('main', paths)]).toEqual([host.name, expected]);
      for (const host of hosts.hosts) expect(await host.publisher.readBaseFiles('main', [])).toEqual([]);
      expect(hosts.github.violations).toEqual([]);
    } finally {
      await hosts.stop();
    }
  });

  it('one database directory: create, re-run, change a file deep down, add and remove at several depths, merge, retire', async () => {
    const v1 = under(ORDERS, { 'request.yaml': 'size: small\n', 'a.yaml': 'a\n', 'sub/b.yaml': 'b\n', 'sub/deeper/c.yaml': 'c\n' });
    const v2: FileSet = { ...v1, [`${ORDERS}/sub/deeper/c.yaml`]: 'c, changed\n' };
    const dropped = [`${ORDERS}/a.yaml`, `${ORDERS}/sub/b.yaml`];
    const kept = Object.fromEntries(Object.entries(v2).filter(([path]) => !dropped.includes(path)));
    const v3: FileSet = { ...kept, ...under(ORDERS, { 'sub/deeper/d.yaml': 'd\n', 'x/y/z.yaml': 'z\n', 'top.yaml': 'top\n' }) };
    const answers = await expectContract([
      publish('postgres/orders', [ORDERS], v1),
      publish('postgres/orders', [ORDERS], v1),
      publish('postgres/orders', [ORDERS], v2),
      publish('postgres/orders', [ORDERS], v3),
      publish('postgres/orders', [ORDERS], v3),
      { merge: 'postgres/orders' },
      publish('postgres/orders', [ORDERS], v3),
      publish('postgres-retire/orders', [ORDERS], {}),
      publish('postgres-retire/orders', [ORDERS], {}),
    ]);
    expect(answers).toEqual(['changed', 'unchanged (already proposed)', 'changed', 'changed', 'unchanged (already proposed)', 'merged', 'unchanged (already merged)', 'changed', 'unchanged (already proposed)']);
  });

  it('several directories at once: nested removals in one, a whole directory removed, a new one, then one file of one', async () => {
    const change = {
      ...under(LEDGER, { 'request.yaml': 'name: ledger\n', 'kustomization.yaml': 'resources: [a]\n', 'backup/cronjob.yaml': 'kind: CronJob\n' }),
      ...under(ORDERS, { 'request.yaml': 'name: orders\n', 'nested/one.yaml': '1\n' }),
    };
    const answers = await expectContract([
      publish('postgres-fleet/worker', [LEDGER, AUDIT, ORDERS], change),
      publish('postgres-fleet/worker', [LEDGER, AUDIT, ORDERS], change),
      publish('postgres-fleet/worker', [LEDGER, AUDIT, ORDERS], { ...change, [`${LEDGER}/backup/cronjob.yaml`]: 'kind: CronJob\nschedule: daily\n' }),
    ]);
    expect(answers).toEqual(['changed', 'unchanged (already proposed)', 'changed']);
  });

  it("a session on the parent of the databases (the benchmark's 200-file case): every file below it is published", async () => {
    const files = { ...under(`${BULK}/orders`, { 'request.yaml': 'o\n', 'a.yaml': 'a\n' }), ...under(`${BULK}/billing`, { 'request.yaml': 'b\n', 'x/y.yaml': 'y\n' }) };
    const answers = await expectContract([publish('bench/bulk', [BULK], files), publish('bench/bulk', [BULK], files), { merge: 'bench/bulk' }, publish('bench/bulk-2', [BULK], under(`${BULK}/orders`, { 'request.yaml': 'o\n' }))]);
    expect(answers).toEqual(['changed', 'unchanged (already proposed)', 'merged', 'changed']);
  });

  it('a path that turns from a file into a directory and back', async () => {
    const answers = await expectContract([
      publish('p/flip', [ORDERS], under(ORDERS, { conf: 'a file\n', 'request.yaml': 'r\n' })),
      { merge: 'p/flip' },
      publish('p/flip', [ORDERS], under(ORDERS, { 'conf/now-a-directory.yaml': 'd\n', 'request.yaml': 'r\n' })),
      { merge: 'p/flip' },
      publish('p/flip', [ORDERS], under(ORDERS, { conf: 'a file again\n', 'request.yaml': 'r\n' })),
    ]);
    expect(answers).toEqual(['changed', 'merged', 'changed', 'merged', 'changed']);
  });

  it('refuses the same way, writing nothing: a file outside the directories, a path with "..", a file below a file', async () => {
    const answers = await expectContract([
      publish('p/bad', [ORDERS], { ...under(ORDERS, { 'request.yaml': 'r\n' }), 'README.md': 'overwritten?\n' }),
      publish('p/bad', [ORDERS], under(ORDERS, { '../ledger/request.yaml': 'r\n' })),
      publish('p/bad', [ORDERS], under(ORDERS, { a: 'file\n', 'a/b': 'below it\n' })),
    ]);
    expect(answers).toEqual([
      "refused: files outside the change's directories: README.md",
      `refused: not a plain repository path for a file: "${ORDERS}/../ledger/request.yaml"`,
      `refused: "${ORDERS}/a/b" is below a path the change also gives as a file`,
    ]);
  });
});

describe('the publish port under generated sequences (fast-check)', () => {
  const DIRECTORIES = [ORDERS, LEDGER, AUDIT];
  // Relative paths at depths 1 to 3, where "x" and "x/y" are sometimes files: paths flip kind.
  const PATHS = ['request.yaml', 'a.yaml', 'x/a.yaml', 'x/y/b.yaml', 'x/y/c.yaml', 'backup/cronjob.yaml', 'x', 'x/y'];
  const CONTENTS = ['1\n', '2\n', 'kind: Secret\n', ''];
  const BRANCHES = ['p/one', 'p/two'];

  const directoryFiles = (directory: string) =>
    fc.oneof(
      { weight: 1, arbitrary: fc.constant<FileSet>({}) },
      { weight: 5, arbitrary: fc.dictionary(fc.constantFrom(...PATHS), fc.constantFrom(...CONTENTS), { minKeys: 1, maxKeys: 5 }).map(files => under(directory, files)) },
    );
  const publishStep: fc.Arbitrary<Step> = fc
    .record({ branch: fc.constantFrom(...BRANCHES), directories: fc.subarray(DIRECTORIES, { minLength: 1 }) })
    .chain(({ branch, directories }) => fc.tuple(...directories.map(directoryFiles)).map(parts => publish(branch, directories, Object.assign({}, ...parts))));
  const step: fc.Arbitrary<Step> = fc.oneof({ weight: 4, arbitrary: publishStep }, { weight: 1, arbitrary: fc.constantFrom(...BRANCHES).map(branch => ({ merge: branch })) });
  // Every sequence re-runs one of its publishes unchanged, right after it.
  const sequence = fc.array(step, { minLength: 1, maxLength: 5 }).chain(steps =>
    fc.nat(steps.length - 1).map(i => [...steps.slice(0, i + 1), ...('merge' in steps[i] ? [] : [steps[i]]), ...steps.slice(i + 1)]),
  );

  it('leaves byte-identical trees and gives the same answers', async () => {
    await fc.assert(
      fc.asyncProperty(sequence, async steps => {
        await expectContract(steps);
      }),
      { numRuns: Number(process.env.CONTRACT_RUNS ?? 10), endOnFailure: true },
    );
  });
});
