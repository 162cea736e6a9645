// @ts-check
import tseslint from 'typescript-eslint';

const ioModules = [
  'node:*',
  'pg',
  'postgres',
  'drizzle-orm',
  'drizzle-orm/*',
  '@electric-sql/*',
  'redis',
  'ioredis',
  'uWebSockets.js',
  'socket.io',
  'socket.io-client',
  'pino',
  'pg-boss',
];
const outside = (...folders) => folders.flatMap((f) => [`**/${f}`, `**/${f}/**`]);

/** Server folders that are product features; the engine (server/runtime/) imports none. */
const FEATURE_FOLDERS = [
  'ai',
  'analytics',
  'audit',
  'auth',
  'channels',
  'commerce',
  'conversations',
  'demo',
  'email',
  'http',
  'privacy',
  'realtime',
  'settings',
  'team',
];

/** Statements that write inbox rows: SQL text, and drizzle's `insert(inbox)`. */
const INBOX_WRITES = [
  {
    selector:
      'Literal[value=/insert\\s+into\\s+inbox\\b/i], TemplateElement[value.raw=/insert\\s+into\\s+inbox\\b/i]',
    message: 'Only the inbox entrance writes inbox rows: use runtime.inbox.append(tx, events).',
  },
  {
    selector: "CallExpression[callee.property.name='insert'][arguments.0.name='inbox']",
    message: 'Only the inbox entrance writes inbox rows: use runtime.inbox.append(tx, events).',
  },
];

export default tseslint.config(
  {
    ignores: [
      'node_modules/**',
      '.data/**',
      'coverage/**',
      'client/dist/**',
      'server/persistence/migrations/**',
    ],
  },
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts', '**/*.tsx'],
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    rules: {
      // An un-awaited persist, publish or send is silent data loss in this product (docs/style.md
      // rule 20).
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/await-thenable': 'error',
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrorsIgnorePattern: '^_' },
      ],
    },
  },
  {
    files: ['eslint.config.js'],
    ...tseslint.configs.disableTypeChecked,
  },
  // Import boundaries (docs/style.md rules 1–3): shared ← actors ← server, shared ← client.
  {
    files: ['shared/**'],
    rules: {
      'no-console': 'error',
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: [...outside('server', 'actors', 'client', 'test'), ...ioModules, 'xstate'],
              message: 'shared/ holds contracts only: zod schemas, types and tables, no IO.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['actors/**'],
    rules: {
      'no-console': 'error',
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: [...outside('server', 'client', 'test'), ...ioModules],
              message: 'actors/ imports only xstate and shared/.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['client/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: [
                ...outside('server', 'actors', 'test'),
                ...ioModules.filter((m) => m !== 'socket.io-client'),
              ],
              message: 'client/ imports only shared/ and browser packages.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['server/**'],
    rules: {
      'no-console': 'error',
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: [...outside('client', 'test', 'bench')],
              message: 'server/ never imports client/, test/ or bench/.',
            },
          ],
        },
      ],
      // One entrance to the inbox (the runtime's), which takes the conversation's inbox lock
      // that keeps apply order equal to id order; a second writer skipped it once (consent).
      'no-restricted-syntax': ['error', ...INBOX_WRITES],
    },
  },
  // The engine knows no product: read models and effect handlers are plugged in by main.ts
  // (projectors, `runtime.handle`), so a feature can change without touching the runtime.
  {
    files: ['server/runtime/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: [...outside('client', 'test', 'bench')],
              message: 'server/ never imports client/, test/ or bench/.',
            },
            {
              group: FEATURE_FOLDERS.flatMap((f) => [`../${f}`, `../${f}/**`]),
              message:
                'server/runtime/ imports no feature folder: register a projector or an effect handler from main.ts.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['server/runtime/inbox.ts'],
    rules: { 'no-restricted-syntax': 'off' },
  },
);
