// ESM + ts-jest: `.js` import suffixes are mapped back to the TypeScript sources.
export default {
  preset: 'ts-jest/presets/default-esm',
  testEnvironment: 'node',
  roots: ['<rootDir>/__tests__'],
  testMatch: ['**/*.test.ts'],
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  transform: {
    '^.+\\.ts$': [
      'ts-jest',
      { useESM: true, tsconfig: 'tsconfig.json', diagnostics: { ignoreCodes: [151002] } }
    ]
  },
  testTimeout: 30000,
  // End-to-end files spend most of their time waiting on dist/index.js child processes and the
  // simulator's timers, so more workers than cores keep the two cores busy.
  maxWorkers: 4,
  testSequencer: '<rootDir>/__tests__/helpers/slow-first.js'
}
