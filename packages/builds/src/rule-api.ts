/**
 * What a build rule needs: its definition helper, the invocation model's types and the small
 * helpers rules call. Rules import this entry, not the package's index, so linting Dockerfiles
 * does not load the compose/CI/bake readers and their YAML and HCL parsers.
 */
export type * from './model.js';
export { defineBuildRule, isBuildRule, type AnyBuildRule, type BuildRuleContext, type BuildRuleDefinition, type BuildVisitors, type DockerfileInfo, type EnabledBuildRule } from './lint.js';
export { normalizeRef, repositoryOf, hasTag } from './refs.js';
export { workflowRoot } from './paths.js';
