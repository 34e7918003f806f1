import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildPipelineImage, ROOT } from '../../pipeline-image/src/build';
import { runContainer, unpackImage } from '../support/oci-runtime';
import { median, now, type Measurement } from './measure';

const SEED = readFileSync(join(ROOT, 'renderer', 'examples', 'production.yaml'), 'utf8');
const ENV = { KRATIX_WORKFLOW_TYPE: 'resource', KRATIX_WORKFLOW_ACTION: 'configure' };
const RUNS = 7;

/**
 * The Kratix pipeline image: its build (the Debian layer once from Debian's archive, then again
 * from the cache), its size as a registry stores it and unpacked, and the pipeline's cold start:
 * `crun run` of a fresh container on the seed's production request until it exits, with and
 * without Kratix's default limits (200m CPU, 256Mi), median of seven.
 */
export function pipelineImageBenchmarks(): Measurement[] {
  const work = mkdtempSync(join(tmpdir(), 'bench-pipeline-image-'));
  try {
    const cold = buildPipelineImage({ out: join(work, 'cold'), fresh: true });
    const warm = buildPipelineImage({ out: join(work, 'warm') });
    const bundle = join(work, 'bundle');
    const image = unpackImage(warm.layout, warm.tag, bundle);
    const coldStart = (limits: boolean) => {
      const samples: number[] = [];
      for (let i = 0; i < RUNS; i++) {
        const start = now();
        const result = runContainer({ bundle, image, objectYaml: SEED, env: ENV, volumes: join(work, 'volumes'), limits });
        samples.push(now() - start);
        if (result.status !== 0) throw new Error(`pipeline exited ${result.status}: ${result.stderr}`);
      }
      return Math.round(median(samples));
    };
    const mib = (bytes: number) => Math.round((bytes / 1024 / 1024) * 10) / 10;
    const row = (c: string, metric: string, value: number | string, unit: string): Measurement => ({ benchmark: 'pipeline image', case: c, subject: 'postgres-gitops', metric, value, unit });
    return [
      row('build, Debian layer from the archive', 'time', cold.report.seconds.total, 's'),
      row('build, Debian layer cached', 'time', warm.report.seconds.total, 's'),
      row('two builds of one commit', 'same digest', cold.digest === warm.digest ? 'yes' : `no (${cold.digest} / ${warm.digest})`, ''),
      row('image, compressed layers', 'size', mib(warm.report.size.compressed), 'MiB'),
      row('image, unpacked', 'size', mib(warm.report.size.uncompressed), 'MiB'),
      row('cold start to exit, seed production request, 200m CPU / 256Mi', 'median', coldStart(true), 'ms'),
      row('cold start to exit, seed production request, no limits', 'median', coldStart(false), 'ms'),
    ];
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
