import type { Agency, Role } from '../../db/types.ts'

export const roles = [
  'administrator',
  'supervisor',
  'iom_officer',
  'dip_worker',
  'cid_officer',
  'partner',
] as const satisfies readonly Role[]

export const agencies = [
  'council',
  'probation',
  'yos',
  'mash',
  'marac',
  'treatment_provider',
] as const satisfies readonly Agency[]

export const roleLabels: Record<Role, string> = {
  administrator: 'Administrator',
  supervisor: 'Supervisor',
  iom_officer: 'IOM officer',
  dip_worker: 'DIP worker',
  cid_officer: 'CID officer',
  partner: 'Partner agency',
}

export const agencyLabels: Record<Agency, string> = {
  council: 'Council',
  probation: 'Probation',
  yos: 'Youth offending service (YOS)',
  mash: 'Multi-agency safeguarding hub (MASH)',
  marac: 'MARAC',
  treatment_provider: 'Treatment provider',
}
