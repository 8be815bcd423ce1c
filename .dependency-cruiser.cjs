// Boundary rules for the monorepo, checked by `npm run lint:deps` (part of `npm run check`).
// Why: the layout in docs/ARCHITECTURE.md only stays true if a tool, not a reviewer, enforces it.
/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'A cycle is a boundary bug: split the shared part out instead.',
      from: {},
      to: { circular: true },
    },
    {
      name: 'engine-is-pure',
      severity: 'error',
      comment:
        'packages/engine runs in the server, in SDKs and in browsers: no Node built-ins, no npm packages, no other workspace.',
      from: { path: '^packages/engine/src' },
      to: {
        pathNot: '^packages/engine/src',
      },
    },
    {
      name: 'apps-do-not-import-apps',
      severity: 'error',
      comment: 'Each app is deployed alone; share code through packages/ instead.',
      from: { path: '^apps/([^/]+)/' },
      to: { path: '^apps/', pathNot: '^apps/$1/' },
    },
    {
      name: 'packages-do-not-import-apps',
      severity: 'error',
      from: { path: '^packages/' },
      to: { path: '^apps/' },
    },
    {
      name: 'modules-only-through-index',
      severity: 'error',
      comment: 'A server module is used by others only through its index.ts (its public surface).',
      from: { path: '^apps/server/src/modules/([^/]+)/' },
      to: {
        path: '^apps/server/src/modules/[^/]+/',
        pathNot: ['^apps/server/src/modules/$1/', '^apps/server/src/modules/[^/]+/index\\.ts$'],
      },
    },
    {
      name: 'outside-uses-module-index',
      severity: 'error',
      comment: 'Code outside src/modules reaches a module only through its index.ts.',
      from: { path: '^apps/server/(src|test|scripts)/', pathNot: '^apps/server/src/modules/' },
      to: { path: '^apps/server/src/modules/[^/]+/', pathNot: '^apps/server/src/modules/[^/]+/index\\.ts$' },
    },
    {
      name: 'src-does-not-import-tests',
      severity: 'error',
      from: { path: '/src/', pathNot: '\\.test\\.ts$' },
      to: { path: '(\\.test\\.ts$|/test/)' },
    },
    {
      name: 'not-to-unresolvable',
      severity: 'error',
      from: {},
      to: { couldNotResolve: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '(node_modules|/dist/|/data/)' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.depcruise.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
      extensions: ['.ts', '.tsx', '.js', '.mjs', '.cjs', '.json'],
    },
  },
};
