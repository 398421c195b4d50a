export * from './templates/index.js';
