import type { Browser } from 'playwright-core'
import { afterAll, beforeAll } from 'vitest'
import { launchBrowser, openWatchedPage } from './browser.ts'
import { startApp, type RunningApp } from './runningApp.ts'

export type AppAndBrowser = {
  readonly app: RunningApp
  readonly browser: Browser
  /** A fresh context and page on this file's app, watched for console errors and CSP violations. */
  openPage(): ReturnType<typeof openWatchedPage>
}

/**
 * Starts this file's own app (over its own copy of the database) and its own Chromium before its
 * tests, and closes both after them, so that no file depends on another's. Call it at the top of
 * the file: a `beforeAll` the file adds after it runs once both are up, and its `afterAll` before
 * they close. Read `app` and `browser` inside hooks and tests only, once they have started.
 */
export function useAppAndBrowser(): AppAndBrowser {
  let app: RunningApp | undefined
  let browser: Browser | undefined

  beforeAll(async () => {
    app = await startApp()
    browser = await launchBrowser()
  })

  afterAll(async () => {
    await browser?.close()
    await app?.stop()
  })

  const started = <T>(value: T | undefined, what: string): T => {
    if (value === undefined) throw new Error(`The ${what} is not running: read it inside a hook or a test`)
    return value
  }
  return {
    get app() {
      return started(app, 'app')
    },
    get browser() {
      return started(browser, 'browser')
    },
    openPage() {
      return openWatchedPage(started(browser, 'browser'), started(app, 'app').baseUrl)
    },
  }
}
