import { createHash } from 'node:crypto'
import type { Kysely } from 'kysely'
import type { Database } from '../../../../db/types.ts'
import { recordAudit, type Actor } from '../../audit/auditRepository.ts'
import { previewDrugTestImport, writeDrugTestImport, type ImportPreview, type ImportUser } from './drugTestImport.ts'
import * as repo from './importRepository.ts'

export type PreviewResult = { preview: ImportPreview; importId: string | null }

/**
 * Not a WriteResult: a commit refused because the records changed meanwhile carries the new
 * preview, which the page shows in place of the one the user confirmed.
 */
export type CommitResult =
  | { kind: 'done'; testsCreated: number; peopleCreated: number; batchId: string }
  | { kind: 'notFound' }
  | { kind: 'changed'; preview: ImportPreview; importId: string; fileName: string }

export type Expected = { tests: number; people: number }

const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex')

function isUniqueViolation(error: unknown): boolean {
  return (error as { code?: unknown })?.code === '23505'
}

export type DipImportService = ReturnType<typeof createDipImportService>

export function createDipImportService(db: Kysely<Database>, clock: () => Date = () => new Date()) {
  /**
   * A preview of the uploaded file. If any row can be imported the file is kept (in
   * drug_test_import) for the commit. The page names the existing people the rows match,
   * so that is a consultation and is logged, in the same transaction as keeping the file;
   * a preview that names nobody logs nothing.
   */
  async function preview(
    user: ImportUser,
    upload: { fileName: string; content: Buffer },
    actor: Actor,
  ): Promise<PreviewResult> {
    const result = await previewDrugTestImport(db, user, upload.content, { now: clock() })
    // A preview with nothing to import names nobody (every matched row is a row to import).
    if (!result.ok || result.plans.length === 0) return { preview: result, importId: null }
    // The bytes are valid UTF-8 without NUL (the preview refused anything else), so they keep as text.
    const content = upload.content.toString('utf8')
    return db.transaction().execute(async (trx) => {
      const importId = await repo.insertUpload(trx, {
        createdBy: user.id,
        fileName: upload.fileName,
        content,
        sha256: sha256(content),
      })
      await logPreview(trx, actor, result, importId)
      return { preview: result, importId }
    })
  }

  async function logPreview(
    trx: Kysely<Database>,
    actor: Actor,
    result: Extract<ImportPreview, { ok: true }>,
    importId: string,
  ) {
    if (result.matchedPersonIds.length === 0) return
    await recordAudit(trx, actor, {
      category: 'consultation',
      event: 'drug_tests.import_previewed',
      entityType: 'drug_test_import',
      entityId: importId,
      detail: { rows: result.rows, personIds: result.matchedPersonIds },
    })
  }

  /**
   * Imports a kept file: only its uploader may, while it is fresh. The preview is made again
   * inside the transaction; if it no longer says what the user confirmed (someone recorded
   * one of the tests meanwhile, say), nothing is written and the new preview is shown.
   */
  async function commit(user: ImportUser, importId: string, expected: Expected, actor: Actor): Promise<CommitResult> {
    try {
      return await db.transaction().execute(async (trx): Promise<CommitResult> => {
        await repo.lockImports(trx)
        const upload = await repo.findUploadForUpdate(trx, importId, user.id)
        if (!upload || sha256(upload.content) !== upload.sha256) return { kind: 'notFound' }
        const again = await previewDrugTestImport(trx, user, upload.content, { now: clock() })
        if (!again.ok || again.plans.length !== expected.tests || again.newPeople.length !== expected.people) {
          if (again.ok) await logPreview(trx, actor, again, importId)
          return { kind: 'changed', preview: again, importId, fileName: upload.file_name }
        }
        const outcome = await writeDrugTestImport(trx, user, again, actor, {
          detail: { importId, fileName: upload.file_name },
        })
        await repo.deleteUpload(trx, importId)
        return { kind: 'done', ...outcome }
      })
    } catch (error) {
      // A test or a PNC ID recorded by someone else in the same moment: show what is true now.
      if (!isUniqueViolation(error)) throw error
      const upload = await repo.findUploadForUpdate(db, importId, user.id)
      if (!upload) return { kind: 'notFound' }
      const now = await previewDrugTestImport(db, user, upload.content, { now: clock() })
      if (now.ok) await logPreview(db, actor, now, importId)
      return { kind: 'changed', preview: now, importId, fileName: upload.file_name }
    }
  }

  return { preview, commit }
}
