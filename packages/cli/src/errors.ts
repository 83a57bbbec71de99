/** A problem with how stowage was invoked or configured: printed as `stowage: <message>`, exit code 2. */
export class UsageError extends Error {
  override name = 'UsageError';
}
