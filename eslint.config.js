import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import nx from '@nx/eslint-plugin';

// Tags come from each package.json's `nx.tags`; the constraints are the import table of DESIGN.md section 2.
const importTable = [
  { sourceTag: 'scope:toon', onlyDependOnLibsWithTags: [] },
  { sourceTag: 'scope:hypervisor-v2', onlyDependOnLibsWithTags: [] },
  { sourceTag: 'scope:core', onlyDependOnLibsWithTags: ['scope:toon', 'scope:hypervisor-v2'] },
  { sourceTag: 'scope:bridge', onlyDependOnLibsWithTags: ['scope:hypervisor-v2', 'scope:toon'] },
  {
    sourceTag: 'scope:cli',
    onlyDependOnLibsWithTags: ['scope:toon', 'scope:hypervisor-v2', 'scope:core', 'scope:bridge'],
  },
];

export default tseslint.config(
  { ignores: ['**/dist/**', '**/coverage/**', '**/node_modules/**', '.nx/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    plugins: { '@nx': nx },
    rules: {
      '@nx/enforce-module-boundaries': [
        'error',
        {
          enforceBuildableLibDependency: true,
          allow: [],
          depConstraints: importTable,
          // The CLI loads our packages lazily per command (fast --help), and statically inside the modules it
          // loads that way; the rule's bundle-splitting concern does not apply to a Node program.
          checkDynamicDependenciesExceptions: ['@kazuba/**'],
        },
      ],
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', ignoreRestSiblings: true }],
    },
  },
  {
    files: ['**/*.js', '**/*.mjs'],
    // The Node globals that the scripts (bench, reliability, tools, jest configs) use.
    languageOptions: {
      globals: {
        process: 'readonly',
        console: 'readonly',
        URL: 'readonly',
        Buffer: 'readonly',
        TextEncoder: 'readonly',
        TextDecoder: 'readonly',
        performance: 'readonly',
        setTimeout: 'readonly',
        clearTimeout: 'readonly',
      },
    },
  },
);
