export { allRules } from './list.js';
export { rulesById, resolveRuleName, ruleDocs } from './registry.js';
