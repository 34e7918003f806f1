import type { Plan } from '../plan/plan';
import type { Manifest } from '../render/manifest';
import type { FieldIssue } from '../request/errors';
import type { ResolvedSpec } from '../request/types';
import { cloudNativePgReview } from './cloudnative-pg/engine';
import type { SemanticChange, Workload } from './engine';
import { sharedServerReview } from './shared-server/engine';
import { statefulSetReview } from './statefulset/engine';

/** Workloads of any engine's objects: a kind belongs to one engine, so every reader is asked. */
export function workloadOf(manifest: Manifest): Workload | null {
  return statefulSetReview.workload(manifest) ?? cloudNativePgReview.workload(manifest);
}

export function engineChoices(plan: Plan): [string, string][] {
  switch (plan.engine) {
    case 'statefulset':
      return statefulSetReview.choices(plan);
    case 'cloudnative-pg':
      return cloudNativePgReview.choices(plan);
    case 'shared-server':
      return sharedServerReview.choices(plan);
  }
}

export function engineWarnings(plan: Plan): string[] {
  switch (plan.engine) {
    case 'statefulset':
      return statefulSetReview.warnings(plan);
    case 'cloudnative-pg':
      return cloudNativePgReview.warnings(plan);
    case 'shared-server':
      return sharedServerReview.warnings(plan);
  }
}

/** What stays when the database's files leave the state store, and how to delete it for good. */
export function engineRetained(plan: Plan): { stays: string[]; commands: string[] } {
  switch (plan.engine) {
    case 'statefulset':
      return statefulSetReview.retained(plan);
    case 'cloudnative-pg':
      return cloudNativePgReview.retained(plan);
    case 'shared-server':
      return sharedServerReview.retained(plan);
  }
}

/** What the engine a database runs on cannot become in place (both requests on the same engine). */
export function engineChangeIssues(before: ResolvedSpec, after: ResolvedSpec): FieldIssue[] {
  switch (before.engine) {
    case 'statefulset':
      return statefulSetReview.changeIssues(before, after);
    case 'cloudnative-pg':
      return cloudNativePgReview.changeIssues(before, after);
    case 'shared-server':
      return sharedServerReview.changeIssues(before, after);
  }
}

/** Which pods the change from `before` to `after` restarts, on the engine the database runs on. */
export function engineRestarts(plan: Plan, before: Manifest[], after: Manifest[]): string[] {
  switch (plan.engine) {
    case 'statefulset':
      return statefulSetReview.restarts(before, after);
    case 'cloudnative-pg':
      return cloudNativePgReview.restarts(before, after);
    case 'shared-server':
      return sharedServerReview.restarts(before, after);
  }
}

/** How a field's change reads on the engine the database runs on after the change. */
export function engineFieldChange(plan: Plan, key: keyof ResolvedSpec, before: ResolvedSpec, after: ResolvedSpec, text: string): SemanticChange[] | undefined {
  switch (plan.engine) {
    case 'statefulset':
      return statefulSetReview.fieldChange(key, before, after, text);
    case 'cloudnative-pg':
      return cloudNativePgReview.fieldChange(key, before, after, text);
    case 'shared-server':
      return sharedServerReview.fieldChange(key, before, after, text);
  }
}
