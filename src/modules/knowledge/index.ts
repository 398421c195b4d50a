// Knowledge (issue 19): articles, similar past escalations, deflections.
export { KnowledgeService } from './knowledge.service.js';
export { knowledgeRoutes } from './knowledge.routes.js';
export { ArticleView, SimilarEscalationView } from './knowledge.presenter.js';
export * from './knowledge.types.js';
