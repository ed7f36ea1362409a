import { randomUUID } from 'node:crypto'
import fc from 'fast-check'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Agency, Role } from '../../../db/types.ts'
import { agencies, roles } from '../../../server/auth/roles.ts'
import { systemActor } from '../../../server/features/audit/actor.ts'
import { anonymousAgent, signInAs, type Agent } from '../../helpers/signIn.ts'
import { createTestApp, type TestApp } from '../../helpers/testApp.ts'
import { sealed } from '../../helpers/factories.ts'

let t: TestApp
let admin: { agent: Agent; csrf: string }
let area: Record<'EA' | 'HV' | 'BD' | 'RB', string>
let sequence = 0

const goodPassword = 'a long enough pass phrase'

beforeAll(async () => {
  t = await createTestApp()
  const rows = await t.db.selectFrom('area').select(['id', 'code']).execute()
  area = Object.fromEntries(rows.map((r) => [r.code, r.id])) as typeof area
  admin = await signInAs(t.app, 'admin')
})
afterAll(async () => {
  await t.close()
})

function uniqueUsername(prefix: string): string {
  sequence += 1
  return `${prefix}${sequence}`
}

/** Arrange: an account made by the service directly, as an administrator would have made it. */
async function existingUser(options: { role?: Role; agency?: Agency | null } = {}) {
  const username = uniqueUsername('officer')
  const result = await t.services.usersService.create(
    {
      username,
      displayName: 'Existing Officer',
      role: options.role ?? 'iom_officer',
      agency: options.agency ?? null,
      areaIds: [area.HV],
      password: goodPassword,
    },
    systemActor,
  )
  if (!result.ok) throw new Error(`Could not arrange user ${username}`)
  return { id: result.id, username }
}

async function account(id: string) {
  return t.db.selectFrom('app_user').selectAll().where('id', '=', id).executeTakeFirstOrThrow()
}

async function areaCodesOf(id: string): Promise<string[]> {
  const rows = await t.db
    .selectFrom('user_area as ua')
    .innerJoin('area as a', 'a.id', 'ua.area_id')
    .select('a.code')
    .where('ua.user_id', '=', id)
    .execute()
  return rows.map((r) => r.code).sort()
}

async function userCount(): Promise<number> {
  const row = await t.db
    .selectFrom('app_user')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow()
  return Number(row.n)
}

async function signIn(username: string, password: string) {
  const { agent, csrf } = await anonymousAgent(t.app)
  const response = await agent.post('/sign-in').type('form').send({ _csrf: csrf, username, password })
  return { agent, response }
}

function errorSummary(html: string): string {
  return /<ul class="govuk-list govuk-error-summary__list">([\s\S]*?)<\/ul>/.exec(html)?.[1] ?? ''
}

function postAsAdmin(path: string, form: Record<string, string | string[]>) {
  return admin.agent
    .post(path)
    .type('form')
    .send({ _csrf: admin.csrf, ...form })
}

describe('user administration', () => {
  it('the same new user sent five times at once: one account, the others a clear refusal, never a 500', async () => {
    const username = uniqueUsername('twice')
    const form = {
      username,
      displayName: 'Sam Twice',
      role: 'iom_officer',
      agency: '',
      areaIds: [area.HV],
      password: goodPassword,
    }
    const answers = await Promise.all(
      Array.from({ length: 5 }, () => postAsAdmin('/admin/users', { ...form, _idempotencyKey: randomUUID() })),
    )
    const statuses = answers.map((a) => a.status).sort()
    expect(statuses.filter((s) => s === 303)).toHaveLength(1)
    // A later post finds the name taken (400, with the message); one racing the first insert gets the 409 page.
    for (const refused of answers.filter((a) => a.status !== 303)) {
      expect([400, 409], String(refused.status)).toContain(refused.status)
      expect(refused.text).toMatch(/already|Someone else changed/)
    }
    expect(await t.db.selectFrom('app_user').select('id').where('username', '=', username).execute()).toHaveLength(1)
  })

  it('when an administrator creates a user, the user can sign in and sees their role and areas', async () => {
    const username = uniqueUsername('newdip')
    const response = await postAsAdmin('/admin/users', {
      username,
      displayName: 'Dana Example',
      role: 'dip_worker',
      agency: '',
      areaIds: [area.HV, area.BD],
      password: goodPassword,
    })
    expect(response.status).toBe(303)
    const id = /^\/admin\/users\/([0-9a-f-]{36})$/.exec(String(response.headers.location))?.[1]
    expect(id).toBeDefined()

    const row = await account(id!)
    expect(row).toMatchObject({
      username,
      display_name: 'Dana Example',
      role: 'dip_worker',
      agency: null,
      disabled_at: null,
    })
    expect(row.password_hash).toMatch(/^\$argon2id\$/)
    expect(await areaCodesOf(id!)).toEqual(['BD', 'HV'])
    const audit = await (
      await sealed(t.db)
    )
      .selectFrom('audit_event')
      .select(['actor_username', 'entity_id'])
      .where('event', '=', 'user.created')
      .execute()
    expect(audit).toContainEqual({ actor_username: 'admin', entity_id: id })

    const { agent, response: signedIn } = await signIn(username, goodPassword)
    expect(signedIn.status).toBe(303)
    const home = await agent.get('/').expect(200)
    expect(home.text).toContain('DIP worker')
    expect(home.text).toContain('Barking and Dagenham, Havering')
    // Not an administrator: the users page is refused.
    await agent.get('/admin/users').expect(403)
  })

  it('when an administrator changes a user’s role and areas, the change is saved and the user’s old sessions end', async () => {
    const user = await existingUser()
    const { agent: oldSession } = await signIn(user.username, goodPassword)
    await oldSession.get('/').expect(200)

    const page = await admin.agent.get(`/admin/users/${user.id}`).expect(200)
    const version = /name="version" value="(\d+)"/.exec(page.text)?.[1]
    expect(version).toBe('1')
    const response = await postAsAdmin(`/admin/users/${user.id}`, {
      displayName: 'Renamed Officer',
      role: 'cid_officer',
      agency: '',
      areaIds: area.RB,
      version: version!,
    })
    expect(response.status).toBe(303)

    expect(await account(user.id)).toMatchObject({ display_name: 'Renamed Officer', role: 'cid_officer', version: 2 })
    expect(await areaCodesOf(user.id)).toEqual(['RB'])
    expect((await oldSession.get('/')).status).toBe(303)

    const { agent } = await signIn(user.username, goodPassword)
    const home = await agent.get('/').expect(200)
    expect(home.text).toContain('CID officer')
    expect(home.text).toContain('Redbridge')
  })

  it('when an administrator resets a password, the old password stops working, the new one works and old sessions end', async () => {
    const user = await existingUser()
    const { agent: oldSession } = await signIn(user.username, goodPassword)
    await oldSession.get('/').expect(200)

    const newPassword = 'another rather long phrase'
    const response = await postAsAdmin(`/admin/users/${user.id}/password`, { password: newPassword, version: '1' })
    expect(response.status).toBe(303)

    const redirected = await oldSession.get('/')
    expect(redirected.status).toBe(303)
    expect(String(redirected.headers.location)).toMatch(/^\/sign-in/)
    expect((await signIn(user.username, goodPassword)).response.status).toBe(401)
    expect((await signIn(user.username, newPassword)).response.status).toBe(303)
  })

  it('a disabled user cannot sign in; once enabled again, they can', async () => {
    const user = await existingUser()
    expect((await postAsAdmin(`/admin/users/${user.id}/disable`, { version: '1' })).status).toBe(303)
    expect((await account(user.id)).disabled_at).not.toBeNull()
    const page = await admin.agent.get(`/admin/users/${user.id}`).expect(200)
    expect(page.text).toContain('Disabled')

    const refused = await signIn(user.username, goodPassword)
    expect(refused.response.status).toBe(401)
    expect(errorSummary(refused.response.text)).toContain('Enter a correct username and password')

    expect((await postAsAdmin(`/admin/users/${user.id}/enable`, { version: '2' })).status).toBe(303)
    expect((await account(user.id)).disabled_at).toBeNull()
    expect((await signIn(user.username, goodPassword)).response.status).toBe(303)
  })

  it('a change made from a stale version gets 409 and changes nothing', async () => {
    const user = await existingUser()
    const first = await postAsAdmin(`/admin/users/${user.id}`, {
      displayName: 'First Edit',
      role: 'iom_officer',
      areaIds: area.HV,
      version: '1',
    })
    expect(first.status).toBe(303)
    const saved = await account(user.id)

    const stale = await postAsAdmin(`/admin/users/${user.id}`, {
      displayName: 'Second Edit',
      role: 'supervisor',
      areaIds: area.BD,
      version: '1',
    })
    expect(stale.status).toBe(409)
    expect(stale.text).toContain('Someone else changed this account')
    const staleDisable = await postAsAdmin(`/admin/users/${user.id}/disable`, { version: '1' })
    expect(staleDisable.status).toBe(409)

    expect(await account(user.id)).toEqual(saved)
    expect(await areaCodesOf(user.id)).toEqual(['HV'])
  })

  it('a partner user needs an agency, and only a partner user may have one', async () => {
    const before = await userCount()
    const noAgency = await postAsAdmin('/admin/users', {
      username: uniqueUsername('partner'),
      displayName: 'Pat Partner',
      role: 'partner',
      agency: '',
      areaIds: area.EA,
      password: goodPassword,
    })
    expect(noAgency.status).toBe(400)
    expect(errorSummary(noAgency.text)).toContain('Select the agency of a partner user')

    const officerWithAgency = await postAsAdmin('/admin/users', {
      username: uniqueUsername('officer'),
      displayName: 'Olly Officer',
      role: 'iom_officer',
      agency: 'probation',
      areaIds: area.EA,
      password: goodPassword,
    })
    expect(officerWithAgency.status).toBe(400)
    expect(errorSummary(officerWithAgency.text)).toContain('Only partner users have an agency')
    expect(await userCount()).toBe(before)

    const username = uniqueUsername('partner')
    const withAgency = await postAsAdmin('/admin/users', {
      username,
      displayName: 'Pat Partner',
      role: 'partner',
      agency: 'probation',
      areaIds: area.EA,
      password: goodPassword,
    })
    expect(withAgency.status).toBe(303)
    const { agent } = await signIn(username, goodPassword)
    expect((await agent.get('/').expect(200)).text).toContain('Partner agency for Probation')
  })

  it.each([
    ['too short', 'short-pass', 'Password must be 12 characters or more'],
    ['a common password', 'Password1234', 'Password is too easy to guess'],
    ['the demo password', 'cohort-demo', 'Password must be 12 characters or more'],
    ['built on the username', 'USERNAME-and-more', 'Password is too easy to guess'],
  ])(
    'a first password that is %s is refused with 400 and an error summary, and no user is created',
    async (_case, password, message) => {
      const before = await userCount()
      const username = uniqueUsername('pw')
      const response = await postAsAdmin('/admin/users', {
        username,
        displayName: 'Pass Word',
        role: 'iom_officer',
        areaIds: area.HV,
        password: password.replace('USERNAME', username),
      })
      expect(response.status).toBe(400)
      expect(response.text).toContain('There is a problem')
      expect(errorSummary(response.text)).toContain(message)
      expect(await userCount()).toBe(before)
    },
  )
})

describe('hostile input to the new-user form', () => {
  type Value = string | readonly string[] | undefined
  type Mutation = [field: string, value: Value]

  const xss = '"><img src=x onerror=alert(1)>'
  const nul = fc.string({ maxLength: 20 }).map((s) => `${s}\u0000${s}`)
  const control = fc.constantFrom('\u0001', '\u0008', '\u001b[2J', '\u007f').map((c) => `name${c}here`)
  const blank = fc.constantFrom('', '   ', '\t\n')
  const longText = (min: number) =>
    fc.string({
      unit: fc.constantFrom('a', 'Z', '9', 'é', '€', '😀', "'", '"', '<', '>', '&', ';'),
      minLength: min,
      maxLength: 1000,
    })
  const twoValues = fc.tuple(fc.string({ maxLength: 20 }), fc.string({ maxLength: 20 })).map(([a, b]) => [a, b])
  const notOneOf = (values: readonly string[]) =>
    fc.string({ minLength: 1, maxLength: 40 }).filter((s) => !values.includes(s))

  // Each mutation leaves its own field invalid whatever the other fields hold, so every form is refused.
  const mutation: fc.Arbitrary<Mutation> = fc.oneof(
    fc
      .oneof(
        fc.constant(undefined),
        nul,
        control,
        blank,
        longText(65),
        fc.constant(xss),
        fc.constant("x' or '1'='1"),
        twoValues,
      )
      .map((v): Mutation => ['username', v]),
    fc
      .oneof(fc.constant(undefined), nul, control, blank, longText(101), twoValues)
      .map((v): Mutation => ['displayName', v]),
    fc
      .oneof(
        fc.constant(undefined),
        notOneOf(roles),
        fc.constant('ADMINISTRATOR'),
        fc.constant(['administrator', 'supervisor']),
      )
      .map((v): Mutation => ['role', v]),
    fc.oneof(notOneOf(['', ...agencies]), fc.constant(['mash', 'yos'])).map((v): Mutation => ['agency', v]),
    fc
      .oneof(fc.constant(undefined), fc.constant(''), notOneOf([]), fc.uuid(), fc.constant(["' or 1=1 --"]))
      .map((v): Mutation => ['areaIds', v]),
    fc
      .oneof(
        fc.constant(undefined),
        fc.constant(''),
        fc.string({ minLength: 1, maxLength: 11 }),
        longText(129),
        fc.constant('password1234'),
        twoValues,
      )
      .map((v): Mutation => ['password', v]),
  )
  // Fields the form does not have: ignored, never stored.
  const noise = fc.array(
    fc.tuple(
      fc.constantFrom(
        'isAdmin',
        '__proto__',
        'constructor',
        'version',
        'id',
        'failed_sign_ins',
        'role[]',
        'areaIds[0]',
      ),
      fc.string({ maxLength: 20 }),
    ),
    { maxLength: 4 },
  )

  function encode(csrf: string, fields: Map<string, Value>, extra: [string, string][]): string {
    const params = new URLSearchParams([['_csrf', csrf]])
    for (const [field, value] of fields) {
      for (const item of value === undefined ? [] : typeof value === 'string' ? [value] : value)
        params.append(field, item)
    }
    for (const [key, value] of extra) params.append(key, value)
    return params.toString()
  }

  function validForm(): Map<string, Value> {
    return new Map<string, Value>([
      ['username', uniqueUsername('hostile')],
      ['displayName', 'Valid Name'],
      ['role', 'iom_officer'],
      ['agency', ''],
      ['areaIds', [area.HV]],
      ['password', goodPassword],
    ])
  }

  it('the unmutated form is accepted, so the refusals below come from the hostile parts', async () => {
    const response = await admin.agent
      .post('/admin/users')
      .type('form')
      .send(encode(admin.csrf, validForm(), []))
    expect(response.status).toBe(303)
  })

  it('NUL bytes, over-long text, unknown options, wrong types and missing fields get 400 with an error summary and store nothing', async () => {
    const before = await userCount()
    await fc.assert(
      fc.asyncProperty(fc.array(mutation, { minLength: 1, maxLength: 4 }), noise, async (mutations, extra) => {
        const fields = validForm()
        for (const [field, value] of mutations) fields.set(field, value)
        const response = await admin.agent
          .post('/admin/users')
          .type('form')
          .send(encode(admin.csrf, fields, extra))
        expect(response.status).toBe(400)
        expect(response.text).toContain('There is a problem')
        expect(errorSummary(response.text)).not.toBe('')
        expect(response.text).not.toContain('<img src=x')
        expect(await userCount()).toBe(before)
      }),
      { numRuns: 40 },
    )
  })
})
