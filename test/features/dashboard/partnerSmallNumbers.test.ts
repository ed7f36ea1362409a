import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Programme } from '../../../db/types.ts'
import { partnerCount } from '../../../server/features/partners/disclosurePolicy.ts'
import { addDays, todayInLondon } from '../../../server/domain/time.ts'
import { createMembership, createOutsideArea, createPerson, demoUserIds, uniqueTag } from '../../helpers/factories.ts'
import { textOf } from '../../helpers/html.ts'
import { signInAs } from '../../helpers/signIn.ts'
import { createTestApp, type TestApp } from '../../helpers/testApp.ts'

// A partner sees counts about people the agency has not been shared: from 1 to 4 they could
// point to someone, so they are suppressed. A borough of its own keeps the demo data out.

let t: TestApp
let area: Awaited<ReturnType<typeof createOutsideArea>>
let users: Awaited<ReturnType<typeof demoUserIds>>
let partnerName: string

beforeAll(async () => {
  t = await createTestApp()
  users = await demoUserIds(t.db)
  area = await createOutsideArea(t.db)
  const demo = await t.db
    .selectFrom('app_user')
    .select('password_hash')
    .where('id', '=', users.partner)
    .executeTakeFirstOrThrow()
  partnerName = `mash${uniqueTag().toLowerCase()}`
  const partner = await t.db
    .insertInto('app_user')
    .values({
      username: partnerName,
      display_name: 'Morgan Mash',
      role: 'partner',
      agency: 'mash',
      password_hash: demo.password_hash,
    })
    .returning('id')
    .executeTakeFirstOrThrow()
  await t.db.insertInto('user_area').values({ user_id: partner.id, area_id: area.bcuId }).execute()
})
afterAll(async () => {
  await t.close()
})

async function onProgramme(programme: Programme, people: number) {
  for (let i = 0; i < people; i += 1) {
    const person = await createPerson(t.db, { areaCode: area.boroughCode })
    await createMembership(t.db, {
      personId: person.id,
      leadOfficerId: users.iom,
      programme,
      tier: programme === 'dip' ? undefined : 'amber',
    })
  }
}

async function testsInLastMonth(count: number) {
  const person = await createPerson(t.db, { areaCode: area.boroughCode })
  for (let i = 0; i < count; i += 1) {
    await t.db
      .insertInto('drug_test')
      .values({
        person_id: person.id,
        custody_suite_code: 'ROMFORD',
        custody_number: `SN/${uniqueTag()}/26`,
        condition: 'arrest',
        trigger_offence_code: 'THEFT',
        sample_taken_at: new Date(`${addDays(todayInLondon(), -i - 1)}T12:00:00Z`),
        opiates: 'negative',
        cocaine: 'negative',
        recorded_by: users.dip,
      })
      .execute()
  }
}

/** The partnership card as label → the text shown for its figure. */
async function partnershipCard(): Promise<Record<string, string>> {
  const session = await signInAs(t.app, partnerName)
  const page = await session.agent.get('/').expect(200)
  const card =
    /<h2 class="govuk-heading-m">The partnership in your boroughs<\/h2>([\s\S]*?)<\/ul>/.exec(page.text)?.[1] ?? ''
  return Object.fromEntries(
    [...card.matchAll(/<span class="cohort-figures__number">([^<]*)<\/span>([\s\S]*?)<\/li>/g)].map((m) => [
      textOf(m[2] ?? ''),
      m[1] ?? '',
    ]),
  )
}

describe('counts shown to partner agencies', () => {
  it('suppress 1 to 4, and show nought and 5 or more as they are', () => {
    expect([0, 1, 2, 3, 4, 5, 6, 120].map(partnerCount)).toEqual([
      0,
      'fewer than 5',
      'fewer than 5',
      'fewer than 5',
      'fewer than 5',
      5,
      6,
      120,
    ])
  })

  it('on the home page: the programmes and tests of the partner’s boroughs, small numbers suppressed', async () => {
    await onProgramme('iom_fixed', 3)
    await onProgramme('dip', 6)
    await testsInLastMonth(5)
    expect(await partnershipCard()).toEqual({
      'people on IOM Fixed': 'fewer than 5',
      'people on IOM Flex': '0',
      'people on IOM Free': '0',
      'people on DIP': '6',
      'custody drug tests in the last 30 days': '5',
    })

    await onProgramme('iom_fixed', 2)
    await onProgramme('iom_flex', 1)
    expect(await partnershipCard()).toMatchObject({ 'people on IOM Fixed': '5', 'people on IOM Flex': 'fewer than 5' })
  })

  it('is not offered to police users, who see the figures themselves', async () => {
    const supervisor = await signInAs(t.app, 'supervisor')
    const page = await supervisor.agent.get('/').expect(200)
    expect(page.text).not.toContain('The partnership in your boroughs')
  })
})
