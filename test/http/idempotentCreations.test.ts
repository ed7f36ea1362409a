import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { addDays, addMonths, todayInLondon } from '../../server/domain/time.ts'
import { createPerson, dateFields, demoUserIds, inputValue, postForm, uniqueTag } from '../helpers/factories.ts'
import { signInAs, type Agent } from '../helpers/signIn.ts'
import { createTestApp, type TestApp } from '../helpers/testApp.ts'

// The forms that create a record are done once per form: the key minted with the form makes a
// second send (a double click, or a retry after the answer was lost) write nothing and end on
// the same page as the first. A key is good for one form only.

type Session = { agent: Agent; csrf: string }

let t: TestApp
let iom: Session
let users: Awaited<ReturnType<typeof demoUserIds>>
let maracAgreement: string

beforeAll(async () => {
  t = await createTestApp()
  iom = await signInAs(t.app, 'iom')
  users = await demoUserIds(t.db)
  const today = todayInLondon()
  const agreement = await t.db
    .selectFrom('sharing_agreement')
    .select('id')
    .where('agency', '=', 'marac')
    .where('starts_on', '<=', today)
    .where((eb) => eb.or([eb('ends_on', 'is', null), eb('ends_on', '>=', today)]))
    .executeTakeFirstOrThrow()
  maracAgreement = agreement.id
})
afterAll(async () => {
  await t.close()
})

const blankDate = (name: string) => ({ [`${name}-day`]: '', [`${name}-month`]: '', [`${name}-year`]: '' })

type Creation = {
  name: string
  /** The page holding the form, the path it posts to, and a valid filling of it. */
  arrange(): Promise<{ page: string; action: string; form: Record<string, string>; count: () => Promise<number> }>
}

const countWhere = async (
  table: 'contact' | 'action' | 'referral' | 'partner_link' | 'person_alias' | 'person_marker',
  personId: string,
) =>
  Number(
    (
      await t.db
        .selectFrom(table)
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('person_id', '=', personId)
        .executeTakeFirstOrThrow()
    ).n,
  )

const creations: Creation[] = [
  {
    name: 'a contact',
    arrange: async () => {
      const person = await createPerson(t.db)
      return {
        page: `/people/${person.id}/contacts/new`,
        action: `/people/${person.id}/contacts`,
        form: {
          ...dateFields('contactDate', todayInLondon()),
          contactType: 'phone',
          pathway: 'health',
          note: 'Checked in by phone',
          outcome: 'engaged',
        },
        count: () => countWhere('contact', person.id),
      }
    },
  },
  {
    name: 'an action',
    arrange: async () => {
      const person = await createPerson(t.db)
      return {
        page: `/people/${person.id}/actions/new`,
        action: `/people/${person.id}/actions`,
        form: {
          description: 'Book a housing appointment',
          ownerId: users.iom,
          ...dateFields('dueDate', addDays(todayInLondon(), 3)),
          actionPathway: 'accommodation',
        },
        count: () => countWhere('action', person.id),
      }
    },
  },
  {
    name: 'a referral',
    arrange: async () => {
      const person = await createPerson(t.db)
      return {
        page: `/people/${person.id}/referrals/new`,
        action: `/people/${person.id}/referrals`,
        form: { programme: 'iom_flex', source: 'custody', reason: 'Three burglaries since March' },
        count: () => countWhere('referral', person.id),
      }
    },
  },
  {
    name: 'a partner link',
    arrange: async () => {
      const person = await createPerson(t.db)
      const today = todayInLondon()
      return {
        page: `/people/${person.id}/partner-links/new?agency=marac`,
        action: `/people/${person.id}/partner-links`,
        form: {
          agency: 'marac',
          reference: `MARAC-HV-${uniqueTag().slice(0, 4)}`,
          ...dateFields('openedOn', addDays(today, -2)),
          contact: 'Havering MARAC coordinator',
          agreementId: maracAgreement,
          maracRole: 'victim',
          dashScore: '15',
          ...dateFields('meetingDate', addDays(today, 14)),
          idvaAllocated: 'yes',
          ...dateFields('nextReview', addMonths(today, 3)),
          yosDisposal: '',
          caseManager: '',
          ...blankDate('transitionDate'),
          bragRating: '',
          mashDecision: '',
          ...blankDate('decisionDate'),
          childrenInvolved: '',
        },
        count: () => countWhere('partner_link', person.id),
      }
    },
  },
  {
    name: 'an alias',
    arrange: async () => {
      const person = await createPerson(t.db)
      return {
        page: `/people/${person.id}/aliases/new`,
        action: `/people/${person.id}/aliases`,
        form: { aliasSurname: `Alias${uniqueTag().toLowerCase()}`, aliasForenames: 'Jo' },
        count: () => countWhere('person_alias', person.id),
      }
    },
  },
  {
    name: 'a warning marker',
    arrange: async () => {
      const person = await createPerson(t.db)
      return {
        page: `/people/${person.id}/markers/new`,
        action: `/people/${person.id}/markers`,
        form: {
          markerCode: 'violent',
          ...dateFields('startDate', addDays(todayInLondon(), -40)),
          ...blankDate('reviewDate'),
          markerNote: 'Assault on arrest',
        },
        count: () => countWhere('person_marker', person.id),
      }
    },
  },
  {
    name: 'a person',
    arrange: async () => {
      const surname = `Oncetest${uniqueTag().toLowerCase()}`
      const area = await t.db.selectFrom('area').select('id').where('code', '=', 'HV').executeTakeFirstOrThrow()
      return {
        page: '/people/new',
        action: '/people',
        form: {
          surname,
          forenames: 'Sam',
          ...dateFields('dateOfBirth', '1988-08-08'),
          gender: 'female',
          pncId: '',
          croNumber: '',
          address: '',
          wardId: '',
          areaId: area.id,
        },
        count: async () =>
          Number(
            (
              await t.db
                .selectFrom('person')
                .select((eb) => eb.fn.countAll<number>().as('n'))
                .where('surname', '=', surname)
                .executeTakeFirstOrThrow()
            ).n,
          ),
      }
    },
  },
]

/** The key of the form on `page` that posts to `action`, as the browser would send it back. */
async function keyOf(page: string, action: string): Promise<string> {
  const html = (await iom.agent.get(page).expect(200)).text
  const form =
    new RegExp(`<form method="post" action="${action.replace(/[/.?]/g, '\\$&')}"[\\s\\S]*?</form>`).exec(html)?.[0] ??
    ''
  const key = inputValue(form, '_idempotencyKey')
  expect(key, `the form on ${page} carries a key`).toMatch(/^[0-9a-f-]{36}$/)
  return key ?? ''
}

describe('creating a record, once per form', () => {
  for (const creation of creations) {
    it(`${creation.name}: the same form sent twice writes one record, and both sends end on the same page`, async () => {
      const { page, action, form, count } = await creation.arrange()
      const key = await keyOf(page, action)
      const first = await postForm(iom, action, { ...form, _idempotencyKey: key })
      expect(first.status, first.text.slice(0, 500)).toBe(303)
      const second = await postForm(iom, action, { ...form, _idempotencyKey: key })
      expect(second.status).toBe(303)
      expect(second.headers.location).toBe(first.headers.location)
      expect(await count()).toBe(1)
      // A fresh form (a new key) is a new record: the key, not the content, is what repeats.
      if (creation.name !== 'a person') {
        await postForm(iom, action, { ...form, _idempotencyKey: await keyOf(page, action) }).expect(303)
        expect(await count()).toBe(2)
      }
    })
  }

  it('a key already used on one form is refused on another, which writes nothing', async () => {
    const contact = await creations[0]!.arrange()
    const key = await keyOf(contact.page, contact.action)
    await postForm(iom, contact.action, { ...contact.form, _idempotencyKey: key }).expect(303)
    const action = await creations[1]!.arrange()
    await postForm(iom, action.action, { ...action.form, _idempotencyKey: key }).expect(400)
    expect(await action.count()).toBe(0)
  })
})
