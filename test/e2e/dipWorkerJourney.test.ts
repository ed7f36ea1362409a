import type { Page } from 'playwright-core'
import { sql } from 'kysely'
import { beforeAll, describe, expect, it } from 'vitest'
import { formatTime, formatWhen } from '../../server/features/dip/dipPresenter.ts'
import { londonDay, londonInstant } from '../../server/features/dip/dipRules.ts'
import { addDays, todayInLondon } from '../../server/domain/time.ts'
import { expectNoAccessibilityViolations } from './support/accessibility.ts'
import type { PageWatch } from './support/browser.ts'
import {
  arriveAt,
  displayed,
  expectErrorSummary,
  expectSuccessBanner,
  followNavigation,
  headingOf,
  pathOf,
  signedInName,
  signIn,
  summaryValue,
  typeDate,
  typeInto,
} from './support/journey.ts'
import { useAppAndBrowser } from './support/appAndBrowser.ts'

const running = useAppAndBrowser()
const uuid = '[0-9a-f-]{36}'
const wantedReference = 'WM/26/004471'

// A person of the journey's own for the drug test, so it does not depend on whom the seed tested.
const tested = {
  surname: 'Threlkeld',
  forenames: 'Dana',
  dateOfBirth: '1990-03-14',
  address: '41 Gidea Avenue, Romford RM2 6DJ',
}
const testedName = `${tested.surname.toUpperCase()}, ${tested.forenames}`
const custodyNumber = 'RO/26/118204'
const assessmentPlace = 'Romford CJIT, 2 Western Road, Romford RM1 3LP'
const assessor = 'Priya Chandran'

beforeAll(async () => {
  const havering = await running.app.db
    .selectFrom('area')
    .select('id')
    .where('code', '=', 'HV')
    .executeTakeFirstOrThrow()
  await running.app.db
    .insertInto('person')
    .values({
      surname: tested.surname,
      forenames: tested.forenames,
      date_of_birth: tested.dateOfBirth,
      gender: 'female',
      address: tested.address,
      area_id: havering.id,
    })
    .execute()
  await oneAppointmentDueToday()
})

/**
 * The demo's appointments today are in office hours, so before the office opens none is due yet
 * (and none can be recorded). Then the first of those the DIP worker sees is brought forward to
 * the start of the day, as if booked first thing: the journey runs at any hour.
 */
async function oneAppointmentDueToday(): Promise<void> {
  const db = running.app.db
  const today = todayInLondon()
  const dayStart = londonInstant(today, '00:00')
  const dayEnd = londonInstant(addDays(today, 1), '00:00')
  const dipWorkersPeople = sql<boolean>`exists (
    select 1 from person p join area a on a.id = p.area_id
      join user_area ua on ua.area_id in (a.id, a.parent_id) join app_user u on u.id = ua.user_id
     where p.id = appointment.person_id and u.username = 'dip')`
  const open = db
    .selectFrom('appointment')
    .select('id')
    .where('scheduled_at', '>=', dayStart)
    .where('scheduled_at', '<', dayEnd)
    .where('closed_on', 'is', null)
    .where(dipWorkersPeople)
  const due = await open.where('scheduled_at', '<=', new Date()).executeTakeFirst()
  if (due) return
  const first = await open.orderBy('scheduled_at').executeTakeFirstOrThrow()
  await db.updateTable('appointment').set({ scheduled_at: dayStart }).where('id', '=', first.id).execute()
}

/** Runs a journey in a fresh, watched browser page and fails on anything a console would show. */
async function journey(steps: (page: Page, watch: PageWatch) => Promise<void>): Promise<void> {
  const { context, page, watch } = await running.openPage()
  try {
    await steps(page, watch)
    expect(watch.problems()).toEqual([])
  } finally {
    await context.close()
  }
}

async function navigationTexts(page: Page): Promise<string[]> {
  return (await page.getByRole('navigation', { name: 'Menu' }).getByRole('link').allInnerTexts()).map((text) =>
    text.trim(),
  )
}

type Appointment = {
  path: string
  name: string
  kind: 'initial' | 'follow_up'
  when: string
  place: string
  form: string
}
type Failure = { path: string; personPath: string; name: string; heading: string; section: string; day: string }

async function openDueAppointment(page: Page, today: string): Promise<Appointment> {
  expect(await navigationTexts(page)).toContain("Today's appointments")
  await followNavigation(page, "Today's appointments")
  await arriveAt(page, '/appointments', "Today's appointments", "Today's appointments")
  expect(await page.locator('main').innerText()).toContain(displayed(today))

  const rows = page
    .getByRole('table', { name: 'Required assessment appointments in time order' })
    .locator('tbody')
    .getByRole('row')
  expect(await rows.count(), 'the demo caseload has appointments today').toBeGreaterThan(0)
  const due = rows.filter({ has: page.getByRole('link', { name: /^Record attendance for / }) })
  expect(await due.count(), 'some of today’s appointments are due and not yet recorded').toBeGreaterThan(0)
  const row = due.first()
  const cells = (await row.getByRole('cell').allInnerTexts()).map((c) => c.trim())
  const name = (await row.getByRole('cell').nth(1).getByRole('link').first().innerText()).trim()
  const kind = cells[2]!.startsWith('Initial') ? 'initial' : 'follow_up'
  const recordLink = row.getByRole('link', { name: `Record attendance for ${name}` })
  expect(await recordLink.count(), 'the link names the person for a screen reader').toBe(1)

  await recordLink.click()
  const heading = kind === 'initial' ? 'Initial assessment' : 'Follow-up assessment'
  await arriveAt(page, new RegExp(`^/appointments/${uuid}$`), heading, 'the appointment page')
  expect((await page.locator('.govuk-caption-l').innerText()).trim()).toBe(name)
  const when = await summaryValue(page, 'When')
  const place = await summaryValue(page, 'Place')
  expect(when, 'the appointment page shows the time the list showed').toContain(cells[0])
  expect(place).toBe(cells[3])
  return { path: pathOf(page), name, kind, when, place, form: await summaryValue(page, 'Form issued') }
}

async function recordDidNotAttend(
  page: Page,
  watch: PageWatch,
  appointment: Appointment,
  today: string,
): Promise<Failure> {
  const action = `${appointment.path}/attendance`
  watch.expectStatus(400, action)
  const refused = page.waitForResponse((r) => r.request().method() === 'POST' && new URL(r.url()).pathname === action)
  await page.getByRole('button', { name: 'Save attendance', exact: true }).click()
  expect((await refused).status(), 'Save attendance with nothing chosen is refused').toBe(400)
  await page.waitForLoadState('load')
  expect(await headingOf(page)).toBe(appointment.kind === 'initial' ? 'Initial assessment' : 'Follow-up assessment')
  await expectErrorSummary(page, 'the appointment page', [{ field: 'outcome', message: 'Select what happened' }])

  await page.getByRole('group', { name: 'What happened?' }).getByLabel('Did not attend', { exact: true }).check()
  await page
    .getByRole('group', { name: 'If they did not attend or left early: was there good cause?' })
    .getByLabel('No', { exact: true })
    .check()
  await page.getByRole('button', { name: 'Save attendance', exact: true }).click()
  const heading =
    appointment.kind === 'initial' ? 's12 failure: initial assessment' : 's14 failure: follow-up assessment'
  await arriveAt(page, new RegExp(`^/failures/${uuid}$`), heading, 'the failure page')
  await expectSuccessBanner(
    page,
    'Attendance recorded. This is a failure without good cause: produce the evidential statement.',
  )

  expect((await page.locator('.govuk-caption-l').innerText()).trim()).toBe(appointment.name)
  expect(await summaryValue(page, 'Status')).toBe('Open: awaiting circulation')
  expect(await summaryValue(page, 'Failure')).toBe(`Did not attend, ${appointment.when}, ${appointment.place}`)
  expect(await summaryValue(page, 'Evidential statement')).toBe('Not yet produced')
  const personPath = await page.getByRole('link', { name: 'Back to the person' }).getAttribute('href')
  expect(personPath).toMatch(new RegExp(`^/people/${uuid}$`))
  return {
    path: pathOf(page),
    personPath: personPath!,
    name: appointment.name,
    heading,
    section: appointment.kind === 'initial' ? 'S12' : 'S14',
    // The appointment was on today's list, so it failed today.
    day: today,
  }
}

function awaitingStatementRows(page: Page) {
  return page
    .getByRole('table', { name: 'Open failures without a statement, oldest first' })
    .locator('tbody')
    .getByRole('row')
}

async function findInFailuresAwaitingStatement(page: Page, failure: Failure): Promise<void> {
  expect(await navigationTexts(page)).toContain('Failures')
  await followNavigation(page, 'Failures')
  await arriveAt(page, '/failures', 'Failures awaiting a statement', 'Failures awaiting a statement')
  const row = awaitingStatementRows(page).filter({ has: page.locator(`a[href="${failure.path}"]`) })
  expect(await row.count(), 'the new failure waits for its statement').toBe(1)
  const cells = (await row.getByRole('cell').allInnerTexts()).map((c) => c.trim())
  expect(cells.slice(0, 3)).toEqual([displayed(failure.day), failure.name, failure.section])
  await row.getByRole('link', { name: failure.name, exact: true }).click()
  await arriveAt(page, failure.path, failure.heading, 'the failure page, from the list')
}

async function checkPrintableStatement(
  page: Page,
  appointment: Appointment,
  failure: Failure,
  worker: string,
): Promise<void> {
  await page.getByRole('link', { name: 'Open the evidential statement to print' }).click()
  await arriveAt(page, `${failure.path}/statement`, 'Statement of witness', 'the evidential statement')
  expect(await page.title()).toMatch(/^Evidential statement – /)

  // A document to print, not a page of the service: no header, no navigation, no footer.
  expect(await page.getByRole('navigation').count(), 'no navigation on the statement').toBe(0)
  expect(await page.locator('.govuk-service-navigation, .govuk-header, .govuk-footer').count()).toBe(0)
  const classification = page.locator('.cohort-classification')
  expect(await classification.count(), 'the marking heads and foots the document').toBeGreaterThan(0)
  for (const text of await classification.allInnerTexts()) expect(text.trim()).toBe('OFFICIAL-SENSITIVE')

  const statement = await page.locator('main').innerText()
  // An MG11: the witness in the first person, over 18, the custody facts as references.
  expect(await summaryValue(page, 'Age if under 18')).toBe('Over 18')
  expect(statement).toContain('Criminal Justice Act 1967 s9')
  expect(statement).toContain('I am a drug worker with the Drug Interventions Programme')
  expect(statement).toContain(`I was at ${appointment.place} at the time of the appointment.`)
  expect(statement).toContain('did not attend.')
  expect(appointment.form).toBe(appointment.kind === 'initial' ? 'RA1' : 'RA4')
  expect(statement).toContain(`The appointment was set on form ${appointment.form}`)
  expect(await summaryValue(page, 'Custody suite and number')).not.toBe('')
  expect(statement).toContain('Signature:')
  void worker

  // On paper the way back to the service is left off, the marking is not.
  const back = page.getByRole('link', { name: 'Back to the failure' })
  expect(await back.isVisible(), 'the back link shows on screen').toBe(true)
  expect(await back.getAttribute('class')).toContain('cohort-no-print')
  await page.emulateMedia({ media: 'print' })
  expect(await back.isVisible(), 'the back link is left off the printed statement').toBe(false)
  expect(await classification.first().isVisible(), 'the marking is printed').toBe(true)
  expect(await page.getByRole('heading', { name: 'Declaration' }).isVisible()).toBe(true)
  await page.emulateMedia({ media: 'screen' })
  expect(await back.isVisible()).toBe(true)

  await back.click()
  await arriveAt(page, failure.path, failure.heading, 'the failure page, back from the statement')
}

async function recordStatementSigned(page: Page, failure: Failure, today: string): Promise<void> {
  await page.getByRole('button', { name: 'Record the statement as checked and signed', exact: true }).click()
  await arriveAt(page, failure.path, failure.heading, 'the failure page after recording the statement')
  await expectSuccessBanner(page, 'Statement recorded as produced and signed')
  expect(await summaryValue(page, 'Evidential statement')).toContain(`Produced and signed on ${displayed(today)}`)
  expect(
    await page.getByRole('button', { name: 'Record the statement as checked and signed' }).count(),
    'a statement is recorded once',
  ).toBe(0)
  const history = (await page.locator('.cohort-timeline').innerText()).trim()
  expect(history).toContain(`${displayed(today)}: Evidential statement produced`)

  expect(await navigationTexts(page)).toContain('Failures')
  await followNavigation(page, 'Failures')
  await arriveAt(
    page,
    '/failures',
    'Failures awaiting a statement',
    'Failures awaiting a statement, after the statement',
  )
  expect(await page.locator(`a[href="${failure.path}"]`).count(), 'the failure no longer waits for a statement').toBe(0)
}

async function circulateAsWanted(page: Page, failure: Failure, today: string): Promise<void> {
  expect(await navigationTexts(page), 'statements are the DIP worker’s to keep').not.toContain('Failures')
  await page.goto(failure.personPath)
  await arriveAt(page, failure.personPath, failure.name, "the person's record")
  const failures = page.locator('h3', { hasText: 'Failures' }).locator('xpath=following-sibling::ul[1]')
  const item = failures.getByRole('listitem').filter({ has: page.locator(`a[href="${failure.path}"]`) })
  expect(await item.count(), 'the person page lists the failure').toBe(1)
  expect((await item.innerText()).trim()).toContain(': Open: awaiting circulation. Time bar')
  const link = item.getByRole('link', { name: `${failure.section} ${displayed(failure.day)}`, exact: true })

  await link.click()
  await arriveAt(page, failure.path, failure.heading, 'the failure page, for the police')
  expect(
    await page.getByRole('link', { name: 'Open the evidential statement to print' }).count(),
    'statements are for the DIP team',
  ).toBe(0)
  expect(await summaryValue(page, 'Evidential statement')).toContain(`Produced and signed on ${displayed(today)}`)

  await typeDate(page, 'Date circulated', today)
  await typeInto(page.getByLabel('Circulation reference', { exact: true }), wantedReference)
  await page.getByRole('button', { name: 'Record as wanted', exact: true }).click()
  await arriveAt(page, failure.path, failure.heading, 'the failure page after circulating')
  await expectSuccessBanner(page, 'Recorded as circulated wanted')
  expect(await summaryValue(page, 'Status')).toBe('Circulated as wanted')
  expect(await summaryValue(page, 'Wanted since')).toBe(`${displayed(today)} (${wantedReference})`)
  expect(
    await page.getByRole('heading', { name: 'Circulate as wanted' }).count(),
    'a wanted person is not circulated twice',
  ).toBe(0)
  expect(await page.locator('.cohort-timeline').innerText()).toContain(
    `${displayed(today)}: Circulated as wanted (${wantedReference})`,
  )

  await page.getByRole('link', { name: 'Back to the person' }).click()
  await arriveAt(page, failure.personPath, failure.name, "the person's record, wanted")
  const dip = page.locator('#dip').locator('xpath=..')
  const warning = (await dip.locator('.govuk-warning-text').innerText()).replace(/\s+/g, ' ')
  expect(warning).toContain(
    `${failure.section} failure ${displayed(failure.day)}: Circulated as wanted, Wanted since ${displayed(today)} (${wantedReference})`,
  )
  expect((await item.innerText()).trim()).toContain(
    `: Circulated as wanted. Wanted since ${displayed(today)} (${wantedReference}). Time bar`,
  )
}

describe("a DIP worker's day", () => {
  it('when the DIP worker records a no-show without good cause, prints the statement and signs it off, and the IOM officer circulates the person as wanted, every page is accessible', async () => {
    const today = todayInLondon()
    let failure: Failure | undefined
    await journey(async (page, watch) => {
      await signIn(page, 'dip')
      const worker = await signedInName(page)
      const appointment = await openDueAppointment(page, today)
      failure = await recordDidNotAttend(page, watch, appointment, today)
      await findInFailuresAwaitingStatement(page, failure)
      await checkPrintableStatement(page, appointment, failure, worker)
      await recordStatementSigned(page, failure, today)
    })

    await journey(async (page) => {
      await signIn(page, 'iom')
      await circulateAsWanted(page, failure!, today)
    })
  })

  it('when the DIP worker records a positive cocaine test from the person page, they are offered the required assessment and the RA1 appointment shows on the record', async () => {
    const sampleAt = new Date(Date.now() - 2 * 60 * 60_000)
    const sampleDay = londonDay(sampleAt)
    const sampleTime = formatTime(sampleAt)
    const appointmentDay = addDays(todayInLondon(), 1)
    await journey(async (page) => {
      await signIn(page, 'dip')
      await followNavigation(page, 'Search')
      await arriveAt(page, '/people/search', 'Search for a person', 'the search page')
      await typeInto(page.getByLabel('Name, PNC ID, CRO number or date of birth'), tested.surname)
      await page.keyboard.press('Enter')
      await page.waitForURL((url) => url.pathname === '/people/search' && url.searchParams.get('q') === tested.surname)
      await expectNoAccessibilityViolations(page, 'the search results')
      await page
        .getByRole('table', { name: 'Search results, best match first' })
        .getByRole('link', { name: testedName, exact: true })
        .click()
      await arriveAt(page, new RegExp(`^/people/${uuid}$`), testedName, "the tested person's record")
      const personPath = pathOf(page)
      expect(await page.getByText('No drug tests recorded.').count()).toBe(1)

      await page.getByRole('link', { name: 'Record a drug test' }).click()
      await arriveAt(page, `${personPath}/drug-tests/new`, 'Record a drug test', 'Record a drug test')
      await page.getByLabel('Custody suite').selectOption({ label: 'Romford custody suite' })
      await typeInto(page.getByLabel('Custody number'), custodyNumber)
      await page
        .getByRole('group', { name: 'When was the sample taken?' })
        .getByLabel('On arrest', { exact: true })
        .check()
      await page.getByLabel('Trigger offence', { exact: true }).selectOption({ label: 'Theft (Theft Act 1968 s1)' })
      await typeDate(page, 'Sample date', sampleDay)
      await typeInto(page.getByLabel('Sample time'), sampleTime)
      await page.getByRole('group', { name: 'Opiates (heroin)' }).getByLabel('Negative', { exact: true }).check()
      await page
        .getByRole('group', { name: 'Cocaine (including crack)' })
        .getByLabel('Positive', { exact: true })
        .check()
      expect(
        await page
          .getByRole('group', { name: 'Did the person refuse to give a sample?' })
          .getByLabel('No', { exact: true })
          .isChecked(),
      ).toBe(true)
      expect(
        await page
          .getByRole('group', { name: 'Does the person dispute the result?' })
          .getByLabel('No', { exact: true })
          .isChecked(),
      ).toBe(true)
      await page.getByRole('button', { name: 'Save test', exact: true }).click()

      await arriveAt(page, new RegExp(`^/drug-tests/${uuid}$`), 'Drug test (DT1)', 'the drug test')
      await expectSuccessBanner(page, 'Drug test recorded. The result is positive: you can now require an assessment.')
      expect(await summaryValue(page, 'Sample taken')).toBe(
        `${formatWhen(londonInstant(sampleDay, sampleTime))}, on arrest`,
      )
      expect(await summaryValue(page, 'Opiates')).toBe('Negative')
      expect(await summaryValue(page, 'Cocaine')).toBe('Positive')
      expect(
        await page.getByRole('heading', { name: 'Require an assessment (RA1)' }).count(),
        'a positive test offers the required assessment',
      ).toBe(1)

      const imposedAt = new Date(sampleAt.getTime() + 30 * 60_000)
      await typeDate(page, 'Date the requirement was imposed in custody', londonDay(imposedAt))
      await typeInto(page.getByLabel('Time it was imposed'), formatTime(imposedAt))
      await typeDate(page, 'Initial appointment date', appointmentDay)
      await typeInto(page.getByLabel('Time', { exact: true }), '10:30')
      await typeInto(page.getByLabel('Place', { exact: true }), assessmentPlace)
      await typeInto(page.getByLabel('Assessor', { exact: true }), assessor)
      await page.getByRole('button', { name: 'Require assessment', exact: true }).click()

      await arriveAt(page, personPath, testedName, "the tested person's record with the assessment")
      await expectSuccessBanner(
        page,
        'Required assessment imposed (RA1): initial appointment booked and follow-up requirement imposed',
      )
      const tests = page.getByRole('table', { name: 'Drug tests, newest first' }).locator('tbody').getByRole('row')
      expect(await tests.count()).toBe(1)
      const cells = (await tests.first().getByRole('cell').allInnerTexts()).map((c) => c.trim())
      expect(cells).toEqual([
        formatWhen(londonInstant(sampleDay, sampleTime)),
        'Arrest',
        'Negative',
        'Positive',
        'Theft (Theft Act 1968 s1)',
      ])
      const assessments = page
        .locator('h3', { hasText: 'Required assessments' })
        .locator('xpath=following-sibling::ul[1]')
        .getByRole('listitem')
      expect(await assessments.count()).toBe(1)
      const booked = formatWhen(londonInstant(appointmentDay, '10:30'))
      expect((await assessments.first().innerText()).trim()).toBe(
        `${booked}: Initial assessment (RA1) at ${assessmentPlace} — Not yet recorded`,
      )
      expect(
        await assessments.first().getByRole('link', { name: booked }).count(),
        'the DIP worker can open the appointment',
      ).toBe(1)
    })
  })
})
