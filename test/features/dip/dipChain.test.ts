import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { addDays, todayInLondon } from '../../../server/domain/time.ts'
import { signInAs, type Agent } from '../../helpers/signIn.ts'
import { createTestApp, type TestApp } from '../../helpers/testApp.ts'
import { imposedFields, sealed } from '../../helpers/factories.ts'

let t: TestApp
let dip: { agent: Agent; csrf: string }
let iom: { agent: Agent; csrf: string }
let havering: string

beforeAll(async () => {
  t = await createTestApp()
  dip = await signInAs(t.app, 'dip')
  iom = await signInAs(t.app, 'iom')
  havering = (await t.db.selectFrom('area').select('id').where('code', '=', 'HV').executeTakeFirstOrThrow()).id
})
afterAll(async () => {
  await t.close()
})

async function newPerson(dateOfBirth = '1985-03-02'): Promise<string> {
  const row = await t.db
    .insertInto('person')
    .values({ surname: 'Chainford', forenames: 'Dale', date_of_birth: dateOfBirth, gender: 'male', area_id: havering })
    .returning('id')
    .executeTakeFirstOrThrow()
  return row.id
}

function dateFields(name: string, day: string) {
  return { [`${name}-day`]: day.slice(8, 10), [`${name}-month`]: day.slice(5, 7), [`${name}-year`]: day.slice(0, 4) }
}

function idFromLocation(location: string | undefined, prefix: string): string {
  const match = new RegExp(`^/${prefix}/([0-9a-f-]{36})$`).exec(location ?? '')
  if (!match?.[1]) throw new Error(`Expected a redirect to /${prefix}/<id>, got ${location}`)
  return match[1]
}

describe('the DIP chain from custody to wanted', () => {
  it('a positive test leads to a required assessment, a did-not-attend leads to an s12 failure with a six-month time bar, then wanted, then arrested and charged', async () => {
    const personId = await newPerson()
    const sampleDay = addDays(todayInLondon(), -3)
    const appointmentDay = addDays(todayInLondon(), -2)

    const test = await dip.agent
      .post(`/people/${personId}/drug-tests`)
      .type('form')
      .send({
        _csrf: dip.csrf,
        custodySuiteCode: 'ROMFORD',
        custodyNumber: 'KD/12345/26',
        condition: 'arrest',
        triggerOffenceCode: 'THEFT',
        authorisedBy: '',
        ...dateFields('sampleDate', sampleDay),
        sampleTime: '14:10',
        opiates: 'positive',
        cocaine: 'negative',
        refused: 'no',
        disputed: 'no',
      })
    expect(test.status).toBe(303)
    const testId = idFromLocation(test.headers.location, 'drug-tests')

    const ra1 = await dip.agent
      .post(`/drug-tests/${testId}/assessment`)
      .type('form')
      .send({
        _csrf: dip.csrf,
        ...imposedFields(appointmentDay, '10:00'),
        ...dateFields('appointmentDate', appointmentDay),
        appointmentTime: '10:00',
        place: 'CJIT office, Romford',
        assessor: 'Sam Okafor',
      })
    expect(ra1.status).toBe(303)
    const appointment = await t.db
      .selectFrom('appointment')
      .selectAll()
      .where('person_id', '=', personId)
      .executeTakeFirstOrThrow()
    expect(appointment.form).toBe('RA1')

    const dna = await dip.agent
      .post(`/appointments/${appointment.id}/attendance`)
      .type('form')
      .send({ _csrf: dip.csrf, outcome: 'did_not_attend', goodCause: 'no' })
    expect(dna.status).toBe(303)
    const failureId = idFromLocation(dna.headers.location, 'failures')
    const failure = await t.db
      .selectFrom('dip_failure')
      .selectAll()
      .where('id', '=', failureId)
      .executeTakeFirstOrThrow()
    expect(failure.section).toBe('s12')
    expect(failure.failure_date).toBe(appointmentDay)
    const [y, m] = [Number(appointmentDay.slice(0, 4)), Number(appointmentDay.slice(5, 7))]
    const expectedMonth =
      m + 6 > 12 ? `${y + 1}-${String(m - 6).padStart(2, '0')}` : `${y}-${String(m + 6).padStart(2, '0')}`
    expect(failure.time_bar_date.slice(0, 7)).toBe(expectedMonth)

    const statementPage = await dip.agent.get(`/failures/${failureId}/statement`).expect(200)
    expect(statementPage.text).toContain('Statement of witness')
    expect(statementPage.text).toContain('CJIT office, Romford')
    expect(statementPage.text).not.toContain('govuk-service-navigation')

    await dip.agent
      .post(`/failures/${failureId}/statement`)
      .type('form')
      .send({ _csrf: dip.csrf, version: failure.version })
      .expect(303)
    const wanted = await iom.agent
      .post(`/failures/${failureId}/wanted`)
      .type('form')
      .send({
        _csrf: iom.csrf,
        ...dateFields('wantedOn', todayInLondon()),
        reference: 'PNC/WM/0042/26',
        version: failure.version + 1,
      })
    expect(wanted.status).toBe(303)
    await iom.agent
      .post(`/failures/${failureId}/outcome`)
      .type('form')
      .send({
        _csrf: iom.csrf,
        outcome: 'arrested',
        ...dateFields('outcomeOn', todayInLondon()),
        reference: 'KD/99999/26',
        note: '',
        version: failure.version + 2,
      })
      .expect(303)
    await iom.agent
      .post(`/failures/${failureId}/outcome`)
      .type('form')
      .send({
        _csrf: iom.csrf,
        outcome: 'charged',
        ...dateFields('outcomeOn', todayInLondon()),
        reference: '',
        note: '',
        version: failure.version + 3,
      })
      .expect(303)

    const events = await t.db
      .selectFrom('dip_failure_event')
      .select('kind')
      .where('failure_id', '=', failureId)
      .orderBy('recorded_at')
      .execute()
    expect(events.map((e) => e.kind)).toEqual([
      'created',
      'statement_produced',
      'circulated_wanted',
      'arrested',
      'charged',
    ])
    const final = await t.db
      .selectFrom('dip_failure')
      .select(['status', 'wanted_reference'])
      .where('id', '=', failureId)
      .executeTakeFirstOrThrow()
    expect(final).toEqual({ status: 'charged', wanted_reference: 'PNC/WM/0042/26' })
    const audit = await (
      await sealed(t.db)
    )
      .selectFrom('audit_event')
      .select('event')
      .where('person_id', '=', personId)
      .where('category', '<>', 'consultation')
      .orderBy('id')
      .execute()
    expect(audit.map((a) => a.event)).toEqual([
      'drug_test.recorded',
      'assessment.required',
      'attendance.recorded',
      'failure.statement_produced',
      'failure.circulated_wanted',
      'failure.arrested',
      'failure.charged',
    ])
  })

  it('a test on arrest of a 17-year-old is refused with a clear message and nothing is written', async () => {
    const sampleDay = addDays(todayInLondon(), -1)
    const seventeen = `${Number(sampleDay.slice(0, 4)) - 17}${sampleDay.slice(4)}`
    const personId = await newPerson(seventeen)
    const response = await dip.agent
      .post(`/people/${personId}/drug-tests`)
      .type('form')
      .send({
        _csrf: dip.csrf,
        custodySuiteCode: 'ROMFORD',
        custodyNumber: 'KD/1/26',
        condition: 'arrest',
        triggerOffenceCode: 'THEFT',
        ...dateFields('sampleDate', sampleDay),
        sampleTime: '09:00',
        opiates: 'positive',
        cocaine: 'positive',
        refused: 'no',
        disputed: 'no',
      })
    expect(response.status).toBe(400)
    expect(response.text).toContain('18 or over')
    const count = await t.db
      .selectFrom('drug_test')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('person_id', '=', personId)
      .executeTakeFirstOrThrow()
    expect(Number(count.n)).toBe(0)
  })
})
