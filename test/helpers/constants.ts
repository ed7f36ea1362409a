import type { Role } from '../../db/types.ts'

export const demoPassword = 'cohort-demo'
export const testSessionSecret = 'test-secret-that-is-long-enough-for-the-schema-0123456789'

/** The demo accounts by role (db/seed/demo.ts), one of each. */
export const demoAccounts: readonly { username: string; role: Role }[] = [
  { username: 'admin', role: 'administrator' },
  { username: 'supervisor', role: 'supervisor' },
  { username: 'iom', role: 'iom_officer' },
  { username: 'dip', role: 'dip_worker' },
  { username: 'cid', role: 'cid_officer' },
  { username: 'partner', role: 'partner' },
]
