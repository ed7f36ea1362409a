import { sql, type Kysely } from 'kysely'
import type { Database } from '../../types.ts'
import { hashPassword } from '../../../server/auth/passwords.ts'
import { todayInLondon } from '../../../server/domain/time.ts'
import { processAuditKeys, type AuditKeyRing } from '../../../server/features/audit/auditKey.ts'
import { generateAudit } from './audit.ts'
import { generateCid } from './cid.ts'
import { generateCohorts } from './cohorts.ts'
import type { VolumeContext } from './context.ts'
import { generateDip } from './dip.ts'
import { generatePartnersAndRetention } from './partners.ts'
import { generatePeople } from './people.ts'
import { createProgress, type Progress } from './progress.ts'
import { createRng, volumeId } from './random.ts'
import { generateUsers, loadReferences } from './users.ts'

export const defaultVolumeSeed = 20261126
export const maxPeople = 1_000_000

export type VolumeOptions = {
  people: number
  seed?: number
  /** Audit rows to add, with a valid hash chain; none when absent. */
  auditRows?: number
  /** The keys that seal those rows: the process's own (registered by whatever opened the database) unless given. */
  auditKeys?: AuditKeyRing | undefined
  password: string
  /** Fixed in tests so two runs can be compared row for row; the real date and time otherwise. */
  now?: Date
  chunk?: number
  progress?: Progress
}

export type VolumeResult = { seed: number; people: number; rows: { label: string; rows: number; ms: number }[] }

/**
 * A synthetic East Area population on top of the demo data: every row a function of (seed, n),
 * dates relative to today. Set-based SQL in ranges of people, on one connection; see
 * server/decisions/0041-volume-generator.md for the shape. Refuses to run twice for the same seed on one database.
 */
export async function generateVolume(database: Kysely<Database>, options: VolumeOptions): Promise<VolumeResult> {
  const seed = options.seed ?? defaultVolumeSeed
  if (!Number.isInteger(options.people) || options.people < 1 || options.people > maxPeople) {
    throw new Error(`--people must be a whole number from 1 to ${maxPeople.toLocaleString('en-GB')}`)
  }
  if (!Number.isSafeInteger(seed) || seed < 0 || seed > 1_000_000_000)
    throw new Error('--seed must be a whole number from 0 to 1,000,000,000')
  const now = options.now ?? new Date()
  const today = todayInLondon(now)
  const progress = options.progress ?? createProgress()
  // Checked before anything is written: a keyed chain takes no row without its key.
  const auditKey = (options.auditKeys ?? processAuditKeys())?.current
  if (options.auditRows && !auditKey)
    throw new Error(
      '--audit-rows needs the audit key (AUDIT_KEY, or audit.key in DATA_DIR): the rows are sealed with it',
    )

  return database.connection().execute(async (db) => {
    const existing = await db
      .selectFrom('person')
      .select('id')
      .where('id', '=', volumeId(seed, 'p', 1))
      .executeTakeFirst()
    if (existing)
      throw new Error(
        `This database already has the synthetic population of seed ${seed}: use another --seed or a fresh database`,
      )
    const bcu = await db.selectFrom('area').select('id').where('code', '=', 'EA').executeTakeFirstOrThrow()
    const skipChecks = await skipForeignKeyChecks(db)

    progress.step('officers')
    const users = await generateUsers(db, seed, options.people, await hashPassword(options.password), bcu.id, now)
    progress.add(users.length)
    progress.done()

    const ctx: VolumeContext = {
      db,
      rng: createRng(seed),
      people: options.people,
      chunk: options.chunk ?? 5000,
      today,
      now,
      progress,
      refs: await loadReferences(db, users, today),
    }
    await generatePeople(ctx)
    await generateCohorts(ctx)
    await generateDip(ctx)
    await generateCid(ctx)
    await generatePartnersAndRetention(ctx)
    if (options.auditRows && auditKey) {
      const demo = await db
        .selectFrom('app_user')
        .select(['id', 'username'])
        .where('username', 'in', ['iom', 'dip', 'supervisor', 'cid'])
        .orderBy('username')
        .execute()
      await generateAudit(ctx, options.auditRows, [...users.filter((u) => u.role !== 'partner'), ...demo], auditKey)
    }
    if (skipChecks) await sql`set session_replication_role = origin`.execute(db)
    progress.step('analyze')
    await sql`analyze`.execute(db)
    progress.done()
    // The report's tallies, the CID listing, the retention basis and the surname vocabulary follow writes through triggers, which a session
    // skipping foreign key checks skips too: work them out from the rows as they now are (after
    // the analyze, so that each person's rows are looked up by index rather than read whole).
    progress.step('report tallies')
    await sql`select report_refresh(array(select id from person))`.execute(db)
    progress.done()
    progress.step('CID listing')
    await sql`select cid_listing_refresh(array(select distinct person_id from cid_entry))`.execute(db)
    progress.done()
    progress.step('retention review basis')
    await sql`select retention_basis_refresh(array(select id from person))`.execute(db)
    progress.done()
    progress.step('surname vocabulary')
    await sql`select surname_vocabulary_rebuild()`.execute(db)
    progress.done()
    // A vacuum marks the new pages all-visible, so index-only scans need not visit them: the
    // state autovacuum would reach on a live system, which is what a benchmark should measure.
    progress.step('vacuum')
    await sql`vacuum (analyze)`.execute(db)
    progress.done()
    return { seed, people: options.people, rows: progress.summary() }
  })
}

/**
 * Foreign keys are checked by per-row triggers, which cost more than the inserts themselves at
 * this volume. The rows are consistent by construction (the volume test checks every foreign
 * key), so where the role may (a superuser: the local PostgreSQL, PGlite) the session skips
 * them. Only this session; the app's own connections check as always.
 */
async function skipForeignKeyChecks(db: Kysely<Database>): Promise<boolean> {
  try {
    await sql`set session_replication_role = replica`.execute(db)
    return true
  } catch {
    return false
  }
}
