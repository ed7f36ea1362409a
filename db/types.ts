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

/** id, time, prev_hash and hash are set by the chaining trigger; whatever the app sends is overwritten. */
export interface AuditEventTable {
  id: ColumnType<string, never, never>
  occurred_at: ColumnType<Date, never, never>
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
  ip: string | null
  detail: ColumnType<unknown, string | null, never> | null
  prev_hash: ColumnType<string, never, never>
  hash: ColumnType<string, never, never>
}

export interface Database {
  area: AreaTable
  app_user: AppUserTable
  user_area: UserAreaTable
  session: SessionTable
  rate_limit_hit: RateLimitHitTable
  audit_event: AuditEventTable
}

export type AppUserRow = Selectable<AppUserTable>
export type NewAppUser = Insertable<AppUserTable>
export type AppUserUpdate = Updateable<AppUserTable>
export type AuditEventRow = Selectable<AuditEventTable>
