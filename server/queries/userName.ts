import { expressionBuilder, type Expression } from 'kysely'
import type { Database } from '../../db/types.ts'

/**
 * The display name of the user an id names (who recorded, decided or leads something), as a
 * subquery to select: null when the id is null, as the left join on `app_user` it stands for.
 * One statement of it, so that every list and history names its users the same way.
 */
export function userNameOf(userId: Expression<string | null>) {
  return expressionBuilder<Database, never>()
    .selectFrom('app_user as named')
    .select('named.display_name')
    .where('named.id', '=', userId)
}
