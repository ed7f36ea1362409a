import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { attendanceSchema, outcomeSchema } from '../../../server/features/dip/dipSchemas.ts'
import { gatherDates } from '../../../server/http/dates.ts'
import { appointment, daysFromToday, failure, person, today } from '../cid/cidSupport.ts'
import { dateFields, errorSummaryLinks, postForm, type FormData } from '../../helpers/factories.ts'
import { signInAs, type Agent } from '../../helpers/signIn.ts'
import { createTestApp, type TestApp } from '../../helpers/testApp.ts'

// The DIP forms whose follow-up fields sit under the radio they belong to (decision 0117): a
// field the chosen answer hides is neither checked nor stored, while every rule about the fields
// that apply still holds. And the failure page's two forms with a field named reference: a
// refusal shows on the form that was posted, once.

type Session = { agent: Agent; csrf: string }

let t: TestApp
let dip: Session
let iom: Session

beforeAll(async () => {
  t = await createTestApp()
  dip = await signInAs(t.app, 'dip')
  iom = await signInAs(t.app, 'iom')
  await t.services.dipService.sweep()
})
afterAll(async () => {
  await t.close()
})

const tooLong = (n: number) => 'x'.repeat(n + 1)
const ra4Details = {
  ...dateFields('followUpDate', daysFromToday(7)),
  followUpTime: '10:00',
  followUpPlace: 'Recovery hub',
  followUpAssessor: 'Priya Shah',
}
const noFollowUpDate = { 'followUpDate-day': '', 'followUpDate-month': '', 'followUpDate-year': '' }
/** The attendance form as formPost reads it: its date inputs gathered, each blank unless given. */
const attendance = (form: FormData) =>
  attendanceSchema.safeParse(gatherDates({ ...noFollowUpDate, ...form }, ['followUpDate']))
const policeOutcome = (form: FormData) =>
  outcomeSchema.safeParse(gatherDates({ ...dateFields('outcomeOn', today()), version: '1', ...form }, ['outcomeOn']))

describe('the attendance schema (RA3, with RA4 or RA5)', () => {
  it('"attended" hides good cause: whatever its fields hold is ignored', () => {
    const parsed = attendance({ outcome: 'attended', followUp: 'ra5', goodCause: 'maybe', goodCauseNote: '\u0000' })
    expect(parsed.data).toMatchObject({ outcome: 'attended', goodCause: false, goodCauseNote: null, followUp: 'ra5' })
  })

  it('good cause "no" hides its note, and "yes" needs it', () => {
    expect(attendance({ outcome: 'did_not_attend', goodCause: 'no', goodCauseNote: tooLong(1000) }).data).toMatchObject(
      { goodCause: false, goodCauseNote: null },
    )
    expect(attendance({ outcome: 'left_early', goodCause: 'yes', goodCauseNote: 'At hospital' }).data).toMatchObject({
      goodCause: true,
      goodCauseNote: 'At hospital',
    })
    expect(attendance({ outcome: 'left_early', goodCause: 'yes' }).error?.issues[0]).toMatchObject({
      path: ['goodCauseNote'],
      message: 'Say what the good cause was',
    })
  })

  it('a failure to attend or remain must still say whether there was good cause', () => {
    for (const outcome of ['did_not_attend', 'left_early'])
      expect(attendance({ outcome }).error?.issues[0]).toMatchObject({ path: ['goodCause'] })
  })

  it('a non-attendance hides the follow-up and RA4 details: a decision or bad time sent with it is ignored', () => {
    const parsed = attendance({
      outcome: 'did_not_attend',
      goodCause: 'no',
      followUp: 'ra4',
      ...ra4Details,
      followUpTime: 'noon',
    })
    expect(parsed.data).toMatchObject({ followUp: null, followUpAt: null, followUpPlace: null, followUpAssessor: null })
  })

  it('RA5 hides RA4 details; RA4 checks and needs them', () => {
    expect(
      attendance({ outcome: 'attended', followUp: 'ra5', followUpTime: 'noon', followUpPlace: tooLong(200) }).data,
    ).toMatchObject({ followUp: 'ra5', followUpAt: null, followUpPlace: null })
    expect(
      attendance({ outcome: 'attended', followUp: 'ra4', ...ra4Details, followUpTime: 'noon' }).error?.issues,
    ).toEqual([expect.objectContaining({ path: ['followUpTime'] })])
    expect(
      attendance({ outcome: 'attended', followUp: 'ra4' })
        .error?.issues.map((i) => i.path[0])
        .sort(),
    ).toEqual(['followUpAssessor', 'followUpDate', 'followUpPlace', 'followUpTime'])
  })
})

describe("the police outcome schema (the failure page's)", () => {
  it('the custody number belongs to an arrest: checked there, ignored for any other outcome', () => {
    expect(policeOutcome({ outcome: 'arrested', reference: tooLong(60) }).error?.issues[0]).toMatchObject({
      path: ['reference'],
      message: 'Custody number must be 60 characters or fewer',
    })
    expect(policeOutcome({ outcome: 'arrested', reference: ' KD/1/26 ' }).data).toMatchObject({ reference: 'KD/1/26' })
    for (const outcome of ['charged', 'summonsed', 'no_further_action', 'withdrawn'])
      expect(policeOutcome({ outcome, reference: tooLong(60) }).data).toMatchObject({ outcome, reference: null })
  })
})

async function attendanceOf(appointmentId: string) {
  return t.db
    .selectFrom('attendance')
    .select(['outcome', 'good_cause', 'good_cause_note'])
    .where('appointment_id', '=', appointmentId)
    .executeTakeFirst()
}

describe('posting a hidden field: accepted, and its value not stored', () => {
  it('attended, with a bad good cause note typed and then hidden', async () => {
    const due = await appointment(t.db, (await person(t.db)).id)
    await postForm(dip, `/appointments/${due.id}/attendance`, {
      outcome: 'attended',
      followUp: 'ra5',
      goodCause: 'yes',
      goodCauseNote: `typed then hidden\u0000${tooLong(1000)}`,
      ...noFollowUpDate,
      followUpTime: 'noon',
    }).expect(303)
    expect(await attendanceOf(due.id)).toEqual({ outcome: 'attended', good_cause: false, good_cause_note: null })
  })

  it('did not attend, good cause "no", with a note: the failure is recorded, the note is not', async () => {
    const who = await person(t.db)
    const due = await appointment(t.db, who.id)
    const response = await postForm(dip, `/appointments/${due.id}/attendance`, {
      outcome: 'did_not_attend',
      goodCause: 'no',
      goodCauseNote: 'Said he was ill',
      followUp: 'ra4',
      ...dateFields('followUpDate', '2026-02-31'),
    }).expect(303)
    expect(response.headers.location).toMatch(/^\/failures\//)
    expect(await attendanceOf(due.id)).toEqual({ outcome: 'did_not_attend', good_cause: false, good_cause_note: null })
    const booked = await t.db.selectFrom('appointment').select('id').where('person_id', '=', who.id).execute()
    expect(booked).toEqual([{ id: due.id }])
  })

  it('a withdrawn outcome with a custody number too long to store: recorded without it', async () => {
    const wanted = await failure(t.db, (await person(t.db)).id, { status: 'wanted' })
    await postForm(iom, `/failures/${wanted.id}/outcome`, {
      outcome: 'withdrawn',
      ...dateFields('outcomeOn', today()),
      reference: tooLong(60),
      note: 'Good cause shown later',
      version: String(wanted.version),
    }).expect(303)
    const event = await t.db
      .selectFrom('dip_failure_event')
      .select(['kind', 'reference', 'note'])
      .where('failure_id', '=', wanted.id)
      .where('kind', '=', 'withdrawn')
      .executeTakeFirstOrThrow()
    expect(event).toEqual({ kind: 'withdrawn', reference: null, note: 'Good cause shown later' })
  })
})

/** The part of the page inside the form that posts to `action`. */
function formOf(html: string, action: string): string {
  const start = html.indexOf(`action="${action}"`)
  expect(start, `the page has the form posting to ${action}`).toBeGreaterThan(-1)
  return html.slice(start, html.indexOf('</form>', start))
}

const count = (html: string, text: string) => html.split(text).length - 1

describe("the failure page's two forms with a field named reference", () => {
  it('a refused circulation shows its error once, beside the circulation reference', async () => {
    const open = await failure(t.db, (await person(t.db)).id, { status: 'open' })
    const wantedAction = `/failures/${open.id}/wanted`
    const outcomeAction = `/failures/${open.id}/outcome`
    const response = await postForm(iom, wantedAction, {
      ...dateFields('wantedOn', today()),
      reference: '',
      version: String(open.version),
    }).expect(400)
    expect(errorSummaryLinks(response.text)).toEqual([{ href: '#reference', text: 'Enter the circulation reference' }])
    expect(count(response.text, 'class="govuk-error-message"')).toBe(1)
    expect(formOf(response.text, wantedAction)).toContain('Enter the circulation reference</p>')
    expect(formOf(response.text, wantedAction)).toContain('id="reference" name="reference"')
    expect(formOf(response.text, outcomeAction)).not.toContain('govuk-error-message')
  })

  it('a refused outcome shows its error once, beside the custody number, and the summary links to it', async () => {
    const open = await failure(t.db, (await person(t.db)).id, { status: 'open' })
    const wantedAction = `/failures/${open.id}/wanted`
    const outcomeAction = `/failures/${open.id}/outcome`
    const response = await postForm(iom, outcomeAction, {
      outcome: 'arrested',
      ...dateFields('outcomeOn', today()),
      reference: '   ',
      note: '',
      version: String(open.version),
    }).expect(400)
    expect(errorSummaryLinks(response.text)).toEqual([
      { href: '#reference', text: 'Enter the custody number of the arrest' },
    ])
    expect(count(response.text, 'class="govuk-error-message"')).toBe(1)
    const outcomeForm = formOf(response.text, outcomeAction)
    expect(outcomeForm).toContain('Enter the custody number of the arrest</p>')
    // The summary's #reference is the outcome form's field, revealed under "Arrested", which is kept chosen.
    expect(outcomeForm).toMatch(/<div class="govuk-radios__conditional" id="conditional-outcome">[\s\S]*id="reference"/)
    const wantedForm = formOf(response.text, wantedAction)
    expect(wantedForm).not.toContain('govuk-error-message')
    expect(wantedForm).not.toContain('id="reference"')
    expect(wantedForm).toContain('name="reference" type="text" value=""')
  })

  it("neither form shows the other's value", async () => {
    const open = await failure(t.db, (await person(t.db)).id, { status: 'open' })
    const response = await postForm(iom, `/failures/${open.id}/wanted`, {
      ...dateFields('wantedOn', daysFromToday(1)),
      reference: 'PNC/TYPED/1',
      version: String(open.version),
    }).expect(400)
    expect(count(response.text, 'value="PNC/TYPED/1"')).toBe(1)
    expect(formOf(response.text, `/failures/${open.id}/wanted`)).toContain('value="PNC/TYPED/1"')
  })
})
