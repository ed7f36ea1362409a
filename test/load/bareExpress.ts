import path from 'node:path'
import { fileURLToPath } from 'node:url'
import express from 'express'

// The framework's ceiling on this machine: Express 5 rendering a trivial EJS page, nothing else
// (no session, no database, no helmet). Run by the benchmark in a process of its own, as the app is.

const app = express()
app.set('view engine', 'ejs')
app.set('views', path.join(path.dirname(fileURLToPath(import.meta.url)), 'bare'))
app.set('view cache', true)
app.get('/', (_req, res) => res.render('page', { title: 'Bare Express', user: 'nobody' }))

const server = app.listen(Number(process.env.PORT ?? 0), '127.0.0.1', () => {
  const address = server.address()
  process.stdout.write(`listening ${typeof address === 'object' && address ? address.port : ''}\n`)
})
process.on('SIGTERM', () => server.close(() => process.exit(0)))
