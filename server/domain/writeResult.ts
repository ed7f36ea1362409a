// What every service write answers. Routes turn each answer into its page (http/writeResult.ts).

/** What a service's write answers: done, or why not (the route turns each into its page). */
export type WriteResult<T = string> =
  | { ok: true; id: T }
  | { ok: false; kind: 'notFound' }
  | { ok: false; kind: 'stale' }
  | { ok: false; kind: 'invalid'; field: string; message: string }
  /** The form's idempotency key was already used by someone else or for another form. */
  | { ok: false; kind: 'keyReused' }

export const invalidResult = (field: string, message: string) => ({ ok: false as const, kind: 'invalid' as const, field, message })
