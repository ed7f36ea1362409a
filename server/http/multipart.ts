import type { RequestHandler } from 'express'
import multer from 'multer'

/**
 * One file, held in memory (never on disk), with small limits on everything else. A problem
 * with the upload does not fail the request here: it is left in res.locals.uploadProblem for
 * the route to show on its form, once the CSRF token (sent before the file) has been checked.
 */
export function singleFileUpload(options: { field: string; maxBytes: number; sizeText: string }): RequestHandler {
  const upload = multer({
    storage: multer.memoryStorage(),
    limits: { fileSize: options.maxBytes, files: 1, fields: 10, fieldSize: 10_000, parts: 12, headerPairs: 100 },
  }).single(options.field)
  return (req, res, next) => {
    upload(req, res, (error: unknown) => {
      if (error) {
        const code = (error as { code?: unknown }).code
        res.locals.uploadProblem =
          code === 'LIMIT_FILE_SIZE'
            ? `The file must be smaller than ${options.sizeText}`
            : code === 'LIMIT_FILE_COUNT' || code === 'LIMIT_UNEXPECTED_FILE'
              ? 'Upload one file only'
              : 'The upload could not be read: try again'
        delete req.file
      }
      next()
    })
  }
}
