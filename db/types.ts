import type { ColumnType, Generated, Insertable, Selectable, Updateable } from 'kysely'

// Kept beside the migrations: a migration that changes a table changes its interface here.

type Timestamp = ColumnType<Date, Date | string, Date | string>
type DefaultedTimestamp = ColumnType<Date, Date | string | undefined, Date | string>

export type Role = 'administrator' | 'supervisor' | 'iom_officer' | 'dip_worker' | 'cid_officer' | 'partner'
export type Agency = 'council' | 'probation' | 'yos' | 'mash' | 'marac' | 'treatment_provider'
export type AuditCategory =
  | 'collection'
  | 'alteration'
  | 'consultation'
  | 'disclosure'
  | 'combination'
  | 'erasure'
  | 'security'
  | 'administration'

export interface AreaTable {
  id: Generated<string>
  code: string
  name: string
  kind: 'bcu' | 'borough'
  parent_id: string | null
}

export interface AppUserTable {
  id: Generated<string>
  username: string
  display_name: string
  role: Role
  agency: Agency | null
  password_hash: string
  failed_sign_ins: Generated<number>
  locked_until: Timestamp | null
  disabled_at: Timestamp | null
  last_sign_in_at: Timestamp | null
  sessions_valid_after: Timestamp | null
  /** Set by an administrator's password reset, cleared when the user chooses their own. */
  must_change_password: Generated<boolean>
  version: Generated<number>
  created_at: DefaultedTimestamp
  updated_at: DefaultedTimestamp
}

export interface UserAreaTable {
  user_id: string
  area_id: string
}

export interface SessionTable {
  sid: string
  sess: unknown
  expire: Timestamp
}

export interface RateLimitHitTable {
  key: string
  window_start: Timestamp
  hits: Generated<number>
}

/** What an audit row says: the same whether it is in the chain or waiting to join it. */
interface AuditRowFields {
  category: AuditCategory
  event: string
  actor_user_id: string | null
  actor_username: string | null
  entity_type: string | null
  entity_id: string | null
  person_id: string | null
  purpose: string | null
  recipients: string | null
  request_id: string | null
  /** The X-Request-Id a client or proxy sent, when it had the accepted shape; request_id is always the server's own. */
  client_request_id: ColumnType<string | null, string | null | undefined, never>
  ip: string | null
  detail: ColumnType<unknown, string | null, never> | null
}

/** The app writes it only through audit_seal(), from audit_pending: id, prev_hash and hash are set by the chaining trigger, the time is the pending row's. */
export interface AuditEventTable extends AuditRowFields {
  id: ColumnType<number, never, never>
  occurred_at: ColumnType<Date, never, never>
  prev_hash: ColumnType<string, never, never>
  hash: ColumnType<string, never, never>
}

/** From which audit row each key's HMAC chain starts (the key's id only, never the key); written by the chaining trigger. */
export interface AuditKeySegmentTable {
  first_id: ColumnType<number, never, never>
  key_id: ColumnType<string, never, never>
  started_at: ColumnType<Date, never, never>
}

/** An audit row as the app writes it, committed with its act, until audit_seal() moves it into the chain. */
export interface AuditPendingTable extends AuditRowFields {
  seq: ColumnType<number, never, never>
  occurred_at: ColumnType<Date, never, never>
}

export type Programme = 'iom_fixed' | 'iom_flex' | 'iom_free' | 'dip'
export type Tier = 'red' | 'amber' | 'green'
export type MembershipStatus = 'active' | 'in_custody' | 'ended'
export type MembershipEventKind =
  'adopted' | 'in_custody' | 'released' | 'tier_changed' | 'lead_officer_changed' | 'deselected'
export type Gender = 'male' | 'female' | 'other' | 'unknown'

/** A calendar day: 'YYYY-MM-DD' both ways (the pg DATE parser is set to leave it as text). */
type CalendarDay = string

export interface WardTable {
  id: Generated<string>
  borough_id: string
  name: string
  valid_from: CalendarDay
  valid_to: CalendarDay | null
}

export interface CodeListTable {
  code: string
  label: string
  sort_order: Generated<number>
  active: Generated<boolean>
}

export interface CustodySuiteTable {
  code: string
  name: string
  area_id: string | null
  active: Generated<boolean>
}

export interface PersonTable {
  id: Generated<string>
  surname: string
  forenames: string
  date_of_birth: CalendarDay
  gender: Gender
  pnc_id: string | null
  cro_number: string | null
  address: string | null
  ward_id: string | null
  area_id: string
  restricted: Generated<boolean>
  version: Generated<number>
  created_by: string | null
  created_at: DefaultedTimestamp
  updated_at: DefaultedTimestamp
  /** Set while the record is combined into another (a duplicate); it is then hidden everywhere. */
  combined_into: Generated<string | null>
  /** The physical description (each part optional): whole centimetres, 100–250. */
  height_cm: number | null
  build: Build | null
  hair: string | null
  eyes: EyeColour | null
  distinguishing_marks: string | null
}

export type Build = 'slim' | 'medium' | 'stocky' | 'heavy' | 'athletic'
export type EyeColour = 'blue' | 'brown' | 'green' | 'grey' | 'hazel' | 'other'

/** One custody photograph per person: a JPEG the app re-encoded itself (no metadata). */
export interface PersonPhotoTable {
  id: Generated<string>
  person_id: string
  image: Buffer
  width: number
  height: number
  uploaded_by: string | null
  uploaded_at: DefaultedTimestamp
}

export interface PersonAliasTable {
  id: Generated<string>
  person_id: string
  surname: string
  forenames: string
  created_at: DefaultedTimestamp
}

export interface PersonMarkerTable {
  id: Generated<string>
  person_id: string
  marker_code: string
  start_date: CalendarDay
  review_date: CalendarDay | null
  note: string | null
  set_by: string | null
  ended_on: CalendarDay | null
  ended_by: string | null
  created_at: DefaultedTimestamp
}

export interface ReferralTable {
  id: Generated<string>
  person_id: string
  /** The person's borough, kept by the database from the person (migration 20261205T1400). */
  area_id: Generated<string>
  programme: Programme
  source: string
  reason: string
  referred_by: string
  referred_at: DefaultedTimestamp
  status: Generated<'pending' | 'accepted' | 'declined'>
  decided_by: string | null
  decided_at: Timestamp | null
  decline_reason: string | null
  version: Generated<number>
}

export interface CohortMembershipTable {
  id: Generated<string>
  person_id: string
  programme: Programme
  referral_id: string | null
  status: MembershipStatus
  tier: Tier | null
  lead_officer_id: string | null
  selection_score: ColumnType<string | null, number | string | null, number | string | null>
  selection_method: string | null
  selection_date: CalendarDay | null
  adopted_on: CalendarDay
  ended_on: CalendarDay | null
  version: Generated<number>
}

export interface MembershipEventTable {
  id: Generated<string>
  membership_id: string
  kind: MembershipEventKind
  event_date: CalendarDay
  tier: Tier | null
  lead_officer_id: string | null
  deselection_reason: string | null
  note: string | null
  recorded_by: string | null
  recorded_at: DefaultedTimestamp
}

/** What came of a contact; null on contacts recorded before the outcome was asked for. */
export type ContactOutcome = 'engaged' | 'partially_engaged' | 'did_not_engage' | 'not_seen' | 'refused' | 'other'

export interface ContactTable {
  id: Generated<string>
  person_id: string
  contact_date: CalendarDay
  contact_type: string
  pathway: string
  note: string
  recorded_by: string | null
  recorded_at: DefaultedTimestamp
  outcome: ContactOutcome | null
}

export interface ActionTable {
  id: Generated<string>
  person_id: string
  description: string
  owner_id: string
  due_date: CalendarDay
  pathway: string
  status: Generated<'open' | 'done'>
  completed_on: CalendarDay | null
  created_by: string | null
  created_at: DefaultedTimestamp
  version: Generated<number>
}

export type TestResult = 'positive' | 'negative' | 'not_tested'
export type AttendanceOutcome = 'attended' | 'left_early' | 'did_not_attend'
export type FailureStatus =
  'open' | 'wanted' | 'arrested' | 'charged' | 'summonsed' | 'no_further_action' | 'withdrawn' | 'time_barred'
export type FailureEventKind =
  | 'created'
  | 'statement_produced'
  | 'statement_withdrawn'
  | 'circulated_wanted'
  | 'arrested'
  | 'charged'
  | 'summonsed'
  | 'no_further_action'
  | 'withdrawn'
  | 'time_barred'

export interface OffenceTable {
  code: string
  label: string
  trigger_offence: Generated<boolean>
  sort_order: Generated<number>
  active: Generated<boolean>
}

export interface DrugTestTable {
  id: Generated<string>
  person_id: string
  /** The person's borough, kept by the database from the person (migration 20261205T1400). */
  area_id: Generated<string>
  custody_suite_code: string
  custody_number: string
  condition: 'arrest' | 'charge'
  trigger_offence_code: string | null
  authorised_by: string | null
  sample_taken_at: Timestamp
  opiates: TestResult
  cocaine: TestResult
  refused: Generated<boolean>
  /** What was done about a refusal (PACE s63C); null for a test that was not refused. */
  refusal_action: RefusalAction | null
  disputed: Generated<boolean>
  recorded_by: string | null
  recorded_at: DefaultedTimestamp
  import_batch: string | null
  /** Whether a requirement (RA1) or a confirmation names this test, kept by the database (migration 20261206T0500). */
  requirement_imposed: Generated<boolean>
  confirmed: Generated<boolean>
}

export type RefusalAction = 'charged' | 'reported' | 'good_cause' | 'pending'

export interface DrugTestConfirmationTable {
  id: Generated<string>
  drug_test_id: string
  opiates: TestResult
  cocaine: TestResult
  confirmed_on: CalendarDay
  recorded_by: string | null
  recorded_at: DefaultedTimestamp
}

export interface RequiredAssessmentTable {
  id: Generated<string>
  person_id: string
  drug_test_id: string
  imposed_by: string | null
  /** The officer who imposed it in custody, named in free text when not a user. */
  imposed_by_officer: string | null
  /** When it was imposed in custody (RA1), not when it was typed in (recorded_at). */
  imposed_at: DefaultedTimestamp
  recorded_at: DefaultedTimestamp
  follow_up_ended_on: CalendarDay | null
  follow_up_ended_by: string | null
  fell_away_on: CalendarDay | null
  fell_away_reason: string | null
}

export interface AppointmentTable {
  id: Generated<string>
  assessment_id: string
  person_id: string
  /** The person's borough, kept by the database from the person (migration 20261205T1400). */
  area_id: Generated<string>
  kind: 'initial' | 'follow_up'
  scheduled_at: Timestamp
  place: string
  assessor: string
  form: 'RA1' | 'RA4'
  created_by: string | null
  created_at: DefaultedTimestamp
  version: Generated<number>
  closed_on: CalendarDay | null
  closed_reason: string | null
}

export interface AppointmentChangeTable {
  id: Generated<string>
  appointment_id: string
  previous_scheduled_at: Timestamp
  previous_place: string
  new_scheduled_at: Timestamp
  new_place: string
  reason: string
  changed_by: string | null
  changed_at: DefaultedTimestamp
}

export interface AttendanceTable {
  id: Generated<string>
  appointment_id: string
  outcome: AttendanceOutcome
  good_cause: boolean
  good_cause_note: string | null
  recorded_by: string | null
  recorded_at: DefaultedTimestamp
}

export interface DipFailureTable {
  id: Generated<string>
  appointment_id: string
  person_id: string
  /** The person's borough, kept by the database from the person (migration 20261205T1400). */
  area_id: Generated<string>
  section: 's12' | 's14'
  failure_date: CalendarDay
  time_bar_date: CalendarDay
  status: Generated<FailureStatus>
  statement_produced_on: CalendarDay | null
  statement_produced_by: string | null
  wanted_since: CalendarDay | null
  wanted_reference: string | null
  version: Generated<number>
  created_at: DefaultedTimestamp
}

export interface DipFailureEventTable {
  id: Generated<string>
  failure_id: string
  kind: FailureEventKind
  event_date: CalendarDay
  reference: string | null
  note: string | null
  recorded_by: string | null
  recorded_at: DefaultedTimestamp
}

export type LinkAgency = 'marac' | 'yos' | 'mash'

export interface SharingAgreementTable {
  id: Generated<string>
  name: string
  agency: Agency
  categories: ColumnType<string[], string[], string[]>
  starts_on: CalendarDay
  ends_on: CalendarDay | null
  version: Generated<number>
  created_by: string | null
  created_at: DefaultedTimestamp
}

export interface PartnerLinkTable {
  id: Generated<string>
  person_id: string
  agency: LinkAgency
  reference: string
  status: Generated<'open' | 'closed'>
  opened_on: CalendarDay
  closed_on: CalendarDay | null
  contact: string | null
  agreement_id: string
  marac_role: 'victim' | 'perpetrator' | null
  dash_score: number | null
  meeting_date: CalendarDay | null
  idva_allocated: boolean | null
  next_review: CalendarDay | null
  repeat_referral: Generated<boolean>
  yos_disposal: string | null
  case_manager: string | null
  transition_date: CalendarDay | null
  brag_rating: 'blue' | 'red' | 'amber' | 'green' | null
  mash_decision: string | null
  decision_date: CalendarDay | null
  children_involved: number | null
  version: Generated<number>
  created_by: string | null
  created_at: DefaultedTimestamp
}

export interface PartnerLinkChangeTable {
  id: Generated<string>
  link_id: string
  changes: ColumnType<unknown, string, string>
  changed_by: string | null
  changed_at: DefaultedTimestamp
}

/** A custody drug-test CSV kept between its preview and its commit (deleted once committed). */
export interface DrugTestImportTable {
  id: Generated<string>
  created_by: string
  created_at: DefaultedTimestamp
  file_name: string
  content: string
  sha256: string
}

/** A form post's idempotency key with the answer its write gave (kept for a day). */
export interface IdempotencyKeyTable {
  key: string
  user_id: string
  /** Method and path the key was used for: the same key on another form is refused. */
  scope: string
  /** The service's answer (ids only); null only inside the transaction that claims the key. */
  result: ColumnType<unknown, string | null, string> | null
  created_at: DefaultedTimestamp
}

/** The performance report's figures for one scope, kept a few minutes (REPORT_CACHE_MINUTES). */
export interface ReportCacheTable {
  key: string
  figures: ColumnType<unknown, string, string>
  computed_at: DefaultedTimestamp
}

// Summary tables kept by triggers (migrations 20261127T0400, T0600, T0800 and T1200): the CID
// list's one row per listed entry, and the performance report's per-person shares and their
// per-scope tallies. The app reads them; only the triggers and the refresh write them.
/** The borough a report tally's row is in. */
interface Borough {
  area_id: string
}
/** The borough and ward a report tally's row is in. */
interface Scope extends Borough {
  ward_id: string | null
}
interface PersonShare extends Scope {
  person_id: string
}
/** The report's counters of a day's (or a month's) tests, attendance and referrals. */
interface DayCounters {
  tests: number
  opiates_tested: number
  opiates_positive: number
  cocaine_tested: number
  cocaine_positive: number
  possession_tests: number
  initial_recorded: number
  initial_attended: number
  follow_up_recorded: number
  follow_up_attended: number
  referrals_received: number
  referrals_accepted: number
  referrals_declined: number
}
interface DayFigures extends DayCounters {
  day: CalendarDay
  /** Every appointment of the day, and those not closed with no attendance recorded (migration 20261206T0200). */
  appointments: number
  appointments_to_record: number
}
interface CohortFigures {
  month_end: CalendarDay
  programme: Programme
  tier: Tier | null
  n: number
}
interface FailureFigures {
  day: CalendarDay
  section: 's12' | 's14'
  status: FailureStatus
  n: number
}
interface LinkFigures {
  agency: Agency
  rating: string
  n: number
}
interface MembershipFigures {
  day: CalendarDay
  programme: Programme
  members: number
  before_tests: number
  since_tests: number
  adopted_days: number
}

export interface CidListingTable {
  entry_id: string
  person_id: string
  area_id: string
  ward_id: string | null
  time_bar_date: CalendarDay
  last_violence_marker: CalendarDay | null
  surname: string
  forenames: string
}
/** What a person's retention review date rests on, kept by the database (server/decisions/0124). */
export interface RetentionBasisTable {
  person_id: string
  area_id: string
  last_on: CalendarDay
  adopted: boolean
  decided_review_on: CalendarDay | null
}
/** An officer's open actions due before `on_day`, kept by the database and rolled daily (decision 0131). */
export interface OwnerOverdueTable {
  owner_id: string
  on_day: CalendarDay
  overdue: number
}
/** The backlogs the home page counts, each kept per borough and time-bar day (decision 0136). */
export type OpenItemKind =
  'failure_awaiting_statement' | 'referral_pending' | 'entry_proposed' | 'entry_held' | 'person_listed'
/** `n` items of `kind` in a borough whose time bar is `bar_day`, kept by the database (migration 20261206T1300). */
export interface OpenItemCountTable {
  kind: OpenItemKind
  area_id: string
  bar_day: CalendarDay
  n: number
}
/** The latest time bar of a person's countersigned entries for wanted failures, kept by the database (decision 0136). */
export interface CidListedPersonTable {
  person_id: string
  area_id: string
  bar_day: CalendarDay
}
/** An appointment still to record (not closed, no attendance), with its borough and time, kept by the database (decision 0138). */
export interface AppointmentToRecordTable {
  appointment_id: string
  area_id: string
  scheduled_at: Timestamp
}
/** Each distinct surname (lower case) of the people and their aliases, and how many bear it (decision 0126). */
export interface SurnameVocabularyTable {
  name: string
  bearers: number
}
export interface PersonMarkTable {
  person_id: string
}
export interface ReportDirtyTable {
  person_id: string
  tallies: string[]
}
export interface ReportDayShareTable extends PersonShare, DayFigures {}
export interface ReportDayTallyTable extends Scope, DayFigures {}
export interface ReportCohortShareTable extends PersonShare, CohortFigures {}
export interface ReportCohortTallyTable extends Scope, CohortFigures {}
export interface ReportFailureShareTable extends PersonShare, FailureFigures {}
export interface ReportFailureTallyTable extends Scope, FailureFigures {}
/** The day tally's counters summed by calendar month (`month`: its first day), kept by the database (decision 0139). */
export interface ReportDayMonthTallyTable extends Scope, DayCounters {
  month: CalendarDay
}
interface FailureMonthFigures {
  month: CalendarDay
  section: 's12' | 's14'
  status: FailureStatus
  n: number
}
/** The failure tally summed by calendar month (`month`: its first day), kept by the database (decision 0139). */
export interface ReportFailureMonthTallyTable extends Scope, FailureMonthFigures {}
export interface ReportLinkShareTable extends PersonShare, LinkFigures {}
export interface ReportLinkTallyTable extends Scope, LinkFigures {}
export interface ReportMembershipShareTable extends PersonShare, MembershipFigures {}
export interface ReportMembershipTallyTable extends Scope, MembershipFigures {}
interface MembershipMonthFigures {
  month: CalendarDay
  programme: Programme
  members: number
  before_tests: number
  since_tests: number
  adopted_days: number
}
/** The membership tally's changes summed by calendar month (`month`: its first day), kept by the database (decision 0140). */
export interface ReportMembershipMonthTallyTable extends Scope, MembershipMonthFigures {}
// A tally's rows summed over the borough's wards, for reports without a ward, kept by the database (decision 0142).
export interface ReportCohortBoroughTallyTable extends Borough, CohortFigures {}
export interface ReportFailureBoroughTallyTable extends Borough, FailureFigures {}
export interface ReportFailureBoroughMonthTallyTable extends Borough, FailureMonthFigures {}
export interface ReportMembershipBoroughTallyTable extends Borough, MembershipFigures {}
export interface ReportMembershipBoroughMonthTallyTable extends Borough, MembershipMonthFigures {}
/** The failure tally's rows summed per ward over section and status, for the hot spots (decision 0142). */
export interface ReportFailureWardTallyTable extends Scope {
  day: CalendarDay
  n: number
}
export interface ReportFailureWardMonthTallyTable extends Scope {
  month: CalendarDay
  n: number
}

export type CidStatus =
  | 'proposed'
  | 'rejected'
  | 'countersigned'
  | 'suspended'
  | 'arrested'
  | 'charged'
  | 'summonsed'
  | 'no_further_action'
  | 'withdrawn'
  | 'time_barred'
  | 'closed'

export interface CidEntryTable {
  id: Generated<string>
  failure_id: string
  person_id: string
  /** The person's borough, kept by the database from the person (migration 20261205T1400). */
  area_id: Generated<string>
  /** Its failure's row status and time bar, kept by the database from the failure (migration 20261206T0400). */
  failure_status: Generated<FailureStatus>
  failure_time_bar_date: Generated<CalendarDay>
  source: 'system' | 'manual'
  reason: string
  proposed_by: string | null
  proposed_at: DefaultedTimestamp
  status: Generated<CidStatus>
  decided_by: string | null
  decided_at: Timestamp | null
  rationale: string | null
  version: Generated<number>
  cited_marker_id: string | null
}

export interface CidEntryEventTable {
  id: Generated<string>
  entry_id: string
  kind: string
  event_date: CalendarDay
  reference: string | null
  note: string | null
  recorded_by: string | null
  recorded_at: DefaultedTimestamp
}

export interface RetentionDecisionTable {
  id: Generated<string>
  person_id: string
  decision: 'retain' | 'dispose'
  reason: string
  next_review_on: CalendarDay | null
  decided_by: string | null
  decided_at: DefaultedTimestamp
}

export interface PersonCombinationTable {
  id: Generated<string>
  survivor_id: string
  merged_id: string
  reason: string
  combined_by: string | null
  combined_at: DefaultedTimestamp
  reversed_at: Timestamp | null
  reversed_by: string | null
  reversal_reason: string | null
  version: Generated<number>
}

export interface PersonCombinationChangeTable {
  id: Generated<string>
  combination_id: string
  change: 'moved' | 'added' | 'field'
  table_name: string
  row_id: string
  column_name: string | null
  old_value: string | null
  new_value: string | null
}

export interface Database {
  person_combination: PersonCombinationTable
  person_combination_change: PersonCombinationChangeTable
  retention_decision: RetentionDecisionTable
  cid_entry: CidEntryTable
  cid_entry_event: CidEntryEventTable
  sharing_agreement: SharingAgreementTable
  partner_link: PartnerLinkTable
  partner_link_change: PartnerLinkChangeTable
  offence: OffenceTable
  drug_test: DrugTestTable
  drug_test_import: DrugTestImportTable
  idempotency_key: IdempotencyKeyTable
  report_cache: ReportCacheTable
  cid_listing: CidListingTable
  cid_listing_dirty: PersonMarkTable
  retention_basis: RetentionBasisTable
  retention_dirty: PersonMarkTable
  owner_overdue: OwnerOverdueTable
  open_item_count: OpenItemCountTable
  cid_listed_person: CidListedPersonTable
  appointment_to_record: AppointmentToRecordTable
  surname_vocabulary: SurnameVocabularyTable
  report_dirty: ReportDirtyTable
  report_day_share: ReportDayShareTable
  report_day_tally: ReportDayTallyTable
  report_day_month_tally: ReportDayMonthTallyTable
  report_cohort_share: ReportCohortShareTable
  report_cohort_tally: ReportCohortTallyTable
  report_failure_share: ReportFailureShareTable
  report_failure_tally: ReportFailureTallyTable
  report_failure_month_tally: ReportFailureMonthTallyTable
  report_link_share: ReportLinkShareTable
  report_link_tally: ReportLinkTallyTable
  report_membership_share: ReportMembershipShareTable
  report_membership_tally: ReportMembershipTallyTable
  report_membership_month_tally: ReportMembershipMonthTallyTable
  report_cohort_borough_tally: ReportCohortBoroughTallyTable
  report_failure_borough_tally: ReportFailureBoroughTallyTable
  report_failure_borough_month_tally: ReportFailureBoroughMonthTallyTable
  report_failure_ward_tally: ReportFailureWardTallyTable
  report_failure_ward_month_tally: ReportFailureWardMonthTallyTable
  report_membership_borough_tally: ReportMembershipBoroughTallyTable
  report_membership_borough_month_tally: ReportMembershipBoroughMonthTallyTable
  drug_test_confirmation: DrugTestConfirmationTable
  required_assessment: RequiredAssessmentTable
  appointment: AppointmentTable
  appointment_change: AppointmentChangeTable
  attendance: AttendanceTable
  dip_failure: DipFailureTable
  dip_failure_event: DipFailureEventTable
  ward: WardTable
  marker_type: CodeListTable
  deselection_reason: CodeListTable
  contact_type: CodeListTable
  referral_source: CodeListTable
  custody_suite: CustodySuiteTable
  person: PersonTable
  person_alias: PersonAliasTable
  person_marker: PersonMarkerTable
  person_photo: PersonPhotoTable
  referral: ReferralTable
  cohort_membership: CohortMembershipTable
  membership_event: MembershipEventTable
  contact: ContactTable
  action: ActionTable
  area: AreaTable
  app_user: AppUserTable
  user_area: UserAreaTable
  session: SessionTable
  rate_limit_hit: RateLimitHitTable
  audit_event: AuditEventTable
  audit_pending: AuditPendingTable
  audit_key_segment: AuditKeySegmentTable
}

export type AppUserRow = Selectable<AppUserTable>
export type NewAppUser = Insertable<AppUserTable>
export type AppUserUpdate = Updateable<AppUserTable>
export type AuditEventRow = Selectable<AuditEventTable>
