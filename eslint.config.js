// @ts-check
import js from '@eslint/js'
import tseslint from 'typescript-eslint'

export default tseslint.config(
  { ignores: ['node_modules/', 'data/', 'coverage/', 'dist/', 'views/assets/vendor/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-console': 'error',
      eqeqeq: ['error', 'always'],
    },
  },
  {
    // Migrations are frozen in time: they must not depend on today's Database type.
    files: ['migrations/**/*.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
  {
    files: ['server/cli/**/*.ts', 'test/**/*.ts', 'db/seed/**/*.ts'],
    rules: { 'no-console': 'off' },
  },
  {
    files: ['views/assets/**/*.js'],
    languageOptions: { globals: { document: 'readonly', window: 'readonly', HTMLScriptElement: 'readonly' } },
  },
)
