export const demoPassword = 'cohort-demo'
export const testSessionSecret = 'test-secret-that-is-long-enough-for-the-schema-0123456789'
