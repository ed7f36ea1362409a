import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { programmeLabels } from '../../../server/features/people/vocabulary.ts'
import { errorSummaryLinks, inputValue, sealed } from '../../helpers/factories.ts'
import { tableCaptioned, tablesOf } from '../../helpers/html.ts'
import { signInAs, type Agent } from '../../helpers/signIn.ts'
import { createTestApp, type TestApp } from '../../helpers/testApp.ts'
import { buildPerformanceWorld, type PerformanceWorld } from './performanceDataset.ts'

let t: TestApp
let world: PerformanceWorld
let supervisor: { agent: Agent; csrf: string }

beforeAll(async () => {
  t = await createTestApp()
  world = await buildPerformanceWorld(t.db)
  supervisor = await signInAs(t.app, world.username)
})
afterAll(async () => {
  await t.close()
})

const packAudit = async () =>
  (await sealed(t.db))
    .selectFrom('audit_event')
    .select(['category', 'event', 'detail', 'actor_username'])
    .where('event', '=', 'performance.meeting_pack')
    .orderBy('id')
    .execute()

describe('the monthly intelligence meeting pack', () => {
  it('offers a month and a borough, names no one and logs nothing', async () => {
    const page = await supervisor.agent.get('/performance/pack').expect(200)
    expect(page.text).toContain('<select class="govuk-select" id="month" name="month"')
    expect(page.text).toContain(`<option value="${world.boroughId}">`)
    expect(page.text).not.toMatch(/\/people\/[0-9a-f-]{36}/)
    expect(await packAudit()).toEqual([])
  })

  it("prints March 2025's figures for the borough and the lists awaiting decisions, and logs one consultation naming everyone on them", async () => {
    const page = await supervisor.agent.get(`/performance/pack?month=2025-03&areaId=${world.boroughId}`).expect(200)
    expect(page.text).toContain('cohort-printable')
    expect(page.text).not.toContain('govuk-service-navigation')
    expect(page.text).toContain('<h1 class="govuk-heading-l">March 2025</h1>')

    // The month's figures, from the same hand-made dataset as the report's own tests.
    expect(tableCaptioned(page.text, 'Drug tests by month, with positivity').rows).toEqual([
      ['2025-03', '2', '1', '50%', '0', '—'],
    ])
    expect(tableCaptioned(page.text, 'Referrals received, accepted and declined').rows).toEqual([
      ['2025-03', '2', '1', '1'],
    ])
    expect(tableCaptioned(page.text, 'Failures by section and outcome').rows).toEqual([['s12', 'charged', '1']])
    // Open on 31 March: old-ward DIP, adopted that day (one test before); on Fixed, north (four
    // before) and south (adopted 10 February, ended 20 April: four October chains, 20 November, 31 January).
    const beforeAfter = tableCaptioned(
      page.text,
      'Arrests with a custody drug test, in the 12 months before adoption and since, for everyone on a programme at the end of the period',
    )
    expect(beforeAfter.rows.map((r) => r.slice(0, 3))).toEqual([
      [programmeLabels.dip, '1', '1'],
      [programmeLabels.iom_fixed, '2', '10'],
    ])
    expect(page.text).not.toContain('.csv')

    // The lists: the one pending referral of the borough; no statements, proposals or reviews due.
    const pending = await t.db
      .selectFrom('referral as r')
      .innerJoin('person as p', 'p.id', 'r.person_id')
      .select(['p.id', 'p.surname', 'p.forenames'])
      .where('r.reason', '=', 'Performance test referral')
      .where('r.status', '=', 'pending')
      .executeTakeFirstOrThrow()
    const referrals = tableCaptioned(page.text, 'Referrals awaiting the panel (1)')
    expect(referrals.header).toEqual(['Name', 'PNC ID', 'Programme', 'Referred'])
    expect(referrals.rows).toEqual([
      [
        `${pending.surname.toUpperCase()}, ${pending.forenames}`,
        expect.any(String),
        programmeLabels.iom_fixed,
        '31 January 2025',
      ],
    ])
    expect(page.text).toContain(`href="/people/${pending.id}"`)
    for (const caption of [
      'CID proposals awaiting countersignature, and countersigned entries past their time bar (0)',
      'Failures awaiting an evidential statement (0)',
      'Retention reviews due (0)',
    ]) {
      expect(tableCaptioned(page.text, caption).rows).toEqual([['None.']])
    }

    expect(await packAudit()).toEqual([
      {
        category: 'consultation',
        event: 'performance.meeting_pack',
        actor_username: world.username,
        detail: { month: '2025-03', areaId: world.boroughId, personIds: [pending.id] },
      },
    ])
  })

  it('refuses a month that is not one, or has not begun, with a 400, the choice kept and nothing logged', async () => {
    const before = (await packAudit()).length
    const cases: [string, string][] = [
      ['2025-13', 'Select the month the meeting is about'],
      ['March', 'Select the month the meeting is about'],
      ['', 'Select the month the meeting is about'],
      ['2099-01', 'Select a month that has begun, from January 2000'],
      ['1999-12', 'Select a month that has begun, from January 2000'],
    ]
    for (const [month, message] of cases) {
      const page = await supervisor.agent.get(
        `/performance/pack?month=${encodeURIComponent(month)}&areaId=${world.boroughId}`,
      )
      expect(page.status, month).toBe(400)
      expect(errorSummaryLinks(page.text), month).toEqual([{ href: '#month', text: message }])
      expect(tablesOf(page.text), month).toEqual([])
    }
    const badBorough = await supervisor.agent.get('/performance/pack?month=2025-03&areaId=Havering')
    expect(badBorough.status).toBe(400)
    expect(errorSummaryLinks(badBorough.text)).toEqual([{ href: '#areaId', text: 'Select a borough from the list' }])
    expect(inputValue(badBorough.text, 'month')).toBeUndefined() // a select, not an input: the choice is kept as selected
    expect(badBorough.text).toContain('<option value="2025-03" selected>')
    expect((await packAudit()).length).toBe(before)
  })

  it('is for supervisors only', async () => {
    for (const username of ['admin', 'iom', 'dip', 'cid', 'partner']) {
      const session = await signInAs(t.app, username)
      expect((await session.agent.get('/performance/pack?month=2025-03')).status, username).toBe(403)
    }
  })
})
