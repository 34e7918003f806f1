import { execFileSync } from 'node:child_process';
import { renderDatabase } from '@postgres-gitops/renderer';

/** The N-th database of the benchmark's state store. */
export function database(i: number) {
  return {
    apiVersion: 'marketplace.kratix.io/v1alpha1',
    kind: 'postgresql',
    metadata: { name: `db-${i}`, namespace: `team-${i % 100}` },
    spec: { size: 'small', version: '16', database: `app_${i % 13}`, monitoring: i % 3 === 0 },
  };
}

/** Builds a bare state store of N databases in one commit with git fast-import. */
function buildStore(bare: string, count: number): void {
  execFileSync('git', ['init', '-q', '--bare', '--initial-branch=main', bare]);
  execFileSync('git', ['-C', bare, 'config', 'uploadpack.allowFilter', 'true']);
  execFileSync('git', ['-C', bare, 'config', 'uploadpack.allowAnySHA1InWant', 'true']);
  const chunks: Buffer[] = [Buffer.from('commit refs/heads/main\ncommitter bench <bench@example.test> 0 +0000\ndata 5\nseed\n')];
  for (let i = 0; i < count; i++) {
    for (const [path, content] of Object.entries(renderDatabase(database(i)).files)) {
      const body = Buffer.from(content);
      chunks.push(Buffer.from(`M 100644 inline ${path}\ndata ${body.length}\n`), body, Buffer.from('\n'));
    }
  }
  chunks.push(Buffer.from('\n'));
  execFileSync('git', ['-C', bare, 'fast-import', '--quiet'], { input: Buffer.concat(chunks), maxBuffer: 1 << 30 });
  // Delta-compress like a served repository is, so the full clone is not penalised.
  execFileSync('git', ['-C', bare, 'repack', '-adfq'], { stdio: 'ignore' });
}

// node state-store-build.js <bare repository> <databases>
if (require.main === module) buildStore(process.argv[2], Number(process.argv[3]));
