import pino from 'pino'

export type Logger = pino.Logger

/** Structured logs: ids only. Names, dates of birth and police references never go in a log line. */
export function createLogger(level: string): Logger {
  return pino({
    level,
    base: undefined,
    redact: { paths: ['password', '*.password', 'req.headers.cookie', 'headers.cookie'], censor: '[redacted]' },
  })
}
