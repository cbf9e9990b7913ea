// @ts-check
import eslint from '@eslint/js';
import boundaries from 'eslint-plugin-boundaries';
import prettier from 'eslint-config-prettier';
import tseslint from 'typescript-eslint';

/**
 * One-way layering inside each app (DESIGN.md, "Layers"): a folder may import only the folders
 * listed before it; `shared` folders (common, settings) sit under every layer; the app's root
 * files (app.module.ts, main.ts, cli.ts) wire everything. Same-folder imports are always allowed.
 */
const APP_LAYERS = {
  messaging: ['graph', 'delivery', 'conversations', 'messages', 'commands', 'graphql'],
  feed: ['graph', 'posts', 'timeline', 'notifications', 'graphql'],
  profiles: ['profiles', 'graph', 'graphql'],
  auth: ['users', 'credentials', 'audit', 'admin', 'accounts', 'mail', 'auth', 'oidc', 'graphql'],
  push: ['graph', 'subscriptions', 'delivery'],
  gateway: ['proxy', 'health', 'web', 'docs', 'graphql', 'realtime'],
};
const SHARED_FOLDERS = ['common'];

const layerElements = Object.entries(APP_LAYERS).flatMap(([app, layers]) => [
  ...[...SHARED_FOLDERS, ...layers].map((layer) => ({
    type: `${app}/${layer}`,
    pattern: `apps/${app}/src/${layer}`,
    partialMatch: false,
  })),
  { type: `${app}/migrations`, pattern: `apps/${app}/src/migrations`, partialMatch: false },
]);

const layerPolicies = Object.entries(APP_LAYERS).flatMap(([app, layers]) => [
  ...layers.map((layer, i) => ({
    from: { element: { type: `${app}/${layer}` } },
    allow: {
      to: { element: { types: { anyOf: [...SHARED_FOLDERS, ...layers.slice(0, i + 1)].map((l) => `${app}/${l}`) } } },
    },
  })),
  ...SHARED_FOLDERS.map((shared) => ({
    from: { element: { type: `${app}/${shared}` } },
    allow: { to: { element: { type: `${app}/${shared}` } } },
  })),
]);

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', '.data/**', 'coverage/**', '**/*.js', '**/*.mjs'] },
  eslint.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  prettier,
  {
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: { arguments: false } }],
      '@typescript-eslint/switch-exhaustiveness-check': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
      '@typescript-eslint/require-await': 'off',
      '@typescript-eslint/unbound-method': 'off',
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['@plaza/*/*'], message: 'Import a lib only through its public index: @plaza/<lib>.' },
            { group: ['**/libs/*', '**/libs/*/**'], message: 'Import libs as @plaza/<lib>, never by relative path.' },
            {
              group: ['**/apps/*', '**/apps/*/**', '../../*/src', '../../*/src/**'],
              message: 'Apps never import each other.',
            },
          ],
        },
      ],
    },
  },
  {
    // Root files (app.module.ts, main.ts, cli.ts) are the wiring: they import every layer.
    files: ['apps/*/src/*/**/*.ts'],
    ignores: ['apps/web/**'],
    plugins: { boundaries },
    settings: {
      'boundaries/elements': layerElements,
      'import/resolver': { node: { extensions: ['.ts'] } },
    },
    rules: {
      // A folder missing from APP_LAYERS is an error, not a silent exception to the layering.
      'boundaries/no-unknown-files': 'error',
      // Nothing in a layer imports the app's root files (app.module.ts, main.ts).
      'boundaries/no-unknown-dependencies': 'error',
      'boundaries/dependencies': [
        'error',
        {
          default: 'disallow',
          policies: [...layerPolicies],
        },
      ],
    },
  },
  {
    files: ['**/*.spec.ts', '**/*.e2e-spec.ts', 'test/**/*.ts', 'libs/testing/**/*.ts'],
    rules: {
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-non-null-assertion': 'off',
    },
  },
);
