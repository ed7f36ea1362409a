import { randomBytes } from 'node:crypto'
import { mkdir, readFile, writeFile } from 'node:fs/promises'
import path from 'node:path'

/**
 * The configured secret, or one generated once and kept in DATA_DIR (mode 0600) so sessions
 * survive a restart. Several instances must share SESSION_SECRET; production requires it.
 */
export function resolveSessionSecret(options: {
  configured: string | undefined
  dataDir: string
  production: boolean
}): Promise<string> {
  return resolveKeptSecret({ ...options, variable: 'SESSION_SECRET', fileName: 'session-secret' })
}

/**
 * A secret from the environment, or else from a file in DATA_DIR, generated there (mode 0600) on
 * first start unless generate is false. In production the environment must name it: a secret
 * made up by one instance is not shared by the others.
 */
export async function resolveKeptSecret(options: {
  configured: string | undefined
  dataDir: string
  production: boolean
  variable: string
  fileName: string
  generate?: boolean
}): Promise<string> {
  if (options.configured) return options.configured
  if (options.production) throw new Error(`${options.variable} must be set when NODE_ENV=production`)
  const file = path.join(options.dataDir, options.fileName)
  try {
    const existing = (await readFile(file, 'utf8')).trim()
    if (existing.length >= 32) return existing
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error
  }
  if (options.generate === false) throw new Error(`${options.variable} is not set and ${file} holds no secret`)
  await mkdir(options.dataDir, { recursive: true })
  const secret = randomBytes(48).toString('base64url')
  await writeFile(file, `${secret}\n`, { mode: 0o600 })
  return secret
}
