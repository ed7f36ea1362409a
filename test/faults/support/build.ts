// The fault tests and the benchmark start the build as `npm start` does, rebuilt first if stale.
export { builtMain, ensureBuilt } from '../../../server/cli/buildFreshness.ts'
