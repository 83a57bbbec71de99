/**
 * Build invocations: where a repository builds images (compose files, shell scripts, Makefiles,
 * GitHub Actions workflows, GitLab CI, bake files), which Dockerfile and stage each builds, and
 * with which cache sources, exports, tags and pushes, every setting with its source range.
 */
export * from './model.js';
export { parseCompose, readDotEnv, type ComposeOptions } from './sources/compose.js';
export { parseShellScript, type ShellScriptOptions } from './sources/shell.js';
export { parseMakefile, type MakefileOptions } from './sources/makefile.js';
export { parseGithubWorkflow, type GithubWorkflowOptions } from './sources/github.js';
export { workflowRoot } from './paths.js';
export { parseGitlabCi, type GitlabCiOptions } from './sources/gitlab.js';
export { parseBakeHcl, parseBakeJson, parseBakeFiles, type BakeOptions, type BakeSource } from './sources/bake.js';
export { initHcl, isHclReady } from './hcl.js';
export {
  classifyFile,
  findInvocationFiles,
  loadInvocations,
  linkRuns,
  invocationsFor,
  buildsInfoFor,
  type FindOptions,
  type InvocationFileRef,
  type LoadOptions,
  type LoadResult,
} from './load.js';
export { parseCacheSpec, splitCsv } from './cache.js';
export { normalizeRef, repositoryOf, hasTag } from './refs.js';
export { envVar, expandShellWord, expandCompose, expandGithub, type Env, type EnvVar, type Expanded } from './expand.js';
export {
  defineBuildRule,
  isBuildRule,
  lintInvocationFile,
  type AnyBuildRule,
  type BuildLintOptions,
  type BuildLintResult,
  type BuildRuleContext,
  type BuildRuleDefinition,
  type BuildVisitors,
  type DockerfileInfo,
  type EnabledBuildRule,
} from './lint.js';
export { dockerfileReader, type DockerfileReaderOptions } from './dockerfiles.js';
export {
  BuildRuleTester,
  lintRepositoryFiles,
  readRepositoryFiles,
  type BuildExpectedError,
  type BuildExpectedRelated,
  type BuildInvalidCase,
  type BuildTestHooks,
  type BuildValidCase,
  type RepositoryFinding,
  type RepositoryLintResult,
} from './testing.js';
