import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { addDays, todayInLondon } from '../../../server/domain/time.ts'
import {
  createAction,
  createOutsideArea,
  createReferral,
  demoUserIds,
  lastAuditId,
  auditSince,
} from '../../helpers/factories.ts'
import { signInAs, type Agent } from '../../helpers/signIn.ts'
import { createTestApp, type TestApp } from '../../helpers/testApp.ts'
import { drugTest, entry, failure, marker, person } from '../cid/cidSupport.ts'

// Each kind against the roles: arrange one item in the demo areas and one outside them, then ask
// every role's list. The right role sees the first, no role sees the second.

let t: TestApp
let users: Awaited<ReturnType<typeof demoUserIds>>
let elsewhere: Awaited<ReturnType<typeof createOutsideArea>>
const agents = new Map<string, Agent>()
const roles = ['admin', 'supervisor', 'iom', 'dip', 'cid'] as const
const today = () => todayInLondon()

beforeAll(async () => {
  t = await createTestApp()
  users = await demoUserIds(t.db)
  elsewhere = await createOutsideArea(t.db)
  for (const role of roles) agents.set(role, (await signInAs(t.app, role)).agent)
})
afterAll(async () => {
  await t.close()
})

/** Who, of the demo roles, sees `surname` in their list of `kind`. */
async function seenBy(kind: string, surname: string) {
  const seen: string[] = []
  for (const role of roles) {
    const page = await agents.get(role)!.get(`/tasks?kind=${kind}`).expect(200)
    if (page.text.includes(surname.toUpperCase())) seen.push(role)
  }
  return seen
}

async function twoPeople(tag: string) {
  const here = await person(t.db, { surname: `Here${tag}` })
  const away = await person(t.db, { surname: `Away${tag}`, area_id: elsewhere.boroughId })
  return { here, away }
}

describe('each kind appears for the roles that act on it, in their areas', () => {
  it('positive tests awaiting an assessment decision: those who record DIP work', async () => {
    const { here, away } = await twoPeople('Tests')
    await drugTest(t.db, here.id, { sampledOn: addDays(today(), -1) })
    await drugTest(t.db, away.id, { sampledOn: addDays(today(), -1) })
    expect(await seenBy('tests', here.surname)).toEqual(['supervisor', 'iom', 'dip'])
    expect(await seenBy('tests', away.surname)).toEqual([])
  })

  it('failures awaiting a statement: the DIP workers and supervisors', async () => {
    const { here, away } = await twoPeople('Statements')
    await failure(t.db, here.id, { status: 'open', statementProducedOn: null })
    await failure(t.db, away.id, { status: 'open', statementProducedOn: null })
    expect(await seenBy('statements', here.surname)).toEqual(['supervisor', 'dip'])
    expect(await seenBy('statements', away.surname)).toEqual([])
  })

  it('statements signed and awaiting circulation: the police', async () => {
    const { here, away } = await twoPeople('Circulation')
    await failure(t.db, here.id, { status: 'open' })
    await failure(t.db, away.id, { status: 'open' })
    expect(await seenBy('circulation', here.surname)).toEqual(['supervisor', 'iom'])
    expect(await seenBy('circulation', away.surname)).toEqual([])
  })

  it('CID proposals awaiting countersignature: supervisors', async () => {
    const { here, away } = await twoPeople('Proposals')
    await entry(t.db, await failure(t.db, here.id), 'proposed')
    await entry(t.db, await failure(t.db, away.id), 'proposed')
    expect(await seenBy('proposals', here.surname)).toEqual(['supervisor'])
    expect(await seenBy('proposals', away.surname)).toEqual([])
  })

  it('suspended CID entries: every supervisor, and the officer who proposed it', async () => {
    const { here, away } = await twoPeople('Suspended')
    const mine = await entry(t.db, await failure(t.db, here.id), 'suspended')
    await t.db.updateTable('cid_entry').set({ proposed_by: users.iom }).where('id', '=', mine.id).execute()
    await entry(t.db, await failure(t.db, away.id), 'suspended')
    expect(await seenBy('returned', here.surname)).toEqual(['supervisor', 'iom'])
    expect(await seenBy('returned', away.surname)).toEqual([])
  })

  it('people on the CID list near the time bar: CID and supervisors', async () => {
    const { here, away } = await twoPeople('Wanted')
    const near = { failureDate: addDays(today(), -170), timeBarDate: addDays(today(), 10) }
    for (const who of [here, away]) await marker(t.db, who.id, 'violent')
    await entry(t.db, await failure(t.db, here.id, near))
    await entry(t.db, await failure(t.db, away.id, near))
    expect(await seenBy('wanted', here.surname)).toEqual(['supervisor', 'cid'])
    expect(await seenBy('wanted', away.surname)).toEqual([])
  })

  it('referrals awaiting the panel: supervisors', async () => {
    const { here, away } = await twoPeople('Referrals')
    await createReferral(t.db, { personId: here.id, referredBy: users.iom })
    await createReferral(t.db, { personId: away.id, referredBy: users.iom })
    expect(await seenBy('referrals', here.surname)).toEqual(['supervisor'])
    expect(await seenBy('referrals', away.surname)).toEqual([])
  })

  it('overdue actions: only their owner', async () => {
    const { here } = await twoPeople('Actions')
    await createAction(t.db, { personId: here.id, ownerId: users.iom, dueDate: addDays(today(), -3) })
    expect(await seenBy('actions', here.surname)).toEqual(['iom'])
    const dueLater = await person(t.db, { surname: 'HereActionsLater' })
    await createAction(t.db, { personId: dueLater.id, ownerId: users.iom, dueDate: addDays(today(), 3) })
    expect(await seenBy('actions', dueLater.surname)).toEqual([])
  })

  it('writes one consultation row naming the people shown, and none for an empty list', async () => {
    const before = await lastAuditId(t.db)
    await agents.get('supervisor')!.get('/tasks').expect(200)
    const rows = await auditSince(t.db, before)
    expect(rows.map((r) => r.category)).toEqual(['consultation'])
    const empty = await lastAuditId(t.db)
    await agents.get('cid')!.get('/tasks?kind=retention').expect(200)
    expect(await auditSince(t.db, empty)).toEqual([])
  })
})
