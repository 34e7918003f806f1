import type { Grant, Relation } from './authorize';
import type { Requester } from './requester';

/** Which credentials open the pull request (or push the branch). */
export type OpenedAs = { kind: 'requester'; host: string; github: boolean; login?: string } | { kind: 'platform'; host?: string };

function relationText(requester: Requester, relation: Relation, what: string): string {
  const who = `\`${requester.ref}\``;
  switch (relation.kind) {
    case 'owner':
      return `${who} owns ${what}`;
    case 'member':
      return `${who} is a member of \`${relation.group}\`, which owns ${what}`;
    case 'platform':
      return `${who} is a member of \`${relation.group}\`, a platform group (access.platformGroups) that may act on any database; acting on ${what}`;
    case 'policy':
      return `${who} does not own ${what}; the permission policy allows it`;
    case 'service':
      return `${who} is a Backstage service, not a person (Backstage trusts service-to-service calls); acting on ${what}`;
    case 'open':
      return `no group owns ${what} in the platform settings (access.namespaces is empty), so anyone signed in may create there`;
  }
}

function grantLine(requester: Requester, grant: Grant): string {
  const what = grant.subject.entityRef ? `${grant.subject.what} \`${grant.subject.entityRef}\`` : grant.subject.what;
  return `- ${relationText(requester, grant.relation, what)}${grant.permission ? ` (${grant.permission})` : ''}.`;
}

function openedAsLine(openedAs: OpenedAs): string {
  if (openedAs.kind === 'requester') {
    const who = openedAs.login ? `@${openedAs.login}` : 'the requester';
    return openedAs.github
      ? `- Opened as ${who} with the requester's own GitHub credentials: as its author, ${who} cannot approve it.`
      : `- Opened with the requester's own credentials for ${openedAs.host}.`;
  }
  return openedAs.host
    ? `- Opened with the platform's credentials (the integration for ${openedAs.host}), not the requester's own: the requester must not be its reviewer.`
    : "- Written by the Backstage backend to the platform's state store, with the platform's credentials.";
}

/** The pull request's "Who asked" section: the requester, how they stand to each thing acted on, and the identity that opened it. */
export function whoAsked(requester: Requester, grants: Grant[], openedAs: OpenedAs): string {
  return ['', '### Who asked', '', ...grants.map(g => grantLine(requester, g)), openedAsLine(openedAs), ''].join('\n');
}
