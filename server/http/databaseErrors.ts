const connectionErrorCodes = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  'EHOSTUNREACH',
  '57P01', // admin_shutdown
  '57P02', // crash_shutdown
  '57P03', // cannot_connect_now
  '53300', // too_many_connections
])

/** True when the database could not be reached or dropped us: the request should get a 503. */
export function isDatabaseUnavailable(error: unknown): boolean {
  if (!(error instanceof Error)) return false
  const code = (error as { code?: unknown }).code
  if (typeof code === 'string' && (connectionErrorCodes.has(code) || code.startsWith('08'))) return true
  if (error instanceof AggregateError) return error.errors.some(isDatabaseUnavailable)
  return /timeout exceeded when trying to connect|Connection terminated|Client has encountered a connection error|Query read timeout|connect ECONNREFUSED|Too many connections/i.test(
    error.message,
  )
}

// Text PostgreSQL cannot hold or read: NUL (22021), an untranslatable character (22P05), an
// over-long value (22001), malformed input for a column's type (22P02), a number out of range (22003).
const refusedInputCodes = new Set(['22021', '22P05', '22001', '22P02', '22003', '22007', '22008'])

// A write the database's own rules refused because the state changed under it: a unique or
// foreign-key violation (a second tab, a double submission) or one of the decisive rules it holds
// (SQLSTATE class CH, migration 20261205T0100). Services check first; this catches the race.
const changedMeanwhileCodes = new Set(['23505', '23503'])

/** True when a concurrent change made the write impossible: the request should get the 409 page, nothing written. */
export function isChangedMeanwhile(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code
  return typeof code === 'string' && (changedMeanwhileCodes.has(code) || /^CH\d{3}$/.test(code))
}

/**
 * True when the database refused a value the request carried. Forms check their input first;
 * this is the net under them, so that a value a check missed is a 400, never a 500.
 */
export function isRefusedInput(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code
  return typeof code === 'string' && refusedInputCodes.has(code)
}
