import type { Role } from '../../db/types.ts'

/**
 * What a role may do. Routes name a permission, never a role, so that granting a role
 * a new power is a one-line change here and the authorisation matrix test follows it.
 */
export const permissions = [
  'home.view',
  'tasks.view',
  'users.manage',
  'people.search',
  'people.view',
  'people.edit',
  'people.restrict',
  'people.combine',
  'casework.record',
  'caseload.view',
  'referrals.create',
  'referrals.decide',
  'memberships.manage',
  'cohorts.view',
  'cohorts.export',
  'dip.record',
  'dip.appointments',
  'dip.statements',
  'dip.failures.view',
  'dip.police',
  'partners.manage',
  'partner.cases',
  'agreements.manage',
  'cid.list',
  'cid.countersign',
  'cid.propose',
  'audit.view',
  'retention.review',
  'subject_access.export',
  'performance.view',
  'reference.manage',
] as const
export type Permission = (typeof permissions)[number]

const peopleWork: readonly Permission[] = [
  'people.search',
  'people.view',
  'people.edit',
  'casework.record',
  'referrals.create',
]

// DIP workers run the assessment chain; police officers circulate the wanted and record outcomes.
const dipWork: readonly Permission[] = ['dip.record', 'dip.appointments', 'dip.statements', 'dip.failures.view']

const grants: Record<Role, readonly Permission[]> = {
  administrator: ['home.view', 'tasks.view', 'users.manage', 'agreements.manage', 'reference.manage'],
  supervisor: [
    'home.view',
    'tasks.view',
    ...peopleWork,
    'people.restrict',
    // Combining duplicates moves a whole record's history: a supervisor's decision, reversible for 30 days.
    'people.combine',
    'caseload.view',
    'referrals.decide',
    'memberships.manage',
    'cohorts.view',
    'cohorts.export',
    ...dipWork,
    'dip.police',
    'partners.manage',
    'cid.list',
    'cid.countersign',
    'cid.propose',
    'audit.view',
    'retention.review',
    'subject_access.export',
    'performance.view',
  ],
  iom_officer: [
    'home.view',
    'tasks.view',
    ...peopleWork,
    'caseload.view',
    'memberships.manage',
    'cohorts.view',
    'cohorts.export',
    'dip.record',
    'dip.failures.view',
    'dip.police',
    'partners.manage',
    'cid.propose',
  ],
  dip_worker: ['home.view', 'tasks.view', ...peopleWork, 'caseload.view', ...dipWork, 'cid.propose'],
  // Partners have no work the system tracks for them, so no task list.
  // CID see the wanted list and briefing sheets only (a later feature); partners see only their agency's links.
  cid_officer: ['home.view', 'tasks.view', 'cid.list'],
  partner: ['home.view', 'partner.cases'],
}

export function roleCan(role: Role, permission: Permission): boolean {
  return grants[role].includes(permission)
}
