/** The state store moved under this run (another run, or a person); nothing was overwritten. */
export class ChangedMeanwhileError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ChangedMeanwhileError';
  }
}
