import type { Page } from 'playwright-core'
import { describe, expect, it } from 'vitest'
import { addMonths, todayInLondon } from '../../server/domain/time.ts'
import { signIn } from './support/journey.ts'
import { pdfPageTexts } from './support/pdfText.ts'
import { useAppAndBrowser } from './support/appAndBrowser.ts'

// The printed documents as Chromium prints them to A4: the protective marking at the top and the
// bottom of every sheet, each sheet numbered, and no link addresses (GOV.UK Frontend prints a
// link's href after it; on the meeting pack that was /people/<id> after every name).

const running = useAppAndBrowser()

/** Opens the page as the supervisor would and prints it, answering the text of each sheet (spaces removed). */
async function printed(page: Page, path: string): Promise<{ html: string; sheets: string[] }> {
  const response = await page.goto(path)
  expect(response?.status(), path).toBe(200)
  await page.waitForLoadState('load')
  const pdf = await page.pdf({ preferCSSPageSize: true, tagged: false })
  return { html: await page.content(), sheets: pdfPageTexts(pdf).map((text) => text.replace(/\s+/g, '')) }
}

function expectMarkedAndNumbered(sheets: string[], document: string): void {
  expect(sheets.length, `${document} prints at least one sheet`).toBeGreaterThan(0)
  sheets.forEach((sheet, i) => {
    const where = `${document}, sheet ${i + 1} of ${sheets.length}`
    // The margin boxes: the marking top and bottom, then the number, on every sheet.
    expect(sheet.split('OFFICIAL-SENSITIVE').length - 1, `${where}: the marking top and bottom`).toBeGreaterThanOrEqual(
      2,
    )
    expect(sheet, `${where}: its number`).toContain(`Page${i + 1}of${sheets.length}`)
    expect(sheet, `${where}: no link address`).not.toContain('/people/')
    expect(sheet, `${where}: no link address`).not.toMatch(/\(\/[a-z]/)
  })
}

describe('printed documents', () => {
  it('the meeting pack, an evidential statement and an appointment notice print marked and numbered on every sheet, with no addresses', async () => {
    const { context, page, watch } = await running.openPage()
    try {
      await signIn(page, 'supervisor')

      const pack = await printed(page, `/performance/pack?month=${addMonths(todayInLondon(), -1).slice(0, 7)}`)
      expect(pack.html, 'the pack links people on screen, so the print check means something').toMatch(
        /href="\/people\//,
      )
      expect(pack.sheets.length, 'the figures start a new sheet').toBeGreaterThan(1)
      expectMarkedAndNumbered(pack.sheets, 'the meeting pack')
      // Each chart prints its title and the names of its axes (x: the month; y: what is counted).
      expect(pack.sheets.join(''), 'the chart of drug tests, its axes named').toMatch(
        /Drugtestsbymonth\d+Drugtests.*Month/,
      )

      const failure = await running.app.db
        .selectFrom('dip_failure')
        .select('id')
        .orderBy('id')
        .executeTakeFirstOrThrow()
      const statement = await printed(page, `/failures/${failure.id}/statement`)
      expectMarkedAndNumbered(statement.sheets, 'the evidential statement')
      expect(statement.sheets[0]).toContain('Statementofwitness')

      const initial = await running.app.db
        .selectFrom('appointment')
        .select('id')
        .where('kind', '=', 'initial')
        .orderBy('id')
        .executeTakeFirstOrThrow()
      const notice = await printed(page, `/appointments/${initial.id}/letter`)
      expectMarkedAndNumbered(notice.sheets, 'the notice of requirement')
      expect(notice.sheets.join('')).toContain('Noticeofrequirementtoattendaninitialassessment')
      expect(notice.sheets.join('')).toContain('DrugsAct2005,section12')

      expect(watch.problems()).toEqual([])
    } finally {
      await context.close()
    }
  })
})
