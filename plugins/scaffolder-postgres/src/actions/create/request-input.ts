import { RequestValidationError, requestFromFields } from '@postgres-gitops/renderer';
import { ACTION_INPUT_FIELDS } from './schema';

/**
 * The action's flat input as a request object for the renderer. An input the action does not
 * know is refused, not dropped: the scaffolder's own schema check can be bypassed (a handler
 * called by another action), and a misspelt field must not pass silently.
 */
export function requestFromInput(input: Record<string, unknown>, requestedBy?: string) {
  const unknown = Object.keys(input).filter(key => !ACTION_INPUT_FIELDS.includes(key));
  if (unknown.length > 0) throw new RequestValidationError([{ path: '(input)', message: `unknown field(s) ${unknown.map(k => `"${k.slice(0, 40)}"`).join(', ')}; see the action's input at /create/actions` }]);
  return requestFromFields(input, requestedBy);
}
