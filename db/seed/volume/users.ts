import type { Kysely } from 'kysely'
import type { Agency, Database, Role } from '../../types.ts'
import type { References } from './context.ts'
import { volumeId } from './random.ts'
import { townOfWard, type DemoBorough } from '../wardTowns.ts'

const roleCycle: { role: Role; name: string; agency?: Agency }[] = [
  { role: 'iom_officer', name: 'iom' },
  { role: 'iom_officer', name: 'iom' },
  { role: 'iom_officer', name: 'iom' },
  { role: 'iom_officer', name: 'iom' },
  { role: 'dip_worker', name: 'dip' },
  { role: 'dip_worker', name: 'dip' },
  { role: 'dip_worker', name: 'dip' },
  { role: 'supervisor', name: 'supervisor' },
  { role: 'cid_officer', name: 'cid' },
  { role: 'partner', name: 'partner', agency: 'mash' },
]

export type VolumeUser = { id: string; username: string; role: Role }

/**
 * Officers for the population (one for every 400 people, at least 10), named v<seed>.<role>.<k>,
 * in East Area BCU, with the demo password so a benchmark can sign in as any of them.
 */
export async function generateUsers(
  db: Kysely<Database>,
  seed: number,
  people: number,
  passwordHash: string,
  bcuId: string,
  now: Date,
): Promise<VolumeUser[]> {
  const count = Math.max(10, Math.round(people / 400))
  const created = new Date(now.getTime() - 800 * 86_400_000)
  const users = Array.from({ length: count }, (_, k) => {
    const shape = roleCycle[k % roleCycle.length]!
    return {
      id: volumeId(seed, 'u', k),
      username: `v${seed}.${shape.name}.${k}`,
      display_name: `Officer ${k} (${shape.name.toUpperCase()})`,
      role: shape.role,
      agency: shape.agency ?? null,
      password_hash: passwordHash,
      created_at: created,
      updated_at: created,
    }
  })
  await db.insertInto('app_user').values(users).execute()
  await db
    .insertInto('user_area')
    .values(users.map((u) => ({ user_id: u.id, area_id: bcuId })))
    .execute()
  return users.map((u) => ({ id: u.id, username: u.username, role: u.role }))
}

/** The rows the generator hangs the population on: areas, each borough's current wards, demo users, agreements in force. */
export async function loadReferences(db: Kysely<Database>, users: VolumeUser[], today: string): Promise<References> {
  const areas = await db.selectFrom('area').select(['id', 'code']).execute()
  const area = (code: string) => areas.find((a) => a.code === code)?.id ?? fail(`area ${code}`)
  const wards = await db
    .selectFrom('ward')
    .select(['id', 'name', 'borough_id'])
    .where('valid_to', 'is', null)
    .orderBy('name')
    .orderBy('id')
    .execute()
  const wardsOf = (borough: DemoBorough) =>
    wards.filter((w) => w.borough_id === area(borough)).map((w) => ({ id: w.id, town: townOfWard(borough, w.name) }))
  const demoRows = await db
    .selectFrom('app_user')
    .select(['id', 'username'])
    .where('username', 'in', ['iom', 'dip', 'supervisor', 'admin'])
    .execute()
  const demo = (username: string) =>
    demoRows.find((u) => u.username === username)?.id ?? fail(`the demo user ${username}`)
  const agreements = await db
    .selectFrom('sharing_agreement')
    .select(['id', 'agency'])
    .where('starts_on', '<=', today)
    .where((eb) => eb.or([eb('ends_on', 'is', null), eb('ends_on', '>=', today)]))
    .orderBy('starts_on')
    .orderBy('id')
    .execute()
  const agreement = (agency: string) =>
    agreements.find((a) => a.agency === agency)?.id ?? fail(`a ${agency} sharing agreement in force`)
  const byRole = (role: Role) => users.filter((u) => u.role === role).map((u) => u.id)
  return {
    areas: { HV: area('HV'), BD: area('BD'), RB: area('RB'), EA: area('EA') },
    wards: { HV: wardsOf('HV'), BD: wardsOf('BD'), RB: wardsOf('RB') },
    officers: {
      iom: byRole('iom_officer'),
      dip: byRole('dip_worker'),
      supervisor: byRole('supervisor'),
      cid: byRole('cid_officer'),
    },
    demo: { iom: demo('iom'), dip: demo('dip'), supervisor: demo('supervisor'), admin: demo('admin') },
    agreements: { mash: agreement('mash'), marac: agreement('marac'), yos: agreement('yos') },
  }
}

function fail(what: string): never {
  throw new Error(`The volume generator needs ${what}: run the migrations and the demo seed first`)
}
