import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core'

export const chromiumPath = '/usr/bin/chromium'

const launchArgs = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
]

/** Debian's Chromium, never a downloaded browser: CI installs the package, not Playwright's builds. */
export function launchBrowser(): Promise<Browser> {
  return chromium.launch({ executablePath: chromiumPath, headless: true, args: launchArgs })
}

export type PageWatch = {
  /** A response status this test means to provoke, so the browser's "failed to load" report for it is not a problem. */
  expectStatus(status: number, path: string): void
  /** Console errors, uncaught exceptions and Content Security Policy violations seen so far. */
  problems(): string[]
}

/**
 * Opens a page in a fresh context and records everything that would show a user (or a
 * developer's console) that something is broken. CSP violations are caught twice: by the
 * console message Chromium writes and by the page's own securitypolicyviolation event.
 */
export async function openWatchedPage(
  browser: Browser,
  baseURL: string,
): Promise<{ context: BrowserContext; page: Page; watch: PageWatch }> {
  const context = await browser.newContext({ baseURL })
  const seen: string[] = []
  const expected: { status: number; url: string }[] = []

  await context.exposeFunction('reportCspViolation', (text: string) => seen.push(`CSP violation: ${text}`))
  // A string, not a function: this runs in the page, and the project's TypeScript has no DOM types.
  await context.addInitScript({
    content: `document.addEventListener('securitypolicyviolation', (event) => {
      window.reportCspViolation(event.violatedDirective + ' blocked ' + (event.blockedURI || 'inline code') + ' on ' + event.documentURI)
    })`,
  })

  const page = await context.newPage()
  page.on('console', (message) => {
    if (message.type() !== 'error') return
    const url = message.location().url
    const failedStatus = /the server responded with a status of (\d{3})/.exec(message.text())?.[1]
    if (failedStatus && expected.some((e) => e.status === Number(failedStatus) && e.url === url)) return
    // Chromium asks for /favicon.ico by itself when a page names no icon; the page did not fail.
    if (failedStatus === '404' && new URL(url || page.url()).pathname === '/favicon.ico') return
    seen.push(`console error on ${page.url()}: ${message.text()}${url ? ` (${url})` : ''}`)
  })
  page.on('pageerror', (error) => seen.push(`uncaught exception on ${page.url()}: ${error.message}`))

  const watch: PageWatch = {
    expectStatus(status, path) {
      expected.push({ status, url: new URL(path, baseURL).toString() })
    },
    problems: () => [...seen],
  }
  return { context, page, watch }
}
