import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { auditRowsFor, createPerson, freshCroNumber, postForm, sealed, uniqueTag } from '../../helpers/factories.ts'
import { signInAs, type Agent } from '../../helpers/signIn.ts'
import { createTestApp, type TestApp } from '../../helpers/testApp.ts'

let t: TestApp
let iom: { agent: Agent; csrf: string }

beforeAll(async () => {
  t = await createTestApp()
  iom = await signInAs(t.app, 'iom')
})
afterAll(async () => {
  await t.close()
})

/** The ids of the people a search found, best match first. */
async function search(q: string): Promise<{ status: number; ids: string[]; html: string }> {
  const response = await iom.agent.get('/people/search').query({ q })
  const table = /<tbody class="govuk-table__body">([\s\S]*?)<\/tbody>/.exec(response.text)?.[1] ?? ''
  const ids = [...table.matchAll(/href="\/people\/([0-9a-f-]{36})"/g)].map((m) => m[1] ?? '')
  return { status: response.status, ids, html: response.text }
}

function shortForm(longPnc: string): string {
  const [year = '', rest = ''] = longPnc.split('/')
  return `${year.slice(2)}/${Number(rest.slice(0, 7))}${rest.slice(7)}`
}

describe('searching for a person', () => {
  it('a misspelt surname ("Smyth") still finds "Smith, John"', async () => {
    const smith = await createPerson(t.db, { surname: 'Smith', forenames: 'John', date_of_birth: '1991-03-09' })

    const found = await search('Smyth')

    expect(found.status).toBe(200)
    expect(found.ids).toContain(smith.id)
    expect((await search('Zbigniewska')).ids).not.toContain(smith.id)
  })

  it('a name the person is also known by (an alias added through the form) finds them, and the page says which alias matched', async () => {
    const tag = uniqueTag().toLowerCase()
    const person = await createPerson(t.db, { surname: `Okonkwo${tag}`, forenames: 'Chidi' })
    expect((await search(`Patrick Brennan${tag}`)).ids).not.toContain(person.id)

    const added = await postForm(iom, `/people/${person.id}/aliases`, {
      aliasSurname: `Brennan${tag}`,
      aliasForenames: 'Patrick',
    })
    expect(added.status).toBe(303)
    const aliasAudit = (await auditRowsFor(t.db, person.id)).filter((a) => a.category === 'collection')
    expect(aliasAudit.map((a) => a.event)).toEqual(['person.alias_added'])

    const found = await search(`Patrick Brennan${tag}`)
    expect(found.ids).toContain(person.id)
    expect(found.html).toContain(`Matched alias: Patrick Brennan${tag}`)
  })

  it('one word is a surname, of the person or of an alias; two words are a whole name in either order', async () => {
    const tag = uniqueTag().toLowerCase()
    const person = await createPerson(t.db, { surname: `Adeyemi${tag}`, forenames: 'Grace' })
    await t.db
      .insertInto('person_alias')
      .values({ person_id: person.id, surname: `Whitlock${tag}`, forenames: 'Gail' })
      .execute()

    expect((await search(`Adeyemi${tag}`)).ids).toContain(person.id)
    const byAliasSurname = await search(`Whitlock${tag}`)
    expect(byAliasSurname.ids).toContain(person.id)
    expect(byAliasSurname.html).toContain(`Matched alias: Gail Whitlock${tag}`)
    expect((await search(`Grace Adeyemi${tag}`)).ids).toContain(person.id)
    expect((await search(`Adeyemi${tag} Grace`)).ids).toContain(person.id)
    expect((await search(`Gail Whitlock${tag}`)).ids).toContain(person.id)
  })

  it('a PNC ID typed in the short form finds exactly that person', async () => {
    const person = await createPerson(t.db)

    const found = await search(shortForm(person.pnc_id!))

    expect(found.ids).toEqual([person.id])
    expect(found.html).toContain('1 person found')
  })

  it('a CRO number and a date of birth each find the person', async () => {
    const cro = await freshCroNumber(t.db)
    const person = await createPerson(t.db, { cro_number: cro, date_of_birth: '1966-10-21' })

    expect((await search(cro.toLowerCase())).ids).toEqual([person.id])
    expect((await search('21/10/1966')).ids).toContain(person.id)
  })

  it('an impossible date of birth in the search box finds nobody rather than failing', async () => {
    for (const q of ['31/02/1990', '30/02/2001', '2001-02-30', '0000-01-01']) {
      const found = await search(q)
      expect(found.status, q).toBe(200)
      expect(found.ids, q).toEqual([])
    }
  })

  it('a search that finds people is logged as a consultation naming them', async () => {
    const person = await createPerson(t.db)
    await search(person.pnc_id!)
    const rows = await (
      await sealed(t.db)
    )
      .selectFrom('audit_event')
      .select(['category', 'detail', 'actor_username'])
      .where('event', '=', 'person.searched')
      .orderBy('id', 'desc')
      .limit(1)
      .execute()
    expect(rows[0]).toMatchObject({
      category: 'consultation',
      actor_username: 'iom',
      detail: { kind: 'pnc', resultCount: 1, personIds: [person.id] },
    })
  })

  it('a one-letter search is refused with a message on the search box', async () => {
    const found = await search('a')
    expect(found.status).toBe(400)
    expect(found.html).toContain('<a href="#q">Enter at least 2 characters</a>')
  })
})
