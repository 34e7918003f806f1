import type { FieldIssue } from '../request/errors';
import type { Manifest } from '../render/manifest';
import type { ResolvedSpec } from '../request/types';
import type { PlatformSettings } from '../request/platform';

/** What an object runs and keeps: long-running pods with their containers' resources, and every volume it claims. */
export interface Workload {
  pods: number;
  /** The containers of one pod. */
  containers: { resources?: { requests?: Record<string, string>; limits?: Record<string, string> } }[];
  /** Sizes of all its volumes, one entry per volume. */
  volumes: string[];
}

/** The object of a kind and name in a list, if any. */
export const find = (manifests: Manifest[], kind: string, name: string): any => manifests.find(m => m.kind === kind && m.metadata.name === name);
export const changed = (a: unknown, b: unknown) => JSON.stringify(a) !== JSON.stringify(b);

/** The same volumes for each of `pods` pods. */
export const perPod = (pods: number, sizes: string[]): string[] => Array.from({ length: pods }, () => sizes).flat();

export interface SemanticChange {
  /** Human-readable, like "size: small -> medium". */
  text: string;
  /** Data at risk or a change the renderer cannot carry out safely on its own. */
  destructive: boolean;
  /** A manual step the change needs after merge. */
  action?: string;
}

/** What the review layer asks of an engine: its workloads, its words for the PR, its rules for changes. */
export interface ReviewEngine<P> {
  /** Workloads among the engine's objects, for the resource totals; null for objects that are none. */
  workload(manifest: Manifest): Workload | null;
  /** Rows of the PR's choices table beyond the common ones. */
  choices(plan: P): [string, string][];
  /** What a reviewer should know about this engine's database. */
  warnings(plan: P): string[];
  /** Which pods a change restarts and how (rolling or not), read from the objects before and after. */
  restarts(before: Manifest[], after: Manifest[]): string[];
  /**
   * What to run before the retirement is merged, what stays in the cluster (and elsewhere) when the
   * database's files leave the state store, and the commands to delete it for good.
   */
  retained(plan: P): { before?: string[]; stays: string[]; commands: string[] };
  /** What this engine cannot become in place, beyond the common rules (change-rules.ts). */
  changeIssues(before: ResolvedSpec, after: ResolvedSpec, platform: PlatformSettings): FieldIssue[];
  /** How a change of one field reads on this engine; undefined for the plain "a -> b". */
  fieldChange(key: keyof ResolvedSpec, before: ResolvedSpec, after: ResolvedSpec, text: string, plan: P): SemanticChange[] | undefined;
}
