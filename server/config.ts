import path from 'node:path'
import { z } from 'zod'

const booleanFromEnv = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'])
  .transform((value) => value === 'true' || value === '1' || value === 'yes')

const positiveInt = z.coerce.number().int().positive()

/**
 * Everything the app reads from the environment, in one place. Parsed once at start;
 * a bad value stops the app with a message that names the variable.
 */
const envSchema = z.object({
  NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().min(1).default('0.0.0.0'),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// or postgresql:// URL')
    .optional(),
  MIGRATION_DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// or postgresql:// URL')
    .optional(),
  DATA_DIR: z.string().min(1).default('./data'),
  SESSION_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
  AUDIT_KEY: z.string().min(32, 'must be at least 32 characters').optional(),
  AUDIT_PREVIOUS_KEYS: z
    .string()
    .optional()
    .transform((raw) =>
      (raw ?? '')
        .split(',')
        .map((key) => key.trim())
        .filter((key) => key !== ''),
    )
    .refine((keys) => keys.every((key) => key.length >= 32), 'each key must be at least 32 characters'),
  AUDIT_CHECKPOINT_FILE: z.string().min(1).optional(),
  AUDIT_CHECKPOINT_SECONDS: positiveInt.max(3600).default(60),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  DEMO_PASSWORD: z.string().min(8).default('cohort-demo'),
  SEED_DEMO: booleanFromEnv.optional(),
  TRUST_PROXY: z.string().default('false'),
  SECURE_COOKIES: booleanFromEnv.optional(),
  DB_POOL_MAX: positiveInt.max(100).default(10),
  DB_CONNECT_TIMEOUT_MS: positiveInt.default(3000),
  DB_STATEMENT_TIMEOUT_MS: positiveInt.default(10000),
  SESSION_IDLE_MINUTES: positiveInt.default(30),
  SESSION_ABSOLUTE_HOURS: positiveInt.default(12),
  LOCKOUT_THRESHOLD: positiveInt.default(10),
  LOCKOUT_MINUTES: positiveInt.default(30),
  /** Failed sign-ins from one address in a window, whatever the usernames (a station behind one proxy). */
  SIGN_IN_FAILURES_PER_ADDRESS: positiveInt.optional(),
  /** The earlier name of SIGN_IN_FAILURES_PER_ADDRESS, still read so that existing settings keep working. */
  SIGN_IN_RATE_LIMIT: positiveInt.optional(),
  /** Failed sign-ins for one username from one address in a window. */
  SIGN_IN_FAILURES_PER_USERNAME: positiveInt.default(20),
  SIGN_IN_RATE_WINDOW_MINUTES: positiveInt.default(15),
  /** How often time-barred failures are closed and system proposals to CID made (the DIP sweep). */
  DIP_SWEEP_MINUTES: positiveInt.max(1440).default(5),
  REPORT_CACHE_MINUTES: z.coerce.number().int().min(0).max(1440).default(2),
  RETENTION_REVIEW_YEARS: positiveInt.max(100).default(6),
  RETENTION_REVIEW_YEARS_NEVER_ADOPTED: positiveInt.max(100).default(3),
})

export type Config = Readonly<{
  env: 'development' | 'test' | 'production'
  port: number
  host: string
  databaseUrl: string | undefined
  /** The owner's login for migrations, when the app's own login (DATABASE_URL) owns nothing. */
  migrationDatabaseUrl: string | undefined
  dataDir: string
  sessionSecret: string | undefined
  /** The audit chain's HMAC key (else audit.key in DATA_DIR), the keys before it, and where the signed checkpoints go. */
  audit: Readonly<{
    key: string | undefined
    previousKeys: readonly string[]
    checkpointFile: string
    checkpointIntervalMs: number
  }>
  logLevel: z.infer<typeof envSchema>['LOG_LEVEL']
  demoPassword: string
  seedDemo: boolean | undefined
  trustProxy: boolean | number | string
  secureCookies: boolean
  db: Readonly<{ poolMax: number; connectTimeoutMs: number; statementTimeoutMs: number }>
  session: Readonly<{ idleMs: number; absoluteMs: number }>
  /** How long the performance report's figures are served from report_cache; 0: worked out on every request. */
  reportCacheMinutes: number
  /** The DIP sweep's interval: it closes time-barred failures and makes system proposals to CID. */
  dipSweepMs: number
  retention: Readonly<{ reviewYears: number; reviewYearsNeverAdopted: number }>
  signIn: Readonly<{
    lockoutThreshold: number
    lockoutMs: number
    /** Only failed sign-ins count; a successful one gives its reserved attempt back. */
    rateLimit: Readonly<{ failuresPerAddress: number; failuresPerUsername: number }>
    rateWindowMs: number
  }>
}>

export class ConfigError extends Error {}

/** TRUST_PROXY takes what Express's "trust proxy" setting takes: a boolean, a hop count or a list. */
function parseTrustProxy(raw: string): boolean | number | string {
  if (raw === 'true') return true
  if (raw === 'false' || raw === '') return false
  if (/^\d+$/.test(raw)) return Number(raw)
  return raw
}

export function loadConfig(env: NodeJS.ProcessEnv): Config {
  const parsed = envSchema.safeParse(env)
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `  ${issue.path.join('.')}: ${issue.message}`)
    throw new ConfigError(`Invalid configuration in the environment:\n${problems.join('\n')}`)
  }
  const e = parsed.data
  return Object.freeze({
    env: e.NODE_ENV,
    port: e.PORT,
    host: e.HOST,
    databaseUrl: e.DATABASE_URL,
    migrationDatabaseUrl: e.MIGRATION_DATABASE_URL,
    dataDir: e.DATA_DIR,
    sessionSecret: e.SESSION_SECRET,
    audit: Object.freeze({
      key: e.AUDIT_KEY,
      previousKeys: Object.freeze(e.AUDIT_PREVIOUS_KEYS),
      checkpointFile: e.AUDIT_CHECKPOINT_FILE ?? path.join(e.DATA_DIR, 'audit-checkpoints.log'),
      checkpointIntervalMs: e.AUDIT_CHECKPOINT_SECONDS * 1000,
    }),
    logLevel: e.LOG_LEVEL,
    demoPassword: e.DEMO_PASSWORD,
    seedDemo: e.SEED_DEMO,
    trustProxy: parseTrustProxy(e.TRUST_PROXY),
    secureCookies: e.SECURE_COOKIES ?? e.NODE_ENV === 'production',
    db: Object.freeze({
      poolMax: e.DB_POOL_MAX,
      connectTimeoutMs: e.DB_CONNECT_TIMEOUT_MS,
      statementTimeoutMs: e.DB_STATEMENT_TIMEOUT_MS,
    }),
    session: Object.freeze({
      idleMs: e.SESSION_IDLE_MINUTES * 60_000,
      absoluteMs: e.SESSION_ABSOLUTE_HOURS * 3_600_000,
    }),
    reportCacheMinutes: e.REPORT_CACHE_MINUTES,
    dipSweepMs: e.DIP_SWEEP_MINUTES * 60_000,
    retention: Object.freeze({
      reviewYears: e.RETENTION_REVIEW_YEARS,
      reviewYearsNeverAdopted: e.RETENTION_REVIEW_YEARS_NEVER_ADOPTED,
    }),
    signIn: Object.freeze({
      lockoutThreshold: e.LOCKOUT_THRESHOLD,
      lockoutMs: e.LOCKOUT_MINUTES * 60_000,
      rateLimit: Object.freeze({
        failuresPerAddress: e.SIGN_IN_FAILURES_PER_ADDRESS ?? e.SIGN_IN_RATE_LIMIT ?? 300,
        failuresPerUsername: e.SIGN_IN_FAILURES_PER_USERNAME,
      }),
      rateWindowMs: e.SIGN_IN_RATE_WINDOW_MINUTES * 60_000,
    }),
  })
}
