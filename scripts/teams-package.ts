// The Teams packaging code lives in src/cli/teams-package.ts (run it with `kudos teams-package` or
// `npm run teams:package`); this re-export keeps older imports working.
export * from '../src/cli/teams-package';
