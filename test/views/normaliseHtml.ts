/**
 * HTML compared up to white space, which the Nunjucks macros spend on indenting their output: runs
 * of it are one space, and none is kept beside a tag.
 */
export function normalise(html: string): string {
  return html
    .replace(/\s+/g, ' ')
    .replace(/\s*(<[^>]*>)\s*/g, '$1')
    .trim()
}
