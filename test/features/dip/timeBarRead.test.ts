import { sql } from 'kysely'
import { describe, expect, it } from 'vitest'
import type { FailureStatus } from '../../../db/types.ts'
import { addDays } from '../../../server/domain/time.ts'
import {
  entryFailureStatusOn,
  entryFailureStillOn,
  statusOn,
  stillOn,
  type LiveStatus,
} from '../../../server/features/dip/dipFailureRepository.ts'
import { fileDatabase } from '../../helpers/testDatabase.ts'

// The time bar (MCA 1980 s127) has one statement, dip_failure_status_on. The lists seek their
// index with stillOn, which adds what the rule implies: these tests hold the two to the same
// answer for every status and time bar around today, on a failure's columns and an entry's.

const t = fileDatabase()

const statuses: FailureStatus[] = [
  'open',
  'wanted',
  'arrested',
  'charged',
  'summonsed',
  'no_further_action',
  'withdrawn',
  'time_barred',
]
const live: LiveStatus[] = ['open', 'wanted', 'arrested']
const today = '2026-12-06'
const timeBars = [-200, -2, -1, 0, 1, 2, 200].map((days) => addDays(today, days))

async function answers(column: 'failure' | 'entry', status: FailureStatus, timeBar: string, asked: LiveStatus) {
  const [row, status_, still] =
    column === 'failure'
      ? [sql`f(status, time_bar_date)`, statusOn('f', today), stillOn('f', asked, today)]
      : [
          sql`e(failure_status, failure_time_bar_date)`,
          entryFailureStatusOn('e', today),
          entryFailureStillOn('e', asked, today),
        ]
  const result = await sql<{ status: string; still: boolean }>`
    select ${status_} as status, ${still} as still
      from (values (${status}::text, ${timeBar}::date)) as ${row}`.execute(t.db)
  return result.rows[0]!
}

describe('the time bar read: stillOn says what the rule says', () => {
  for (const column of ['failure', 'entry'] as const)
    it(`for ${column === 'failure' ? "a failure's" : "a CID entry's"} columns, every status and time bar around today`, async () => {
      for (const status of statuses)
        for (const timeBar of timeBars)
          for (const asked of live) {
            const { status: onToday, still } = await answers(column, status, timeBar, asked)
            expect(still, `${status}, time bar ${timeBar}, asked ${asked}`).toBe(onToday === asked)
          }
    })

  it('a live failure is time-barred the day after its time bar, not on it', async () => {
    expect((await answers('failure', 'wanted', today, 'wanted')).still).toBe(true)
    expect((await answers('failure', 'wanted', addDays(today, -1), 'wanted')).status).toBe('time_barred')
  })
})
