import { describe, expect, it } from 'vitest'
import { todaySlots } from '../../../db/seed/demoDipPlan.ts'

// The demo's appointments today, whatever the time of day the app starts: some already due (one
// to record, at least), the rest to come, all within today in London.

const day = '2026-11-26'
const at = (time: string) => new Date(`${day}T${time}:00Z`) // November: London is on UTC

describe('the demo’s appointment times today', () => {
  for (const time of ['00:08', '00:36', '01:10', '09:00', '13:20', '17:45', '23:50']) {
    it(`starting at ${time}: seven slots, ascending, today, at least one already due`, () => {
      const now = at(time)
      const slots = todaySlots(day, now)
      expect(slots).toHaveLength(7)
      expect(slots.map((s) => s.getTime())).toEqual([...slots].map((s) => s.getTime()).sort((a, b) => a - b))
      for (const s of slots) expect(s.toISOString().slice(0, 10)).toBe(day)
      expect(slots.filter((s) => s <= now).length).toBeGreaterThanOrEqual(1)
    })
  }

  it('shortly after midnight, several are already due, so one is left to record beside one recorded', () => {
    expect(todaySlots(day, at('00:36')).filter((s) => s <= at('00:36')).length).toBeGreaterThanOrEqual(2)
  })
})
