import { describe, expect, it } from 'vitest'
import { todaySlots } from '../../../db/seed/demoDipPlan.ts'
import { londonWallClock } from '../../../server/features/dip/dipRules.ts'

// The demo's appointment times today, whatever the time of day the app starts: seven, all today
// in office hours (London); in the working day some already due and some to come.

const wallClock = (t: Date) => londonWallClock.format(t).split(', ')

describe('the demo’s appointment times today', () => {
  const cases: [string, string, Date][] = [
    ['a winter night', '2026-11-26', new Date('2026-11-26T00:08:00Z')],
    ['03:05 on a summer Saturday', '2026-07-04', new Date('2026-07-04T02:05:00Z')],
    ['09:00 in winter', '2026-11-26', new Date('2026-11-26T09:00:00Z')],
    ['13:20 in summer', '2026-07-06', new Date('2026-07-06T12:20:00Z')],
    ['17:45 in winter', '2026-11-26', new Date('2026-11-26T17:45:00Z')],
    ['23:50 in summer', '2026-07-06', new Date('2026-07-06T22:50:00Z')],
  ]
  for (const [name, day, now] of cases) {
    it(`starting at ${name}: seven, ascending, today, 09:00–17:00 London time`, () => {
      const slots = todaySlots(day, now)
      expect(slots).toHaveLength(7)
      expect(slots.map((s) => s.getTime())).toEqual(slots.map((s) => s.getTime()).sort((a, b) => a - b))
      for (const s of slots) {
        const [slotDay, time = ''] = wallClock(s)
        expect(slotDay).toBe(day)
        expect(time >= '09:00' && time <= '17:00', time).toBe(true)
      }
    })
  }

  it('before the office opens, all are still to come', () => {
    const now = new Date('2026-07-04T02:05:00Z')
    expect(todaySlots('2026-07-04', now).filter((s) => s <= now)).toEqual([])
  })

  it('in the working day, four are already due and three to come', () => {
    const now = new Date('2026-07-06T12:20:00Z')
    expect(todaySlots('2026-07-06', now).filter((s) => s <= now)).toHaveLength(4)
  })

  it('after the office closes, all are already due, so there are some to record', () => {
    const now = new Date('2026-11-26T17:45:00Z')
    expect(todaySlots('2026-11-26', now).filter((s) => s <= now)).toHaveLength(7)
  })
})
