import { Browser } from '../faults/support/http.ts'
import { testSessionSecret } from '../helpers/constants.ts'
import { databaseUrl } from './benchSupport.ts'
import { openAsOwner } from './benchDatabase.ts'
import { benchPages, prepareFixtures } from './benchPages.ts'
import { runLoad } from './loadRun.ts'
const pageName = process.argv[2] ?? 'person'
const owner = await openAsOwner('cohort_bench_100000')
const fixtures = await prepareFixtures(owner.db, 5000)
await owner.close()
import { spawn } from 'node:child_process'
import { send } from '../faults/support/http.ts'
const child = spawn(process.execPath, ['--cpu-prof', '--cpu-prof-dir=/tmp/prof', '--import', 'tsx', 'server/main.ts'], { env: { PATH: process.env.PATH, NODE_ENV: 'production', PORT: '3999', HOST: '127.0.0.1', DATABASE_URL: databaseUrl('cohort_bench_100000'), SECURE_COOKIES: 'false', LOG_LEVEL: 'warn', SESSION_SECRET: testSessionSecret, SEED_DEMO: 'false', SIGN_IN_RATE_LIMIT: '1000', DATA_DIR: '/tmp/prof-data' }, stdio: 'inherit' })
for (;;) { const r = await send('http://127.0.0.1:3999', { method: 'GET', path: '/health' }); if (r.status === 200) break; await new Promise((x) => setTimeout(x, 300)) }
const app = { baseUrl: 'http://127.0.0.1:3999', stop: async () => { child.kill('SIGTERM'); await new Promise((x) => child.once('exit', x)) } }
const page = benchPages.find((p) => p.name === pageName)!
const sessions: Browser[] = []
for (let i = 0; i < 10; i++) sessions.push(await Browser.signIn(app.baseUrl, fixtures.users[page.role][i % fixtures.users[page.role].length]!))
const r = await runLoad(app.baseUrl, sessions.map((s) => s.cookie), page.target(fixtures, sessions.map((s) => s.csrf)), 10)
console.log(r.rps, r.p50, r.p99)
await app.stop()
