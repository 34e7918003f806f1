import type { ResolvedSpec } from './defaults';
import { objectNames } from '../plan/object-names';
import { DNS1035_LABEL } from './names';
import type { FieldIssue } from './errors';

interface NameRule {
  kind: string;
  name: string;
  max: number;
  why: string;
  dns1035?: boolean;
}

/** Every object name the request derives, with the limit Kubernetes puts on it. */
function derivedNameRules(name: string, spec: ResolvedSpec): NameRule[] {
  const n = objectNames(name);
  const stsWhy = 'StatefulSet names must be at most 52 characters (the controller-revision-hash label adds 11)';
  const svcWhy = 'Service names are DNS-1035 labels of at most 63 characters';
  const rules: NameRule[] = [
    { kind: 'StatefulSet', name: n.statefulSet, max: 52, why: stsWhy },
    { kind: 'Service', name: n.service, max: 63, why: svcWhy, dns1035: true },
    { kind: 'Service', name: n.headless, max: 63, why: svcWhy, dns1035: true },
    { kind: 'ConfigMap', name: n.connection, max: 63, why: 'names are DNS-1123 labels of at most 63 characters' },
  ];
  if (spec.replicas > 1) {
    rules.push(
      { kind: 'StatefulSet', name: n.readStatefulSet, max: 52, why: stsWhy },
      { kind: 'Service', name: n.readHeadless, max: 63, why: svcWhy, dns1035: true },
      { kind: 'Service', name: n.replicasService, max: 63, why: svcWhy, dns1035: true },
    );
  }
  if (spec.backup) {
    rules.push({ kind: 'CronJob', name: n.backup, max: 52, why: 'CronJob names must be at most 52 characters (Job names add 11)' });
  }
  if (spec.monitoring) {
    rules.push(
      { kind: 'Deployment', name: n.exporter, max: 63, why: 'names are DNS-1123 labels of at most 63 characters' },
      { kind: 'Service', name: n.metricsService, max: 63, why: svcWhy, dns1035: true },
    );
  }
  return rules;
}

/** Names the strictest limit the name breaks (so the advice is right), and whether it must start with a letter. */
export function checkDerivedNames(name: string, spec: ResolvedSpec): FieldIssue[] {
  const rules = derivedNameRules(name, spec);
  const issues: FieldIssue[] = [];
  const tooLong = rules
    .filter(rule => rule.name.length > rule.max)
    .sort((a, b) => b.name.length - b.max - (a.name.length - a.max))[0];
  if (tooLong) {
    const allowed = name.length - (tooLong.name.length - tooLong.max);
    issues.push({
      path: 'metadata.name',
      message: `too long: the ${tooLong.kind} "${tooLong.name}" would be ${tooLong.name.length} characters; ${tooLong.why}. Use at most ${allowed} characters`,
    });
  }
  const notDns1035 = rules.find(rule => rule.dns1035 && !DNS1035_LABEL.test(rule.name));
  if (notDns1035) {
    issues.push({ path: 'metadata.name', message: `must start with a letter: the ${notDns1035.kind} "${notDns1035.name}" must be a DNS-1035 label` });
  }
  return issues;
}
