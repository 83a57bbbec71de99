export { everyRule } from './list.js';
export { allRules, buildRules, rulesById, dockerfileRulesById, buildRulesById, resolveRuleName, ruleDocs } from './registry.js';
