import { Faker, en_GB, en, base } from '@faker-js/faker'

/** Name and street lists for a seed: faker's en_GB data from that seed, so the population is synthetic and repeatable. */
export function wordLists(seed: number) {
  const faker = new Faker({ locale: [en_GB, en, base] })
  faker.seed(seed)
  const distinct = (count: number, make: () => string) => {
    const seen = new Set<string>()
    for (let tries = 0; seen.size < count && tries < count * 20; tries++) {
      const value = make()
      // Quotes are fine in SQL parameters, but plain names keep the audit canonical form simple.
      if (!/['\\]/.test(value)) seen.add(value)
    }
    return [...seen].sort()
  }
  return {
    // No Smith or Smyth: the demo's one John Smith stays the only match for tests that search for him.
    surnames: distinct(400, () => faker.person.lastName()).filter((s) => !/^sm[iy]th/i.test(s)),
    maleNames: distinct(150, () => faker.person.firstName('male')),
    femaleNames: distinct(120, () => faker.person.firstName('female')),
    streets: distinct(300, () => faker.location.street()),
  }
}

export const markerCodes = [
  'violent',
  'violent',
  'violent',
  'drugs',
  'drugs',
  'drugs',
  'weapons',
  'weapons',
  'mental_health',
  'mental_health',
  'self_harm',
  'suicidal',
  'firearms',
  'escaper',
  'ailment',
  'contagious',
]

export const referralReasons = [
  'Residential burglaries in the area in the last six months; released under investigation.',
  'Street robberies of mobile phones near the station; charges pending.',
  'Persistent theft from motor vehicles in town-centre car parks.',
  'Released on licence after a sentence for burglary; prolific before custody.',
  'Repeat domestic abuse perpetrator; heard at MARAC this year.',
  'Violence with injury in the night-time economy; three arrests this year.',
  'Shoplifting to fund drug use: a local priority.',
]
export const dipReferralReasons = [
  'Tested positive for cocaine and opiates on arrest for shoplifting; attended the required assessment.',
  'Positive for cocaine on arrest for theft; asks for help with crack use.',
  'Tested positive for opiates on arrest for burglary; was on a script before but dropped out.',
]
export const declineReasons = [
  'Score below the Fixed cohort threshold: review at the next panel if the offending continues.',
  'Already managed under MAPPA.',
  'No offending in the last twelve months.',
]
export const contactNotes = [
  'Home visit: engaging, no concerns raised.',
  'Phone call: confirmed the next appointment with the treatment provider.',
  'Seen at the office; talked about housing and the licence conditions.',
  'Not in at the home visit; card left and a text sent.',
  'Reports using crack at weekends; agreed to a key-work appointment.',
  'Started a course at the college; attendance good so far.',
]
export const actionDescriptions = [
  'Chase the housing options decision',
  'Refer to the employment support programme',
  'Check the GP registration has gone through',
  'Confirm the key-work appointment with the treatment provider',
  'Check the Universal Credit sanction has been lifted',
  'Speak to the social worker before the case conference',
  'Home visit to check the curfew is kept',
]
export const places = [
  'CJIT office, Romford',
  'CJIT office, Ilford',
  'CJIT office, Barking',
  'Treatment service, Romford',
]
