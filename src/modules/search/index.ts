// Search (issue 19): one tokenizer, one index on both databases. Other modules index their
// things in their own transactions through SearchService.indexDocument / removeDocument.
export { SearchService, type SearchHitView, type SearchResult, type ReindexProgress, RANK_CANDIDATES, SCAN_LIMIT } from './search.service.js';
export { searchRoutes } from './search.routes.js';
export { SearchHitView as SearchHitSchema, MarkedText } from './search.presenter.js';
export * from './search.types.js';
export { TOKENIZER_VERSION, tokenize, parseQuery, normalise, snippet, indexText } from './tokenizer.js';
