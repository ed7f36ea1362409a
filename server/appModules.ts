// What the composition root (main.ts) assembles the app from, in one module so that main.ts can
// load it while the database opens rather than before.
export { createApp } from './app.ts'
export { gracefulClose } from './http/gracefulClose.ts'
export { deleteExpiredIdempotencyKeys } from './features/idempotency/writeOnce.ts'
export { startAuditSealer } from './features/audit/auditSealer.ts'
export { startDipSweep } from './features/dip/dipSweep.ts'
export { startOverdueRoll } from './features/casework/overdueRoll.ts'
export { startAuditCheckpoints } from './features/audit/auditCheckpoint.ts'
export { resolveAuditKeys, useAuditKeys } from './features/audit/auditKey.ts'
export { createServices } from './services.ts'
export { resolveSessionSecret } from './sessionSecret.ts'
