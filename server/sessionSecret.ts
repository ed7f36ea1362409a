import { randomBytes } from 'node:crypto'
import { mkdir, readFile, writeFile } from 'node:fs/promises'
import path from 'node:path'

/**
 * The configured secret, or one generated once and kept in DATA_DIR (mode 0600) so sessions
 * survive a restart. Several instances must share SESSION_SECRET; production requires it.
 */
export async function resolveSessionSecret(options: {
  configured: string | undefined
  dataDir: string
  production: boolean
}): Promise<string> {
  if (options.configured) return options.configured
  if (options.production) throw new Error('SESSION_SECRET must be set when NODE_ENV=production')
  const file = path.join(options.dataDir, 'session-secret')
  try {
    const existing = (await readFile(file, 'utf8')).trim()
    if (existing.length >= 32) return existing
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error
  }
  await mkdir(options.dataDir, { recursive: true })
  const secret = randomBytes(48).toString('base64url')
  await writeFile(file, `${secret}\n`, { mode: 0o600 })
  return secret
}
