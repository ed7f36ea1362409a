import type { Request, Response } from 'express'
import { sql, type Kysely } from 'kysely'
import type { Database } from '../../../db/types.ts'
import { get, type RouteDefinition } from '../../http/routeDefinition.ts'

async function databaseIsUp(db: Kysely<Database>, timeoutMs: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined
  const timeout = new Promise<boolean>((resolve) => {
    timer = setTimeout(() => resolve(false), timeoutMs)
  })
  const probe = sql`select 1`
    .execute(db)
    .then(() => true)
    .catch(() => false)
  try {
    return await Promise.race([probe, timeout])
  } finally {
    clearTimeout(timer)
  }
}

export function healthRoutes(deps: { db: Kysely<Database>; databaseKind: 'postgres' | 'embedded' }): RouteDefinition[] {
  async function health(_req: Request, res: Response) {
    const up = await databaseIsUp(deps.db, 2000)
    res
      .status(up ? 200 : 503)
      .json({ status: up ? 'ok' : 'unavailable', database: { status: up ? 'up' : 'down', kind: deps.databaseKind } })
  }

  return [get('/health', 'public', 'none', health)]
}
