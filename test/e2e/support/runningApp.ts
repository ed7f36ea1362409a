import type { AddressInfo } from 'node:net'
import { createTestApp, type TestApp } from '../../helpers/testApp.ts'

export type RunningApp = TestApp & { baseUrl: string; stop(): Promise<void> }

/** The real app over a private copy of the seeded template database, listening on a free local port. */
export async function startApp(): Promise<RunningApp> {
  const testApp = await createTestApp()
  const server = testApp.app.listen(0, '127.0.0.1')
  await new Promise<void>((resolve, reject) => {
    server.once('listening', resolve)
    server.once('error', reject)
  })
  const { port } = server.address() as AddressInfo
  return {
    ...testApp,
    baseUrl: `http://127.0.0.1:${port}`,
    async stop() {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()))
      server.closeAllConnections()
      await closed
      await testApp.close()
    },
  }
}
