import { describe, expect, it } from 'vitest'
import { presentStatement, type StatementFacts } from '../../../server/features/dip/statementPresenter.ts'

const facts: StatementFacts = {
  id: '0a1b2c3d-0000-4000-8000-000000000001',
  section: 's12',
  appointment_kind: 'initial',
  scheduled_at: new Date('2026-11-10T10:00:00Z'),
  place: 'CJIT office, Romford',
  assessor: 'Sam Okafor',
  form: 'RA1',
  outcome: 'did_not_attend',
  surname: 'Chainford',
  forenames: 'Dale',
  date_of_birth: '1985-03-02',
  pnc_id: '2009/0417263X',
  custody_suite_name: 'Romford',
  custody_number: 'KD/12345/26',
  sample_taken_at: new Date('2026-11-02T14:10:00Z'),
  opiates: 'positive',
  cocaine: 'negative',
  confirmed_opiates: 'positive',
  confirmed_cocaine: null,
  confirmed_on: '2026-11-07',
  imposed_at: new Date('2026-11-02T16:45:00Z'),
  imposed_by_officer: 'PC 1234 Jo Bloggs',
  imposed_by_name: 'Dee Worker',
  failure_date: '2026-11-10',
  time_bar_date: '2027-05-10',
}

describe('the MG11 evidential statement', () => {
  it('is made by the assessor, over 18, in the first person, about only what they know', () => {
    const statement = presentStatement(facts)
    expect(statement.witness).toBe('Sam Okafor')
    expect(statement.occupation).toContain('Drug worker')
    expect(statement.paragraphs[0]).toMatch(/^I am a drug worker/)
    expect(statement.paragraphs.join(' ')).toContain('Dale CHAINFORD did not attend')
    // The witness did not see the custody test: it is no part of what they state.
    expect(statement.paragraphs.join(' ')).not.toMatch(/positive|sample|custody/i)
  })

  it('cites the custody facts as references: suite, number, result with the laboratory, and who imposed the requirement when', () => {
    const references = Object.fromEntries(presentStatement(facts).references.map((r) => [r.label, r.value]))
    expect(references['Custody suite and number']).toBe('Romford, KD/12345/26')
    expect(references.Opiates).toBe('Positive; laboratory: positive (7 November 2026)')
    expect(references.Cocaine).toBe('Negative')
    expect(references['Requirement imposed']).toBe('Mon, 2 Nov 2026, 16:45 by PC 1234 Jo Bloggs')
    expect(references['Proceedings by']).toContain('10 May 2027')
  })

  it('names the imposing user when no officer was named, and says "left before the end" for a failure to remain', () => {
    const statement = presentStatement({
      ...facts,
      imposed_by_officer: null,
      outcome: 'left_early',
      section: 's14',
      appointment_kind: 'follow_up',
      form: 'RA4',
    })
    expect(statement.references.find((r) => r.label === 'Requirement imposed')?.value).toContain('by Dee Worker')
    expect(statement.paragraphs.join(' ')).toContain('left before the end of the assessment')
    expect(statement.references.find((r) => r.label === 'Offence')?.value).toBe(
      'Drugs Act 2005 s14: failing without good cause to remain for a follow-up assessment',
    )
  })
})
