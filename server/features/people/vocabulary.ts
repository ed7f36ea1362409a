import type { Build, EyeColour, Gender, MembershipEventKind, Programme, Tier } from '../../../db/types.ts'

// Fixed national lists (server/domain/REFERENCE.md, "National and local lists"). Local lists (markers, wards, contact types …) are tables.

export const programmes = ['iom_fixed', 'iom_flex', 'iom_free', 'dip'] as const satisfies readonly Programme[]
export const programmeLabels: Record<Programme, string> = {
  iom_fixed: 'IOM Fixed',
  iom_flex: 'IOM Flex',
  iom_free: 'IOM Free',
  dip: 'DIP',
}

export const tiers = ['red', 'amber', 'green'] as const satisfies readonly Tier[]
export const tierLabels: Record<Tier, string> = { red: 'Red', amber: 'Amber', green: 'Green' }

export const genders = ['male', 'female', 'other', 'unknown'] as const satisfies readonly Gender[]
export const genderLabels: Record<Gender, string> = {
  male: 'Male',
  female: 'Female',
  other: 'Other',
  unknown: 'Not known',
}

// The physical description's lists (the database checks the same values).
export const builds = ['slim', 'medium', 'stocky', 'heavy', 'athletic'] as const satisfies readonly Build[]
export const buildLabels: Record<Build, string> = {
  slim: 'Slim',
  medium: 'Medium',
  stocky: 'Stocky',
  heavy: 'Heavy',
  athletic: 'Athletic',
}
export const eyeColours = ['blue', 'brown', 'green', 'grey', 'hazel', 'other'] as const satisfies readonly EyeColour[]
export const eyeColourLabels: Record<EyeColour, string> = {
  blue: 'Blue',
  brown: 'Brown',
  green: 'Green',
  grey: 'Grey',
  hazel: 'Hazel',
  other: 'Other',
}

/** The seven reducing-reoffending pathways; every contact and action is tagged with one. */
export const pathways = [
  'accommodation',
  'education_training_employment',
  'health',
  'drugs_alcohol',
  'finance_benefit_debt',
  'children_families',
  'attitudes_thinking_behaviour',
] as const
export type Pathway = (typeof pathways)[number]
export const pathwayLabels: Record<Pathway, string> = {
  accommodation: 'Accommodation',
  education_training_employment: 'Education, training and employment',
  health: 'Health',
  drugs_alcohol: 'Drugs and alcohol',
  finance_benefit_debt: 'Finance, benefit and debt',
  children_families: 'Children and families',
  attitudes_thinking_behaviour: 'Attitudes, thinking and behaviour',
}

export const membershipEventLabels: Record<MembershipEventKind, string> = {
  adopted: 'Adopted',
  in_custody: 'In custody (paused)',
  released: 'Released',
  tier_changed: 'Tier changed',
  lead_officer_changed: 'Lead officer changed',
  deselected: 'De-selected',
}

export const selectionMethods = ['rfg', 'chi', 'other'] as const
export const selectionMethodLabels: Record<(typeof selectionMethods)[number], string> = {
  rfg: 'Recency, frequency, gravity',
  chi: 'Cambridge Crime Harm Index',
  other: 'Other local method',
}

/** Why a user opens a restricted record: the question the restricted record gate asks. */
export const restrictedPurposes = [
  'offender_management',
  'investigation',
  'safeguarding',
  'disclosure_request',
  'supervision_or_audit',
  'other',
] as const
export const restrictedPurposeLabels: Record<(typeof restrictedPurposes)[number], string> = {
  offender_management: 'Managing this person (IOM or DIP)',
  investigation: 'Investigating an offence',
  safeguarding: 'Safeguarding',
  disclosure_request: 'Answering a disclosure request',
  supervision_or_audit: 'Supervision or audit',
  other: 'Another lawful purpose',
}
