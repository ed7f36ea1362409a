import type { Page } from 'playwright-core'
import { beforeAll, describe, expect, it } from 'vitest'
import { formatWhen } from '../../server/features/dip/dipPresenter.ts'
import { londonInstant } from '../../server/features/dip/dipRules.ts'
import { addDays, todayInLondon } from '../../server/domain/time.ts'
import { expectNoAccessibilityViolations } from './support/accessibility.ts'
import {
  arriveAt,
  displayed,
  expectSuccessBanner,
  followNavigation,
  pathOf,
  signIn,
  summaryValue,
  typeDate,
  typeInto,
} from './support/journey.ts'
import { useAppAndBrowser } from './support/appAndBrowser.ts'

// A disputed positive test whose laboratory result comes back negative: the requirement falls
// away, its appointment leaves Today's appointments, and no attendance can be recorded on it.

const running = useAppAndBrowser()
const uuid = '[0-9a-f-]{36}'
const tested = {
  surname: 'Pellingford',
  forenames: 'Morgan',
  dateOfBirth: '1988-09-23',
  address: '7 Como Street, Romford RM7 7DR',
}
const testedName = `${tested.surname.toUpperCase()}, ${tested.forenames}`
const custodyNumber = 'RO/26/207731'
const assessmentPlace = 'Romford CJIT, 2 Western Road, Romford RM1 3LP'

// Twenty days ago: an appointment today is well past the five working days a disputed test needs.
const sampleDay = addDays(todayInLondon(), -20)
const sampleAt = londonInstant(sampleDay, '09:00')

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
      gender: 'male',
      address: tested.address,
      area_id: havering.id,
    })
    .execute()
})

function appointmentRows(page: Page) {
  return page
    .getByRole('table', { name: 'Required assessment appointments in time order' })
    .locator('tbody')
    .getByRole('row')
}

/** Opens Today's appointments from the menu and returns the rows that name the tested person. */
async function todaysRowsForTested(page: Page, pageName: string) {
  await followNavigation(page, "Today's appointments")
  await arriveAt(page, '/appointments', "Today's appointments", pageName)
  return appointmentRows(page).filter({ has: page.getByRole('link', { name: testedName, exact: true }) })
}

describe('a negative laboratory result', () => {
  it('when the laboratory finds negative the drug a disputed test was positive for, the appointment leaves Today’s appointments and no attendance can be recorded', async () => {
    const today = todayInLondon()
    const { context, page, watch } = await running.openPage()
    try {
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

      // The DT1 from custody: opiates positive, disputed by the person.
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
      await typeInto(page.getByLabel('Sample time'), '09:00')
      await page.getByRole('group', { name: 'Opiates (heroin)' }).getByLabel('Positive', { exact: true }).check()
      await page
        .getByRole('group', { name: 'Cocaine (including crack)' })
        .getByLabel('Negative', { exact: true })
        .check()
      await page
        .getByRole('group', { name: 'Does the person dispute the result?' })
        .getByLabel('Yes', { exact: true })
        .check()
      await page.getByRole('button', { name: 'Save test', exact: true }).click()
      await arriveAt(page, new RegExp(`^/drug-tests/${uuid}$`), 'Drug test (DT1)', 'the disputed drug test')
      expect(await summaryValue(page, 'Sample taken')).toBe(`${formatWhen(sampleAt)}, on arrest`)
      const testPath = pathOf(page)
      expect(await summaryValue(page, 'Opiates')).toBe('Positive')
      expect(await summaryValue(page, 'Disputed')).toBe('Yes: awaiting the laboratory')
      expect(await page.getByRole('heading', { name: 'Require an assessment (RA1)' }).count()).toBe(1)

      // RA1 for today at midnight: at least five working days after the sample, and due already.
      await typeDate(page, 'Date the requirement was imposed in custody', sampleDay)
      await typeInto(page.getByLabel('Time it was imposed', { exact: true }), '11:15')
      await typeDate(page, 'Initial appointment date', today)
      await typeInto(page.getByLabel('Time', { exact: true }), '00:00')
      await typeInto(page.getByLabel('Place', { exact: true }), assessmentPlace)
      await typeInto(page.getByLabel('Assessor', { exact: true }), 'Priya Chandran')
      await page.getByRole('button', { name: 'Require assessment', exact: true }).click()
      await arriveAt(page, personPath, testedName, "the tested person's record with the assessment")
      await expectSuccessBanner(
        page,
        'Required assessment imposed (RA1): initial appointment booked and follow-up requirement imposed',
      )

      // The appointment is on Today's appointments, due for attendance.
      const listed = await todaysRowsForTested(page, "Today's appointments with the new appointment")
      expect(await listed.count(), 'the new appointment is on today’s list').toBe(1)
      const recordLink = listed.getByRole('link', { name: `Record attendance for ${testedName}` })
      expect(await recordLink.count()).toBe(1)
      const appointmentPath = (await recordLink.getAttribute('href'))!
      expect(appointmentPath).toMatch(new RegExp(`^/appointments/${uuid}$`))

      // The laboratory's result: negative for opiates, cocaine not tested.
      await listed.getByRole('link', { name: testedName, exact: true }).click()
      await arriveAt(page, personPath, testedName, "the tested person's record, from the list")
      await page.locator(`a[href="${testPath}"]`).click()
      await arriveAt(page, testPath, 'Drug test (DT1)', 'the drug test, awaiting the laboratory')
      await page.getByRole('group', { name: 'Opiates (confirmed)' }).getByLabel('Negative', { exact: true }).check()
      await page.getByRole('group', { name: 'Cocaine (confirmed)' }).getByLabel('Not tested', { exact: true }).check()
      await typeDate(page, 'Date of the laboratory result', today)
      await page.getByRole('button', { name: 'Save confirmatory result', exact: true }).click()
      await arriveAt(page, testPath, 'Drug test (DT1)', 'the drug test with the laboratory result')
      await expectSuccessBanner(page, 'Confirmatory result recorded')
      expect(await summaryValue(page, 'Opiates')).toBe(`Positive; laboratory: negative (${displayed(today)})`)
      expect(await summaryValue(page, 'Cocaine')).toBe(`Negative; laboratory: not tested (${displayed(today)})`)
      const fellAway = (await page.locator('#requirement-fell-away').innerText()).trim()
      expect(fellAway).toContain(`The requirement fell away on ${displayed(today)}`)
      expect(
        await page.getByRole('button', { name: 'Save confirmatory result' }).count(),
        'the laboratory result is recorded once',
      ).toBe(0)

      // Gone from Today's appointments.
      const after = await todaysRowsForTested(page, "Today's appointments after the laboratory result")
      expect(await after.count(), 'the closed appointment is no longer on today’s list').toBe(0)
      expect(await page.locator(`a[href="${appointmentPath}"]`).count()).toBe(0)

      // The appointment itself says it is closed, and offers no attendance form.
      await page.goto(appointmentPath)
      await arriveAt(page, appointmentPath, 'Initial assessment', 'the closed appointment')
      const closed = (await page.locator('#appointment-closed').innerText()).replace(/\s+/g, ' ').trim()
      expect(closed).toContain('This appointment is closed.')
      expect(closed).toContain('No attendance or failure can be recorded.')
      expect(await page.getByRole('heading', { name: 'Record attendance (RA3)' }).count()).toBe(0)
      expect(await page.getByRole('button', { name: 'Save attendance' }).count()).toBe(0)
      expect(await page.getByRole('heading', { name: 'Change the time or place (RA2)' }).count()).toBe(0)

      expect(watch.problems()).toEqual([])
    } finally {
      await context.close()
    }
  })
})
