import type { Response } from 'express'
import { singleError } from '../../../http/forms.ts'
import { singleFileUpload } from '../../../http/multipart.ts'
import { renderPage } from '../../../http/render.ts'
import { get, post, type RouteDefinition } from '../../../http/routeDefinition.ts'
import { signedInUser } from '../../../http/signedInUser.ts'
import { actorFrom } from '../../audit/actor.ts'
import { maxFileBytes } from './drugTestCsv.ts'
import type { ImportPreview } from './drugTestImport.ts'
import type { DipImportService } from './dipImportService.ts'
import { importedText, presentPreviewPage } from './importPresenter.ts'
import { commitSchema } from './importSchemas.ts'

type Deps = { dipImportService: DipImportService }

/** The name the browser gave the file, for the page only: no path, no control characters, bounded. */
function cleanFileName(name: string): string {
  // eslint-disable-next-line no-control-regex
  const base = (name.split(/[/\\]/).pop() ?? '').replace(/[\u0000-\u001F\u007F-\u009F]/g, '').trim()
  return base.slice(-200) || 'upload.csv'
}

async function importForm(res: Response, problem?: string, status = 200) {
  await renderPage(
    res,
    'dip/import',
    { title: 'Import drug tests from custody', errors: problem ? singleError('file', problem) : undefined },
    status,
  )
}

async function previewPage(
  res: Response,
  preview: Extract<ImportPreview, { ok: true }>,
  importId: string | null,
  fileName: string,
  status = 200,
  changed = false,
) {
  await renderPage(res, 'dip/importPreview', presentPreviewPage(preview, { importId, fileName, changed }), status)
}

export function importRoutes({ dipImportService }: Deps): RouteDefinition[] {
  const preview: RouteDefinition = // Nothing is recorded, but the page names the existing people the rows match: the
    // service logs that as one consultation when (and only when) it names anybody.
    // Not formPost: a multipart upload, answered with a preview of the file rather than a redirect.
    post(
      '/drug-tests/import/preview',
      'dip.record',
      'consultation',
      async (req, res) => {
        const problem = res.locals.uploadProblem as string | undefined
        if (problem) return importForm(res, problem, 400)
        if (!req.file) return importForm(res, 'Select a CSV file', 400)
        const fileName = cleanFileName(req.file.originalname)
        const result = await dipImportService.preview(
          signedInUser(req),
          { fileName, content: req.file.buffer },
          actorFrom(req),
        )
        if (!result.preview.ok) return importForm(res, result.preview.why, 400)
        await previewPage(res, result.preview, result.importId, fileName)
      },
      { parseBody: singleFileUpload({ field: 'file', maxBytes: maxFileBytes, sizeText: '5 MB' }) },
    )
  return [
    get('/drug-tests/import', 'dip.record', 'none', (_req, res) => importForm(res)),
    preview,
    // Not formPost: a refusal shows the upload page or the preview again (404, 409), not this form with its fields.
    post('/drug-tests/import/commit', 'dip.record', 'collection', async (req, res) => {
      const parsed = commitSchema.safeParse(req.body)
      if (!parsed.success) return importForm(res, 'Upload the file and check it before importing', 400)
      const { importId, expectedTests, expectedPeople } = parsed.data
      const result = await dipImportService.commit(
        signedInUser(req),
        importId,
        { tests: expectedTests, people: expectedPeople },
        actorFrom(req),
      )
      if (result.kind === 'notFound')
        return importForm(res, 'This file has already been imported, or its check has expired: upload it again', 404)
      if (result.kind === 'changed') {
        if (!result.preview.ok) return importForm(res, result.preview.why, 409)
        return previewPage(
          res,
          result.preview,
          result.preview.plans.length ? result.importId : null,
          result.fileName,
          409,
          true,
        )
      }
      req.session.flash = { kind: 'success', text: importedText(result) }
      res.redirect(303, '/drug-tests/import')
    }),
  ]
}
