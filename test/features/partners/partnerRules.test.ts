import { randomBytes } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { addDays, addMonths, todayInLondon } from '../../../server/domain/time.ts'
import { formatDate } from '../../../server/presenters/format.ts'
import {
  auditSince,
  createPerson,
  dateFields,
  demoUserIds,
  errorSummaryLinks,
  inputValue,
  lastAuditId,
  postForm,
  rowCounts,
  writeAuditCount,
  type FormData,
} from '../../helpers/factories.ts'
import { signInAs, type Agent } from '../../helpers/signIn.ts'
import { createTestApp, type TestApp } from '../../helpers/testApp.ts'

// The partner-case rules of server/features/partners/RULES.md, through the real forms and database.

let t: TestApp
let iom: { agent: Agent; csrf: string }
let users: Awaited<ReturnType<typeof demoUserIds>>
const agreements = { marac: '', yos: '' }
const today = todayInLondon()
const daysAgo = (n: number) => addDays(today, -n)

beforeAll(async () => {
  t = await createTestApp()
  users = await demoUserIds(t.db)
  iom = await signInAs(t.app, 'iom')
  const rows = await t.db
    .selectFrom('sharing_agreement')
    .select(['id', 'agency'])
    .where('ends_on', 'is', null)
    .execute()
  agreements.marac = rows.find((r) => r.agency === 'marac')?.id ?? ''
  agreements.yos = rows.find((r) => r.agency === 'yos')?.id ?? ''
})
afterAll(async () => {
  await t.close()
})

const reference = (agency: string) => `${agency.toUpperCase()}-${randomBytes(3).toString('hex')}`

/** A MARAC referral already on the system, entered as the form would have (its flag as the rule gave it then). */
async function existingMarac(personId: string, openedOn: string, repeat: boolean) {
  return t.db
    .insertInto('partner_link')
    .values({
      person_id: personId,
      agency: 'marac',
      reference: reference('marac'),
      opened_on: openedOn,
      contact: 'MARAC coordinator',
      agreement_id: agreements.marac,
      marac_role: 'victim',
      dash_score: 15,
      repeat_referral: repeat,
      created_by: users.iom,
    })
    .returningAll()
    .executeTakeFirstOrThrow()
}

function maracForm(openedOn: string): FormData {
  return {
    agency: 'marac',
    reference: reference('marac'),
    ...dateFields('openedOn', openedOn),
    contact: '',
    agreementId: agreements.marac,
    maracRole: 'victim',
    dashScore: '17',
    idvaAllocated: 'yes',
  }
}

function yosForm(openedOn: string): FormData {
  return {
    agency: 'yos',
    reference: reference('yos'),
    ...dateFields('openedOn', openedOn),
    contact: '',
    agreementId: agreements.yos,
    yosDisposal: 'referral_order',
    caseManager: 'Sam Patel',
  }
}

const flagsOf = async (personId: string) =>
  Object.fromEntries(
    (
      await t.db
        .selectFrom('partner_link')
        .select(['opened_on', 'repeat_referral'])
        .where('person_id', '=', personId)
        .where('agency', '=', 'marac')
        .execute()
    ).map((l) => [l.opened_on, l.repeat_referral]),
  )

describe('MARAC repeat referrals', () => {
  it('recomputes the repeat flag of every later MARAC referral within 12 months when an earlier-dated one is entered late, and of itself', async () => {
    const person = await createPerson(t.db)
    // Entered in this order: 600 days ago (first), 20 days ago (over 12 months after it: not a repeat), 10 days ago (a repeat).
    const oldest = await existingMarac(person.id, daysAgo(600), false)
    const later = await existingMarac(person.id, daysAgo(20), false)
    const latest = await existingMarac(person.id, daysAgo(10), true)
    const before = await lastAuditId(t.db)

    // Entered late: 200 days ago, so within 12 months before the 20-days-ago one, and over 12 months after the oldest.
    await postForm(iom, `/people/${person.id}/partner-links`, maracForm(daysAgo(200))).expect(303)

    expect(await flagsOf(person.id)).toEqual({
      [daysAgo(600)]: false,
      [daysAgo(200)]: false,
      [daysAgo(20)]: true,
      [daysAgo(10)]: true,
    })
    const row = (id: string) =>
      t.db
        .selectFrom('partner_link')
        .select(['version', 'repeat_referral'])
        .where('id', '=', id)
        .executeTakeFirstOrThrow()
    expect(await row(later.id)).toEqual({ version: later.version + 1, repeat_referral: true })
    expect(await row(oldest.id)).toEqual({ version: oldest.version, repeat_referral: false })
    expect(await row(latest.id)).toEqual({ version: latest.version, repeat_referral: true })
    const history = await t.db
      .selectFrom('partner_link_change')
      .select(['link_id', 'changes', 'changed_by'])
      .where('link_id', 'in', [oldest.id, later.id, latest.id])
      .execute()
    expect(history).toEqual([
      { link_id: later.id, changes: { repeat_referral: { from: false, to: true } }, changed_by: users.iom },
    ])
    const audit = await auditSince(t.db, before)
    expect(audit.filter((a) => a.category === 'collection').map((a) => a.detail)).toEqual([
      { agency: 'marac', repeat: false },
    ])
    expect(audit.filter((a) => a.category === 'alteration').map((a) => [a.event, a.entity_id, a.person_id])).toEqual([
      ['partner_link.repeat_recomputed', later.id, person.id],
    ])

    // Entered late again, 5 days before the oldest: itself not a repeat, and the oldest now is.
    await postForm(iom, `/people/${person.id}/partner-links`, maracForm(daysAgo(605))).expect(303)
    expect(await flagsOf(person.id)).toEqual({
      [daysAgo(605)]: false,
      [daysAgo(600)]: true,
      [daysAgo(200)]: false,
      [daysAgo(20)]: true,
      [daysAgo(10)]: true,
    })
  })
})

describe('YOS links', () => {
  /** A person who has their `age`th birthday `offset` days from the day given. */
  const bornFor = (age: number, on: string, offset = 0) => addDays(addMonths(on, -12 * age), offset)

  it('refuses a YOS link unless the person is aged 10 to 17 on its start date (400, message on the start date)', async () => {
    const opened = daysAgo(40)
    const refused: [string, number][] = [
      [bornFor(18, opened), 18], // eighteenth birthday on the start date
      [bornFor(10, opened, 1), 9], // tenth birthday the day after
      [bornFor(30, opened), 30],
    ]
    for (const [dateOfBirth, age] of refused) {
      const person = await createPerson(t.db, { date_of_birth: dateOfBirth })
      const tables = ['partner_link', 'partner_link_change', 'idempotency_key'] as const
      const before = { counts: await rowCounts(t.db, tables), writes: await writeAuditCount(t.db) }
      const form = yosForm(opened)

      const response = await postForm(iom, `/people/${person.id}/partner-links`, form)

      expect(response.status, dateOfBirth).toBe(400)
      expect(errorSummaryLinks(response.text)).toEqual([
        {
          href: '#openedOn',
          text: `For a YOS case the person must be aged 10 to 17 on the date opened: on ${formatDate(opened)} they were ${age}`,
        },
      ])
      expect(inputValue(response.text, 'reference')).toBe(form.reference)
      expect(inputValue(response.text, 'openedOn-year')).toBe(opened.slice(0, 4))
      expect({ counts: await rowCounts(t.db, tables), writes: await writeAuditCount(t.db) }).toEqual(before)
    }

    // Ten on the start date, and seventeen the day before the eighteenth birthday, are both in range.
    for (const dateOfBirth of [bornFor(10, opened), bornFor(18, opened, 1)]) {
      const person = await createPerson(t.db, { date_of_birth: dateOfBirth })
      await postForm(iom, `/people/${person.id}/partner-links`, yosForm(opened)).expect(303)
      expect(
        await t.db.selectFrom('partner_link').select('agency').where('person_id', '=', person.id).execute(),
      ).toEqual([{ agency: 'yos' }])
    }
  })
})
