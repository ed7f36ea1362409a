import { execFile } from 'node:child_process'
import { mkdtemp, rm } from 'node:fs/promises'
import net from 'node:net'
import os from 'node:os'
import path from 'node:path'
import { promisify } from 'node:util'

const run = promisify(execFile)
const binaries = process.env.POSTGRES_BIN ?? '/usr/lib/postgresql/15/bin'

export type PrivatePostgres = {
  port: number
  /** A URL for the named database on this cluster. */
  url(database: string): string
  /** pg_ctl stop -m fast: connections are ended, the server goes away. */
  stop(): Promise<void>
  start(): Promise<void>
  destroy(): Promise<void>
}

export async function freePort(): Promise<number> {
  const server = net.createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as net.AddressInfo
  await new Promise((resolve) => server.close(resolve))
  return port
}

/** PostgreSQL refuses to run as root: as root, the binaries run as the postgres OS user. */
function asPostgres(binary: string, args: string[]) {
  const file = path.join(binaries, binary)
  return process.getuid?.() === 0 ? run('runuser', ['-u', 'postgres', '--', file, ...args]) : run(file, args)
}

/**
 * A PostgreSQL cluster of the test's own, in a temporary folder on a free port, so the test can
 * stop and start it without touching the machine's shared server.
 */
export async function startPrivatePostgres(): Promise<PrivatePostgres> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'cohort-faults-pg-'))
  if (process.getuid?.() === 0) await run('chown', ['postgres:postgres', dir])
  const data = path.join(dir, 'data')
  await asPostgres('initdb', ['-D', data, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--no-locale', '--no-sync'])
  const port = await freePort()
  const options = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=60`
  const start = async () => {
    await asPostgres('pg_ctl', [
      '-D',
      data,
      '-o',
      options,
      '-l',
      path.join(dir, 'server.log'),
      '-w',
      '-t',
      '30',
      'start',
    ])
  }
  await start()
  return {
    port,
    url: (database) => `postgres://postgres@127.0.0.1:${port}/${database}`,
    stop: async () => {
      await asPostgres('pg_ctl', ['-D', data, '-m', 'fast', '-w', '-t', '30', 'stop'])
    },
    start,
    destroy: async () => {
      await asPostgres('pg_ctl', ['-D', data, '-m', 'immediate', '-w', 'stop']).catch(() => undefined)
      await rm(dir, { recursive: true, force: true })
    },
  }
}
