import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['node_modules/', 'dist/', '.tools/', 'coverage/', 'bench/results/', 'test-artifacts/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      eqeqeq: ['error', 'always'],
      'no-console': 'off',
    },
  },
  {
    // Workflow code runs in Temporal's deterministic sandbox: no Node built-ins, no I/O, no wall clock.
    // Type-only imports of activity interfaces are fine: they vanish from the bundle.
    files: ['workflows/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['node:*', 'fs', 'path', 'http', 'https', 'net', 'crypto', 'child_process'], message: 'no I/O in workflow code' },
            {
              group: ['axios', '@temporalio/client', '@temporalio/worker', '@temporalio/activity', '**/bitrix24', '**/bitrix24/**', '**/sandbox/**', '**/activities/**'],
              message: 'workflow code must not depend on I/O layers',
              allowTypeImports: true,
            },
          ],
        },
      ],
    },
  },
  {
    // Workflow code may read Date.now(): the SDK replaces it with deterministic workflow time.
    files: ['src/domain/**/*.ts'],
    rules: {
      'no-restricted-properties': [
        'error',
        { object: 'Date', property: 'now', message: 'no clock reads in deterministic code; pass time in' },
        { object: 'Math', property: 'random', message: 'no randomness in deterministic code' },
      ],
    },
  },
  {
    files: ['src/domain/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['node:*', 'fs', 'path', 'http', 'https', 'net', 'crypto', 'child_process'], message: 'the domain is pure' },
            { group: ['@temporalio/*', 'axios', '../*/**', '../../*'], message: 'the domain depends on nothing outside src/domain' },
          ],
        },
      ],
    },
  },
);
