import type { Application, Response } from 'express'
import type { FormErrors } from './forms.ts'

function renderView(app: Application, view: string, locals: Record<string, unknown>): Promise<string> {
  return new Promise((resolve, reject) => {
    app.render(view, locals, (error: Error | null, html?: string) => (error ? reject(error) : resolve(html ?? '')))
  })
}

/**
 * Renders a view inside the layout. Views hold the page body; layout.ejs holds the header,
 * banners, navigation and footer, so no view repeats them. Errors reject, so Express's
 * error handler sees them.
 */
export async function renderPage(
  res: Response,
  view: string,
  locals: Record<string, unknown> = {},
  status = 200,
): Promise<void> {
  const all = { ...res.locals, ...locals }
  // A form about a person shown again (400, 409) shows that person: its consultation is logged
  // (by the restricted record gate's hook) before the page goes. Error pages, and pages that say
  // showsNoPerson, show no one.
  const consultationOnRefusal = res.locals.consultationOnRefusal as
    ((view: string, status: number) => Promise<void>) | undefined
  if (status >= 400 && consultationOnRefusal && !view.startsWith('errors/') && all.showsNoPerson !== true)
    await consultationOnRefusal(view, status)
  const body = await renderView(res.app, view, all)
  // Printable documents (evidential statements, briefing sheets) use a layout without navigation.
  const layout = all.printable === true ? 'layoutPrint' : 'layout'
  const html = await renderView(res.app, layout, { ...all, body })
  res.status(status).type('html').send(html)
}

/** A form's page: blank (200), or shown again with what is wrong against its fields (400). */
export function renderForm(
  res: Response,
  view: string,
  locals: Record<string, unknown>,
  errors: FormErrors | undefined,
): Promise<void> {
  return renderPage(res, view, { ...locals, errors }, errors ? 400 : 200)
}
