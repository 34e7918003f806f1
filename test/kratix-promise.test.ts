import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Ajv from 'ajv';
import { parse } from 'yaml';
import { CustomResourceDefinition } from 'kubernetes-models/apiextensions.k8s.io/v1/CustomResourceDefinition';
import { Container } from 'kubernetes-models/v1/Container';
import { restrictedViolations } from './support/pod-security';
import { validateObject } from './support/validate';

const ROOT = join(__dirname, '..');
const committed = readFileSync(join(ROOT, 'cli', 'kratix', 'promise.yaml'), 'utf8');
const promise = parse(committed);

describe('the shipped Kratix promise', () => {
  it('is what `postgres-gitops promise` prints (regenerate it when the request schema changes)', () => {
    const printed = execFileSync('node', [join(ROOT, 'cli', 'bin', 'postgres-gitops.js'), 'promise'], { encoding: 'utf8' });
    expect(printed).toBe(committed);
  });

  it('carries a valid CustomResourceDefinition for kind postgresql', () => {
    expect(() => new CustomResourceDefinition(promise.spec.api).validate()).not.toThrow();
    expect(promise.spec.api.spec.names.kind).toBe('postgresql');
  });

  it.each(['basic', 'production'])('accepts the seed promise\'s %s request, unchanged', example => {
    const request = parse(readFileSync(join(ROOT, 'renderer', 'examples', `${example}.yaml`), 'utf8'));
    const schema = promise.spec.api.spec.versions[0].schema.openAPIV3Schema;
    const validate = new Ajv({ strict: false }).compile(schema);
    expect(validate(request) ? [] : validate.errors).toEqual([]);
  });

  it('is a Promise Kratix admits: its own CRD (test/crds), and a pipeline container meeting "restricted"', () => {
    expect(validateObject(promise)).toEqual([]);
    const [container] = promise.spec.workflows.resource.configure[0].spec.containers;
    // Kratix's CRD leaves pipelines open (x-kubernetes-preserve-unknown-fields): check the container as Kubernetes will.
    expect(() => new Container(container).validate()).not.toThrow();
    expect(restrictedViolations({ containers: [container] })).toEqual([]);
  });

  it('runs the pipeline image with the kratix command', () => {
    expect(promise.spec.workflows.resource.configure[0].spec.containers[0].args).toEqual(['kratix']);
  });
});
