import { formatDate } from '../../presenters/format.ts'
import { fullName } from '../people/peoplePresenter.ts'
import { formatTime, formatWhen } from './dipPresenter.ts'
import type { AppointmentRecord } from './dipRepository.ts'
import { londonDay } from './dipRules.ts'

/**
 * The document given to the person for an appointment (Drugs Act 2005 Part 3): for the initial
 * assessment the notice of requirement (s9, with the follow-up requirement of s10 imposed at the
 * same time), for a follow-up the appointment letter (RA4). Each says where and when, that they
 * must stay to the end, and the offence of failing without good cause (s12 initial, s14 follow-up).
 */
export function presentAppointmentLetter(a: AppointmentRecord, printedAt: Date) {
  const initial = a.kind === 'initial'
  const day = formatDate(londonDay(a.scheduled_at))
  return {
    title: initial ? 'Notice of requirement to attend an initial assessment' : 'Follow-up assessment appointment',
    printable: true,
    appointmentId: a.id,
    initial,
    form: initial ? 'RA1' : 'RA4',
    name: fullName(a),
    dateOfBirth: formatDate(a.date_of_birth),
    pnc: a.pnc_id ?? 'Not known',
    address: a.address ?? 'Not known',
    day,
    time: formatTime(a.scheduled_at),
    place: a.place,
    assessor: a.assessor,
    imposedWhen: formatWhen(a.imposed_at),
    printedOn: formatDate(londonDay(printedAt)),
    section: initial ? 's12' : 's14',
    // A copy printed after the event (for the file, or a statement) says so, so that no one
    // takes it for a live requirement.
    copyNote: a.closed_on
      ? `Copy for the record: this requirement fell away on ${formatDate(a.fell_away_on ?? a.closed_on)} and this appointment is closed.`
      : a.attendance_outcome
        ? 'Copy for the record: attendance at this appointment has been recorded.'
        : undefined,
  }
}
