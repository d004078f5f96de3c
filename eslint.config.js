import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/**', 'coverage/**', '.tap/**', 'data/**', 'node_modules/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: { '@typescript-eslint/consistent-type-imports': 'error' },
  },
  {
    // Pure cores: codecs, the verification engine, the supervisor's bookkeeping, the monthly
    // report's figures and renderers. No sockets, files, clocks, logs or storage: time and
    // randomness are arguments.
    files: ['src/protocols/**/*.ts', 'src/verification/**/*.ts', 'src/supervision/supervisor.ts', 'src/supervision/due-heap.ts', 'src/supervision/period-rate.ts', 'src/report/**/*.ts'],
    // The shells (storage, timers, routes) are the I/O edge around them.
    ignores: ['src/verification/shell/**', 'src/report/load-*.ts', 'src/report/monthly-report-service.ts', 'src/report/report-routes.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        paths: ['node:net', 'node:dgram', 'node:fs', 'node:fs/promises', 'node:child_process', 'pino', 'kysely', 'fastify', 'pg', 'serialport'],
      }],
      'no-restricted-properties': ['error',
        { object: 'Date', property: 'now', message: 'codecs take time as an argument' },
        { object: 'Math', property: 'random', message: 'codecs take randomness as an argument' }],
      'no-restricted-globals': ['error', { name: 'console', message: 'codecs do not log' }, { name: 'process', message: 'codecs read no environment' }],
    },
  },
  {
    files: ['test/**/*.ts'],
    rules: {
      '@typescript-eslint/no-floating-promises': 'off',
      '@typescript-eslint/require-await': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
    },
  },
  {
    files: ['**/*.js', '**/*.mjs', 'bin/*'],
    extends: [tseslint.configs.disableTypeChecked],
    languageOptions: { globals: { process: 'readonly', console: 'readonly', Buffer: 'readonly', URL: 'readonly' } },
  },
);
