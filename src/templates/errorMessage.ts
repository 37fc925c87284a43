/**
 * The sentence shown for a failed request.
 */
export function messageOf(reason: unknown): string {
  if (reason instanceof Error && reason.message) {
    return reason.message;
  }
  return String(reason);
}
