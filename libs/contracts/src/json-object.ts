/** A parsed JSON object (not null, not an array): the first step of the hand-written message checks. */
export function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
