import { sql } from 'kysely'
import { describe, expect, it } from 'vitest'
import { areaIdsByCode, createAction, createPerson, createReferral, demoUserIds } from '../helpers/factories.ts'
import { fileDatabase } from '../helpers/testDatabase.ts'

// The retention queue reads retention_basis (migration 20261206T0100), kept by the database as
// records change. It is only right while every person's row agrees with retention_basis_of, the
// rule itself, whichever table was written and however.

const t = fileDatabase()

/** People whose kept row differs from the rule worked out now, either way round. */
async function disagreeing(): Promise<string[]> {
  const found = await sql<{ person_id: string }>`
    select person_id from (
      (select * from retention_basis except select * from retention_basis_of(array(select id from person)))
      union
      (select * from retention_basis_of(array(select id from person)) except select * from retention_basis)
    ) d`.execute(t.db)
  return found.rows.map((r) => r.person_id)
}

const basisOf = (personId: string) =>
  t.db.selectFrom('retention_basis').selectAll().where('person_id', '=', personId).executeTakeFirst()

describe("a person's retention basis follows their record", () => {
  it('in the demo data, every person not combined into another has a row and every row agrees with the rule', async () => {
    expect(await disagreeing()).toEqual([])
    const counts = await sql<{ people: number; kept: number }>`
      select (select count(*)::int from person where combined_into is null) as people, (select count(*)::int from retention_basis) as kept`.execute(
      t.db,
    )
    expect(counts.rows[0]!.kept).toBe(counts.rows[0]!.people)
  })

  it('a new person has a row from their first commit, dated the day the record was made', async () => {
    const person = await createPerson(t.db)
    const basis = await basisOf(person.id)
    expect(basis).toMatchObject({
      person_id: person.id,
      area_id: person.area_id,
      adopted: false,
      decided_review_on: null,
    })
    const today = await sql<{ d: string }>`select (now() at time zone 'Europe/London')::date::text as d`.execute(t.db)
    expect(basis?.last_on).toBe(today.rows[0]!.d)
  })

  it('a later event moves the last event forward, and removing it moves it back', async () => {
    const users = await demoUserIds(t.db)
    const person = await createPerson(t.db)
    const before = (await basisOf(person.id))!.last_on
    const contact = await t.db
      .insertInto('contact')
      .values({
        person_id: person.id,
        contact_date: '2099-01-02',
        contact_type: 'home_visit',
        pathway: 'accommodation',
        note: 'A visit arranged far ahead',
        recorded_by: users.iom,
      })
      .returning('id')
      .executeTakeFirstOrThrow()
    expect((await basisOf(person.id))!.last_on).toBe('2099-01-02')
    await t.db.updateTable('contact').set({ contact_date: '2098-03-04' }).where('id', '=', contact.id).execute()
    expect((await basisOf(person.id))!.last_on).toBe('2098-03-04')
    await t.db.deleteFrom('contact').where('id', '=', contact.id).execute()
    expect((await basisOf(person.id))!.last_on).toBe(before)
  })

  it('an event kept through a parent row (a partner link change, a membership event) counts', async () => {
    const link = await t.db.selectFrom('partner_link').select(['id', 'person_id']).executeTakeFirstOrThrow()
    await t.db
      .insertInto('partner_link_change')
      .values({
        link_id: link.id,
        changes: JSON.stringify({ note: 'reviewed' }),
        changed_at: new Date('2099-05-06T12:00:00Z'),
      })
      .execute()
    expect((await basisOf(link.person_id))!.last_on).toBe('2099-05-06')

    const event = await t.db
      .selectFrom('membership_event as e')
      .innerJoin('cohort_membership as m', 'm.id', 'e.membership_id')
      .select(['e.id', 'm.person_id'])
      .executeTakeFirstOrThrow()
    await t.db.updateTable('membership_event').set({ event_date: '2099-07-08' }).where('id', '=', event.id).execute()
    const basis = (await basisOf(event.person_id))!
    expect(basis.last_on >= '2099-07-08').toBe(true)
    expect(basis.adopted).toBe(true)
    expect(await disagreeing()).toEqual([])
  })

  it('a retain decision sets the review date; a person moved to another borough is read there', async () => {
    const users = await demoUserIds(t.db)
    const areas = await areaIdsByCode(t.db)
    const person = await createPerson(t.db, { areaCode: 'BD' })
    await t.db
      .insertInto('retention_decision')
      .values({
        person_id: person.id,
        decision: 'retain',
        reason: 'Live investigation',
        next_review_on: '2031-01-01',
        decided_by: users.supervisor,
      })
      .execute()
    expect((await basisOf(person.id))!.decided_review_on).toBe('2031-01-01')
    await t.db.updateTable('person').set({ area_id: areas.RB }).where('id', '=', person.id).execute()
    expect((await basisOf(person.id))!.area_id).toBe(areas.RB)
  })

  it('writes in one transaction across several tables and people leave every row right at commit', async () => {
    const users = await demoUserIds(t.db)
    const [first, second] = [await createPerson(t.db), await createPerson(t.db)]
    await t.db.transaction().execute(async (trx) => {
      await createReferral(trx, { personId: first.id, referredBy: users.iom })
      await createAction(trx, { personId: second.id, ownerId: users.iom, dueDate: '2099-09-09' })
      await trx.updateTable('action').set({ completed_on: '2099-10-10' }).where('person_id', '=', second.id).execute()
      // A record moved from one person to the other, as a combination does.
      await trx.updateTable('referral').set({ person_id: second.id }).where('person_id', '=', first.id).execute()
    })
    expect((await basisOf(second.id))!.last_on).toBe('2099-10-10')
    expect(await disagreeing()).toEqual([])
  })

  it('a deleted person leaves no row', async () => {
    const person = await createPerson(t.db)
    expect(await basisOf(person.id)).toBeDefined()
    await t.db.deleteFrom('person').where('id', '=', person.id).execute()
    expect(await basisOf(person.id)).toBeUndefined()
  })
})
