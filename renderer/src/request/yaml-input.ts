import { isAlias, isMap, isPair, isScalar, isSeq, parseAllDocuments, visit, type Node } from 'yaml';
import { RequestValidationError, type FieldIssue } from './errors';

/** A request is a page of YAML; anything far larger is a mistake or an attack, refused before parsing. */
export const MAX_YAML_BYTES = 256 * 1024;

/** An attack can make thousands of the same complaint; the first few say it. */
const MAX_ISSUES = 10;

/** The tags plain YAML data uses; any other explicit tag (!!js/function, !Secret) is refused. */
const CORE_TAGS = new Set(['str', 'int', 'float', 'bool', 'null', 'map', 'seq'].map(t => `tag:yaml.org,2002:${t}`));

function pathOf(ancestors: readonly unknown[]): string {
  const parts: string[] = [];
  for (let i = 0; i < ancestors.length; i++) {
    const node = ancestors[i];
    if (isPair(node) && isScalar(node.key)) parts.push(String(node.key.value));
    else if (isSeq(node) && i + 1 < ancestors.length) parts.push(String(node.items.indexOf(ancestors[i + 1] as Node)));
  }
  return parts.join('.') || '(request)';
}

/**
 * Reads the YAML of a request, a stored request or platform settings as plain data: one
 * document, no duplicate keys, no aliases (so no anchor bombs), no custom tags, bounded size.
 * Everything refused names where it is, in the same error as any other invalid field.
 */
export function parseYamlInput(text: string, source: string): unknown {
  const bytes = new TextEncoder().encode(text).length;
  if (bytes > MAX_YAML_BYTES) throw new RequestValidationError([{ path: '(request)', message: `${source} is ${bytes} bytes; a request is at most ${MAX_YAML_BYTES}` }]);
  const documents = parseAllDocuments(text, { uniqueKeys: true, prettyErrors: false });
  const list = Array.isArray(documents) ? documents : [documents];
  if (list.length > 1) throw new RequestValidationError([{ path: '(request)', message: `${source} holds ${list.length} YAML documents; give one request per file` }]);
  if (list.length === 0) return null;
  const [document] = list;
  const issues: FieldIssue[] = [];
  for (const error of document.errors) {
    issues.push({ path: '(request)', message: `${source} is not valid YAML: ${error.message.split('\n')[0]}` });
  }
  visit(document, (_key, node, ancestors) => {
    if ((isScalar(node) || isMap(node) || isSeq(node)) && node.tag && !CORE_TAGS.has(node.tag)) {
      issues.push({ path: pathOf([...ancestors, node]), message: `the YAML tag ${node.tag.slice(0, 40)} is not accepted: a request holds plain values` });
    }
    if (isAlias(node)) {
      issues.push({ path: pathOf([...ancestors, node]), message: 'YAML aliases (*name) are not accepted: write the value out' });
      return visit.SKIP;
    }
    return undefined;
  });
  if (issues.length > MAX_ISSUES) issues.splice(MAX_ISSUES, issues.length, { path: '(request)', message: `and ${issues.length - MAX_ISSUES} more like these` });
  if (issues.length > 0) throw new RequestValidationError(issues);
  return document.toJS({ maxAliasCount: 0 });
}
