import fc from 'fast-check'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { errorSummaryLinks, sealed } from '../../helpers/factories.ts'
import { signInAs, type Agent } from '../../helpers/signIn.ts'
import { createTestApp, type TestApp } from '../../helpers/testApp.ts'

let t: TestApp
let admin: { agent: Agent; csrf: string }
beforeAll(async () => {
  t = await createTestApp()
  admin = await signInAs(t.app, 'admin')
})
afterAll(async () => {
  await t.close()
})

const markerCount = async () =>
  Number(
    (
      await t.db
        .selectFrom('marker_type')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .executeTakeFirstOrThrow()
    ).n,
  )

describe('reference data kept by administrators', () => {
  it('an administrator adds a warning marker, which the marker form then offers, and retires it without deleting it', async () => {
    await admin.agent
      .post('/admin/reference/marker-types')
      .type('form')
      .send({ _csrf: admin.csrf, code: 'arson', label: 'Arson' })
      .expect(303)
    const iom = await signInAs(t.app, 'iom')
    const person = await t.db
      .selectFrom('person')
      .select('id')
      .where('restricted', '=', false)
      .limit(1)
      .executeTakeFirstOrThrow()
    expect((await iom.agent.get(`/people/${person.id}/markers/new`).expect(200)).text).toContain('Arson')

    await admin.agent
      .post('/admin/reference/marker-types/arson')
      .type('form')
      .send({ _csrf: admin.csrf, label: 'Arson', active: 'no' })
      .expect(303)
    expect((await iom.agent.get(`/people/${person.id}/markers/new`).expect(200)).text).not.toContain('Arson')
    const row = await t.db
      .selectFrom('marker_type')
      .select(['code', 'active'])
      .where('code', '=', 'arson')
      .executeTakeFirstOrThrow()
    expect(row).toEqual({ code: 'arson', active: false })
    const audit = await (
      await sealed(t.db)
    )
      .selectFrom('audit_event')
      .select('event')
      .where('entity_type', '=', 'marker_type')
      .where('entity_id', '=', 'arson')
      .execute()
    expect(audit.map((a) => a.event)).toEqual(['reference.added', 'reference.updated'])
  })

  it('a duplicate code is refused with a message and writes nothing', async () => {
    const before = await markerCount()
    const response = await admin.agent
      .post('/admin/reference/marker-types')
      .type('form')
      .send({ _csrf: admin.csrf, code: 'violent', label: 'Violent again' })
    expect(response.status).toBe(400)
    expect(response.text).toContain('That code is already in the list')
    expect(await markerCount()).toBe(before)
  })

  it('a code keeps the case the administrator typed, and the same code in another case is refused', async () => {
    await admin.agent
      .post('/admin/reference/custody-suites')
      .type('form')
      .send({ _csrf: admin.csrf, code: 'Forest_Gate_2', label: 'Forest Gate annexe' })
      .expect(303)
    const kept = await t.db
      .selectFrom('custody_suite')
      .select('code')
      .where('name', '=', 'Forest Gate annexe')
      .executeTakeFirstOrThrow()
    expect(kept.code).toBe('Forest_Gate_2')
    const suites = async () =>
      Number(
        (
          await t.db
            .selectFrom('custody_suite')
            .select((eb) => eb.fn.countAll<number>().as('n'))
            .executeTakeFirstOrThrow()
        ).n,
      )
    const before = await suites()
    const response = await admin.agent
      .post('/admin/reference/custody-suites')
      .type('form')
      .send({ _csrf: admin.csrf, code: 'FOREST_GATE_2', label: 'Again' })
    expect(response.status).toBe(400)
    expect(response.text).toContain('That code is already in the list')
    expect(await suites()).toBe(before)
  })

  it('wards are dated: a ward is ended on a date and a new one added, and an end before the start is refused', async () => {
    const borough = await t.db.selectFrom('area').select('id').where('code', '=', 'RB').executeTakeFirstOrThrow()
    await admin.agent
      .post('/admin/reference/wards')
      .type('form')
      .send({
        _csrf: admin.csrf,
        boroughId: borough.id,
        name: 'Test Ward',
        'validFrom-day': '1',
        'validFrom-month': '6',
        'validFrom-year': '2026',
      })
      .expect(303)
    const ward = await t.db.selectFrom('ward').select('id').where('name', '=', 'Test Ward').executeTakeFirstOrThrow()
    const endForm = `action="/admin/reference/wards/${ward.id}/end"`
    expect((await admin.agent.get('/admin/reference/wards').expect(200)).text).toContain(endForm)
    const early = await admin.agent
      .post(`/admin/reference/wards/${ward.id}/end`)
      .type('form')
      .send({ _csrf: admin.csrf, 'validTo-day': '1', 'validTo-month': '1', 'validTo-year': '2026' })
    expect(early.status).toBe(400)
    // The message points at that ward's own form, which comes back open with what was typed.
    expect(errorSummaryLinks(early.text)).toEqual([
      { href: `#validTo-${ward.id}`, text: 'The end date must be on or after the date the ward starts' },
    ])
    expect(early.text).toContain(`id="validTo-${ward.id}-error"`)
    expect(early.text).toMatch(new RegExp(`id="validTo-${ward.id}-month"[^>]*value="1"`))
    await admin.agent
      .post(`/admin/reference/wards/${ward.id}/end`)
      .type('form')
      .send({ _csrf: admin.csrf, 'validTo-day': '31', 'validTo-month': '12', 'validTo-year': '2026' })
      .expect(303)
    expect(
      (await t.db.selectFrom('ward').select('valid_to').where('id', '=', ward.id).executeTakeFirstOrThrow()).valid_to,
    ).toBe('2026-12-31')
    expect((await admin.agent.get('/admin/reference/wards').expect(200)).text).not.toContain(endForm)
  })

  it('hostile input to the add form is refused with 400 and an error summary, and the list is unchanged', async () => {
    const before = await markerCount()
    const hostile = fc.oneof(
      fc.string({ maxLength: 5 }).map((s) => `${s}\u0000`),
      fc.string({ minLength: 201, maxLength: 260 }),
      fc.constantFrom('', ' ', 'bad code!', "x'; drop table marker_type; --"),
    )
    await fc.assert(
      fc.asyncProperty(hostile, fc.boolean(), async (value, inCode) => {
        const body = inCode
          ? { _csrf: admin.csrf, code: value, label: 'Fine' }
          : { _csrf: admin.csrf, code: '', label: value }
        const response = await admin.agent.post('/admin/reference/marker-types').type('form').send(body)
        expect(response.status).toBe(400)
        expect(response.text).toContain('There is a problem')
      }),
      { numRuns: 25 },
    )
    expect(await markerCount()).toBe(before)
  })

  it('only administrators reach reference data', async () => {
    const supervisor = await signInAs(t.app, 'supervisor')
    await supervisor.agent.get('/admin/reference').expect(403)
  })
})
