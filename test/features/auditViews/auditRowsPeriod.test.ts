import { sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { DbHandle } from '../../../db/index.ts'
import { generateVolume } from '../../../db/seed/volume/index.ts'
import { createProgress } from '../../../db/seed/volume/progress.ts'
import { activityByDay, auditRows } from '../../../server/features/auditViews/auditViewsRepository.ts'
import { addDays, todayInLondon } from '../../../server/domain/time.ts'
import { demoPassword } from '../../helpers/constants.ts'
import { createTestDatabase } from '../../helpers/testDatabase.ts'
import { sealed } from '../../helpers/factories.ts'

let t: DbHandle
let actor: string
let user: { actorUserId: string; readerAreaIds: string[] }
const today = todayInLondon()

beforeAll(async () => {
  t = await createTestDatabase({ statementTimeoutMs: 60_000 })
  await t.asOwner((owner) =>
    generateVolume(owner, {
      people: 40,
      seed: 3,
      auditRows: 4000,
      password: demoPassword,
      progress: createProgress(process.stderr, { quiet: true }),
    }),
  )
  const busiest = await sql<{ actor_user_id: string }>`
    select actor_user_id from audit_event where actor_user_id is not null group by 1 order by count(*) desc, 1 limit 1`.execute(
    await sealed(t.db),
  )
  actor = busiest.rows[0]!.actor_user_id
  // A reader over every area: the rows are all of the user's but those about erased records.
  user = { actorUserId: actor, readerAreaIds: (await t.db.selectFrom('area').select('id').execute()).map((a) => a.id) }
}, 120_000)
afterAll(async () => {
  await t.close()
})

/** The same rows the slow way: every row of the user, filtered here. */
async function expected(from: string | undefined, to: string | undefined, beforeId?: number) {
  const all = await (
    await sealed(t.db)
  )
    .selectFrom('audit_event')
    .select(['id', 'occurred_at'])
    .where('actor_user_id', '=', actor)
    .where((eb) =>
      eb.or([eb('person_id', 'is', null), eb('person_id', 'in', eb.selectFrom('person').select('person.id'))]),
    )
    .orderBy('id', 'desc')
    .execute()
  const londonDay = (d: Date) => d.toLocaleDateString('en-CA', { timeZone: 'Europe/London' })
  return all
    .filter(
      (r) =>
        (!from || londonDay(r.occurred_at) >= from) &&
        (!to || londonDay(r.occurred_at) <= to) &&
        (!beforeId || r.id < beforeId),
    )
    .map((r) => r.id)
}

describe("a user's audit rows within dates", () => {
  it('are exactly the rows in the period, newest first, page after page', async () => {
    const periods: [string | undefined, string | undefined][] = [
      [addDays(today, -180), addDays(today, -90)],
      [addDays(today, -365), undefined],
      [undefined, addDays(today, -600)],
      [addDays(today, 1), undefined],
      [addDays(today, -3000), addDays(today, -2000)],
    ]
    for (const [from, to] of periods) {
      const want = await expected(from, to)
      const got: number[] = []
      let beforeId: number | undefined
      for (;;) {
        const page = await auditRows(t.db, user, { from, to }, { limit: 25, ...(beforeId ? { beforeId } : {}) })
        got.push(...page.map((r) => r.id))
        if (page.length < 25) break
        beforeId = page[page.length - 1]!.id
      }
      expect(got, `${from} to ${to}`).toEqual(want)
    }
  })

  it('are counted by London day and action', async () => {
    const from = addDays(today, -200)
    const byDay = await activityByDay(t.db, user, { from })
    expect(byDay.reduce((sum, d) => sum + d.n, 0)).toBe((await expected(from, undefined)).length)
    expect(byDay[0]?.day).toMatch(/^\d{4}-\d{2}-\d{2}$/)
  })
})
