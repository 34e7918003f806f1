import { DNS1035_LABEL, echo } from '../request/names';
import type { FieldIssue } from '../request/errors';

/** Names every engine shares: what applications and the platform see, whatever runs the database. */
export interface CommonNames {
  base: string;
  /** The Secret applications consume; the same name on every engine. */
  secret: string;
  passwordGenerator: string;
  connection: string;
  /** The read-write Service applications connect to; the same name on every engine. */
  service: string;
  networkPolicy: string;
  monitor: string;
  tlsCertificate: string;
  tlsSecret: string;
  /** The access grants' scripts (cloudnative-pg and shared-server) or the access role list (statefulset). */
  accessConfig: string;
  /** DatabaseRole objects of the two access group roles. */
  accessReadGroup: string;
  accessWriteGroup: string;
}

export function commonNames(name: string): CommonNames {
  const base = `${name}-postgresql`;
  return {
    base,
    secret: `${base}-secret`,
    passwordGenerator: `${base}-password`,
    connection: `${base}-connection`,
    service: base,
    networkPolicy: base,
    monitor: base,
    tlsCertificate: `${base}-tls`,
    tlsSecret: `${base}-tls`,
    accessConfig: `${base}-access`,
    accessReadGroup: `${base}-access-read`,
    accessWriteGroup: `${base}-access-write`,
  };
}

/** A derived object name and the limit Kubernetes puts on it. */
export interface NameRule {
  kind: string;
  name: string;
  max: number;
  why: string;
  dns1035?: boolean;
}

export const SERVICE_NAME_WHY = 'Service names are DNS-1035 labels of at most 63 characters';
export const DNS1123_NAME_WHY = 'names are DNS-1123 labels of at most 63 characters';

/** Names the strictest limit the name breaks (so the advice is right), and whether it must start with a letter. */
export function checkNameRules(name: string, rules: NameRule[]): FieldIssue[] {
  const issues: FieldIssue[] = [];
  const tooLong = rules
    .filter(rule => rule.name.length > rule.max)
    .sort((a, b) => b.name.length - b.max - (a.name.length - a.max))[0];
  if (tooLong) {
    const allowed = name.length - (tooLong.name.length - tooLong.max);
    issues.push({
      path: 'metadata.name',
      message: `too long: the ${tooLong.kind} "${echo(tooLong.name)}" would be ${tooLong.name.length} characters; ${tooLong.why}. Use at most ${allowed} characters`,
    });
  }
  const notDns1035 = rules.find(rule => rule.dns1035 && !DNS1035_LABEL.test(rule.name));
  if (notDns1035) {
    issues.push({ path: 'metadata.name', message: `must start with a letter: the ${notDns1035.kind} "${echo(notDns1035.name)}" must be a DNS-1035 label` });
  }
  return issues;
}

/** The grants Job of access roles, `{name}-access-<8 hex digits>`: its pods carry its name in their job-name label, at most 63 characters. */
export function accessJobRule(name: string): NameRule {
  return { kind: 'Job', name: `${name}-access-00000000`, max: 63, why: 'Job names label their pods (job-name), at most 63 characters' };
}

export function importJobRule(name: string): NameRule {
  return { kind: 'Job', name: `${name}-import-00000000`, max: 63, why: 'Job names label their pods (job-name), at most 63 characters' };
}
