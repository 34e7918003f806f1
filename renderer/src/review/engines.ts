import type { Plan } from '../plan/plan';
import type { Manifest } from '../render/manifest';
import type { FieldIssue } from '../request/errors';
import type { ResolvedSpec } from '../request/types';
import type { PlatformSettings } from '../request/platform';
import { cloudNativePgReview } from './cloudnative-pg/engine';
import type { ReviewEngine, SemanticChange, Workload } from './engine';
import { sharedServerReview } from './shared-server/engine';
import { statefulSetReview } from './statefulset/engine';

/** Each engine's review, for the plans of that engine. */
const REVIEWS: { [E in Plan['engine']]: ReviewEngine<Extract<Plan, { engine: E }>> } = {
  statefulset: statefulSetReview,
  'cloudnative-pg': cloudNativePgReview,
  'shared-server': sharedServerReview,
};

/** The review of the engine a plan runs on (the table above pairs them; TypeScript cannot follow the pairing through an index). */
const reviewOf = <P extends Plan>(plan: P) => REVIEWS[plan.engine] as unknown as ReviewEngine<P>;

/** Workloads of any engine's objects: a kind belongs to one engine, so every reader is asked. */
export function workloadOf(manifest: Manifest): Workload | null {
  return statefulSetReview.workload(manifest) ?? cloudNativePgReview.workload(manifest);
}

export const engineChoices = (plan: Plan): [string, string][] => reviewOf(plan).choices(plan);

export const engineWarnings = (plan: Plan): string[] => reviewOf(plan).warnings(plan);

/** What stays when the database's files leave the state store, and how to delete it for good. */
export const engineRetained = (plan: Plan): { before: string[]; stays: string[]; commands: string[] } => ({ before: [], ...reviewOf(plan).retained(plan) });

/** What the engine a database runs on cannot become in place (both requests on the same engine). */
export const engineChangeIssues = (before: ResolvedSpec, after: ResolvedSpec, platform: PlatformSettings): FieldIssue[] => REVIEWS[before.engine].changeIssues(before, after, platform);

/** Which pods the change from `before` to `after` restarts, on the engine the database runs on. */
export const engineRestarts = (plan: Plan, before: Manifest[], after: Manifest[]): string[] => REVIEWS[plan.engine].restarts(before, after);

/** How a field's change reads on the engine the database runs on after the change. */
export const engineFieldChange = (plan: Plan, key: keyof ResolvedSpec, before: ResolvedSpec, after: ResolvedSpec, text: string): SemanticChange[] | undefined =>
  reviewOf(plan).fieldChange(key, before, after, text, plan);
