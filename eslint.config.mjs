// Type-aware linting: floating/misused promises and exhaustive switches are errors, as in the conventions.
import { readFileSync } from 'node:fs';
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import prettier from 'eslint-config-prettier';

/**
 * The layering, bottom up: what each library may import of the others. Contracts sit at the bottom and
 * import nothing of ours; no library imports an app, the simulators or the test harness (`testing`, which
 * starts real services, is for tests, benches and scripts only). Every `@lg/*` alias must be listed here,
 * so that a new library states its place. Import cycles are checked apart (`npm run cycles`).
 */
const LIB_DEPENDENCIES = {
  contracts: [],
  redis: ['contracts'],
  mqtt: [],
  config: ['contracts'],
  registry: ['contracts'],
  storage: ['contracts'],
  auth: ['contracts'],
  duty: ['contracts', 'redis'],
  jt808: ['contracts'],
  'jt808-server': ['contracts', 'ingest', 'jt808', 'redis', 'registry'],
  observability: ['config', 'contracts'],
  services: ['registry', 'contracts'],
  rules: ['contracts', 'registry', 'jt808'],
  alerts: ['contracts', 'redis', 'registry', 'rules'],
  scorecard: ['contracts', 'redis', 'registry', 'storage', 'observability'],
  evaluation: ['alerts', 'contracts', 'redis', 'registry', 'rules'],
  ingest: ['config', 'contracts', 'redis', 'registry', 'rules'],
  testing: ['registry', 'services'],
  notifications: ['alerts', 'config', 'contracts', 'redis', 'registry'],
  backup: ['config', 'contracts', 'redis', 'storage'],
};
const LIBS = Object.keys(LIB_DEPENDENCIES);
const tsconfig = JSON.parse(readFileSync(new URL('./tsconfig.json', import.meta.url), 'utf8'));
const unplaced = Object.keys(tsconfig.compilerOptions.paths)
  .map((alias) => alias.replace(/^@lg\//, '').replace(/\/\*$/, ''))
  .filter((lib) => lib !== 'simulators' && !LIBS.includes(lib));
if (unplaced.length > 0)
  throw new Error(`eslint.config.mjs: place @lg/${unplaced.join(', @lg/')} in LIB_DEPENDENCIES`);
const NO_RELATIVE_ACROSS = {
  group: ['../../*/src/*', '../../../libs/*', '**/apps/*/src/**'],
  message: 'Import a library by its alias (@lg/...), never by a relative path across packages.',
};
const aliasPatterns = (libs) => libs.flatMap((lib) => [`@lg/${lib}`, `@lg/${lib}/*`]);
const NO_APPS = {
  group: ['**/apps/**', '@lg/simulators/*', '**/simulators/**'],
  message: 'A library never imports an app or the simulators: move what both need into a library.',
};
// What every app and the simulators may not import; a later block for the same files replaces the rule
// whole, so it spreads these in again beside its own patterns.
const APP_PATTERNS = [
  {
    group: aliasPatterns(['testing', 'services']),
    message: 'Apps and simulators do not start services: the harness is for tests, benches and scripts.',
  },
  NO_RELATIVE_ACROSS,
];
const layering = [
  ...LIBS.map((lib) => ({
    files: [`libs/${lib}/src/**/*.ts`],
    ignores: ['**/*.spec.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: aliasPatterns(LIBS.filter((l) => l !== lib && !LIB_DEPENDENCIES[lib].includes(l))),
              message: `libs/${lib} may import only ${LIB_DEPENDENCIES[lib].map((l) => '@lg/' + l).join(', ') || 'nothing of ours'} (eslint.config.mjs, LIB_DEPENDENCIES).`,
            },
            NO_APPS,
          ],
        },
      ],
    },
  })),
  {
    files: ['apps/**/*.ts', 'simulators/**/*.ts'],
    ignores: ['**/*.spec.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: APP_PATTERNS,
        },
      ],
    },
  },
  {
    // Inside the gateway, HTTP and Socket.IO sit on top: the API's schemas (contract/), the access rules
    // (access/) and the outside systems (infra/) never import a controller, a filter or the live feed.
    files: ['apps/gateway/src/{access,contract,infra}/**/*.ts'],
    ignores: ['**/*.spec.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            ...APP_PATTERNS,
            {
              group: ['../http/*', '../live/*'],
              message:
                'The gateway layers downwards: http/ and live/ use access/, contract/ and infra/, never the reverse.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['apps/dashboard/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [
            {
              name: '@lg/contracts',
              message:
                'The dashboard takes the contract module by module (@lg/contracts/alert): the index pulls in Node-only code.',
            },
          ],
          patterns: [
            {
              group: aliasPatterns(LIBS.filter((l) => l !== 'contracts')),
              message:
                'The dashboard runs in the browser: it takes the contract module by module (@lg/contracts/alert) and nothing else of ours.',
            },
            NO_RELATIVE_ACROSS,
          ],
        },
      ],
    },
  },
];

export default tseslint.config(
  {
    ignores: [
      'dist/**',
      'node_modules/**',
      'coverage/**',
      '.run/**',
      'artifacts/**',
      '**/*.js',
      '**/*.mjs',
      'apps/gateway/public/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/switch-exhaustiveness-check': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-restricted-properties': [
        'error',
        {
          object: 'process',
          property: 'env',
          message: 'Read configuration through the app config schema (@lg/config).',
        },
      ],
    },
  },
  {
    files: ['**/*.spec.ts', 'test/**/*.ts', 'libs/testing/**/*.ts'],
    rules: {
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/unbound-method': 'off',
    },
  },
  {
    files: ['libs/config/**/*.ts', 'libs/testing/**/*.ts', 'test/**/*.ts', 'scripts/**/*.ts'],
    rules: { 'no-restricted-properties': 'off' },
  },
  ...layering,
  prettier,
);
