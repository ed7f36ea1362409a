import { faker } from '@faker-js/faker/locale/en_GB'
import type { Insertable, Kysely } from 'kysely'
import type {
  ContactOutcome,
  Database,
  Gender,
  MembershipEventKind,
  MembershipStatus,
  Programme,
  Tier,
} from '../types.ts'
import { addDays } from '../../server/domain/time.ts'
import { croCheckLetter, pncCheckLetter } from '../../server/features/people/identifiers.ts'
import { pathways, type Pathway } from '../../server/features/people/vocabulary.ts'
import { boroughTowns, townOfWard, type DemoBorough } from './wardTowns.ts'

type Row<T extends keyof Database> = Insertable<Database[T]>
type Users = { supervisor: string; iom: string; dip: string }
type Person = { row: Row<'person'> & { id: string; created_at: string }; town: string; female: boolean }
type Membership = {
  row: Row<'cohort_membership'> & { id: string; lead_officer_id: string; adopted_on: string }
  until: string
  custodySince: string | null
}

const peopleCount = 80
const acceptedCount = 40 // people 0–39 are (or were) cohort members
const pendingFrom = 40 // 40–49 wait for the panel
const declinedFrom = 50 // 50–54 were declined; the rest are known but not referred
const endedAt = new Set([5, 12, 22, 31, 37])
const inCustodyAt = new Set([3, 9, 17, 26, 35])
const supervisorLeads = new Set([14, 19, 28, 33])
const alsoOnDip = [1, 8, 16]
const restrictedAt = new Set([14, 70])

const int = (min: number, max: number) => faker.number.int({ min, max })
const pick = <T>(items: readonly T[]): T => faker.helpers.arrayElement(items)
const chance = (probability: number) => faker.datatype.boolean({ probability })
const at = (day: string, hour = int(8, 18)) =>
  `${day}T${String(hour).padStart(2, '0')}:${String(int(0, 59)).padStart(2, '0')}:00Z`
const daysBetween = (from: string, to: string) => Math.round((Date.parse(to) - Date.parse(from)) / 86_400_000)
const earlier = (a: string, b: string) => (a < b ? a : b)
function unique(seen: Set<string>, make: () => string): string {
  let value = make()
  while (seen.has(value)) value = make()
  seen.add(value)
  return value
}

/**
 * The demo caseload, relative to `today` so a fresh start always has work due today and
 * overdue: synthetic people across East Area's three boroughs, the panel's referrals, cohort
 * memberships with their dated history, contacts and actions. A few multi-row inserts.
 */
export async function seedDemoPeople(db: Kysely<Database>, options: { today: string }): Promise<{ people: number }> {
  const { today } = options
  const users = await findUsers(db)
  const areas = await db.selectFrom('area').select(['id', 'code']).where('code', 'in', ['HV', 'BD', 'RB']).execute()
  const areaId = (code: string) => areas.find((a) => a.code === code)?.id ?? missing(`area ${code}`)
  const wardRows = await db
    .selectFrom('ward')
    .innerJoin('area', 'area.id', 'ward.borough_id')
    .select(['ward.id', 'ward.name', 'area.code'])
    .where('area.code', 'in', ['HV', 'BD', 'RB'])
    .where('ward.valid_to', 'is', null)
    .orderBy('ward.name')
    .execute()
  const wards = (borough: DemoBorough) => wardRows.filter((w) => w.code === borough)

  const people = makePeople(today, users, areaId, wards)
  const { referrals, memberships, events } = makeCohorts(today, users, people)
  const contacts = makeContacts(today, people, memberships)
  const actions = makeActions(today, users, memberships)
  const aliases = makeAliases(people)
  const markers = makeMarkers(today, users, people)

  await db
    .insertInto('person')
    .values(people.map((p) => p.row))
    .execute()
  await db.insertInto('person_alias').values(aliases).execute()
  await db.insertInto('person_marker').values(markers).execute()
  await db.insertInto('referral').values(referrals).execute()
  await db
    .insertInto('cohort_membership')
    .values(memberships.map((m) => m.row))
    .execute()
  await db.insertInto('membership_event').values(events).execute()
  await db.insertInto('contact').values(contacts).execute()
  await db.insertInto('action').values(actions).execute()
  return { people: people.length }
}

function missing(what: string): never {
  throw new Error(`Demo people need ${what}: seed the demo users and run the migrations first`)
}

async function findUsers(db: Kysely<Database>): Promise<Users> {
  const rows = await db
    .selectFrom('app_user')
    .select(['id', 'username'])
    .where('username', 'in', ['supervisor', 'iom', 'dip'])
    .execute()
  const id = (username: string) => rows.find((r) => r.username === username)?.id ?? missing(`the ${username} user`)
  return { supervisor: id('supervisor'), iom: id('iom'), dip: id('dip') }
}

// ---- people ----

function makePeople(
  today: string,
  users: Users,
  areaId: (code: string) => string,
  wards: (borough: DemoBorough) => { id: string; name: string }[],
): Person[] {
  const todayYear = Number(today.slice(0, 4))
  const pncs = new Set<string>()
  const cros = new Set<string>()
  const names = new Set<string>()
  const havering = wards('HV')
  const romfordCentre = havering.filter((w) => w.name === "St Edward's" || w.name === "St Alban's")
  const people: Person[] = []
  for (let i = 0; i < peopleCount; i++) {
    const john = i === 0
    const gender: Gender = john
      ? 'male'
      : faker.helpers.weightedArrayElement([
          { value: 'male' as const, weight: 80 },
          { value: 'female' as const, weight: 18 },
          { value: 'unknown' as const, weight: 2 },
        ])
    const sex = gender === 'female' ? 'female' : gender === 'male' ? 'male' : undefined
    // Only the one Smith, so a search for "Smyth" finds exactly the person tests look for.
    let surname = 'Smith'
    let forenames = 'John'
    while (!john && (names.has(`${surname}|${forenames}`) || /^sm[iy]th/i.test(surname))) {
      surname = faker.person.lastName()
      forenames = chance(0.3)
        ? `${faker.person.firstName(sex)} ${faker.person.firstName(sex)}`
        : faker.person.firstName(sex)
    }
    names.add(`${surname}|${forenames}`)
    const dateOfBirth = john
      ? '1987-06-14'
      : faker.date
          .birthdate({ mode: 'age', min: 18, max: 55, refDate: `${today}T12:00:00Z` })
          .toISOString()
          .slice(0, 10)
    const firstRecordYear = Math.max(2000, Number(dateOfBirth.slice(0, 4)) + 16)

    const pncId = john
      ? unique(pncs, () => `2009/0417263${pncCheckLetter(2009, 417263)}`)
      : chance(0.9)
        ? unique(pncs, () => {
            const year = int(firstRecordYear, todayYear - 1)
            const serial = int(1000, 999_999)
            return `${year}/${String(serial).padStart(7, '0')}${pncCheckLetter(year, serial)}`
          })
        : null
    const croNumber =
      !john && pncId && chance(0.4)
        ? unique(cros, () => {
            const yy = String(int(firstRecordYear, todayYear - 1)).slice(2)
            const serial = int(1000, 999_999)
            const padded = String(serial).padStart(6, '0')
            // A few were issued without fingerprints: the SFYY/NNNNNNC form.
            return chance(0.1)
              ? `SF${yy}/${padded}${croCheckLetter(yy, serial)}`
              : `${padded}/${yy}${croCheckLetter(yy, serial)}`
          })
        : null

    const borough: DemoBorough = john
      ? 'HV'
      : faker.helpers.weightedArrayElement([
          { value: 'HV' as const, weight: 50 },
          { value: 'BD' as const, weight: 25 },
          { value: 'RB' as const, weight: 25 },
        ])
    // Havering favours Romford town centre; elsewhere any current ward, and the address its town.
    const ward = john
      ? (havering.find((w) => w.name === "St Edward's") ?? null)
      : borough === 'HV'
        ? pick(chance(0.3) && romfordCentre.length > 0 ? romfordCentre : havering)
        : wards(borough).length > 0
          ? pick(wards(borough))
          : null
    const place = ward ? townOfWard(borough, ward.name) : pick(boroughTowns[borough])
    const town = place.slice(0, place.lastIndexOf(' '))
    const district = place.slice(place.lastIndexOf(' ') + 1)
    const noFixedAbode = !john && borough !== 'HV' && chance(0.06)
    const address = john
      ? `14 Victoria Road, Romford ${district} 2JT`
      : noFixedAbode
        ? null
        : `${chance(0.2) ? `Flat ${int(1, 24)}, ` : ''}${int(1, 180)} ${faker.helpers.fake('{{location.street_name}}')}, ${town} ${district} ${int(1, 9)}${faker.string.fromCharacters('ABDEFGHJLNPQRSTUWXY', 2)}`

    people.push({
      row: {
        id: faker.string.uuid(),
        surname,
        forenames,
        date_of_birth: dateOfBirth,
        gender,
        pnc_id: pncId,
        cro_number: croNumber,
        address,
        ward_id: ward?.id ?? null,
        area_id: areaId(borough),
        restricted: restrictedAt.has(i),
        created_by: pick([users.iom, users.iom, users.dip]),
        created_at: at(addDays(today, -int(1, 1000))),
      },
      town,
      female: gender === 'female',
    })
  }
  return people
}

function makeAliases(people: Person[]): Row<'person_alias'>[] {
  const aliases: Row<'person_alias'>[] = [{ person_id: people[0]!.row.id, surname: 'Smyth', forenames: 'Jon' }]
  for (const person of faker.helpers.shuffle(people.slice(1)).slice(0, 8)) {
    const { surname, forenames } = person.row
    aliases.push(
      person.female
        ? { person_id: person.row.id, surname: faker.person.lastName(), forenames } // maiden name
        : { person_id: person.row.id, surname: misspell(surname), forenames },
    )
  }
  return aliases
}

function makeMarkers(today: string, users: Users, people: Person[]): Row<'person_marker'>[] {
  const markers: Row<'person_marker'>[] = []
  for (const person of faker.helpers.shuffle(people.slice(1)).slice(0, Math.round(peopleCount / 3))) {
    const codes = new Set([
      faker.helpers.weightedArrayElement(markerWeights),
      faker.helpers.weightedArrayElement(markerWeights),
    ])
    for (const code of [...codes].slice(0, int(1, 2))) {
      const startDate = addDays(today, -int(30, 2000))
      const ended = daysBetween(startDate, today) > 60 && chance(0.2)
      markers.push({
        person_id: person.row.id,
        marker_code: code,
        start_date: startDate,
        review_date: addDays(startDate, 365),
        note: pick(markerNotes[code] ?? ['See the PNC record']),
        set_by: pick([users.iom, users.supervisor]),
        ended_on: ended ? addDays(startDate, int(30, daysBetween(startDate, today) - 1)) : null,
        ended_by: ended ? users.supervisor : null,
        created_at: at(startDate),
      })
    }
  }
  return markers
}

// ---- referrals, memberships and their history ----

function programmeOf(i: number): Programme {
  return i < 20 ? 'iom_fixed' : i < 30 ? 'iom_flex' : i < 34 ? 'iom_free' : 'dip'
}

function makeCohorts(today: string, users: Users, people: Person[]) {
  const referrals: Row<'referral'>[] = []
  const memberships: Membership[] = []
  const events: Row<'membership_event'>[] = []
  type Decision = Pick<Row<'referral'>, 'status' | 'decided_by' | 'decided_at' | 'decline_reason'>
  const refer = (i: number, programme: Programme, referredAt: string, decision: Decision = {}) => {
    const person = people[i]!
    person.row.created_at = earlier(person.row.created_at, at(addDays(referredAt, -int(0, 400))))
    const referral = {
      id: faker.string.uuid(),
      person_id: person.row.id,
      programme,
      source: programme === 'dip' ? pick(['custody', 'custody', 'court']) : pick(iomSources),
      reason: fill(pick(referralReasons[programme]), person.town),
      referred_by: programme === 'dip' ? users.dip : users.iom,
      referred_at: at(referredAt),
      ...decision,
    }
    referrals.push(referral)
    return referral
  }

  // Adoption days spread evenly over the last 18 months, so charts have every month; those
  // since in custody or ended were adopted long enough ago for that history to fit.
  const adoptionDaysAgo = faker.helpers.shuffle(
    Array.from({ length: acceptedCount + alsoOnDip.length }, (_, k) => 20 + k * 12 + int(0, 11)),
  )
  const adopt = (i: number, programme: Programme, status: MembershipStatus, lead: string) => {
    const slot = adoptionDaysAgo.findIndex((d) => status === 'active' || d >= 150)
    const [daysAgo = 200] = adoptionDaysAgo.splice(slot, 1)
    const adoptedOn = addDays(today, -daysAgo)
    const referredOn = addDays(adoptedOn, -int(7, 35))
    const referral = refer(i, programme, referredOn, {
      status: 'accepted',
      decided_by: users.supervisor,
      decided_at: at(adoptedOn, 10),
    })
    const method = faker.helpers.weightedArrayElement([
      { value: 'rfg', weight: 70 },
      { value: 'chi', weight: 25 },
      { value: 'other', weight: 5 },
    ])
    const score =
      method === 'rfg'
        ? int(18, 95)
        : method === 'chi'
          ? faker.number.float({ min: 120, max: 4200, fractionDigits: 2 })
          : int(1, 10)
    const scale = method === 'rfg' ? score / 95 : method === 'chi' ? score / 4200 : score / 10
    let tier: Tier = scale > 0.7 ? 'red' : scale > 0.4 ? 'amber' : 'green'
    const selectionDate = addDays(referredOn, int(1, 6))
    const until = status === 'ended' ? addDays(today, -int(5, 90)) : addDays(today, -1)

    // The history, oldest first; the membership's current state is where it ends up.
    const changeLead = programme !== 'dip' && status !== 'ended' && chance(0.2)
    const kinds: MembershipEventKind[] = []
    if (changeLead) kinds.push('lead_officer_changed')
    if (chance(0.45)) kinds.push('tier_changed')
    if (status !== 'in_custody' && chance(0.2)) kinds.push('in_custody', 'released')
    if (status === 'in_custody') kinds.push('in_custody')
    const reason = status === 'ended' ? pick(deselectionReasons) : null
    if (reason === 'long_custody') kinds.push('in_custody')
    if (status === 'ended') kinds.push('deselected')

    const membershipId = faker.string.uuid()
    const initialLead = changeLead ? (lead === users.iom ? users.supervisor : users.iom) : lead
    events.push({
      membership_id: membershipId,
      kind: 'adopted',
      event_date: adoptedOn,
      tier,
      lead_officer_id: initialLead,
      note: `Score ${score} (${method}, ${selectionDate})`,
      recorded_by: users.supervisor,
      recorded_at: at(adoptedOn, 11),
    })
    const span = daysBetween(adoptedOn, until)
    const lastOnUntil = status === 'ended'
    const gap = span / (lastOnUntil ? kinds.length : kinds.length + 1)
    let custodySince: string | null = null
    kinds.forEach((kind, k) => {
      const jitter = lastOnUntil && k === kinds.length - 1 ? 0 : int(-Math.floor(gap / 3), Math.floor(gap / 3))
      const eventDate = addDays(adoptedOn, Math.round(gap * (k + 1)) + jitter)
      const previousTier = tier
      if (kind === 'tier_changed') tier = pick(['red', 'amber', 'green'].filter((t) => t !== tier) as Tier[])
      custodySince = kind === 'in_custody' ? eventDate : kind === 'released' ? null : custodySince
      events.push({
        membership_id: membershipId,
        kind,
        event_date: eventDate,
        tier: kind === 'tier_changed' ? tier : null,
        lead_officer_id: kind === 'lead_officer_changed' ? lead : null,
        deselection_reason: kind === 'deselected' ? reason : null,
        note: eventNote(kind, previousTier, tier, reason),
        recorded_by: kind === 'in_custody' || kind === 'released' ? lead : users.supervisor,
        recorded_at: at(eventDate),
      })
    })
    memberships.push({
      row: {
        id: membershipId,
        person_id: people[i]!.row.id,
        programme,
        referral_id: referral.id,
        status,
        tier,
        lead_officer_id: lead,
        selection_score: score,
        selection_method: method,
        selection_date: selectionDate,
        adopted_on: adoptedOn,
        ended_on: status === 'ended' ? until : null,
      },
      until: status === 'ended' ? until : today,
      custodySince: status === 'in_custody' ? custodySince : null,
    })
  }

  for (let i = 0; i < acceptedCount; i++) {
    const programme = programmeOf(i)
    const status: MembershipStatus = endedAt.has(i) ? 'ended' : inCustodyAt.has(i) ? 'in_custody' : 'active'
    adopt(i, programme, status, programme === 'dip' ? users.dip : supervisorLeads.has(i) ? users.supervisor : users.iom)
  }
  for (const i of alsoOnDip) adopt(i, 'dip', 'active', users.dip)

  const pendingProgrammes: Programme[] = [
    'iom_fixed',
    'iom_fixed',
    'iom_fixed',
    'iom_fixed',
    'iom_flex',
    'iom_flex',
    'iom_free',
    'dip',
    'dip',
    'dip',
  ]
  pendingProgrammes.forEach((programme, k) => refer(pendingFrom + k, programme, addDays(today, -int(1, 25))))
  for (let i = declinedFrom; i < declinedFrom + 5; i++) {
    const referredOn = addDays(today, -int(40, 330))
    refer(i, pick(['iom_fixed', 'iom_fixed', 'iom_flex', 'dip']), referredOn, {
      status: 'declined',
      decided_by: users.supervisor,
      decided_at: at(addDays(referredOn, int(7, 28)), 10),
      decline_reason: declineReasons[i - declinedFrom] ?? 'Below the threshold for adoption.',
    })
  }
  return { referrals, memberships, events }
}

// ---- contacts and actions ----

function makeContacts(today: string, people: Person[], memberships: Membership[]): Row<'contact'>[] {
  const contacts: Row<'contact'>[] = []
  for (const m of memberships) {
    const person = people.find((p) => p.row.id === m.row.person_id)!
    const count =
      m.row.programme === 'dip' && memberships.filter((x) => x.row.person_id === m.row.person_id).length > 1
        ? int(1, 2)
        : int(2, 6)
    const from = addDays(m.row.adopted_on, 1)
    const to = m.custodySince ?? earlier(m.until, addDays(today, -1))
    for (let k = 0; k < count; k++) {
      const contactDate = addDays(from, int(0, Math.max(0, daysBetween(from, to))))
      const pathway: Pathway = m.row.programme === 'dip' && chance(0.6) ? 'drugs_alcohol' : pick(pathways)
      // Drawn in the order they always were, so that the rest of the demo data stays as it was.
      const contactType = pick(['home_visit', 'home_visit', 'phone', 'phone', 'office', 'other'])
      const [note, outcome] = pick(contactNotes[pathway])
      contacts.push({
        person_id: person.row.id,
        contact_date: contactDate,
        contact_type: contactType,
        pathway,
        note: fill(note, person.town),
        outcome,
        recorded_by: m.row.lead_officer_id,
        recorded_at: at(contactDate),
      })
    }
    if (m.custodySince) {
      const contactDate = addDays(m.custodySince, int(0, Math.max(0, daysBetween(m.custodySince, today) - 1)))
      const [note, outcome] = pick(custodyNotes)
      contacts.push({
        person_id: person.row.id,
        contact_date: contactDate,
        contact_type: 'custody',
        pathway: 'accommodation',
        note: fill(note, person.town),
        outcome,
        recorded_by: m.row.lead_officer_id,
        recorded_at: at(contactDate),
      })
    }
  }
  const john = people[0]!
  const johns = memberships.find((m) => m.row.person_id === john.row.id)
  if (johns) contacts.push(...longHistory(today, john, johns))
  return contacts
}

/**
 * John Smith, the demo's best-known man, has been seen often since adoption: more contacts
 * than the person page shows, and more than a page of the contact history. Made without drawing
 * on the random seed, so that the rest of the demo data stays as it was.
 */
function longHistory(today: string, person: Person, membership: Membership): Row<'contact'>[] {
  const count = 56
  const from = addDays(membership.row.adopted_on, 1)
  const span = Math.max(1, daysBetween(from, addDays(today, -1)))
  const types = ['home_visit', 'phone', 'office', 'home_visit', 'phone', 'other']
  const notes = Object.entries(contactNotes).flatMap(([pathway, list]) =>
    list.map(([note, outcome]) => ({ pathway: pathway as Pathway, note, outcome })),
  )
  return Array.from({ length: count }, (_, k) => {
    const contactDate = addDays(from, Math.floor((k * span) / count))
    const { pathway, note, outcome } = notes[(k * 7) % notes.length]!
    return {
      person_id: person.row.id,
      contact_date: contactDate,
      contact_type: types[k % types.length]!,
      pathway,
      note: fill(note, person.town),
      outcome,
      recorded_by: membership.row.lead_officer_id,
      recorded_at: `${contactDate}T${String(9 + (k % 8)).padStart(2, '0')}:${String((k * 13) % 60).padStart(2, '0')}:00Z`,
    }
  })
}

function makeActions(today: string, users: Users, memberships: Membership[]): Row<'action'>[] {
  const open = memberships.filter((m) => m.row.status !== 'ended')
  const caseOf = (owner: string) => faker.helpers.shuffle(open.filter((m) => m.row.lead_officer_id === owner))
  const plan: { owner: string; due: number[]; done: number }[] = [
    { owner: users.iom, due: [-21, -9, -4, -2, 0, 0, 0, 2, 4, 6, 12, 25], done: 8 },
    { owner: users.dip, due: [-3, 0, 5], done: 2 },
    { owner: users.supervisor, due: [-5, 0, 7], done: 1 },
  ]
  const actions: Row<'action'>[] = []
  for (const { owner, due, done } of plan) {
    const caseload = caseOf(owner)
    const offsets = [
      ...due.map((d) => ({ d, done: false })),
      ...Array.from({ length: done }, () => ({ d: -int(5, 90), done: true })),
    ]
    offsets.forEach(({ d, done: isDone }, k) => {
      const m = caseload[k % caseload.length]
      if (!m) return
      const dueDate = addDays(today, d)
      const pathway: Pathway = pick(pathways)
      actions.push({
        person_id: m.row.person_id,
        description: pick(actionDescriptions[pathway]),
        owner_id: owner,
        due_date: dueDate,
        pathway,
        status: isDone ? 'done' : 'open',
        completed_on: isDone ? earlier(addDays(dueDate, int(-7, 3)), addDays(today, -1)) : null,
        created_by: pick([owner, users.supervisor]),
        created_at: at(addDays(earlier(dueDate, today), -int(8, 30))),
      })
    })
  }
  return actions
}

// ---- the words: synthetic, about no real person ----

const fill = (template: string, town: string) => template.replaceAll('{town}', town)

/** The kind of slip a custody record or a partner's referral makes with a surname. */
function misspell(surname: string): string {
  const slips: [RegExp, string][] = [
    [/y/, 'i'],
    [/i/, 'y'],
    [/ph/, 'f'],
    [/ck/, 'k'],
    [/([lnrst])\1/, '$1'],
    [/ey$/, 'y'],
    [/s$/, ''],
  ]
  for (const [pattern, replacement] of slips) if (pattern.test(surname)) return surname.replace(pattern, replacement)
  return `${surname}e`
}

const markerWeights = [
  { value: 'violent', weight: 30 },
  { value: 'drugs', weight: 25 },
  { value: 'weapons', weight: 15 },
  { value: 'mental_health', weight: 12 },
  { value: 'self_harm', weight: 8 },
  { value: 'suicidal', weight: 3 },
  { value: 'firearms', weight: 2 },
  { value: 'escaper', weight: 2 },
  { value: 'ailment', weight: 2 },
  { value: 'contagious', weight: 1 },
]
const markerNotes: Record<string, string[]> = {
  violent: ['Assaulted officers during arrest', 'Violent when drunk: two assaults in licensed premises'],
  weapons: ['Found with a lock knife on stop and search', 'Threatened a shop worker with a screwdriver'],
  firearms: ['Intelligence suggests access to a firearm: treat with caution'],
  drugs: ['Class A user (crack cocaine and heroin)', 'Conceals drugs internally'],
  self_harm: ['History of self-harm in custody', 'Cut arms while in a cell'],
  suicidal: ['Spoke of suicide on arrest: custody risk assessment'],
  mental_health: ['Known to the community mental health team', 'Paranoid when using: may need an appropriate adult'],
  escaper: ['Ran from officers at the custody suite door'],
  ailment: ['Epileptic: carries medication'],
  contagious: ['Hepatitis C: take care with needles when searching'],
}

const iomSources = [
  'custody',
  'probation',
  'probation',
  'prison_release',
  'court',
  'partner_agency',
  'neighbourhood_team',
]
const referralReasons: Record<Programme, string[]> = {
  iom_fixed: [
    'Three residential burglaries in {town} in the last six months; released under investigation.',
    'Street robberies of mobile phones near {town} station; two charges pending.',
    'Persistent theft from motor vehicles in {town} car parks.',
    'Released on licence after a sentence for burglary; prolific before custody.',
  ],
  iom_flex: [
    'Repeat domestic abuse perpetrator; heard at MARAC twice this year.',
    'Violence with injury in the {town} night-time economy; three arrests this year.',
    'Possession of a knife and threats to a neighbour in {town}.',
  ],
  iom_free: [
    'Shoplifting to fund drug use in {town} town centre: a local priority.',
    'Anti-social behaviour and criminal damage on an estate in {town}; neighbourhood team request.',
  ],
  dip: [
    'Tested positive for cocaine and opiates on arrest for shoplifting; attended the required assessment.',
    'Positive for cocaine on arrest for theft in {town}; asks for help with crack use.',
    'Tested positive for opiates on arrest for burglary; was on a script before but dropped out.',
  ],
}
const declineReasons = [
  'Score below the Fixed cohort threshold: review at the next panel if the offending continues.',
  'Already managed under MAPPA.',
  'Offending is not neighbourhood crime: consider a Flex referral if the violence continues.',
  'Has moved out of the area to Essex: referred to the local IOM team there.',
  'No offending in the last twelve months.',
]
const deselectionReasons = [
  'sustained_non_offending',
  'sustained_non_offending',
  'long_custody',
  'moved_away',
  'transferred_to_mappa',
  'below_threshold',
]

function eventNote(kind: MembershipEventKind, before: Tier, after: Tier, reason: string | null): string | null {
  const rank: Record<Tier, number> = { green: 0, amber: 1, red: 2 }
  switch (kind) {
    case 'tier_changed':
      return rank[after] > rank[before]
        ? 'Reviewed at panel: new arrests, tier raised'
        : 'Reviewed at panel: engaging well, tier lowered'
    case 'in_custody':
      return pick([
        'Remanded in custody',
        'Recalled to prison for breach of licence',
        'Sentenced to a short custodial term',
      ])
    case 'released':
      return pick(['Released on licence; conditions explained at the gate', 'Released on bail with a curfew'])
    case 'lead_officer_changed':
      return 'Caseloads rebalanced at panel'
    case 'deselected':
      return reason === 'sustained_non_offending'
        ? 'No offending for twelve months'
        : reason === 'long_custody'
          ? 'Sentenced to four years'
          : null
    default:
      return null
  }
}

// Each note with the outcome it describes: the outcome follows from what the note says.
type ContactNote = [note: string, outcome: ContactOutcome]
const contactNotes: Record<Pathway, ContactNote[]> = {
  accommodation: [
    [
      'Sofa-surfing with a friend in {town}. Referred to the council housing options team; appointment next week.',
      'engaged',
    ],
    ['Tenancy going well; rent arrears being paid off at £10 a week.', 'engaged'],
    ['Hostel place offered; agreed to the house rules and the curfew.', 'engaged'],
    ['No answer at the address in {town}; card left asking for a call back.', 'not_seen'],
  ],
  education_training_employment: [
    ['Started a CSCS card course and wants labouring work. Gave details of the jobs fair.', 'engaged'],
    ['Working cash-in-hand for a removals firm; talked about getting a proper contract.', 'partially_engaged'],
    ['Enrolled on an English and maths course at the college in {town}.', 'engaged'],
  ],
  health: [
    ['Says sleep and mood are poor. Encouraged to register with a GP in {town}; agreed to go.', 'engaged'],
    ['Went to A&E after a fall; no police concerns. Follow-up with the GP booked.', 'engaged'],
    ['Would not talk about his health; said it is nobody else’s business.', 'did_not_engage'],
  ],
  drugs_alcohol: [
    ['Reports using crack at weekends. Agreed to a key-work appointment with the treatment provider.', 'engaged'],
    ['On a methadone script, collecting daily from the pharmacy in {town}. Test negative for cocaine.', 'engaged'],
    ['Drinking heavily since the relationship ended; given the alcohol service details.', 'partially_engaged'],
    ['Did not attend the key-work appointment; not at home when called on.', 'not_seen'],
  ],
  finance_benefit_debt: [
    [
      'Universal Credit sanctioned after a missed appointment. Helped with the journal; food bank voucher given.',
      'engaged',
    ],
    ['Says they owe money to a local dealer but no threats made. Intelligence report submitted.', 'partially_engaged'],
  ],
  children_families: [
    ["Children's services involved; attending the child protection plan meetings.", 'engaged'],
    ['Wants contact with the children; mediation referral made.', 'engaged'],
    ['Answered the door but refused to speak to the officer about the children.', 'refused'],
  ],
  attitudes_thinking_behaviour: [
    [
      'Talked about the peer group in {town} town centre; agreed to keep away from the shopping centre after dark.',
      'engaged',
    ],
    ['Reminded of the licence conditions and the exclusion zone. Accepted it calmly.', 'engaged'],
    ['Attended the thinking skills session and took part well.', 'engaged'],
    ['Left the thinking skills session at the break and would not say why.', 'did_not_engage'],
  ],
}
const custodyNotes: ContactNote[] = [
  ['Prison visit: release date and accommodation in {town} discussed.', 'engaged'],
  ['Seen in custody after arrest; next steps explained and the release plan started.', 'engaged'],
  ['Prison visit booked, but he declined to come to the visits hall.', 'refused'],
]
const actionDescriptions: Record<Pathway, string[]> = {
  accommodation: ['Chase the housing options decision', 'Complete the hostel referral form'],
  education_training_employment: ['Refer to the employment support programme', 'Check attendance at the CSCS course'],
  health: ['Check the GP registration has gone through', 'Ask the community mental health team for an assessment'],
  drugs_alcohol: ['Confirm the key-work appointment with the treatment provider', 'Check the latest drug test results'],
  finance_benefit_debt: ['Check the Universal Credit sanction has been lifted', 'Help apply for a budgeting advance'],
  children_families: ['Speak to the social worker before the case conference', 'Refer to the parenting course'],
  attitudes_thinking_behaviour: ['Home visit to check the curfew is kept', 'Review the risk after the latest arrest'],
}
