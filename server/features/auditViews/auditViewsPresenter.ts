import type { AuditCategory } from '../../../db/types.ts'

/** The audit log's categories (DPA 2018 s62's kinds of processing), in the order the filters list them. */
export const categories = ['collection', 'alteration', 'consultation', 'disclosure', 'combination', 'erasure', 'security', 'administration'] as const
export const categoryLabels: Record<AuditCategory, string> = {
  collection: 'Collection',
  alteration: 'Alteration',
  consultation: 'Consultation',
  disclosure: 'Disclosure',
  combination: 'Combination',
  erasure: 'Erasure',
  security: 'Security',
  administration: 'Administration',
}
