import { faker } from '@faker-js/faker/locale/en_GB'
import type { Kysely } from 'kysely'
import type { Agency, Database, Role } from '../types.ts'
import { hashPassword } from '../../server/auth/passwords.ts'
import { todayInLondon } from '../../server/domain/time.ts'
import { seedDemoDip } from './demoDip.ts'
import { seedDemoPeople } from './demoPeople.ts'
import { seedDemoPartners } from './demoPartners.ts'
import { seedDemoCid } from './demoCid.ts'
import { seedDemoRetention } from './demoRetention.ts'
import { seedDemoCombination } from './demoCombination.ts'
import { seedDemoPhotos } from './demoPhotos.ts'

export { seedDemoPhotos }

export type DemoAccount = { username: string; role: Role; agency: Agency | null; displayName: string }

const demoRoles: { username: string; role: Role; agency: Agency | null }[] = [
  { username: 'admin', role: 'administrator', agency: null },
  { username: 'supervisor', role: 'supervisor', agency: null },
  { username: 'iom', role: 'iom_officer', agency: null },
  { username: 'dip', role: 'dip_worker', agency: null },
  { username: 'cid', role: 'cid_officer', agency: null },
  { username: 'partner', role: 'partner', agency: 'mash' },
]

/** Synthetic people only: faker's en_GB names from a fixed seed, so every fresh start looks the same. */
export async function seedDemo(
  db: Kysely<Database>,
  options: {
    password: string
    now?: Date
    /** False leaves the photographs to a call of seedDemoPhotos, as the app's first start does after it starts listening. */
    photos?: boolean
  },
): Promise<DemoAccount[]> {
  faker.seed(20261126)
  const passwordHash = await hashPassword(options.password)
  const bcu = await db.selectFrom('area').select('id').where('code', '=', 'EA').executeTakeFirstOrThrow()
  const accounts: DemoAccount[] = []
  await db.transaction().execute(async (trx) => {
    for (const demo of demoRoles) {
      const displayName = `${faker.person.firstName()} ${faker.person.lastName()}`
      const existing = await trx
        .selectFrom('app_user')
        .select('id')
        .where('username', '=', demo.username)
        .executeTakeFirst()
      if (existing) continue
      const user = await trx
        .insertInto('app_user')
        // Demo accounts share a published password on purpose: they are never made to change it.
        .values({
          username: demo.username,
          display_name: displayName,
          role: demo.role,
          agency: demo.agency,
          password_hash: passwordHash,
          must_change_password: false,
        })
        .returning('id')
        .executeTakeFirstOrThrow()
      await trx.insertInto('user_area').values({ user_id: user.id, area_id: bcu.id }).execute()
      accounts.push({ ...demo, displayName })
    }
    // The caseload only with freshly created demo users, so a second run adds nothing.
    if (accounts.length === demoRoles.length) {
      // The caseload is dated from now (fixed in tests that check how the demo's days look).
      const now = options.now ?? new Date()
      await seedDemoPeople(trx, { today: todayInLondon(now) })
      await seedDemoDip(trx, { today: todayInLondon(now), now })
      await seedDemoPartners(trx, { today: todayInLondon(now) })
      await seedDemoCid(trx, { today: todayInLondon(now) })
      await seedDemoRetention(trx, { today: todayInLondon(now) })
      await seedDemoCombination(trx, { today: todayInLondon(now) })
      if (options.photos !== false) await seedDemoPhotos(trx, { now })
    }
  })
  return accounts
}

export async function hasAnyUser(db: Kysely<Database>): Promise<boolean> {
  const row = await db.selectFrom('app_user').select('id').limit(1).executeTakeFirst()
  return row !== undefined
}

export const demoUsernames = demoRoles.map((d) => d.username)
