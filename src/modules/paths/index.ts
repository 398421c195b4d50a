/**
 * Escalation paths: definitions, versions, review, evidence, the simulator and the playbook.
 * What other modules may import. Types and schemas come first: other modules' schemas are
 * built from them when their files load.
 */
export * from './path.types.js';
export * from './path.schema.js';
export {
  validatePath,
  compilePaths,
  matchPaths,
  diffPathVersions,
  targetKey,
  normaliseText,
  type CompiledPaths,
} from './path.policy.js';
export { pathOf, definitionOf, type PathView, type SimulationView } from './paths.presenter.js';
export { listPaths } from './paths.repository.js';
export { PathsService, PATH_REVIEW_JOB, PLAYBOOK_ARTICLES_PER_PATH, assertLevel, type PlaybookArticleSource } from './paths.service.js';
export { pathsRoutes } from './paths.routes.js';
