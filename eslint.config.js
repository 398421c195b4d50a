import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'data/**', 'coverage/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-restricted-properties': [
        'error',
        { object: 'Date', property: 'now', message: 'Use the injected Clock (src/lib/clock.ts).' },
      ],
    },
  },
  {
    files: ['src/lib/clock.ts', 'bench/**', 'test/**', '**/*.test.ts', 'web/**'],
    rules: { 'no-restricted-properties': 'off' },
  },
);
