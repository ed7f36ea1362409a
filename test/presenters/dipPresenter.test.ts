import { describe, expect, it } from 'vitest'
import { presentAppointmentRow, presentAwaitingStatements } from '../../server/features/dip/dipPresenter.ts'

// What the DIP lists say, from rows alone: the section the appointment is under, whether it is
// due, and how near each failure is to its time bar (MCA 1980 s127).

type AppointmentRow = Parameters<typeof presentAppointmentRow>[0]
type Awaiting = Parameters<typeof presentAwaitingStatements>

const appointment = (changes: Partial<AppointmentRow>): AppointmentRow =>
  ({
    id: 'a1',
    surname: 'Okafor',
    forenames: 'Daniel',
    kind: 'initial',
    scheduled_at: new Date('2026-12-05T10:30:00Z'),
    outcome: null,
    ...changes,
  }) as AppointmentRow

describe('today’s appointments', () => {
  it('names the section, says the outcome, and is due once its time has come', () => {
    const now = new Date('2026-12-05T10:30:00Z')
    const initial = presentAppointmentRow(appointment({}), 'today', now)
    expect(initial).toMatchObject({
      name: 'OKAFOR, Daniel',
      when: '10:30',
      kindLabel: 'Initial (s9)',
      outcomeLabel: '',
      due: true,
    })
    const later = presentAppointmentRow(
      appointment({ kind: 'follow_up', scheduled_at: new Date('2026-12-05T10:31:00Z'), outcome: 'did_not_attend' }),
      'today',
      now,
    )
    expect(later).toMatchObject({ kindLabel: 'Follow-up (s10)', outcomeLabel: 'Did not attend', due: false })
    // The week's list gives the day as well as the time.
    expect(presentAppointmentRow(appointment({}), 'week', now).when).toBe('Sat, 5 Dec 2026, 10:30')
  })
})

describe('failures awaiting a statement', () => {
  it('gives each failure its section and time bar, and the time-barred ones the date the bar fell', () => {
    const rows = [
      {
        id: 'f1',
        surname: 'Okafor',
        forenames: 'Daniel',
        failure_date: '2026-11-02',
        section: 's14',
        time_bar_date: '2027-05-02',
      },
    ] as unknown as Awaiting[0]
    const barred = [
      {
        id: 'f2',
        surname: 'Price',
        forenames: 'Ann',
        failure_date: '2026-05-01',
        section: 's12',
        time_bar_date: '2026-11-01',
        wanted_since: '2026-05-10',
      },
    ] as unknown as Awaiting[1]
    const shown = presentAwaitingStatements(rows, barred, '2026-12-05')
    expect(shown.rows[0]).toMatchObject({ name: 'OKAFOR, Daniel', failureDate: '2 November 2026', sectionText: 'S14' })
    expect(shown.rows[0]?.timeBar).toBeTruthy()
    expect(shown.timeBarred[0]).toMatchObject({
      name: 'PRICE, Ann',
      sectionText: 'S12',
      timeBarDate: '1 November 2026',
      wantedSince: '10 May 2026',
    })
  })
})
