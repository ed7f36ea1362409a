import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { DbHandle } from '../../db/index.ts'
import { seedDemo } from '../../db/seed/demo.ts'
import { todayInLondon } from '../../server/domain/time.ts'
import { isWorkingDay, londonWallClock } from '../../server/features/dip/dipRules.ts'
import { demoPassword } from '../helpers/constants.ts'
import { createEmptyDatabase } from './emptyDatabase.ts'

// The demo is a working day whenever the app first starts: every appointment is in office hours
// (09:00–17:00, London), and every one not dated today falls on a working day (today's stay
// today, even at a weekend or on a bank holiday, since the demo promises appointments today).

const starts: [string, Date][] = [
  ['03:05 on a Saturday in summer', new Date('2026-07-04T02:05:00Z')],
  ['a weekday evening in winter', new Date('2026-12-09T19:40:00Z')],
  ['late morning on a bank holiday Monday', new Date('2026-08-31T10:00:00Z')],
]

const officeHours = /^(09|1[0-6]):[0-5]\d$|^17:00$/

/** 'YYYY-MM-DD' and 'HH:MM' of an instant, in London. */
function wallClock(instant: Date): { day: string; time: string } {
  const [day = '', time = ''] = londonWallClock.format(instant).split(', ')
  return { day, time }
}

describe.each(starts)('the demo seeded at %s', (_name, now) => {
  let handle: DbHandle
  const today = todayInLondon(now)

  beforeAll(async () => {
    handle = await createEmptyDatabase()
    await seedDemo(handle.db, { password: demoPassword, now })
  })
  afterAll(async () => {
    await handle?.close()
  })

  const booked = async () =>
    (await handle.db.selectFrom('appointment').select('scheduled_at').execute()).map((a) => new Date(a.scheduled_at))
  // The times an appointment was moved from were appointments too, shown on its RA2 history.
  const movedFrom = async () =>
    (await handle.db.selectFrom('appointment_change').select('previous_scheduled_at').execute()).map(
      (c) => new Date(c.previous_scheduled_at),
    )

  it('has appointments dated today, all in office hours', async () => {
    const todays = (await booked()).filter((t) => wallClock(t).day === today)
    expect(todays.length).toBeGreaterThanOrEqual(7)
    for (const t of todays) expect(wallClock(t).time, t.toISOString()).toMatch(officeHours)
  })

  it('puts every appointment at 09:00–17:00 London time, and every one not today on a working day', async () => {
    const times = [...(await booked()), ...(await movedFrom())]
    expect(times.length).toBeGreaterThan(100)
    const outOfHours = times.filter((t) => !officeHours.test(wallClock(t).time))
    const notWorkingDays = times.filter((t) => wallClock(t).day !== today && !isWorkingDay(wallClock(t).day))
    expect(outOfHours.map((t) => londonWallClock.format(t))).toEqual([])
    expect(notWorkingDays.map((t) => londonWallClock.format(t))).toEqual([])
  })
})
