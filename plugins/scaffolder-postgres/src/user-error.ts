import { InputError } from '@backstage/errors';

/**
 * An error for a user's mistake. The scaffolder writes an error's stack into the task log, and
 * frames of our code say nothing to the person who typed the value: the stack is the message.
 */
export function userError(message: string): InputError {
  const error = new InputError(message);
  error.stack = `${error.name}: ${message}`;
  return error;
}
