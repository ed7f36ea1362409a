import type { LinkAgency } from '../../../db/types.ts'

export const linkAgencies = ['marac', 'yos', 'mash'] as const satisfies readonly LinkAgency[]
export const linkAgencyLabels: Record<LinkAgency, string> = { marac: 'MARAC', yos: 'YOS', mash: 'MASH' }

export const yosDisposals = [
  'triage_community_resolution',
  'youth_caution',
  'youth_conditional_caution',
  'referral_order',
  'youth_rehabilitation_order',
  'detention_and_training_order',
] as const
export const yosDisposalLabels: Record<(typeof yosDisposals)[number], string> = {
  triage_community_resolution: 'Triage or community resolution',
  youth_caution: 'Youth caution',
  youth_conditional_caution: 'Youth conditional caution',
  referral_order: 'Referral order',
  youth_rehabilitation_order: 'Youth rehabilitation order',
  detention_and_training_order: 'Detention and training order',
}

export const mashDecisions = [
  'social_care_assessment',
  'strategy_discussion',
  'early_help',
  'no_further_action',
] as const
export const mashDecisionLabels: Record<(typeof mashDecisions)[number], string> = {
  social_care_assessment: 'Social care assessment',
  strategy_discussion: 'Strategy discussion',
  early_help: 'Early help',
  no_further_action: 'No further action',
}

export const bragRatings = ['blue', 'red', 'amber', 'green'] as const
/** Local timings (server/domain/REFERENCE.md, "Partner cases"): red within 2 hours, amber 6, green 24, blue no MASH response. */
export const bragLabels: Record<(typeof bragRatings)[number], string> = {
  red: 'Red: decision within 2 hours',
  amber: 'Amber: decision within 6 hours',
  green: 'Green: decision within 24 hours',
  blue: 'Blue: no MASH response needed',
}

/** SafeLives: 14 or more "yes" answers on the 24-question DASH checklist is high risk. */
export const dashHighRisk = 14
