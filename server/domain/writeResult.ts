// What every service write answers. Routes turn each answer into its page (http/formPost.ts).

/**
 * What a service's write answers: done (with what it made), or why not. `stale` may carry the
 * record as it now stands, for a form that shows what changed meanwhile.
 */
export type WriteResult<T = string, Current = never> =
  | { ok: true; id: T }
  | { ok: false; kind: 'notFound' }
  | { ok: false; kind: 'stale'; current?: Current }
  | { ok: false; kind: 'invalid'; field: string; message: string }
  /** The form's idempotency key was already used by someone else or for another form. */
  | { ok: false; kind: 'keyReused' }

export const done = <T>(id: T) => ({ ok: true as const, id })
export const invalidResult = (field: string, message: string) => ({
  ok: false as const,
  kind: 'invalid' as const,
  field,
  message,
})
export const notFoundResult = { ok: false as const, kind: 'notFound' as const }
export const staleResult = { ok: false as const, kind: 'stale' as const }
export const keyReusedResult = { ok: false as const, kind: 'keyReused' as const }
