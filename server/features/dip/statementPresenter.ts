import type { TestResult } from '../../../db/types.ts'
import { formatDate } from '../../presenters/format.ts'
import { formatTime, formatWhen, imposedByText, resultWithLab } from './dipPresenter.ts'

/** What the MG11 needs of a failure (dipFailureRepository.findFailureInAreas gives it). */
export type StatementFacts = {
  id: string
  section: 's12' | 's14'
  appointment_kind: 'initial' | 'follow_up'
  scheduled_at: Date
  place: string
  assessor: string
  form: 'RA1' | 'RA4'
  outcome: 'attended' | 'left_early' | 'did_not_attend'
  surname: string
  forenames: string
  date_of_birth: string
  pnc_id: string | null
  custody_suite_name: string
  custody_number: string
  sample_taken_at: Date
  opiates: TestResult
  cocaine: TestResult
  confirmed_opiates: TestResult | null
  confirmed_cocaine: TestResult | null
  confirmed_on: string | null
  imposed_at: Date
  imposed_by_officer: string | null
  imposed_by_name: string | null
  failure_date: string
  time_bar_date: string
}

/**
 * The evidential statement in the MG11 shape (CJA 1967 s9): the witness is the assessor the
 * person was to see, speaking in the first person of what they know (the appointment, that the
 * person did not attend or left, that no good cause was given to them). What happened in custody
 * (the test, its result, the requirement and who imposed it) the witness did not see: it is cited
 * as a reference from the records, never stated as their observation.
 */
export function presentStatement(f: StatementFacts) {
  const person = `${f.forenames} ${f.surname.toUpperCase()}`
  const assessment = f.appointment_kind === 'initial' ? 'an initial assessment' : 'a follow-up assessment'
  const day = formatDate(f.failure_date)
  const paragraphs = [
    `I am a drug worker with the Drug Interventions Programme. I carry out required assessments under the Drugs Act 2005.`,
    `On ${day} I was due to carry out ${assessment} of ${person} (born ${formatDate(f.date_of_birth)}) at ${f.place}, at ${formatTime(f.scheduled_at)}. ` +
      `The appointment was set on form ${f.form}${f.form === 'RA4' ? ', which confirmed the follow-up at the end of the initial assessment' : ', the notice of requirement'}.`,
    f.outcome === 'did_not_attend'
      ? `I was at ${f.place} at the time of the appointment. ${person} did not attend.`
      : `${person} attended but left before the end of the assessment, before I had completed it.`,
    `${person} has not given me any reason for failing to ${f.outcome === 'did_not_attend' ? 'attend' : 'remain for the whole of the assessment'}, and I know of no good cause.`,
  ]
  const references = [
    { label: 'Custody suite and number', value: `${f.custody_suite_name}, ${f.custody_number}` },
    { label: 'Sample taken', value: formatWhen(f.sample_taken_at) },
    { label: 'Opiates', value: resultWithLab(f.opiates, f.confirmed_opiates, f.confirmed_on) },
    { label: 'Cocaine', value: resultWithLab(f.cocaine, f.confirmed_cocaine, f.confirmed_on) },
    { label: 'Requirement imposed', value: [formatWhen(f.imposed_at), imposedByText(f)].filter(Boolean).join(' by ') },
    {
      label: 'Offence',
      value: `Drugs Act 2005 s${f.section === 's12' ? '12' : '14'}: failing without good cause to ${f.outcome === 'did_not_attend' ? 'attend' : 'remain for'} ${assessment}`,
    },
    {
      label: 'Person',
      value: `${person}, born ${formatDate(f.date_of_birth)}${f.pnc_id ? `, PNC ID ${f.pnc_id}` : ''}`,
    },
    { label: 'Proceedings by', value: `${formatDate(f.time_bar_date)} (Magistrates' Courts Act 1980 s127)` },
  ]
  return {
    witness: f.assessor,
    occupation: 'Drug worker (assessor), Drug Interventions Programme',
    reference: `DIP failure ${f.id.slice(0, 8).toUpperCase()}`,
    paragraphs,
    references,
  }
}
